import { median } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'
import type { BatchRunner } from './batch-runner.js'
import { STICKY_BATCH_FACTOR, stickyBatchSize } from './calibration-cache.js'
import { CALIBRATION_BATCH_NS } from './defaults.js'
import { nowNs } from './timer.js'
import type { BatchHooks } from './types.js'

/** Run one batch with its untimed hooks around it. */
export async function runHookedBatch(run: BatchRunner, k: number, hooks: BatchHooks): Promise<number> {
  if (hooks.setup) await hooks.setup()
  const elapsedNs = await run(k)
  if (hooks.teardown) await hooks.teardown()
  return elapsedNs
}

export interface Calibration {
  batchSize: number
  /** Per-call estimate the batch size was chosen from. */
  perCallNs: number
  warmupNs: number
  /** Where the batch size came from: fixed by an option, remembered from an earlier process, or fresh. */
  source: 'option' | 'remembered' | 'calibrated'
}

/** Probe batches the per-call estimate is taken from; their median is the estimate. */
const PROBE_BATCHES = 7
/** The largest batch batchSizeFor() gives. */
const MAX_CALLS_PER_BATCH = 2 ** 30

/**
 * The batch size for a per-call cost: the largest power of two whose batch stays within the
 * target (at least 1). Batches then take between half the target and the target, so a time
 * budget's minimum samples always fit. Powers of two make the choice coarse on purpose: small
 * differences between processes in the estimate give the same batch size (see TARGET_BATCH_NS for
 * where the boundaries fall, and calibration-cache.ts for what covers the rest).
 */
export function batchSizeFor(perCallNs: number, targetBatchNs: number): number {
  if (!(perCallNs > 0)) return MAX_CALLS_PER_BATCH
  const exact = targetBatchNs / perCallNs
  if (exact < 2) return 1
  return Math.min(MAX_CALLS_PER_BATCH, 2 ** Math.floor(Math.log2(exact)))
}

/**
 * Warm the function up through the same loops that will time it (so each loop is optimised with
 * the function inlined), growing the batch until it reaches CALIBRATION_BATCH_NS (or the target,
 * if smaller), then estimate the per-call cost from the median of seven batches of that size and choose the
 * batch size for the target from it. A stall in four of them inflates the estimate and so
 * shortens the batches; bench() then sizes them again once sampling shows it
 * ({@link resizedBatchSize}).
 *
 * `runs` are independently compiled copies of the same loop; warm-up rotates through all of them
 * so every copy is optimised before anything is recorded.
 */
export async function warmUpAndCalibrate(
  runs: BatchRunner | readonly BatchRunner[],
  hooks: BatchHooks,
  options: { warmupNs: number; targetBatchNs: number; fixedBatchSize?: number; rememberedBatchSize?: number },
): Promise<Calibration> {
  const copies = typeof runs === 'function' ? [runs] : runs
  const start = nowNs()
  const fixed = options.fixedBatchSize
  // Warm up with batches that grow to the calibration size (or the target, if smaller): long
  // enough for the timer not to matter, short enough to leave the budget for measuring.
  const probeNs = Math.min(options.targetBatchNs, CALIBRATION_BATCH_NS)
  let k = 1
  let lastNs = 0
  let turn = 0
  do {
    lastNs = await runHookedBatch(copies[turn++ % copies.length]!, fixed ?? k, hooks)
    // Grow by at most 2x per step so a batch never overshoots the probe size by much.
    if (fixed === undefined && lastNs < probeNs) k *= 2
  } while (nowNs() - start < options.warmupNs || turn < copies.length)

  if (fixed !== undefined) {
    return { batchSize: fixed, perCallNs: lastNs / fixed, warmupNs: nowNs() - start, source: 'option' }
  }
  // A warm-up cut short (a stall, a small budget) can end on batches too short to estimate from,
  // where the cost of timing a batch weighs on every call: grow them to the probe size first.
  while (lastNs < probeNs && k < MAX_CALLS_PER_BATCH) {
    lastNs = await runHookedBatch(copies[turn++ % copies.length]!, k, hooks)
    if (lastNs < probeNs) k *= 2
  }
  // One call already fills a batch: nothing to estimate, and more calls would only spend budget.
  if (k === 1 && lastNs >= options.targetBatchNs / 2) {
    return { batchSize: 1, perCallNs: lastNs, warmupNs: nowNs() - start, source: 'calibrated' }
  }
  const perCall: number[] = []
  for (let i = 0; i < PROBE_BATCHES; i++)
    perCall.push((await runHookedBatch(copies[turn++ % copies.length]!, k, hooks)) / k)
  perCall.sort((a, b) => a - b)
  const perCallNs = perCall[PROBE_BATCHES >> 1] ?? lastNs / k
  const fresh = batchSizeFor(perCallNs, options.targetBatchNs)
  const batchSize = stickyBatchSize(options.rememberedBatchSize, fresh, perCallNs, options.targetBatchNs)
  return {
    batchSize,
    perCallNs,
    warmupNs: nowNs() - start,
    source: batchSize === options.rememberedBatchSize ? 'remembered' : 'calibrated',
  }
}

/** Batches whose median tells whether the code has sped up since calibration. */
export const SETTLE_BATCHES = 5

/**
 * A larger batch size when the code has sped up since it was calibrated, else undefined: when
 * the median of the last {@link SETTLE_BATCHES} batches is shorter than target / STICKY_BATCH_FACTOR,
 * the batch size the target asks for at their per-call time (a remembered size kept if it fits).
 *
 * Why: V8 may optimise a function only after the warm-up, and then it runs several times faster
 * than it was calibrated at. In bench/regression-accuracy.ts a map/filter/reduce over 1000
 * numbers ran ~450 µs per call in its first batches and ~100 µs once optimised, so it was timed
 * in batches of 8 calls, 0.8 ms where 3–6 ms were meant, and its per-process median spread 10–17%.
 * A stall during calibration does the same: a ~0.35 µs allocating function once calibrated to
 * 512 calls per batch where 8192 were due, batches of 0.2 ms that mostly miss the minor GCs its
 * allocation causes, so it read ~15% below what 3–6 ms batches give.
 */
export function resizedBatchSize(
  batchTimesNs: readonly number[],
  batchSize: number,
  targetBatchNs: number,
  rememberedBatchSize?: number,
): number | undefined {
  if (batchTimesNs.length < SETTLE_BATCHES) return undefined
  const medianNs = median(sortSamples(batchTimesNs.slice(-SETTLE_BATCHES)))
  if (!(medianNs < targetBatchNs / STICKY_BATCH_FACTOR)) return undefined
  const perCallNs = medianNs / batchSize
  const fresh = batchSizeFor(perCallNs, targetBatchNs)
  const next = stickyBatchSize(rememberedBatchSize, fresh, perCallNs, targetBatchNs)
  return next > batchSize ? next : undefined
}

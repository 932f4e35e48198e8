import type { BatchRunner } from './batch-runner.js'
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
}

/**
 * The batch size for a per-call cost: the smallest power of two whose batch reaches the target.
 * Powers of two make the choice coarse on purpose, so small differences between processes in the
 * estimate give the same batch size (see TARGET_BATCH_NS for where the boundaries fall).
 */
export function batchSizeFor(perCallNs: number, targetBatchNs: number): number {
  if (!(perCallNs > 0)) return 2 ** 20
  const exact = targetBatchNs / perCallNs
  if (exact <= 1) return 1
  return 2 ** Math.min(30, Math.ceil(Math.log2(exact)))
}

/**
 * Warm the function up through the same loop that will time it (so the loop itself is optimised
 * with the function inlined), growing the batch until it reaches the target, then estimate the
 * per-call cost from a few batches at that size and choose the batch size from it.
 */
export async function warmUpAndCalibrate(
  run: BatchRunner,
  hooks: BatchHooks,
  options: { warmupNs: number; targetBatchNs: number; fixedBatchSize?: number },
): Promise<Calibration> {
  const start = nowNs()
  const fixed = options.fixedBatchSize
  let k = 1
  let lastNs = 0
  do {
    lastNs = await runHookedBatch(run, fixed ?? k, hooks)
    // Grow by at most 2x per step so a batch never overshoots the target by much.
    if (fixed === undefined && lastNs < options.targetBatchNs) k *= 2
  } while (nowNs() - start < options.warmupNs)

  if (fixed !== undefined) {
    return { batchSize: fixed, perCallNs: lastNs / fixed, warmupNs: nowNs() - start }
  }
  // The median of a few batches at full size is a steadier estimate than any single batch.
  const perCall: number[] = []
  for (let i = 0; i < 7; i++) perCall.push((await runHookedBatch(run, k, hooks)) / k)
  perCall.sort((a, b) => a - b)
  const perCallNs = perCall[3] ?? lastNs / k
  return {
    batchSize: batchSizeFor(perCallNs, options.targetBatchNs),
    perCallNs,
    warmupNs: nowNs() - start,
  }
}

import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { gcAccess } from '../memory/force-gc.js'
import { measureMemory } from '../memory/measure-memory.js'
import { resolveMemoryBatches } from '../memory/resolve-memory-options.js'
import { afterBench } from '../profile/profile-targets.js'
import { recordResult } from '../results/result-sink.js'
import { createBatchRunner, isThenable } from './batch-runner.js'
import { benchDefaults } from './bench-defaults.js'
import { resizedBatchSize, runHookedBatch, warmUpAndCalibrate } from './calibrate.js'
import { benchCacheKey, resolveCalibrationCache } from './calibration-cache.js'
import {
  DEFAULT_BENCH_TIME_NS,
  DEFAULT_MAX_SAMPLES,
  DEFAULT_MIN_SAMPLES,
  TARGET_BATCH_NS,
  YIELD_EVERY_NS,
} from './defaults.js'
import { withMeasurementLock } from './measurement-lock.js'
import { pinnedBatchSize } from './pinned-batch-sizes.js'
import { checkConfidence, checkPositiveInteger, resolveTime, resolveWarmup } from './resolve-options.js'
import { summarizeBatches } from './summarize.js'
import { nowNs } from './timer.js'
import type { BatchHooks, BenchFn, BenchMemory, BenchOptions, BenchResult } from './types.js'

/** Times a bench may size its batches again after calibration (see resizedBatchSize). */
const MAX_RESIZES = 2

/**
 * Measure a function: warm it up, choose a batch size, then time batches until the time budget is
 * spent, and summarise per-call times with intervals.
 *
 * ```ts
 * const result = await bench('sort 10k', () => sortNumbers(data), { time: '1s' })
 * result.stats.medianNs // per-call median; result.stats.medianIntervalNs its 95% interval
 * ```
 * @throws PerfgateError BENCH_FAILED when the function throws (the error is kept as `cause`);
 *   BENCH_OPTIONS_INVALID / DURATION_INVALID for bad options.
 */
export async function bench(name: string, fn: BenchFn, inline: BenchOptions = {}): Promise<BenchResult> {
  const result = await measureBench(name, fn, inline)
  recordResult({ kind: 'bench', result })
  await afterBench(result, fn, inline) // remember fn for a profile on failure (src/profile)
  return result
}

/**
 * bench() without recording the result or keeping the function for a profile: for perfgate's
 * own measurements that are not a result of the run (the base's copy of a perfTest, measured
 * the way the head's was so that both enter their comparison with the same history).
 */
export async function measureBench(
  name: string,
  fn: BenchFn,
  inline: BenchOptions = {},
): Promise<BenchResult> {
  const defaults = benchDefaults()
  const options: BenchOptions = {
    ...(defaults.time !== undefined && { time: defaults.time }),
    ...(defaults.confidence !== undefined && { confidence: defaults.confidence }),
    ...inline,
  }
  const settings = resolveBenchOptions(name, fn, options)
  // The whole timed section, warm-up included, holds the machine-wide measurement lock: two
  // benches timing at once (parallel Vitest workers) would each measure the other's load.
  const { value: result, waitedNs } = await withMeasurementLock(() => measure(name, fn, options, settings), {
    label: `bench "${name}"`,
  })
  result.timing.lockWaitNs = waitedNs
  return result
}

async function measure(
  name: string,
  fn: BenchFn,
  options: BenchOptions,
  settings: ReturnType<typeof resolveBenchOptions>,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString()
  const start = nowNs()
  const deadline = start + settings.budgetNs
  const hooks = {
    ...(options.setup && { setup: options.setup }),
    ...(options.teardown && { teardown: options.teardown }),
  }

  const isAsync = await detectAsync(name, fn, hooks)
  const run = createBatchRunner(fn, isAsync)

  // A re-measurement child times the batches of the run it joins (see pinned-batch-sizes.ts).
  const fixedBatchSize = options.batchSize ?? pinnedBatchSize(name)
  const cache = fixedBatchSize === undefined ? resolveCalibrationCache(options.calibrationCache) : undefined
  const cacheKey = benchCacheKey(name)
  const remembered = cache?.get(cacheKey)
  let calibration: Awaited<ReturnType<typeof warmUpAndCalibrate>>
  try {
    calibration = await warmUpAndCalibrate(run, hooks, {
      warmupNs: settings.warmupNs,
      targetBatchNs: TARGET_BATCH_NS,
      ...(fixedBatchSize !== undefined && { fixedBatchSize }),
      ...(remembered !== undefined && { rememberedBatchSize: remembered }),
    })
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name, phase: 'warm-up' }, error)
  }
  let k = calibration.batchSize
  let batchSizeSource = calibration.source
  let warmupNs = calibration.warmupNs
  if (cache && batchSizeSource === 'calibrated') cache.set(cacheKey, k)

  const batchTimesNs: number[] = []
  let lastYield = nowNs()
  let lastBatchNs = calibration.perCallNs * k
  let resizes = 0
  try {
    while (batchTimesNs.length < settings.maxSamples) {
      const now = nowNs()
      // Stop before a batch that would overrun the budget, once the minimum is recorded.
      if (batchTimesNs.length >= settings.minSamples && now + lastBatchNs > deadline) break
      lastBatchNs = await runHookedBatch(run, k, hooks)
      batchTimesNs.push(lastBatchNs)
      // Code that V8 optimised only after calibration runs faster than it was sized for: size
      // its batches again and start sampling over, the earlier batches being warm-up really.
      // Only in the first half of the budget, so the minimum samples still fit.
      const resized =
        fixedBatchSize === undefined && resizes < MAX_RESIZES && nowNs() - start < settings.budgetNs / 2
          ? resizedBatchSize(batchTimesNs, k, TARGET_BATCH_NS, remembered)
          : undefined
      if (resized !== undefined) {
        lastBatchNs = (lastBatchNs / k) * resized
        k = resized
        resizes++
        batchTimesNs.length = 0
        warmupNs = nowNs() - start
        batchSizeSource = k === remembered ? 'remembered' : 'calibrated'
        if (cache && batchSizeSource === 'calibrated') cache.set(cacheKey, k)
      }
      if (!isAsync && nowNs() - lastYield > YIELD_EVERY_NS) {
        // A long synchronous loop would starve timers and worker IPC; give them a turn.
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = nowNs()
      }
    }
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name, phase: 'measurement' }, error)
  }

  const wallNs = nowNs() - start
  // Memory has batches of its own, after the timed ones: forced GCs and heap reads inside timed
  // batches would distort the times, and a GC profiler running during them would too.
  const { memoryBatches } = settings
  const memory =
    memoryBatches === null
      ? undefined
      : await measureBenchMemory(name, fn, isAsync, hooks, k, { ...settings, memoryBatches })
  const result: BenchResult = {
    name,
    env: options.env ?? captureEnvironment(),
    batchSize: k,
    batchTimesNs,
    async: isAsync,
    stats: summarizeBatches(batchTimesNs, k, settings.confidence),
    timing: {
      startedAt,
      wallNs,
      warmupNs,
      budgetNs: settings.budgetNs,
      batchSizeSource,
      endedAt: new Date().toISOString(),
      lockWaitNs: 0,
    },
    ...(memory !== undefined && { memory }),
  }
  return result
}

async function measureBenchMemory(
  name: string,
  fn: BenchFn,
  isAsync: boolean,
  hooks: BatchHooks,
  batchSize: number,
  settings: BenchSettings & { memoryBatches: number },
): Promise<BenchMemory> {
  try {
    return await measureMemory(fn, isAsync, hooks, {
      batches: settings.memoryBatches,
      // As long again as the timed part may take, at most: on a large heap each GC is slow.
      timeCapNs: settings.budgetNs,
      batchSize,
      confidence: settings.confidence,
      gc: gcAccess(),
    })
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name, phase: 'the memory batches' }, error)
  }
}

/** Call the function once (with its hooks) to learn whether it is async, and fail early if it throws. */
export async function detectAsync(
  name: string,
  fn: BenchFn,
  hooks: { setup?: () => unknown; teardown?: () => unknown },
): Promise<boolean> {
  try {
    if (hooks.setup) await hooks.setup()
    const first = fn()
    const isAsync = isThenable(first)
    if (isAsync) await first
    if (hooks.teardown) await hooks.teardown()
    return isAsync
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name, phase: 'the first call' }, error)
  }
}

interface BenchSettings {
  budgetNs: number
  warmupNs: number
  minSamples: number
  maxSamples: number
  confidence: number
  /** Memory batches to record after the timed ones; null when memory is off. */
  memoryBatches: number | null
}

function resolveBenchOptions(name: string, fn: unknown, options: BenchOptions): BenchSettings {
  const invalid = (problem: string, fix: string) =>
    perfgateError('BENCH_OPTIONS_INVALID', { name, problem, fix })
  if (typeof name !== 'string' || name.length === 0) {
    throw perfgateError('BENCH_OPTIONS_INVALID', {
      name: String(name),
      problem: 'the name must be a non-empty string',
      fix: "Call bench('what it measures', fn).",
    })
  }
  if (typeof fn !== 'function') {
    throw invalid(
      `the function to measure is ${fn === null ? 'null' : typeof fn}`,
      `Call bench('${name}', () => work()).`,
    )
  }
  for (const key of ['minSamples', 'maxSamples', 'batchSize'] as const) {
    const problem = checkPositiveInteger(key, options[key])
    if (problem) throw invalid(problem.problem, problem.fix)
  }
  const confidence = checkConfidence(options.confidence)
  if (typeof confidence !== 'number') throw invalid(confidence.problem, confidence.fix)
  const budgetNs = resolveTime(options.time, DEFAULT_BENCH_TIME_NS, `bench("${name}").time`)
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES
  const maxSamples = options.maxSamples ?? Math.max(DEFAULT_MAX_SAMPLES, minSamples)
  if (maxSamples < minSamples) {
    throw invalid(
      `maxSamples (${maxSamples}) is below minSamples (${minSamples})`,
      'Raise maxSamples or lower minSamples.',
    )
  }
  const memoryBatches = resolveMemoryBatches(options.memory)
  if (typeof memoryBatches === 'object' && memoryBatches !== null) {
    throw invalid(memoryBatches.problem, memoryBatches.fix)
  }
  return {
    budgetNs,
    warmupNs: Math.min(resolveWarmup(options.warmup, budgetNs, `bench("${name}").warmup`), budgetNs),
    minSamples,
    maxSamples,
    confidence,
    memoryBatches,
  }
}

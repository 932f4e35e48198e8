import { captureEnvironment } from '../env/capture-environment.js'
import { isPerfgateError, perfgateError } from '../errors.js'
import { createBatchRunner, isThenable } from '../measure/batch-runner.js'
import { runHookedBatch, warmUpAndCalibrate } from '../measure/calibrate.js'
import { YIELD_EVERY_NS } from '../measure/defaults.js'
import { withMeasurementLock } from '../measure/measurement-lock.js'
import { nowNs } from '../measure/timer.js'
import type { BatchHooks } from '../measure/types.js'
import { recordResult } from '../results/result-sink.js'
import { median } from '../stats/quantile.js'
import { createRandom, shuffleInPlace } from '../stats/random.js'
import { sortSamples } from '../stats/sorted-samples.js'
import { fitScaling } from './fit-scaling.js'
import { resolveScalingOptions, type ScalingSettings } from './resolve-scaling-options.js'
import { SCALING_BATCHES_PER_ROUND, SCALING_TARGET_BATCH_NS } from './scaling-defaults.js'
import type { MeasureScalingOptions, ScalingFn, ScalingResult } from './types.js'

/**
 * Measure how a function's time per call grows with the size of its input, and fit the
 * exponent: time ≈ c · n^exponent.
 *
 * Each size's input is built once, before anything is timed. Every size is warmed up and gets
 * its own calibrated batch size (as bench() does); then rounds time every size a few batches,
 * in a shuffled order each round, until the time budget is spent, so that drift of the machine
 * falls on all sizes alike. The exponent and its interval come from the rounds (see fitScaling).
 * The whole measurement holds the machine-wide measurement lock.
 *
 * ```ts
 * const result = await measureScaling((xs: number[]) => xs.indexOf(-1), {
 *   sizes: [1e3, 1e4, 1e5],
 *   input: (n) => Array.from({ length: n }, (_, i) => i),
 * })
 * result.fit.exponent // ≈ 1; judge a claim with judgeScaling(result, 'linear')
 * ```
 * @throws PerfgateError SCALING_OPTIONS_INVALID for bad options, SCALING_INPUT_FAILED when
 *   input(n) throws, BENCH_FAILED when the function throws.
 */
export async function measureScaling<T>(
  fn: ScalingFn<T>,
  options: MeasureScalingOptions<T>,
): Promise<ScalingResult> {
  const result = await runScaling('measureScaling()', fn, options)
  recordResult({ kind: 'scaling', result, verdict: null })
  return result
}

/**
 * measureScaling without recording the result, for callers that record it with their verdict
 * (toScale). `where` names the caller in errors.
 */
export async function runScaling<T>(
  where: string,
  fn: ScalingFn<T>,
  options: MeasureScalingOptions<T>,
): Promise<ScalingResult> {
  const settings = resolveScalingOptions(where, fn, options)
  const inputs = settings.freshInput ? [] : await buildInputs(settings)
  const { value: result, waitedNs } = await withMeasurementLock(
    () => measure(fn, settings, inputs, options),
    { label: `scaling "${settings.name}"` },
  )
  result.timing.lockWaitNs = waitedNs
  return result
}

async function buildInputs<T>(settings: ScalingSettings<T>): Promise<T[]> {
  const inputs: T[] = []
  for (const n of settings.sizes) inputs.push(await buildInput(settings, n))
  return inputs
}

async function buildInput<T>(settings: ScalingSettings<T>, n: number): Promise<T> {
  try {
    return await settings.input(n)
  } catch (error) {
    throw perfgateError('SCALING_INPUT_FAILED', { name: settings.name, size: n }, error)
  }
}

/** One size ready to time: its loop, batch size and hooks. */
interface SizeRunner {
  run: (k: number) => number | Promise<number>
  batchSize: number
  hooks: BatchHooks
}

async function measure<T>(
  fn: ScalingFn<T>,
  settings: ScalingSettings<T>,
  inputs: readonly T[],
  options: MeasureScalingOptions<T>,
): Promise<ScalingResult> {
  const startedAt = new Date().toISOString()
  const start = nowNs()
  const deadline = start + settings.budgetNs
  const { sizes, name } = settings

  let isAsync = false
  const runners: SizeRunner[] = []
  for (const [s, n] of sizes.entries()) {
    // With freshInput, the input is rebuilt before every batch of one call, untimed.
    let current = inputs[s] as T
    const hooks: BatchHooks = settings.freshInput
      ? {
          setup: async () => {
            current = await buildInput(settings, n)
          },
        }
      : {}
    const call = () => fn(current)
    const sizeIsAsync = await firstCall(name, n, call, hooks)
    isAsync ||= sizeIsAsync
    // A loop of its own per size keeps each call site monomorphic (see createBatchRunner).
    const run = createBatchRunner(call, sizeIsAsync)
    try {
      const calibration = await warmUpAndCalibrate(run, hooks, {
        warmupNs: settings.warmupNs / sizes.length,
        targetBatchNs: SCALING_TARGET_BATCH_NS,
        ...(settings.freshInput && { fixedBatchSize: 1 }),
      })
      runners.push({ run, batchSize: calibration.batchSize, hooks })
    } catch (error) {
      if (isPerfgateError(error, 'SCALING_INPUT_FAILED')) throw error
      throw perfgateError('BENCH_FAILED', { name, phase: `warm-up at size ${n}` }, error)
    }
  }
  const warmupNs = nowNs() - start

  const random = createRandom(settings.seed)
  const rounds: number[][] = []
  let lastRoundNs = 0
  let lastYield = nowNs()
  while (rounds.length < settings.maxRounds) {
    const roundStart = nowNs()
    // Stop before a round that would overrun the budget, once the minimum is recorded.
    if (rounds.length >= settings.minRounds && roundStart + lastRoundNs > deadline) break
    const times = new Array<number>(sizes.length)
    // A new order every round, so that whatever the start or end of a round suffers falls on
    // every size alike over the rounds instead of biasing the slope.
    for (const s of shuffleInPlace(
      sizes.map((_, i) => i),
      random,
    )) {
      const { run, batchSize, hooks } = runners[s]!
      const perCall: number[] = []
      try {
        for (let b = 0; b < SCALING_BATCHES_PER_ROUND; b++) {
          perCall.push((await runHookedBatch(run, batchSize, hooks)) / batchSize)
        }
      } catch (error) {
        if (isPerfgateError(error, 'SCALING_INPUT_FAILED')) throw error
        throw perfgateError('BENCH_FAILED', { name, phase: `measurement at size ${sizes[s]}` }, error)
      }
      // The fastest batch, not the median: interference (another process taking the core) only
      // adds time, and it lands on a long single call far more often than on a short batch, so
      // medians make the large sizes look slower under load and the exponent too steep (see
      // docs/scaling.md). A 0 ns batch (a coarse timer) is kept positive for the log of the fit.
      times[s] = Math.max(Math.min(...perCall), Number.MIN_VALUE)
      if (!isAsync && nowNs() - lastYield > YIELD_EVERY_NS) {
        // A long synchronous loop would starve timers and worker IPC; give them a turn.
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = nowNs()
      }
    }
    rounds.push(times)
    lastRoundNs = nowNs() - roundStart
  }

  const fit = fitScaling(sizes, rounds, settings.confidence)
  return {
    name,
    sizes: [...sizes],
    points: sizes.map((size, s) => {
      const roundTimesNs = rounds.map((round) => round[s]!)
      return {
        size,
        batchSize: runners[s]!.batchSize,
        roundTimesNs,
        medianNs: median(sortSamples(roundTimesNs)),
      }
    }),
    fit,
    async: isAsync,
    freshInput: settings.freshInput,
    batchesPerRound: SCALING_BATCHES_PER_ROUND,
    seed: settings.seed,
    env: options.env ?? captureEnvironment(),
    timing: {
      startedAt,
      endedAt: new Date().toISOString(),
      wallNs: nowNs() - start,
      warmupNs,
      budgetNs: settings.budgetNs,
      lockWaitNs: 0,
    },
  }
}

/** Call once at a size (with its hooks): learn whether the function is async, and fail early if it throws. */
async function firstCall(name: string, n: number, call: () => unknown, hooks: BatchHooks): Promise<boolean> {
  if (hooks.setup) await hooks.setup()
  try {
    const first = call()
    const isAsync = isThenable(first)
    if (isAsync) await first
    return isAsync
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name, phase: `the first call at size ${n}` }, error)
  }
}

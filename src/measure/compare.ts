import { formatDuration } from '../budget/format.js'
import { parsePercent } from '../budget/parse-percent.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { recordResult } from '../results/result-sink.js'
import { median } from '../stats/quantile.js'
import { createRandom, randomIndex } from '../stats/random.js'
import { sortSamples } from '../stats/sorted-samples.js'
import { type BatchRunner, createBatchRunner } from './batch-runner.js'
import { detectAsync } from './bench.js'
import { benchDefaults } from './bench-defaults.js'
import { runHookedBatch, warmUpAndCalibrate } from './calibrate.js'
import {
  COMPARE_COPIES,
  COMPARE_EARLY_MIN_DIFFERENCE,
  COMPARE_FIRST_LOOK_ROUNDS,
  COMPARE_MAX_LOOKS,
  COMPARE_SETTLE_NS,
  COMPARE_TARGET_BATCH_NS,
  DEFAULT_COMPARE_TIME_NS,
  DEFAULT_MAX_ROUNDS,
  DEFAULT_NOISE_BAND,
  YIELD_EVERY_NS,
} from './defaults.js'
import { withMeasurementLock } from './measurement-lock.js'
import { analyzePairedLogRatios, lookSchedule, type PairedAnalysis } from './paired-verdict.js'
import { checkConfidence, checkPositiveInteger, resolveTime, resolveWarmup } from './resolve-options.js'
import { nowNs } from './timer.js'
import type { BenchFn, CompareOptions, CompareSide, Comparison, ComparisonVerdict } from './types.js'

/**
 * Compare two functions: is `a` faster than, slower than, or equivalent to `b`?
 *
 * Both are measured in alternating rounds (one batch each, in random order every round), and the
 * verdict rests on the paired per-round ratios, so drift of the machine during the run cancels
 * instead of becoming a result. Clear cases stop at an early look; unclear ones run to the time
 * cap and come back 'inconclusive' with the reason and the smallest effect the run could see.
 *
 * ```ts
 * const c = await compare(() => fastSort(data), () => naiveSort(data), { by: '20%' })
 * c.verdict // 'faster' | 'slower' | 'equivalent' | 'inconclusive'
 * ```
 */
export async function compare(
  a: BenchFn | CompareSide,
  b: BenchFn | CompareSide,
  inline: CompareOptions = {},
): Promise<Comparison> {
  const comparison = await measureComparison(a, b, inline)
  recordResult({ kind: 'comparison', comparison })
  return comparison
}

/**
 * compare() without recording the comparison: for perfgate's own comparisons, which the caller
 * records as a record of their own (a perfTest's comparison with the base ref's code).
 */
export async function measureComparison(
  a: BenchFn | CompareSide,
  b: BenchFn | CompareSide,
  inline: CompareOptions = {},
): Promise<Comparison> {
  const sideA = toSide(a, 'a')
  const sideB = toSide(b, 'b')
  const defaults = benchDefaults()
  const options: CompareOptions = {
    ...(defaults.confidence !== undefined && { confidence: defaults.confidence }),
    ...(defaults.noiseBand !== undefined && { by: defaults.noiseBand }),
    ...inline,
  }
  const settings = resolveCompareOptions(options)
  // Held for the whole comparison, warm-up included; see bench().
  const { value: comparison, waitedNs } = await withMeasurementLock(
    () => measure(sideA, sideB, options, settings),
    { label: `compare "${sideA.name}" with "${sideB.name}"` },
  )
  comparison.lockWaitNs = waitedNs
  return comparison
}

async function measure(
  sideA: CompareSide & { name: string },
  sideB: CompareSide & { name: string },
  options: CompareOptions,
  settings: CompareSettings,
): Promise<Comparison> {
  const startedAt = new Date().toISOString()
  const start = nowNs()
  const deadline = start + settings.budgetNs

  const asyncA = await detectAsync(sideA.name, sideA.fn, sideA)
  const asyncB = await detectAsync(sideB.name, sideB.fn, sideB)
  const runsA = Array.from({ length: COMPARE_COPIES }, () => createBatchRunner(sideA.fn, asyncA))
  const runsB = Array.from({ length: COMPARE_COPIES }, () => createBatchRunner(sideB.fn, asyncB))

  const [fixedA, fixedB] = settings.batchSize ?? [undefined, undefined]
  const calibrate = async (side: CompareSide & { name: string }, runs: BatchRunner[], fixed?: number) => {
    try {
      return await warmUpAndCalibrate(runs, side, {
        warmupNs: settings.warmupNs / 2,
        targetBatchNs: COMPARE_TARGET_BATCH_NS,
        ...(fixed !== undefined && { fixedBatchSize: fixed }),
      })
    } catch (error) {
      throw perfgateError('BENCH_FAILED', { name: side.name, phase: 'warm-up' }, error)
    }
  }
  const kA = (await calibrate(sideA, runsA, fixedA)).batchSize
  const kB = (await calibrate(sideB, runsB, fixedB)).batchSize

  const random = createRandom(settings.seed)
  const schedule = new Set(lookSchedule(COMPARE_FIRST_LOOK_ROUNDS, COMPARE_MAX_LOOKS))
  const perCallA: number[] = []
  const perCallB: number[] = []
  const logRatios: number[] = []
  const analysisOptions = {
    confidence: settings.confidence,
    threshold: settings.threshold,
    maxLooks: COMPARE_MAX_LOOKS,
  }
  let analysis: PairedAnalysis | undefined
  let looks = 0
  let lastRoundNs = 0
  let lastYield = nowNs()
  const roundsStart = nowNs()
  // Until the rounds span COMPARE_SETTLE_NS, only a large difference may be called (see there).
  const look = () => {
    looks++
    const settled = nowNs() - roundsStart >= COMPARE_SETTLE_NS
    return analyzePairedLogRatios(logRatios, {
      ...analysisOptions,
      minDifference: settled ? settings.threshold : COMPARE_EARLY_MIN_DIFFERENCE,
    })
  }

  while (logRatios.length < settings.maxRounds) {
    const roundStart = nowNs()
    if (logRatios.length > 0 && roundStart + lastRoundNs > deadline) break
    let tA: number
    let tB: number
    // Alternate the order at random each round so that whatever the first batch of a round
    // suffers (or gains) falls on a and b alike, and cancels in the paired ratio.
    const runA = runsA[randomIndex(random, runsA.length)]!
    const runB = runsB[randomIndex(random, runsB.length)]!
    if (random() < 0.5) {
      tA = await timedBatch(sideA, runA, kA)
      tB = await timedBatch(sideB, runB, kB)
    } else {
      tB = await timedBatch(sideB, runB, kB)
      tA = await timedBatch(sideA, runA, kA)
    }
    perCallA.push(tA / kA)
    perCallB.push(tB / kB)
    logRatios.push(Math.log(tA / kA) - Math.log(tB / kB))
    lastRoundNs = nowNs() - roundStart

    if (schedule.has(logRatios.length)) {
      analysis = look()
      if (analysis.verdict !== 'undecided') break
    }
    if (!(asyncA || asyncB) && nowNs() - lastYield > YIELD_EVERY_NS) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      lastYield = nowNs()
    }
  }
  // The final look, at the cap, unless the last round was already looked at.
  if (analysis === undefined || (analysis.verdict === 'undecided' && !schedule.has(logRatios.length))) {
    analysis = look()
  }

  const roundsNs = nowNs() - roundsStart
  const wallNs = nowNs() - start
  const verdict: ComparisonVerdict = analysis.verdict === 'undecided' ? 'inconclusive' : analysis.verdict
  const comparison: Comparison = {
    names: [sideA.name, sideB.name],
    method: 'paired-rounds',
    ratio: analysis.ratio,
    interval: analysis.interval,
    confidence: settings.confidence,
    verdict,
    reason: explainVerdict(verdict, analysis, {
      names: [sideA.name, sideB.name],
      threshold: settings.threshold,
      rounds: logRatios.length,
      wallNs,
      roundsNs,
      confidence: settings.confidence,
    }),
    threshold: settings.threshold,
    detectableEffect: analysis.detectableEffect,
    rounds: logRatios.length,
    looks,
    medianNs: [median(sortSamples(perCallA)), median(sortSamples(perCallB))],
    batchSize: [kA, kB],
    logRatios,
    seed: settings.seed,
    wallNs,
    startedAt,
    endedAt: new Date().toISOString(),
    lockWaitNs: 0,
    env: options.env ?? captureEnvironment(),
  }
  return comparison
}

async function timedBatch(
  side: CompareSide & { name: string },
  run: ReturnType<typeof createBatchRunner>,
  k: number,
) {
  try {
    return await runHookedBatch(run, k, side)
  } catch (error) {
    throw perfgateError('BENCH_FAILED', { name: side.name, phase: 'measurement' }, error)
  }
}

/** One sentence that says why, with the numbers; for 'inconclusive' also what would settle it. */
export function explainVerdict(
  verdict: ComparisonVerdict,
  analysis: PairedAnalysis,
  context: {
    names: [string, string]
    threshold: number
    rounds: number
    wallNs: number
    /** Time the timed rounds spanned (wallNs less warm-up and calibration). */
    roundsNs: number
    confidence: number
  },
): string {
  const [a, b] = context.names
  const [lo, hi] = analysis.interval
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`
  const band = pct(context.threshold)
  const interval = `${(context.confidence * 100).toFixed(0)}% interval ${lo.toFixed(3)}–${hi.toFixed(3)}`
  const after = `after ${context.rounds} rounds in ${formatDuration(context.wallNs)}`
  switch (verdict) {
    case 'slower':
    case 'faster':
      return `"${a}" is ${verdict} than "${b}": ${analysis.ratio.toFixed(3)}× its time (${interval}), beyond the ${band} threshold, ${after}.`
    case 'equivalent':
      return `"${a}" and "${b}" are within ±${band} of each other: ratio ${analysis.ratio.toFixed(3)} (${interval}), ${after}.`
    case 'inconclusive': {
      if (analysis.heldBack) {
        return (
          `"${a}" looked ${analysis.heldBack} than "${b}" (${analysis.ratio.toFixed(3)}× its time, ${interval}) ${after}, ` +
          `but its rounds spanned only ${formatDuration(context.roundsNs)}: a difference under ${pct(COMPARE_EARLY_MIN_DIFFERENCE)} ` +
          `is called only once they span ${formatDuration(COMPARE_SETTLE_NS)}, because a machine can run the same code ` +
          `at two speeds 20% apart for up to a hundred milliseconds. Give the comparison more time (the \`time\` option).`
        )
      }
      if (!Number.isFinite(analysis.detectableEffect)) {
        return `Only ${context.rounds} rounds fit in ${formatDuration(context.wallNs)}, too few to reach the ${(analysis.lookConfidence * 100).toFixed(2)}% confidence a look needs; give the comparison more time (the \`time\` option).`
      }
      return (
        `The ${interval} still straddles the ±${band} threshold ${after}: ` +
        `this run could only detect differences above ${pct(analysis.detectableEffect)}. ` +
        `${moreTimeHint(analysis, context.threshold)}`
      )
    }
  }
}

/** How much more time would likely settle it: interval width shrinks with the square root of rounds. */
function moreTimeHint(analysis: PairedAnalysis, threshold: number): string {
  const center = Math.log(analysis.ratio)
  const band = Math.log1p(threshold)
  const halfWidth = (Math.log(analysis.interval[1]) - Math.log(analysis.interval[0])) / 2
  const gap = Math.abs(Math.abs(center) - band)
  if (gap < halfWidth / 10) {
    return 'The difference sits on the threshold itself: choose a threshold (`by`) that matters to you.'
  }
  const factor = Math.ceil((halfWidth / gap) ** 2)
  return `About ${factor}× the time (the \`time\` option) would likely settle it.`
}

/** Longest source text used as a name for an anonymous function. */
const MAX_LABEL_LENGTH = 40

/**
 * A readable name for a compared function: its own name, else its source when short
 * (`() => sortNumbers(data)` reads better in a verdict than "a"), else its source cut short.
 */
export function functionLabel(fn: BenchFn): string {
  if (fn.name) return fn.name
  const source = Function.prototype.toString.call(fn).replace(/\s+/g, ' ').trim()
  return source.length <= MAX_LABEL_LENGTH ? source : `${source.slice(0, MAX_LABEL_LENGTH - 1)}…`
}

interface CompareSettings {
  budgetNs: number
  warmupNs: number
  threshold: number
  confidence: number
  maxRounds: number
  seed: number
  batchSize: [number | undefined, number | undefined] | undefined
}

function toSide(value: BenchFn | CompareSide, fallbackName: string): CompareSide & { name: string } {
  if (typeof value === 'function') return { fn: value, name: functionLabel(value) }
  if (value && typeof value === 'object' && typeof value.fn === 'function') {
    return { ...value, name: value.name ?? functionLabel(value.fn) }
  }
  throw perfgateError('COMPARE_OPTIONS_INVALID', {
    problem: `"${fallbackName}" must be a function or { name, fn }, received ${value === null ? 'null' : typeof value}`,
    fix: 'Call compare(() => workA(), () => workB()).',
  })
}

function resolveCompareOptions(options: CompareOptions): CompareSettings {
  const invalid = (problem: string, fix: string) => perfgateError('COMPARE_OPTIONS_INVALID', { problem, fix })
  const confidence = checkConfidence(options.confidence)
  if (typeof confidence !== 'number') throw invalid(confidence.problem, confidence.fix)
  const threshold =
    options.by === undefined ? DEFAULT_NOISE_BAND : parsePercent(options.by, 'compare() option "by"')
  const sizes = Array.isArray(options.batchSize) ? options.batchSize : [options.batchSize, options.batchSize]
  for (const size of sizes) {
    const problem = checkPositiveInteger('batchSize', size)
    if (problem) throw invalid(problem.problem, problem.fix)
  }
  const roundsProblem = checkPositiveInteger('maxRounds', options.maxRounds)
  if (roundsProblem) throw invalid(roundsProblem.problem, roundsProblem.fix)
  const budgetNs = resolveTime(options.time, DEFAULT_COMPARE_TIME_NS, 'compare() option "time"')
  return {
    budgetNs,
    warmupNs: Math.min(resolveWarmup(options.warmup, budgetNs, 'compare() option "warmup"'), budgetNs / 2),
    threshold,
    confidence,
    maxRounds: options.maxRounds ?? DEFAULT_MAX_ROUNDS,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    batchSize: options.batchSize === undefined ? undefined : [sizes[0], sizes[1]],
  }
}

import { parsePercent } from '../budget/parse-percent.js'
import { captureEnvironment } from '../env/capture-environment.js'
import type { Environment } from '../env/types.js'
import { perfgateError } from '../errors.js'
import { mean, standardDeviation } from '../stats/moments.js'
import { median } from '../stats/quantile.js'
import { rankShiftInterval } from '../stats/rank-shift-interval.js'
import { sortSamples } from '../stats/sorted-samples.js'
import { studentTQuantile } from '../stats/student-t.js'
import { benchDefaults } from './bench-defaults.js'
import { DEFAULT_NOISE_BAND } from './defaults.js'
import { checkConfidence } from './resolve-options.js'
import type { BenchResult, Comparison, ComparisonMethod, ComparisonVerdict } from './types.js'

/**
 * A Vitest 5 bench result (one task of `bench.compare()`, shaped like tinybench 6's statistics):
 * latency in milliseconds. Only `latency.mean` is required; the rest is used when present.
 */
export interface VitestBenchResult {
  name?: string
  latency: {
    /** Mean time per call, ms. */
    mean: number
    /** Sample standard deviation of the per-call times, ms. */
    sd?: number
    /** Median time per call, ms. */
    p50?: number
    /** Every per-call time, ms (tinybench keeps them sorted). */
    samples?: readonly number[]
    samplesCount?: number
  }
}

/** What {@link compareResults} accepts on either side. */
export type ComparableResult = BenchResult | VitestBenchResult

export interface CompareResultsOptions {
  /**
   * Practical threshold: a difference counts only when its whole interval lies beyond it
   * (`"10%"` or 0.1). Slower means a's time > (1 + by) × b's; faster means a's time < b's / (1 + by).
   * @default DEFAULT_NOISE_BAND (2%)
   */
  by?: string | number
  /** @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
}

/**
 * Fewest samples per side for an interval from summary statistics. It keeps the Welch degrees of
 * freedom at 9 or more, where the Student t quantile below is accurate (and where a mean of skewed
 * timings starts to be roughly normal at all).
 */
export const SUMMARY_MIN_SAMPLES = 10

/**
 * Compare two results that were measured separately: is `a` faster than, slower than, or
 * equivalent to `b`? Each side is a perfgate `BenchResult` or a Vitest 5 bench result.
 *
 * With per-call samples on both sides (method 'independent-samples'), the ratio is exp of the
 * two-sample Hodges–Lehmann shift of the log times and its interval the distribution-free
 * Mann–Whitney interval (see `rankShiftInterval`). With only summary statistics on a side
 * ('summary-statistics'), the ratio is that of the means, with a Welch interval for the
 * log-ratio by the delta method. The verdict follows compare()'s two-part rule. The rank interval
 * assumes both sides' log times have the same shape; batch means (batch size above 1) are narrower
 * than single calls, so across different batch sizes its coverage is only approximate.
 *
 * Weaker than `compare()`: the two results come from separate runs, so whatever the machine
 * did between them (load, frequency, thermal state) passes for a difference, and no interval can
 * account for it. Compare the functions themselves when you can; `reason` always says so.
 *
 * ```ts
 * const c = compareResults(await bench('new', fnNew), await bench('old', fnOld), { by: '10%' })
 * c.verdict // 'faster' | 'slower' | 'equivalent' | 'inconclusive'
 * ```
 *
 * `medianNs` holds per-call medians in ns (NaN for a Vitest result with neither `latency.p50` nor
 * samples); `rounds` is 0, `looks` 1, `logRatios` empty (nothing is paired), `seed` and `wallNs` 0.
 * Per-call times of 0 (below the timer's resolution) are taken as the smallest positive time of
 * either side, since their logarithm is undefined.
 */
export function compareResults(
  a: ComparableResult,
  b: ComparableResult,
  options: CompareResultsOptions = {},
): Comparison {
  const sideA = toSide(a, 'a')
  const sideB = toSide(b, 'b')
  const defaults = benchDefaults()
  const confidence = checkConfidence(options.confidence ?? defaults.confidence)
  if (typeof confidence !== 'number') throw invalidArgument(confidence.problem, confidence.fix)
  const threshold =
    options.by === undefined
      ? (defaults.noiseBand ?? DEFAULT_NOISE_BAND)
      : parsePercent(options.by, 'compareResults() option "by"')

  const names: [string, string] = [sideA.name, sideB.name]
  const estimate =
    sideA.perCallNs !== undefined && sideB.perCallNs !== undefined
      ? fromSamples(sideA.perCallNs, sideB.perCallNs, confidence)
      : fromSummaries(sideA, sideB, confidence)

  const band = Math.log1p(threshold)
  let verdict: ComparisonVerdict = 'inconclusive'
  let detectableEffect = Number.POSITIVE_INFINITY
  if (estimate.logInterval !== undefined) {
    const [lo, hi] = estimate.logInterval
    if (lo > band) verdict = 'slower'
    else if (hi < -band) verdict = 'faster'
    else if (lo >= -band && hi <= band) verdict = 'equivalent'
    detectableEffect = Math.expm1(band + (hi - lo) / 2)
  }
  const interval: [number, number] =
    estimate.logInterval === undefined
      ? [0, Number.POSITIVE_INFINITY]
      : [Math.exp(estimate.logInterval[0]), Math.exp(estimate.logInterval[1])]

  return {
    names,
    method: estimate.method,
    ratio: estimate.ratio,
    interval,
    confidence,
    verdict,
    reason: explainSeparateVerdict(verdict, {
      names,
      ratio: estimate.ratio,
      interval,
      confidence,
      threshold,
      detectableEffect,
      basis: estimate.basis,
      ...(estimate.problem !== undefined && { problem: estimate.problem }),
    }),
    threshold,
    detectableEffect,
    rounds: 0,
    looks: 1,
    medianNs: [sideA.medianNs, sideB.medianNs],
    batchSize: [sideA.batchSize, sideB.batchSize],
    logRatios: [],
    seed: 0,
    wallNs: 0,
    env: sideA.env ?? sideB.env ?? captureEnvironment(),
  }
}

/** One side, reduced to what the analysis needs, in ns per call. */
interface Side {
  name: string
  /** Per-call times (ns), when the result carries them. */
  perCallNs: number[] | undefined
  meanNs: number
  sdNs: number | undefined
  count: number | undefined
  medianNs: number
  batchSize: number
  env: Environment | undefined
  /** Where sd and count come from, named in a reason when missing. */
  kind: 'perfgate' | 'vitest'
}

const NS_PER_MS = 1e6

function toSide(value: unknown, argument: 'a' | 'b'): Side {
  if (isBenchResult(value)) {
    const perCallNs = value.batchTimesNs.map((t) => t / value.batchSize)
    const name = value.name || argument
    if (perCallNs.length === 0) {
      // A result stripped of its raw batches still has its summary.
      return {
        name,
        perCallNs: undefined,
        meanNs: value.stats.meanNs,
        sdNs: value.stats.sdNs,
        count: value.stats.samples,
        medianNs: value.stats.medianNs,
        batchSize: value.batchSize,
        env: value.env,
        kind: 'perfgate',
      }
    }
    return {
      name,
      perCallNs,
      meanNs: mean(perCallNs),
      sdNs: standardDeviation(perCallNs),
      count: perCallNs.length,
      medianNs: median(sortSamples(perCallNs)),
      batchSize: value.batchSize,
      env: value.env,
      kind: 'perfgate',
    }
  }
  if (isVitestBenchResult(value)) {
    const { latency } = value
    const raw: unknown = latency.samples
    // tinybench keeps a plain array; accept a typed array too.
    const list = Array.isArray(raw) || ArrayBuffer.isView(raw) ? Array.from(raw as ArrayLike<number>) : []
    const samples = list.length > 0 ? list : undefined
    const perCallNs = samples?.map((t) => t * NS_PER_MS)
    const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
    const sd = finite(latency.sd)
    const p50 = finite(latency.p50)
    return {
      name: (typeof value.name === 'string' && value.name) || argument,
      perCallNs,
      meanNs: latency.mean * NS_PER_MS,
      sdNs: sd === undefined ? undefined : sd * NS_PER_MS,
      count: finite(latency.samplesCount) ?? samples?.length,
      medianNs:
        p50 !== undefined
          ? p50 * NS_PER_MS
          : perCallNs !== undefined
            ? median(sortSamples(perCallNs))
            : Number.NaN,
      batchSize: 1,
      env: undefined,
      kind: 'vitest',
    }
  }
  throw invalidArgument(
    `"${argument}" must be a perfgate BenchResult (from bench()) or a Vitest bench result (with latency.mean in ms), received ${describeReceived(value)}`,
    "Pass what bench() resolved to, or one task of a Vitest bench result (e.g. result.get('name')).",
  )
}

/** A perfgate BenchResult, recognised by the fields a comparison or budget check reads. */
export function isBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<BenchResult>
  return (
    Array.isArray(v.batchTimesNs) &&
    typeof v.batchSize === 'number' &&
    v.batchSize > 0 &&
    typeof v.stats === 'object' &&
    v.stats !== null
  )
}

/** Vitest's own test for a bench result, in its toBeFasterThan. */
export function isVitestBenchResult(value: unknown): value is VitestBenchResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    'latency' in value &&
    typeof (value as { latency?: { mean?: unknown } }).latency?.mean === 'number'
  )
}

function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 0) return 'an empty object'
    const shown = keys.slice(0, 6).join(', ')
    return `an object with keys ${shown}${keys.length > 6 ? ', …' : ''}`
  }
  return `${typeof value} ${String(value)}`
}

function invalidArgument(problem: string, fix: string): Error {
  return perfgateError('COMPARE_RESULTS_INVALID', { problem, fix })
}

/** What either method concludes, on the log scale of a's time / b's time. */
interface Estimate {
  method: ComparisonMethod
  ratio: number
  /** Interval for log(ratio); undefined when none could be formed (see `problem`). */
  logInterval: [number, number] | undefined
  /** The data the estimate rests on, for the reason: "from 412 and 398 samples". */
  basis: string
  /** Why no interval could be formed, as a clause. */
  problem?: string
}

function fromSamples(perCallA: readonly number[], perCallB: readonly number[], confidence: number): Estimate {
  // log 0 is undefined: a time below the timer's resolution is taken as the smallest one seen.
  let floor = Number.POSITIVE_INFINITY
  for (const t of perCallA) if (t > 0 && t < floor) floor = t
  for (const t of perCallB) if (t > 0 && t < floor) floor = t
  if (!Number.isFinite(floor)) floor = 1
  const logOf = (t: number) => Math.log(t > 0 ? t : floor)
  const basis = `from ${perCallA.length} and ${perCallB.length} samples`
  const result = rankShiftInterval(perCallA.map(logOf), perCallB.map(logOf), confidence)
  if (result.status === 'too-few-samples') {
    return {
      method: 'independent-samples',
      ratio: Math.exp(result.shift),
      logInterval: undefined,
      basis,
      problem: `${perCallA.length} and ${perCallB.length} samples are too few for a ${percent(confidence)} interval (at most ${percent(result.maxCoverage)} is reachable)`,
    }
  }
  return {
    method: 'independent-samples',
    ratio: Math.exp(result.shift),
    logInterval: [result.lo, result.hi],
    basis,
  }
}

/**
 * Ratio of means with a Welch interval for its logarithm: by the delta method,
 * Var(log x̄) ≈ s² / (n·x̄²), and the Welch–Satterthwaite degrees of freedom.
 */
function fromSummaries(a: Side, b: Side, confidence: number): Estimate {
  const ratio = a.meanNs > 0 && b.meanNs > 0 ? a.meanNs / b.meanNs : Number.NaN
  const counts = `${a.count ?? 'an unknown number of'} and ${b.count ?? 'an unknown number of'} samples`
  const basis = `from the means and standard deviations of ${counts}`
  const missing = [...summaryProblems(a), ...summaryProblems(b)]
  if (missing.length > 0 || a.sdNs === undefined || b.sdNs === undefined) {
    return {
      method: 'summary-statistics',
      ratio,
      logInterval: undefined,
      basis,
      problem: missing.join(' and '),
    }
  }
  const nA = a.count!
  const nB = b.count!
  const varA = (a.sdNs * a.sdNs) / (nA * a.meanNs * a.meanNs)
  const varB = (b.sdNs * b.sdNs) / (nB * b.meanNs * b.meanNs)
  const se = Math.sqrt(varA + varB)
  const center = Math.log(ratio)
  if (se === 0) return { method: 'summary-statistics', ratio, logInterval: [center, center], basis }
  const df = (varA + varB) ** 2 / (varA ** 2 / (nA - 1) + varB ** 2 / (nB - 1))
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se
  return { method: 'summary-statistics', ratio, logInterval: [center - half, center + half], basis }
}

function summaryProblems(side: Side): string[] {
  const where = (vitest: string, perfgate: string) => (side.kind === 'vitest' ? vitest : perfgate)
  const problems: string[] = []
  if (!(side.meanNs > 0 && Number.isFinite(side.meanNs))) {
    problems.push(`"${side.name}" has no positive mean time (${where('latency.mean', 'stats.meanNs')})`)
  }
  if (side.sdNs === undefined || !(side.sdNs >= 0)) {
    problems.push(`"${side.name}" has no standard deviation (${where('latency.sd', 'stats.sdNs')})`)
  }
  if (side.count === undefined) {
    problems.push(
      `"${side.name}" has no sample count (${where('latency.samplesCount or latency.samples', 'stats.samples')})`,
    )
  } else if (!(side.count >= SUMMARY_MIN_SAMPLES)) {
    problems.push(
      `"${side.name}" has ${side.count} samples, fewer than the ${SUMMARY_MIN_SAMPLES} an interval from summary statistics needs`,
    )
  }
  return problems
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`
}

/**
 * One sentence in the manner of compare()'s explainVerdict, always ending with the caveat that
 * the results were measured separately.
 */
function explainSeparateVerdict(
  verdict: ComparisonVerdict,
  context: {
    names: [string, string]
    ratio: number
    interval: [number, number]
    confidence: number
    threshold: number
    detectableEffect: number
    basis: string
    problem?: string
  },
): string {
  const [a, b] = context.names
  const [lo, hi] = context.interval
  const band = percent(context.threshold)
  const interval = `${(context.confidence * 100).toFixed(0)}% interval ${lo.toFixed(3)}–${hi.toFixed(3)}`
  const caveat =
    `"${a}" and "${b}" were measured separately, so drift between the runs can bias this; ` +
    'compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger'
  switch (verdict) {
    case 'slower':
    case 'faster':
      return `"${a}" is ${verdict} than "${b}": ${context.ratio.toFixed(3)}× its time (${interval}), beyond the ${band} threshold, ${context.basis}; ${caveat}.`
    case 'equivalent':
      return `"${a}" and "${b}" are within ±${band} of each other: ratio ${context.ratio.toFixed(3)} (${interval}), ${context.basis}; ${caveat}.`
    case 'inconclusive':
      if (context.problem !== undefined) {
        return `No interval for "${a}" against "${b}": ${context.problem}; ${caveat}.`
      }
      return (
        `The ${interval} straddles the ±${band} threshold (ratio ${context.ratio.toFixed(3)}, ${context.basis}): ` +
        `these results could only detect differences above ${percent(context.detectableEffect)}; ${caveat}.`
      )
  }
}

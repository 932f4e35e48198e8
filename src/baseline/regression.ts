import { formatDuration, formatPercent, formatRange, formatRatio } from '../budget/format.js'
import { parsePercent } from '../budget/parse-percent.js'
import {
  DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE,
  DEFAULT_REGRESSION_CONFIDENCE,
  DEFAULT_REGRESSION_THRESHOLD,
} from '../config/schema.js'
import { type EnvironmentDifference, environmentDifferences } from '../env/differences.js'
import type { Environment } from '../env/types.js'
import { perfgateError } from '../errors.js'
import { compareResults } from '../measure/compare-results.js'
import type { BenchResult, Comparison } from '../measure/types.js'
import { benjaminiHochbergAdjust, holmAdjust } from '../stats/multiple-testing.js'
import { normalCdf } from '../stats/normal.js'
import { mannWhitneyCdf, RANK_SHIFT_EXACT_MAX_WORK } from '../stats/rank-shift-interval.js'
import type { BaselineBench } from './baseline-file.js'

/*
 * The regression rule: is a bench slower than its baseline? Pure: numbers in, verdict out.
 *
 * Order of use in a reporter:
 *   1. checkRegression() for every bench that has a baseline;
 *   2. adjustForSuite() over all of them, so that 20 benches do not mean 20 chances of a false alarm;
 *   3. needsRemeasure(): the regressions left are re-measured once (with the baseline's batch size);
 *   4. checkRegression() on the re-measurement, then mergeRemeasured(first, second): a regression
 *      fails only when the re-measurement confirms it.
 * A false alarm then needs two independent runs to err in the same direction: the re-measurement
 * needs no further adjustment.
 */

/** What a comparison with the baseline concluded. */
export type RegressionStatus = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'environment-changed'

/** Options of {@link checkRegression}; the "regression" section of the config. */
export interface RegressionOptions {
  /**
   * Smallest relative slowdown that counts as a regression (`0.05` or `"5%"`). The improvement
   * threshold mirrors it on the log scale: faster than 1 / (1 + threshold).
   * @default DEFAULT_REGRESSION_THRESHOLD ("5%")
   */
  threshold?: number | string
  /** Confidence of the interval. @default DEFAULT_REGRESSION_CONFIDENCE (0.95) */
  confidence?: number
  /**
   * When the environment differs in a major way (CPU model, Node.js major, architecture, OS):
   * false gives status 'environment-changed' (a warning, no verdict); true compares anyway, so a
   * regression can fail the run, and says so in `reason`.
   * @default DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE (false)
   */
  failOnEnvironmentChange?: boolean
}

/** Environments of the two sides. */
export interface EnvironmentPair {
  /** The baseline file's environment. */
  baseline: Environment
  /** @default current.env */
  current?: Environment
}

/** A baseline bench with its name, as {@link checkRegression} takes it. */
export type NamedBaselineBench = BaselineBench & { name: string }

/** How a verdict fared in {@link adjustForSuite}. */
export interface SuiteAdjustment {
  method: SuiteAdjustMethod
  alpha: number
  /** The adjusted two-sided p-value (from min(1, 2 × pValue)): compared with `alpha`. */
  adjustedPValue: number
  /** Number of benches in the family. */
  tests: number
  /** The status before adjustment, when the adjustment changed it. */
  demotedFrom?: 'regressed' | 'improved'
}

/** The first measurement of a re-measured bench (see {@link mergeRemeasured}). */
export interface FirstMeasurement {
  status: RegressionStatus
  ratio: number
  interval: [number, number]
  pValue: number
}

/** The verdict on one bench against its baseline. */
export interface RegressionVerdict {
  kind: 'regression'
  /** Bench name. */
  name: string
  status: RegressionStatus
  /**
   * Current time per call / baseline time per call: exp of the two-sample Hodges–Lehmann shift
   * of the log per-call times (see compareResults).
   */
  ratio: number
  /** Distribution-free (Mann–Whitney) interval for `ratio` at `confidence`; [0, ∞] when none could be formed. */
  interval: [number, number]
  /** ratio − 1: +0.12 is 12% slower. */
  delta: number
  confidence: number
  /**
   * One-sided p-value of the Mann–Whitney test on log per-call times that the change goes beyond
   * the threshold in `direction`: for 'slower', H₀ ratio ≤ 1 + threshold against ratio > 1 + threshold;
   * for 'faster', H₀ ratio ≥ 1 / (1 + threshold). The same hypothesis the interval decides, so a
   * 'regressed' or 'improved' status always has pValue ≤ (1 − confidence) / 2 up to ties.
   * NaN when either side has no raw batch times.
   */
  pValue: number
  /** The alternative `pValue` tests: the direction of the estimate. */
  direction: 'slower' | 'faster'
  /** The relative threshold used, e.g. 0.05. */
  threshold: number
  /** Smallest relative change this comparison could have called a regression or improvement. */
  detectableEffect: number
  /** Median per-call time now and in the baseline (ns). */
  medianNs: [number, number]
  /** Calls per batch now and in the baseline. */
  batchSize: [number, number]
  /** Batches now and in the baseline. */
  samples: [number, number]
  /** How the current environment differs from the baseline's, major differences first. */
  environmentDifferences: EnvironmentDifference[]
  /** True when the environments differ in a major way (whatever the status). */
  environmentChanged: boolean
  /** Why the status is what it is, in a sentence or two. */
  reason: string
  /** Caveats that do not change the status: different batch sizes, minor environment changes. */
  notes: string[]
  /** Set by {@link adjustForSuite}. */
  adjustment?: SuiteAdjustment
  /** Set by {@link mergeRemeasured}: the first measurement, which this one re-measured. */
  remeasured?: { first: FirstMeasurement; confirmed: boolean }
}

function optionsError(problem: string, fix: string): Error {
  return perfgateError('REGRESSION_OPTIONS_INVALID', { problem, fix })
}

// A stored bench has no timing of its own when it pools several runs; compareResults reads only
// the name, environment, batch times, batch size and stats of a result.
const STORED_TIMING: BenchResult['timing'] = {
  startedAt: '',
  endedAt: '',
  wallNs: 0,
  warmupNs: 0,
  budgetNs: 0,
  batchSizeSource: 'option',
  lockWaitNs: 0,
}

/** A stored bench (of a baseline or candidate file) as a result that can be compared. */
export function resultFromBaselineBench(name: string, bench: BaselineBench, env: Environment): BenchResult {
  return {
    name,
    env,
    batchSize: bench.batchSize,
    batchTimesNs: bench.batchTimesNs,
    async: false,
    stats: bench.stats,
    timing: bench.timing ?? STORED_TIMING,
  }
}

/**
 * Compare a fresh result with its baseline, from the raw batch times of both.
 *
 * - 'regressed': the whole interval for the ratio lies above 1 + threshold (significantly slower,
 *   and by more than the threshold);
 * - 'improved': the whole interval lies below 1 / (1 + threshold);
 * - 'unchanged': the whole interval lies within [1 / (1 + threshold), 1 + threshold];
 * - 'inconclusive': the interval straddles a threshold (or there were too few samples);
 * - 'environment-changed': the environments differ in a major way and `failOnEnvironmentChange`
 *   is off: timings are not comparable, so no verdict (the numbers are still filled in).
 *
 * The ratio and interval come from compareResults (two-sample Hodges–Lehmann on log per-call
 * times with the Mann–Whitney interval). The two sides were measured in separate processes, so
 * drift between them passes for a change; the threshold and the re-measurement (see
 * {@link mergeRemeasured}) are what guard against it.
 */
export function checkRegression(
  current: BenchResult,
  baseline: NamedBaselineBench,
  environments: EnvironmentPair,
  options: RegressionOptions = {},
): RegressionVerdict {
  const threshold = parsePercent(
    options.threshold ?? DEFAULT_REGRESSION_THRESHOLD,
    'checkRegression() option "threshold"',
  )
  const confidence = options.confidence ?? DEFAULT_REGRESSION_CONFIDENCE
  if (!(confidence > 0.5 && confidence < 1)) {
    throw optionsError(
      `confidence must be above 0.5 and below 1, received ${String(confidence)}`,
      'Use a value like 0.95 or 0.99.',
    )
  }
  const failOnEnvironmentChange = options.failOnEnvironmentChange ?? DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE
  const currentEnv = environments.current ?? current.env
  const differences = environmentDifferences(environments.baseline, currentEnv)
  const major = differences.filter((d) => d.severity === 'major')
  const minor = differences.filter((d) => d.severity === 'minor')
  const name = current.name || baseline.name

  const notes: string[] = []
  if (current.batchSize !== baseline.batchSize) {
    notes.push(
      `Batch sizes differ (${current.batchSize} calls per batch now, ${baseline.batchSize} in the baseline): ` +
        'batch means of different sizes spread differently, so the interval is approximate; the per-call ' +
        `medians are still comparable. Measure with batchSize: ${baseline.batchSize} to match the baseline.`,
    )
  }
  if (minor.length > 0) {
    notes.push(
      `The environment differs in minor ways (${describeDifferences(minor)}); a change may come from it rather than the code.`,
    )
  }

  const baselineResult = {
    ...resultFromBaselineBench(baseline.name, baseline, environments.baseline),
    async: current.async,
  }
  const hasRaw = current.batchTimesNs.length > 0 && baseline.batchTimesNs.length > 0
  const comparison = compareResults({ ...current, env: currentEnv }, baselineResult, {
    by: threshold,
    confidence,
  })
  const direction = comparison.ratio >= 1 ? 'slower' : 'faster'
  let pValue = Number.NaN
  if (hasRaw) {
    const logs = logPerCall(current, baseline)
    pValue = thresholdPValue(logs.current, logs.baseline, Math.log1p(threshold), direction).pValue
  }

  let status: RegressionStatus = !hasRaw
    ? 'inconclusive'
    : comparison.verdict === 'slower'
      ? 'regressed'
      : comparison.verdict === 'faster'
        ? 'improved'
        : comparison.verdict === 'equivalent'
          ? 'unchanged'
          : 'inconclusive'
  let reason = hasRaw
    ? explain(status, name, comparison, confidence, threshold, pValue, [
        current.batchTimesNs.length,
        baseline.batchTimesNs.length,
      ])
    : current.batchTimesNs.length === 0
      ? `No raw batch times in the current result of "${name}": a regression check compares the raw batches of both sides. Pass the result bench() returned, unchanged.`
      : `No raw batch times in the baseline of "${name}": a regression check compares the raw batches of both sides. Record the baseline again (perfgate baseline accept).`
  if (major.length > 0) {
    if (failOnEnvironmentChange) {
      reason = `Compared across environments (${describeDifferences(major)}) because failOnEnvironmentChange is set; the change may come from the environment rather than the code. ${reason}`
    } else {
      status = 'environment-changed'
      reason =
        `The baseline of "${name}" was measured in another environment (${describeDifferences(major)}), so the timings are not comparable and no verdict is given` +
        (hasRaw
          ? ` (for information: ${formatRatio(comparison.ratio)} the baseline's time, ${percentOf(confidence)} interval ${formatRange(comparison.interval[0], comparison.interval[1], formatRatio)})`
          : '') +
        '. Record a baseline in this environment (perfgate baseline accept), or set "failOnEnvironmentChange": true in the "regression" section to compare anyway.'
    }
  }

  return {
    kind: 'regression',
    name,
    status,
    ratio: comparison.ratio,
    interval: comparison.interval,
    delta: comparison.ratio - 1,
    confidence,
    pValue,
    direction,
    threshold,
    detectableEffect: comparison.detectableEffect,
    medianNs: comparison.medianNs,
    batchSize: [current.batchSize, baseline.batchSize],
    samples: [current.batchTimesNs.length, baseline.batchTimesNs.length],
    environmentDifferences: differences,
    environmentChanged: major.length > 0,
    reason,
    notes,
  }
}

/** Log per-call times of both sides; times of 0 (below the timer's resolution) become the smallest positive one, as in compareResults. */
function logPerCall(
  current: BenchResult,
  baseline: BaselineBench,
): { current: number[]; baseline: number[] } {
  const a = current.batchTimesNs.map((t) => t / current.batchSize)
  const b = baseline.batchTimesNs.map((t) => t / baseline.batchSize)
  let floor = Number.POSITIVE_INFINITY
  for (const t of a) if (t > 0 && t < floor) floor = t
  for (const t of b) if (t > 0 && t < floor) floor = t
  if (!Number.isFinite(floor)) floor = 1
  const log = (t: number) => Math.log(t > 0 ? t : floor)
  return { current: a.map(log), baseline: b.map(log) }
}

/** A one-sided p-value and how it was computed. */
export interface RankSumPValue {
  pValue: number
  /** 'exact': the exact null distribution of U (no ties, small enough); 'normal': its normal approximation. */
  method: 'exact' | 'normal'
  /** The Mann–Whitney statistic: pairs with xᵢ − shift > yⱼ, ties counted ½ (for 'slower'). */
  u: number
}

/**
 * One-sided Wilcoxon–Mann–Whitney rank-sum test that x's location exceeds y's by more than
 * `shift` ('slower': H₀ Δ ≤ shift) or falls below y's by more than `shift` ('faster':
 * H₀ Δ ≥ −shift), where Δ is the location shift of x over y — R's
 * `wilcox.test(x, y, mu = shift, alternative = "greater")` (or `mu = -shift, "less"`).
 *
 * Exact (the null distribution of U, as in rankShiftInterval) when there are no ties and it costs
 * at most RANK_SHIFT_EXACT_MAX_WORK; otherwise the normal approximation with continuity and tie
 * correction, Var U = mn/12 · (N + 1 − Σ(t³ − t) / (N(N − 1))) (Hollander & Wolfe,
 * *Nonparametric Statistical Methods*, 2nd ed. 1999, §4.1, eqs. 4.5–4.7 and the tie comment).
 * Ranks use midranks; O((m + n) log(m + n)), so 20 000 batches a side are cheap.
 */
export function thresholdPValue(
  x: readonly number[],
  y: readonly number[],
  shift: number,
  direction: 'slower' | 'faster',
): RankSumPValue {
  // 'faster' is 'slower' with the roles swapped: y − (x + shift) > 0.
  const [a, b] = direction === 'slower' ? [x.map((v) => v - shift), y] : [y, x.map((v) => v + shift)]
  const m = a.length
  const n = b.length
  if (m === 0 || n === 0) return { pValue: Number.NaN, method: 'normal', u: Number.NaN }
  const pooled = [
    ...a.map((value) => ({ value, first: true })),
    ...b.map((value) => ({ value, first: false })),
  ]
  pooled.sort((p, q) => p.value - q.value)
  const N = m + n
  let rankSum = 0
  let tieTerm = 0
  for (let i = 0; i < N; ) {
    let j = i
    while (j + 1 < N && pooled[j + 1]!.value === pooled[i]!.value) j++
    const t = j - i + 1
    const midrank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) if (pooled[k]!.first) rankSum += midrank
    if (t > 1) tieTerm += t * t * t - t
    i = j + 1
  }
  const u = rankSum - (m * (m + 1)) / 2
  const pairs = m * n
  if (tieTerm === 0 && Math.min(m, n) * (Math.floor(pairs / 2) + 1) <= RANK_SHIFT_EXACT_MAX_WORK) {
    // P(U ≥ u) = P(U ≤ mn − u) by symmetry: the lower tail keeps small p-values accurate.
    return { pValue: mannWhitneyCdf(pairs - u, m, n), method: 'exact', u }
  }
  const variance = (pairs / 12) * (N + 1 - tieTerm / (N * (N - 1)))
  if (!(variance > 0)) return { pValue: 1, method: 'normal', u }
  const z = (u - pairs / 2 - 0.5) / Math.sqrt(variance)
  return { pValue: Math.min(1, normalCdf(-z)), method: 'normal', u }
}

function explain(
  status: RegressionStatus,
  name: string,
  comparison: Comparison,
  confidence: number,
  threshold: number,
  pValue: number,
  samples: [number, number],
): string {
  const { ratio } = comparison
  const [lo, hi] = comparison.interval
  const interval = `${percentOf(confidence)} interval ${formatRange(lo, hi, formatRatio)}`
  const band = formatPercent(threshold)
  const medians = `${formatDuration(comparison.medianNs[0])} per call, baseline ${formatDuration(comparison.medianNs[1])}`
  const p = `one-sided ${pEquals(pValue)}`
  switch (status) {
    case 'regressed':
      return `"${name}" regressed: ${formatPercent(ratio - 1)} slower than the baseline (${formatRatio(ratio)}, ${interval}; ${medians}), beyond the ${band} threshold (${p}).`
    case 'improved':
      return `"${name}" improved: ${formatPercent(1 - ratio)} faster than the baseline (${formatRatio(ratio)}, ${interval}; ${medians}), beyond the ${band} threshold (${p}).`
    case 'unchanged':
      return `"${name}" is unchanged: within ±${band} of the baseline (${formatRatio(ratio)}, ${interval}; ${medians}).`
    default:
      if (!Number.isFinite(hi)) {
        return `No ${percentOf(confidence)} interval for "${name}" against the baseline: ${samples[0]} and ${samples[1]} batches are too few (${medians}); give the bench more time.`
      }
      return (
        `"${name}" is inconclusive: the ${interval} straddles the ±${band} threshold (${formatRatio(ratio)}; ${medians}); ` +
        `this comparison could only detect changes above ${formatPercent(comparison.detectableEffect)}. Give the bench more time to settle it.`
      )
  }
}

// ---------------------------------------------------------------------------------------------
// A whole suite

/** How {@link adjustForSuite} controls false alarms across benches. */
export type SuiteAdjustMethod = 'holm' | 'benjamini-hochberg'

/** Options of {@link adjustForSuite}. */
export interface SuiteAdjustOptions {
  /**
   * 'holm' bounds the chance of any false regression in the suite by alpha; 'benjamini-hochberg'
   * bounds the expected share of false ones among those reported, which keeps more real ones
   * when many benches changed.
   * @default DEFAULT_SUITE_ADJUST_METHOD ('holm')
   */
  method?: SuiteAdjustMethod
  /** @default 1 − the verdicts' confidence (0.05 at the default 0.95) */
  alpha?: number
}

export const DEFAULT_SUITE_ADJUST_METHOD: SuiteAdjustMethod = 'holm'

/**
 * Control the suite-wide false-alarm rate: adjust the p-values of all compared benches together
 * (Holm or Benjamini–Hochberg; see src/stats/multiple-testing.ts), and turn a 'regressed' or
 * 'improved' whose adjusted p-value exceeds alpha into 'inconclusive', saying why. Benches with
 * status 'environment-changed' were not judged and are left out of the family; a missing p-value
 * counts as 1. Returns new verdicts in the same order.
 *
 * What is adjusted is the two-sided p-value min(1, 2 × pValue): `pValue` is one-sided in the
 * direction the data chose, which alone would let each bench raise an alarm in either direction
 * at twice the rate. With Holm, the chance that a suite where nothing changed reports any
 * regression or improvement is then at most alpha, as the per-bench interval does for one bench at
 * confidence 1 − alpha; so with the default alpha one bench is never demoted.
 */
export function adjustForSuite(
  verdicts: readonly RegressionVerdict[],
  options: SuiteAdjustOptions = {},
): RegressionVerdict[] {
  const method = options.method ?? DEFAULT_SUITE_ADJUST_METHOD
  const family = verdicts.filter((v) => v.status !== 'environment-changed')
  const alpha =
    options.alpha ??
    (family.length === 0
      ? 1 - DEFAULT_REGRESSION_CONFIDENCE
      : Math.min(...family.map((v) => 1 - v.confidence)))
  // 1 − 0.95 is 0.050000000000000044 in binary: show and compare the value people mean.
  const cleanAlpha = Number(alpha.toPrecision(12))
  if (!(cleanAlpha > 0 && cleanAlpha < 1)) {
    throw perfgateError('SUITE_ADJUST_OPTIONS_INVALID', {
      problem: `alpha must be above 0 and below 1, received ${String(alpha)}`,
      fix: 'Use a value like 0.05.',
    })
  }
  const pValues = family.map((v) => (Number.isNaN(v.pValue) ? 1 : Math.min(1, 2 * v.pValue)))
  const adjusted = method === 'holm' ? holmAdjust(pValues) : benjaminiHochbergAdjust(pValues)
  const byVerdict = new Map(family.map((v, i) => [v, adjusted[i]!]))
  const label = method === 'holm' ? 'Holm' : 'Benjamini–Hochberg'
  return verdicts.map((verdict) => {
    const adjustedPValue = byVerdict.get(verdict)
    if (adjustedPValue === undefined) return verdict
    const adjustment: SuiteAdjustment = { method, alpha: cleanAlpha, adjustedPValue, tests: family.length }
    if ((verdict.status === 'regressed' || verdict.status === 'improved') && adjustedPValue > cleanAlpha) {
      return {
        ...verdict,
        status: 'inconclusive',
        reason:
          `${verdict.reason} Not counted as ${verdict.status === 'regressed' ? 'a regression' : 'an improvement'}: ` +
          `across the ${family.length} benches compared, its ${label}-adjusted p-value ${formatP(adjustedPValue)} is above ${cleanAlpha}, ` +
          'so it could be one of the false alarms expected among that many comparisons.',
        adjustment: { ...adjustment, demotedFrom: verdict.status },
      }
    }
    return { ...verdict, adjustment }
  })
}

/**
 * The regressions that must be re-measured before they fail: status 'regressed' and not yet a
 * re-measurement. Re-measure each with its baseline's batch size (`verdict.batchSize[1]`), check
 * it again, and merge with {@link mergeRemeasured}.
 */
export function needsRemeasure(verdicts: readonly RegressionVerdict[]): RegressionVerdict[] {
  return verdicts.filter((v) => v.status === 'regressed' && v.remeasured === undefined)
}

/**
 * The verdict after a re-measurement. A regression fails only when the re-measurement confirms
 * it: `second` 'regressed' → 'regressed' (the second's numbers); `second` 'environment-changed'
 * → that; anything else → 'inconclusive', since the two runs disagree. The first measurement is
 * kept in `remeasured`. A `first` that is not 'regressed' needed no re-measurement and is
 * returned as it is.
 */
export function mergeRemeasured(first: RegressionVerdict, second: RegressionVerdict): RegressionVerdict {
  if (first.status !== 'regressed') return first
  const record: FirstMeasurement = {
    status: first.status,
    ratio: first.ratio,
    interval: first.interval,
    pValue: first.pValue,
  }
  const firstText = `${formatPercent(first.delta)} slower, ${percentOf(first.confidence)} interval ${formatRange(first.interval[0], first.interval[1], formatRatio)}`
  const adjustment = second.adjustment ?? first.adjustment
  const merged = {
    ...second,
    ...(adjustment !== undefined && { adjustment }),
  }
  if (second.status === 'regressed') {
    return {
      ...merged,
      reason: `${second.reason} Confirmed by a re-measurement (the first run: ${firstText}).`,
      remeasured: { first: record, confirmed: true },
    }
  }
  if (second.status === 'environment-changed')
    return { ...merged, remeasured: { first: record, confirmed: false } }
  return {
    ...merged,
    status: 'inconclusive',
    reason:
      `"${second.name}" looked like a regression (${firstText}), but a re-measurement did not confirm it: ` +
      `${second.reason} Not failed; if it recurs, give the bench more time or look for drift between runs.`,
    remeasured: { first: record, confirmed: false },
  }
}

// ---------------------------------------------------------------------------------------------

/** `cpu.model Intel → AMD; runtime.version v20.1.0 → v22.3.0`: baseline's value, then the current one. */
export function describeDifferences(differences: readonly EnvironmentDifference[]): string {
  return differences.map((d) => `${d.field} ${d.a} → ${d.b}`).join('; ')
}

function percentOf(confidence: number): string {
  return formatPercent(confidence)
}

/** `p = 0.032`, or `p < 1e-300` when it underflowed to 0 (a p-value is never exactly 0). */
export function pEquals(p: number): string {
  return p === 0 ? 'p < 1e-300' : `p = ${formatP(p)}`
}

/** A p-value in two significant digits: 0.032, 4.1e-7; `unknown` for NaN. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'unknown'
  if (p === 0) return '0'
  return p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1)
}

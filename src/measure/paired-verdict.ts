import { quantile } from '../stats/quantile.js'
import { quantileInterval } from '../stats/quantile-interval.js'
import { sortSamples } from '../stats/sorted-samples.js'

/** What one look at the paired data concludes. 'undecided' means: keep measuring. */
export type LookVerdict = 'faster' | 'slower' | 'equivalent' | 'undecided'

export interface PairedAnalysis {
  verdict: LookVerdict
  /** exp(median log-ratio): a's time / b's time. */
  ratio: number
  /** Interval for the ratio at the look-adjusted confidence. */
  interval: [number, number]
  /** Confidence each look uses: 1 - (1 - confidence) / maxLooks. */
  lookConfidence: number
  /** Smallest relative difference this data could call: threshold plus the interval half-width. */
  detectableEffect: number
  /**
   * The direction the interval pointed to when it lay beyond `threshold` but not beyond
   * `minDifference`, so the look held the verdict back; undefined otherwise.
   */
  heldBack?: 'faster' | 'slower'
}

export interface PairedOptions {
  /** Family-wise confidence over the whole sequential run, e.g. 0.95. */
  confidence: number
  /** Practical threshold as a relative difference, e.g. 0.02. */
  threshold: number
  /** Most looks the sequential run may take: the Bonferroni divisor of the error rate. */
  maxLooks: number
  /**
   * Smallest difference this look may call 'faster' or 'slower' (relative, at least `threshold`,
   * which it defaults to). compare() raises it for looks at rounds that span only a few
   * milliseconds; 'equivalent' always uses `threshold`.
   */
  minDifference?: number
}

/**
 * Decide from paired per-round log-ratios log(a/b).
 *
 * The interval is the distribution-free sign-test interval for the median log-ratio (order
 * statistics of a binomial), so heavy tails and bimodal rounds do not break it. Each look spends
 * (1 - confidence) / maxLooks of the error rate (Bonferroni), so however often a run looks, the
 * chance that any look's interval misses the truth stays below 1 - confidence.
 *
 * Two-part rule: a difference is called only when the whole interval lies beyond the practical
 * threshold (which also makes it significant); 'equivalent' needs the whole interval inside it.
 * A look with `minDifference` calls a difference only beyond that larger band: a stricter rule on
 * some looks can only lower the error rate the Bonferroni split bounds.
 */
export function analyzePairedLogRatios(logRatios: readonly number[], options: PairedOptions): PairedAnalysis {
  const { confidence, threshold, maxLooks } = options
  const differenceBand = Math.log1p(Math.max(threshold, options.minDifference ?? threshold))
  const lookConfidence = 1 - (1 - confidence) / maxLooks
  if (logRatios.length === 0) {
    return {
      verdict: 'undecided',
      ratio: 1,
      interval: [0, Number.POSITIVE_INFINITY],
      lookConfidence,
      detectableEffect: Number.POSITIVE_INFINITY,
    }
  }
  const sorted = sortSamples(logRatios)
  const center = quantile(sorted, 0.5)
  const ci = quantileInterval(sorted, 0.5, lookConfidence)
  // Too few rounds to reach the look's confidence at all: never decide on that.
  const reached = ci.coverage >= lookConfidence
  const band = Math.log1p(threshold)
  let verdict: LookVerdict = 'undecided'
  let heldBack: 'faster' | 'slower' | undefined
  if (reached) {
    if (ci.lo > differenceBand) verdict = 'slower'
    else if (ci.hi < -differenceBand) verdict = 'faster'
    else if (ci.lo >= -band && ci.hi <= band) verdict = 'equivalent'
    else if (ci.lo > band) heldBack = 'slower'
    else if (ci.hi < -band) heldBack = 'faster'
  }
  const halfWidth = reached ? (ci.hi - ci.lo) / 2 : Number.POSITIVE_INFINITY
  return {
    verdict,
    ratio: Math.exp(center),
    interval: [Math.exp(ci.lo), Math.exp(ci.hi)],
    lookConfidence,
    detectableEffect: Math.expm1(band + halfWidth),
    ...(heldBack && { heldBack }),
  }
}

/**
 * Round counts at which a comparison looks: first at `firstLook`, then each time the count doubles,
 * at most `maxLooks - 1` such looks; the last look is reserved for the time cap.
 */
export function lookSchedule(firstLook: number, maxLooks: number): number[] {
  const rounds: number[] = []
  for (let i = 0; i < maxLooks - 1; i++) rounds.push(firstLook * 2 ** i)
  return rounds
}

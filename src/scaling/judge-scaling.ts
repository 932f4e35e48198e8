import type { BudgetStatus } from '../budget/verdict.js'
import type { ExponentFit, ScalingFit } from './fit-scaling.js'
import { classExponent, nearestClass, SCALING_CLASSES, type ScalingClass } from './scaling-classes.js'

/**
 * How far above its class's exponent a claim still holds, in powers of n: halfway from linear
 * (1) to quadratic (2), from quadratic to cubic. Half a power is far beyond what caches, a fixed
 * cost per call or a noisy machine do to a clean class over two decades of sizes, and still
 * catches the next class up. The neighbours constant/log and linear/n log n lie only ~0.1
 * apart over such ranges (less than those effects), so a claim does not tell them apart.
 */
export const DEFAULT_SCALING_TOLERANCE = 0.5

/** Options of {@link judgeScaling}. */
export interface JudgeScalingOptions {
  /**
   * How far the exponent may lie above the claimed class's before the claim fails, in powers
   * of n. @default DEFAULT_SCALING_TOLERANCE (0.5)
   */
  tolerance?: number
}

/** An exponent fit held to a claim's limit over the same sizes. */
export interface JudgedExponent extends ExponentFit {
  /** The claimed class's own exponent over these sizes. */
  claimedExponent: number
  /** claimedExponent + tolerance: the largest exponent the claim allows here. */
  limitExponent: number
}

/**
 * The verdict on a scaling claim. A claim is an upper bound, as in Big-O: `'linear'` means the
 * time per call grows no faster than n (plus the tolerance). It fails when the exponent's whole
 * interval lies above the limit, over all sizes or over the two largest; it passes when the
 * whole interval over all sizes lies at or below it; otherwise it is inconclusive.
 */
export interface ScalingVerdict {
  status: BudgetStatus
  name: string
  claim: ScalingClass
  tolerance: number
  confidence: number
  /** The fit over all sizes, held to the claim. */
  all: JudgedExponent
  /** The fit over the two largest sizes, held to the claim there. */
  largest: JudgedExponent
  /** Which fit failed the claim ('all-sizes' when both did); null unless the status is 'fail'. */
  failedBy: 'all-sizes' | 'largest-sizes' | null
  /** The class whose exponent over these sizes is nearest the fitted one. */
  closest: ScalingClass
  /**
   * The slowest-growing class below the claimed one whose limit the data meet as well: the
   * function scales better than claimed. Null when there is none, or the claim did not pass.
   */
  betterThanClaimed: ScalingClass | null
  /** Why the status is what it is, in one sentence. */
  reason: string
}

/** What {@link judgeScaling} needs of a measurement: a ScalingResult has it. */
export interface ScalingJudgeInput {
  name: string
  sizes: readonly number[]
  fit: ScalingFit
}

/**
 * Judge a claim that time per call grows no faster than `claim` over the measured sizes. Pure:
 * the same fit and claim always give the same verdict.
 *
 * The claimed class's exponent is its own log–log slope over these sizes (n log n over
 * 1e3–1e5 is 1.11, not 1), so classes whose local exponent drifts with n are judged fairly.
 * Both fits are tested one-sidedly by their two-sided intervals: each wrongly fails a true claim
 * at most (1 − confidence)/2 of the time, so the two together at most 1 − confidence.
 *
 * @throws RangeError for a tolerance that is not a number from 0 to 2 (callers validate first).
 */
export function judgeScaling(
  input: ScalingJudgeInput,
  claim: ScalingClass,
  options: JudgeScalingOptions = {},
): ScalingVerdict {
  const tolerance = options.tolerance ?? DEFAULT_SCALING_TOLERANCE
  if (!(tolerance >= 0 && tolerance <= 2))
    throw new RangeError(`tolerance must be in [0, 2], got ${tolerance}`)
  const { fit } = input
  const judged = (f: ExponentFit, scalingClass: ScalingClass): JudgedExponent => {
    const claimedExponent = classExponent(scalingClass, f.sizes)
    return {
      sizes: [...f.sizes],
      exponent: f.exponent,
      interval: [f.interval[0], f.interval[1]],
      claimedExponent,
      limitExponent: claimedExponent + tolerance,
    }
  }
  const all = judged(fit, claim)
  const largest = judged(fit.largest, claim)
  const above = (j: JudgedExponent) => j.interval[0] > j.limitExponent
  const failedBy = above(all) ? 'all-sizes' : above(largest) ? 'largest-sizes' : null
  const status: BudgetStatus =
    failedBy !== null ? 'fail' : all.interval[1] <= all.limitExponent ? 'pass' : 'inconclusive'

  const meets = (scalingClass: ScalingClass) => {
    const a = judged(fit, scalingClass)
    return a.interval[1] <= a.limitExponent && !above(judged(fit.largest, scalingClass))
  }
  const faster = SCALING_CLASSES.slice(0, SCALING_CLASSES.indexOf(claim))
  const betterThanClaimed = status === 'pass' ? (faster.find(meets) ?? null) : null
  const closest = nearestClass(fit.exponent, fit.sizes)
  return {
    status,
    name: input.name,
    claim,
    tolerance,
    confidence: fit.confidence,
    all,
    largest,
    failedBy,
    closest,
    betterThanClaimed,
    reason: reason(status, failedBy, claim, all, largest),
  }
}

function reason(
  status: BudgetStatus,
  failedBy: ScalingVerdict['failedBy'],
  claim: ScalingClass,
  all: JudgedExponent,
  largest: JudgedExponent,
): string {
  const range = (j: JudgedExponent) => `${j.interval[0].toFixed(2)}–${j.interval[1].toFixed(2)}`
  const allows = (j: JudgedExponent) => `${j.limitExponent.toFixed(2)}, the most '${claim}' allows`
  switch (status) {
    case 'fail':
      return failedBy === 'all-sizes'
        ? `the exponent's interval (${range(all)}) lies wholly above ${allows(all)} over these sizes`
        : `over the two largest sizes the exponent's interval (${range(largest)}) lies wholly above ${allows(largest)} there`
    case 'pass':
      return `the exponent's interval (${range(all)}) lies at or below ${allows(all)} over these sizes`
    case 'inconclusive':
      return `the exponent's interval (${range(all)}) straddles ${allows(all)} over these sizes`
  }
}

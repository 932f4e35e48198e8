import { quantile } from './quantile.js'
import type { SortedSamples } from './sorted-samples.js'

/** Tukey's fences, in the samples' unit. */
export interface TukeyFences {
  /** Q1 − 3·IQR: below it a sample is a severe low outlier. */
  lowSevere: number
  /** Q1 − 1.5·IQR: below it (and not below `lowSevere`) a sample is a mild low outlier. */
  lowMild: number
  /** Q3 + 1.5·IQR: above it (and not above `highSevere`) a sample is a mild high outlier. */
  highMild: number
  /** Q3 + 3·IQR: above it a sample is a severe high outlier. */
  highSevere: number
}

/** How many samples lie beyond each of Tukey's fences. The four counts are disjoint. */
export interface OutlierClassification {
  /** Samples strictly below Q1 − 3·IQR. */
  lowSevere: number
  /** Samples in [Q1 − 3·IQR, Q1 − 1.5·IQR). */
  lowMild: number
  /** Samples in (Q3 + 1.5·IQR, Q3 + 3·IQR]. */
  highMild: number
  /** Samples strictly above Q3 + 3·IQR. */
  highSevere: number
  fences: TukeyFences
}

/** Multiple of the IQR beyond which a sample is a mild outlier (Tukey 1977). */
export const MILD_OUTLIER_IQR = 1.5
/** Multiple of the IQR beyond which a sample is a severe ("far out") outlier (Tukey 1977). */
export const SEVERE_OUTLIER_IQR = 3

/**
 * Count outliers by Tukey's fences, with Q1 and Q3 as type-7 quantiles (R's default). Outliers are
 * counted, never removed: whether to drop them is the caller's decision, and should be reported.
 * A severe outlier is not also counted as mild. O(log n) on sorted samples.
 *
 * @throws {RangeError} when `sorted` is empty.
 */
export function classifyOutliers(sorted: SortedSamples): OutlierClassification {
  const q1 = quantile(sorted, 0.25)
  const q3 = quantile(sorted, 0.75)
  const iqr = q3 - q1
  const fences: TukeyFences = {
    lowSevere: q1 - SEVERE_OUTLIER_IQR * iqr,
    lowMild: q1 - MILD_OUTLIER_IQR * iqr,
    highMild: q3 + MILD_OUTLIER_IQR * iqr,
    highSevere: q3 + SEVERE_OUTLIER_IQR * iqr,
  }
  const n = sorted.length
  const belowSevere = countBelow(sorted, fences.lowSevere)
  const belowMild = countBelow(sorted, fences.lowMild)
  const aboveMild = n - countAtOrBelow(sorted, fences.highMild)
  const aboveSevere = n - countAtOrBelow(sorted, fences.highSevere)
  return {
    lowSevere: belowSevere,
    lowMild: belowMild - belowSevere,
    highMild: aboveMild - aboveSevere,
    highSevere: aboveSevere,
    fences,
  }
}

/** Number of sorted samples strictly below `x` (binary search). */
function countBelow(sorted: SortedSamples, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Number of sorted samples at or below `x` (binary search). */
function countAtOrBelow(sorted: SortedSamples, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

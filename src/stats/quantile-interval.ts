import { binomialCdf, binomialCdfUnchecked, binomialLowerTailIndex } from './binomial.js'
import type { SortedSamples } from './sorted-samples.js'

/** A distribution-free confidence interval for a population quantile, bounded by two order statistics. */
export interface QuantileInterval {
  /** Lower bound: the order statistic X₍loIndex+1₎, i.e. `sorted[loIndex]`. */
  lo: number
  /** Upper bound: the order statistic X₍hiIndex+1₎, i.e. `sorted[hiIndex]`. */
  hi: number
  /**
   * Exact achieved coverage P(X₍l₎ ≤ ξₚ < X₍u₎) for continuous data: at least the requested
   * confidence unless the sample is too small to reach it, in which case it is lower (and the
   * interval is [min, max]). Never rounded up.
   */
  coverage: number
  /** 0-based index of `lo` in the sorted samples. */
  loIndex: number
  /** 0-based index of `hi` in the sorted samples. */
  hiIndex: number
}

/**
 * Distribution-free confidence interval for the population p-quantile ξₚ from order statistics
 * (the binomial method; e.g. Conover, *Practical Nonparametric Statistics*, §3.2; Hahn & Meeker
 * §5.2). For the median it is the sign-test interval.
 *
 * Of n samples, the number B at or below ξₚ is Binomial(n, p), so [X₍l₎, X₍u₎] (1-based order
 * statistics) covers ξₚ with probability P(l ≤ B < u). The bounds are chosen from exact binomial
 * tails, equal-tailed: l is the largest index with P(B < l) ≤ α/2 and u the smallest with
 * P(B ≥ u) ≤ α/2, where α = 1 − confidence. When one bound is already the sample minimum or
 * maximum and its tail still exceeds α/2, the other bound gets the rest of α. When even [min, max]
 * cannot reach the confidence, that widest interval is returned with its lower, true coverage —
 * check `coverage` rather than assuming the requested level.
 *
 * Exact for continuous data; with ties the coverage is at least `coverage`. O(√n·log n), no copy.
 *
 * @param sorted samples sorted ascending (see `sortSamples`).
 * @param p the quantile, in (0, 1) — 0.5 for the median.
 * @param confidence the requested coverage, in (0, 1) — e.g. 0.95.
 * @throws {RangeError} when `sorted` is empty, or p or confidence is outside (0, 1).
 */
export function quantileInterval(sorted: SortedSamples, p: number, confidence: number): QuantileInterval {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantileInterval: no samples')
  if (!(p > 0 && p < 1)) throw new RangeError(`quantileInterval: p must be in (0, 1), received ${p}`)
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`quantileInterval: confidence must be in (0, 1), e.g. 0.95, received ${confidence}`)
  }
  const q = 1 - p
  const alpha = 1 - confidence

  // P(B < l) = P(B ≤ l − 1); P(B ≥ u) = P(n − B ≤ n − u) with n − B ~ Binomial(n, q).
  const lowerMissAt = (l: number): number => binomialCdfUnchecked(l - 1, n, p, q)
  const upperMissAt = (u: number): number => binomialCdfUnchecked(n - u, n, q, p)
  // Largest l whose lower miss is within budget (at least 1: X₍₁₎ is the furthest we can go).
  const lowerBound = (budget: number): number => Math.max(1, binomialLowerTailIndex(n, p, q, budget) + 1)
  // Smallest u whose upper miss is within budget (at most n).
  const upperBound = (budget: number): number => Math.min(n, n - binomialLowerTailIndex(n, q, p, budget))

  let l = lowerBound(alpha / 2)
  let u = upperBound(alpha / 2)
  let lowerMiss = lowerMissAt(l)
  let upperMiss = upperMissAt(u)
  // A bound pinned at the sample's edge overspends its half of α; give the other side what is left.
  if (lowerMiss > alpha / 2 && upperMiss <= alpha / 2) {
    const rest = alpha - lowerMiss
    u = rest > 0 ? upperBound(rest) : n
    upperMiss = upperMissAt(u)
  } else if (upperMiss > alpha / 2 && lowerMiss <= alpha / 2) {
    const rest = alpha - upperMiss
    l = rest > 0 ? lowerBound(rest) : 1
    lowerMiss = lowerMissAt(l)
  }
  // l = u (only for n = 1 or an extreme confidence) is a point with coverage 0; never negative.
  const coverage = l < u ? Math.max(0, 1 - lowerMiss - upperMiss) : 0
  return { lo: sorted[l - 1]!, hi: sorted[u - 1]!, coverage, loIndex: l - 1, hiIndex: u - 1 }
}

/**
 * An interval for the p-quantile that a budget can be judged on, however few the samples. With
 * enough samples it is {@link quantileInterval}. With too few, even [min, max] covers the
 * quantile less often than `confidence` (10 samples cover p95 by their maximum only 40% of the
 * time), so each side is bounded on its own at α/2 (B, the number of samples at or below ξₚ, is
 * Binomial(n, p)), and a side the data cannot reach is left open (0 or infinity): a pass cannot
 * rest on it, but a clear fail still can. `samplesNeeded` says how many samples would have
 * bounded both sides.
 */
export function quantileBounds(
  sorted: SortedSamples,
  p: number,
  confidence: number,
): { interval: [number, number]; samplesNeeded: number | null } {
  const ci = quantileInterval(sorted, p, confidence)
  if (ci.coverage >= confidence) return { interval: [ci.lo, ci.hi], samplesNeeded: null }
  const n = sorted.length
  const halfAlpha = (1 - confidence) / 2
  let lo = 0
  for (let l = n; l >= 1; l--) {
    // X₍l₎ ≤ ξₚ unless fewer than l samples fall at or below it: P(B ≤ l − 1).
    if (binomialCdf(l - 1, n, p) <= halfAlpha) {
      lo = sorted[l - 1]!
      break
    }
  }
  let hi = Number.POSITIVE_INFINITY
  for (let u = 1; u <= n; u++) {
    // X₍u₎ ≥ ξₚ unless u or more samples fall below it: P(B ≥ u).
    if (1 - binomialCdf(u - 1, n, p) <= halfAlpha) {
      hi = sorted[u - 1]!
      break
    }
  }
  const tail = Math.log(halfAlpha)
  // The largest sample bounds the p-quantile from above with probability 1 − pⁿ; the smallest
  // bounds it from below with probability 1 − (1 − p)ⁿ.
  const needed = Math.max(
    hi === Number.POSITIVE_INFINITY ? Math.ceil(tail / Math.log(p)) : 0,
    lo === 0 ? Math.ceil(tail / Math.log(1 - p)) : 0,
  )
  return { interval: [lo, hi], samplesNeeded: needed > 0 ? needed : null }
}

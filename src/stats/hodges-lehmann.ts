import { SortedSumSelector } from './sorted-sum-selector.js'

/**
 * One-sample Hodges–Lehmann estimator: the median of the n(n+1)/2 Walsh averages (xᵢ + xⱼ)/2,
 * i ≤ j. A robust location estimate (breakdown 29%) that is nearly as efficient as the mean for
 * normal data; for paired log-ratios it estimates the typical ratio.
 *
 * Exact for every n, in O(n log n) expected time and O(n) memory, without forming the averages
 * (see SortedSumSelector).
 *
 * @throws {RangeError} when `xs` is empty or holds NaN.
 */
export function hodgesLehmann(xs: readonly number[]): number {
  const n = xs.length
  if (n === 0) throw new RangeError('hodgesLehmann: no samples')
  const x = Float64Array.from(xs)
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) throw new RangeError(`hodgesLehmann: sample ${i} is NaN`)
  }
  x.sort()
  const total = (n * (n + 1)) / 2
  // Walsh sums: row i pairs x[i] with x[j] for j ≥ i.
  const selector = new SortedSumSelector(x, x, (i) => i)
  // Sums are halved only at the end: (a + b) / 2 is exact unless a + b is subnormal.
  if (total % 2 === 1) return selector.select((total + 1) / 2) / 2
  const lower = selector.select(total / 2)
  const upper = selector.select(total / 2 + 1)
  return (lower + upper) / 4
}

import type { SortedSamples } from './sorted-samples.js'

/**
 * Sample quantile by linear interpolation between order statistics: Hyndman & Fan (1996) type 7,
 * the default of R's `quantile()` and numpy's `method="linear"`.
 *
 * With n sorted samples x[0..n-1], h = (n − 1)·p, the result is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * O(1).
 *
 * @param sorted samples sorted ascending (see `sortSamples`).
 * @param p probability in [0, 1].
 * @throws {RangeError} when `sorted` is empty or `p` is outside [0, 1] (or NaN).
 */
export function quantile(sorted: SortedSamples, p: number): number {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantile: no samples')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], received ${p}`)
  const h = (n - 1) * p
  const j = Math.floor(h)
  const below = sorted[j]!
  const fraction = h - j
  if (fraction === 0 || j + 1 >= n) return below
  const above = sorted[j + 1]!
  // Equal neighbours return as they are: interpolating ∞ with ∞ would give NaN.
  if (above === below) return below
  return below + fraction * (above - below)
}

/** Sample median (type-7 quantile at p = 0.5: the mean of the two middle values when n is even). */
export function median(sorted: SortedSamples): number {
  return quantile(sorted, 0.5)
}

/**
 * Arithmetic mean, computed in two passes: the naive sum's rounding error is corrected by the
 * mean of the residuals, which keeps the result accurate when values share a large offset
 * (e.g. timestamps or timings around 1e9 ns that differ by a few ns).
 *
 * @throws {RangeError} when `xs` is empty.
 */
export function mean(xs: readonly number[]): number {
  const n = xs.length
  if (n === 0) throw new RangeError('mean: no samples')
  let sum = 0
  for (let i = 0; i < n; i++) sum += xs[i]!
  const rough = sum / n
  if (!Number.isFinite(rough)) return rough
  let residual = 0
  for (let i = 0; i < n; i++) residual += xs[i]! - rough
  return rough + residual / n
}

/**
 * Unbiased sample variance (divisor n − 1), by the corrected two-pass algorithm
 * (Chan, Golub & LeVeque 1983), which avoids the cancellation of the textbook Σx² − n·x̄² form.
 * Returns 0 for fewer than two samples: there is no spread to estimate.
 */
export function variance(xs: readonly number[]): number {
  const n = xs.length
  if (n < 2) return 0
  const m = mean(xs)
  let squares = 0
  let residual = 0
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m
    squares += d * d
    residual += d
  }
  // The residual sum is zero in exact arithmetic; subtracting it removes the mean's rounding error.
  return Math.max(0, (squares - (residual * residual) / n) / (n - 1))
}

/** Sample standard deviation: √{@link variance} (divisor n − 1; 0 for fewer than two samples). */
export function standardDeviation(xs: readonly number[]): number {
  return Math.sqrt(variance(xs))
}

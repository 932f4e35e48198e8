/**
 * Geometric mean, exp(mean(ln x)), computed through logarithms so that products of many ratios or
 * timings neither overflow nor underflow. A zero sample gives 0.
 *
 * Logs are taken relative to the first sample, x₀·exp(mean(ln(xᵢ/x₀))): exp magnifies the absolute
 * error of its argument, and for samples of similar size the relative logs stay near 0.
 *
 * @throws {RangeError} when `xs` is empty or holds a negative or NaN value.
 */
export function geometricMean(xs: readonly number[]): number {
  const n = xs.length
  if (n === 0) throw new RangeError('geometricMean: no samples')
  const first = xs[0]!
  const reference = first > 0 && Number.isFinite(first) ? first : 1
  let sumLog = 0
  for (let i = 0; i < n; i++) {
    const x = xs[i]!
    if (!(x >= 0)) {
      throw new RangeError(`geometricMean: sample ${i} is ${x}; a geometric mean needs values ≥ 0`)
    }
    sumLog += Math.log(x / reference)
  }
  return reference * Math.exp(sumLog / n)
}

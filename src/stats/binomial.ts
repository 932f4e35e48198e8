const LN_2PI = 1.8378770664093453 // ln(2π)

/**
 * stirlerr(n) = ln n! − (n + ½)·ln n + n − ½·ln(2π) for n = 0…15, the error of Stirling's formula,
 * computed with mpmath at 40 digits and rounded to double (they match R's `sferr_halves` table at
 * whole numbers).
 */
const STIRLING_ERROR_SMALL = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475,
  0.005554733551962801,
] as const

/** Error of Stirling's approximation to ln n! for whole n ≥ 0 (Loader 2000). */
function stirlingError(n: number): number {
  if (n <= 15) return STIRLING_ERROR_SMALL[n]!
  // Asymptotic series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹); the next term is
  // below 2e−16 relative for n > 15.
  const nn = n * n
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n
}

/**
 * Deviance term bd0(x, m) = x·ln(x/m) + m − x, summed as a series when x ≈ m, where the closed
 * form cancels catastrophically (Loader 2000).
 */
function devianceTerm(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m)
    let sum = (x - m) * v
    let term = 2 * x * v
    v *= v
    for (let j = 3; j < 2000; j += 2) {
      term *= v
      const next = sum + term / j
      if (next === sum) return next
      sum = next
    }
    return sum
  }
  return x * Math.log(x / m) + m - x
}

/**
 * P(B = k) for B ~ Binomial(n, p) with q = 1 − p passed separately so that either may be tiny
 * without losing digits. Loader's saddle-point form: relative error ~1e−14 for any n.
 * Assumes whole numbers 0 ≤ k ≤ n and 0 < p < 1.
 */
function pmfRaw(k: number, n: number, p: number, q: number): number {
  if (k === 0) return Math.exp(n * (p < 0.5 ? Math.log1p(-p) : Math.log(q)))
  if (k === n) return Math.exp(n * (q < 0.5 ? Math.log1p(-q) : Math.log(p)))
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    devianceTerm(k, n * p) -
    devianceTerm(n - k, n * q)
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n)
  return Math.exp(lc - 0.5 * lf)
}

// Stop summing a tail once a term adds less than this fraction: the remaining terms fall at
// least geometrically, so what is left is far below double precision.
const NEGLIGIBLE = 1e-17

/**
 * P(B ≤ k) for whole k, by summing the pmf outward from k with the ratio recurrence, always over
 * the tail that lies away from the mean, so every term is smaller than the last and no tail is
 * computed as 1 − (something close to 1). Cost O(√(npq)) terms at worst.
 */
function cdfRaw(k: number, n: number, p: number, q: number): number {
  if (k < 0) return 0
  if (k >= n) return 1
  if (k < n * p) {
    // Lower tail, summed downward: pmf(i−1) = pmf(i)·i·q / ((n − i + 1)·p), a ratio below 1 here.
    let term = pmfRaw(k, n, p, q)
    let sum = term
    for (let i = k; i > 0 && term > sum * NEGLIGIBLE; i--) {
      term *= (i * q) / ((n - i + 1) * p)
      sum += term
    }
    return sum
  }
  return 1 - upperSumRaw(k + 1, n, p, q)
}

/** P(B ≥ k) for whole k with k − 1 ≥ n·p (the upper tail beyond the mean), summed upward. */
function upperSumRaw(k: number, n: number, p: number, q: number): number {
  let term = pmfRaw(k, n, p, q)
  let sum = term
  // pmf(i+1) = pmf(i)·(n − i)·p / ((i + 1)·q), a ratio below 1 above the mean.
  for (let i = k; i < n && term > sum * NEGLIGIBLE; i++) {
    term *= ((n - i) * p) / ((i + 1) * q)
    sum += term
  }
  return sum
}

function checkArguments(name: string, k: number, n: number, p: number): void {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`${name}: n must be a whole number ≥ 0, received ${n}`)
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], received ${p}`)
  if (Number.isNaN(k)) throw new RangeError(`${name}: k is NaN`)
}

/**
 * Probability mass P(B = k) of B ~ Binomial(n, p), relative error ~1e−14 for any n (Loader's
 * saddle-point algorithm, as in R's `dbinom`). Non-integer k gives 0.
 *
 * @throws {RangeError} when n is not a whole number ≥ 0, p is outside [0, 1], or k is NaN.
 */
export function binomialPmf(k: number, n: number, p: number): number {
  checkArguments('binomialPmf', k, n, p)
  if (!Number.isInteger(k) || k < 0 || k > n) return 0
  if (p === 0) return k === 0 ? 1 : 0
  if (p === 1) return k === n ? 1 : 0
  return pmfRaw(k, n, p, 1 - p)
}

/**
 * Cumulative probability P(B ≤ k) of B ~ Binomial(n, p); k is rounded down, as in R's `pbinom`.
 *
 * Sums Loader's accurate pmf along the tail away from the mean, so tails keep their relative
 * precision (no underflow to a wrong value, no 1 − 1 cancellation) for n up to 1e6 and beyond,
 * at O(√(n·p·q)) cost. For upper tails use {@link binomialSurvival}, which is accurate there.
 *
 * @throws {RangeError} when n is not a whole number ≥ 0, p is outside [0, 1], or k is NaN.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  checkArguments('binomialCdf', k, n, p)
  const kk = Math.floor(k)
  if (kk < 0) return 0
  if (kk >= n) return 1
  if (p === 0) return 1
  if (p === 1) return 0
  return cdfRaw(kk, n, p, 1 - p)
}

/**
 * Upper tail P(B > k) = 1 − P(B ≤ k) of B ~ Binomial(n, p), computed directly so that it keeps
 * its relative precision when tiny; k is rounded down.
 *
 * @throws {RangeError} when n is not a whole number ≥ 0, p is outside [0, 1], or k is NaN.
 */
export function binomialSurvival(k: number, n: number, p: number): number {
  checkArguments('binomialSurvival', k, n, p)
  const kk = Math.floor(k)
  if (kk < 0) return 1
  if (kk >= n) return 0
  if (p === 0) return 0
  if (p === 1) return 1
  // B > k ⇔ n − B ≤ n − k − 1, and n − B ~ Binomial(n, 1 − p).
  return cdfRaw(n - kk - 1, n, 1 - p, p)
}

/**
 * The largest whole j in [−1, n] with P(B ≤ j) ≤ t for B ~ Binomial(n, p), where q = 1 − p is
 * passed separately for precision and 0 < p < 1 (P(B ≤ −1) = 0). Binary search over exact CDF
 * values: O(√(npq)·log n).
 *
 * @internal used by the order-statistic confidence interval.
 */
export function binomialLowerTailIndex(n: number, p: number, q: number, t: number): number {
  let lo = -1 // P(B ≤ lo) ≤ t holds (0 ≤ t)
  let hi = n // P(B ≤ n) = 1 > t for t < 1
  if (t >= 1) return n
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (cdfRaw(mid, n, p, q) <= t) lo = mid
    else hi = mid
  }
  return lo
}

/**
 * P(B ≤ k) for whole k and 0 < p < 1 with q = 1 − p passed separately, without argument checks.
 *
 * @internal for callers that loop over many k.
 */
export function binomialCdfUnchecked(k: number, n: number, p: number, q: number): number {
  return cdfRaw(k, n, p, q)
}

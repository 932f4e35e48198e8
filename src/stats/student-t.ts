import { normalQuantile } from './normal.js'

/**
 * Student t quantile. Starts from the Cornish–Fisher expansion around the normal quantile
 * (Abramowitz & Stegun 26.7.5, four terms: relative error below 5e−5 for df ≥ 9 at p ≤ 0.995),
 * then refines it with Newton steps on {@link studentTCdf}, so small df (the 4 to 12 of a
 * comparison between a handful of processes) are exact too: to ~1e−10 for df ≥ 1 and
 * 1e−12 ≤ p ≤ 1 − 1e−12. Fractional df (Welch) are fine.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1))
    return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN
  if (p === 0.5) return 0
  // The tails are symmetric; working in the upper one keeps Newton on the concave side.
  if (p < 0.5) return -studentTQuantile(1 - p, df)
  let t = cornishFisher(p, df)
  // Cornish–Fisher overshoots for df below ~3; a Cauchy-like start is safer there.
  if (df < 3 || !Number.isFinite(t)) t = Math.min(t, Math.tan(Math.PI * (p - 0.5)))
  for (let i = 0; i < 50; i++) {
    const error = studentTCdf(t, df) - p
    const step = error / studentTPdf(t, df)
    // Newton from above converges monotonically for this concave tail; clamp wild steps.
    const next = step > t / 2 ? t / 2 : t - step
    if (Math.abs(next - t) <= 1e-12 * Math.max(1, Math.abs(t))) return next
    t = next
  }
  return t
}

function cornishFisher(p: number, df: number): number {
  const x = normalQuantile(p)
  const x2 = x * x
  const g1 = (x * (x2 + 1)) / 4
  const g2 = (x * ((5 * x2 + 16) * x2 + 3)) / 96
  const g3 = (x * (((3 * x2 + 19) * x2 + 17) * x2 - 15)) / 384
  const g4 = (x * ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945)) / 92160
  return x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

/**
 * P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, fractional allowed), from the
 * regularized incomplete beta function: P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)
 * (Abramowitz & Stegun 26.7.1 with 26.5.27). Accurate to ~1e−14 absolute, and relatively in the
 * far tails, where a p-value of 1e−9 must not round to 0.
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN
  if (t === Number.POSITIVE_INFINITY) return 1
  if (t === Number.NEGATIVE_INFINITY) return 0
  const x = df / (df + t * t)
  const tail = regularizedIncompleteBeta(x, df / 2, 0.5) / 2
  return t > 0 ? 1 - tail : tail
}

/** Density of Student's t. */
export function studentTPdf(t: number, df: number): number {
  const logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI)
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df))
}

/**
 * I_x(a, b), the regularized incomplete beta function, by its continued fraction evaluated with
 * the modified Lentz method (Numerical Recipes, 3rd ed., §6.4), using the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x)
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b
}

const TINY = 1e-300

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return h
}

// Lanczos approximation (g = 7, n = 9), relative error ~1e−15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]!
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

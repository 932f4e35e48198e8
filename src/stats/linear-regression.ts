import { normalQuantile } from './normal.js'
import { studentTQuantile } from './student-t.js'

/** A straight line y = intercept + slope · x fitted to points, with an interval for the slope. */
export interface LineFit {
  slope: number
  intercept: number
  /** Interval for the slope at `confidence`. */
  slopeInterval: [number, number]
  confidence: number
  /** Number of points. */
  n: number
}

/** Ordinary least squares, with the residual spread the interval rests on. */
export interface LeastSquaresFit extends LineFit {
  method: 'least-squares'
  /** Standard error of the slope. */
  slopeSe: number
  /** Residual standard deviation (n − 2 degrees of freedom). */
  residualSd: number
  /** Share of y's variance the line explains, 0–1 (1 when y is constant and fitted exactly). */
  r2: number
}

/** Theil–Sen: the median of pairwise slopes, robust to outliers in y. */
export interface TheilSenFit extends LineFit {
  method: 'theil-sen'
  /** Pairs of points with distinct x whose slopes were taken. */
  pairs: number
}

/**
 * Least-squares line with a Student t interval for the slope (df = n − 2): exact when the
 * residuals are independent and normal, and the usual approximation otherwise.
 *
 * @throws RangeError for fewer than 3 points, arrays of different lengths, non-finite values, or
 *   fewer than 2 distinct x (no slope exists).
 */
export function leastSquaresLine(
  x: readonly number[],
  y: readonly number[],
  confidence = 0.95,
): LeastSquaresFit {
  checkPoints(x, y, confidence, 3)
  const n = x.length
  const meanX = mean(x)
  const meanY = mean(y)
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - meanX
    const dy = y[i]! - meanY
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  const slope = sxy / sxx
  const intercept = meanY - slope * meanX
  // SSE = Syy − Sxy²/Sxx, clamped: rounding can make an exact fit slightly negative.
  const sse = Math.max(0, syy - slope * sxy)
  const residualSd = Math.sqrt(sse / (n - 2))
  const slopeSe = residualSd / Math.sqrt(sxx)
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 2)
  return {
    method: 'least-squares',
    slope,
    intercept,
    slopeInterval: [slope - t * slopeSe, slope + t * slopeSe],
    confidence,
    n,
    slopeSe,
    residualSd,
    r2: syy === 0 ? 1 : 1 - sse / syy,
  }
}

/**
 * Theil–Sen line: slope = median of the slopes between every pair of points with distinct x,
 * intercept = median of y − slope·x. Its slope interval is Sen's (1968), distribution-free: the
 * order statistics of the pairwise slopes at ranks (N ∓ C)/2, with C = z·√Var(S) from Kendall's S
 * under no trend, corrected for ties in x. Breaks down only when ~29% of points are wild, which is
 * what heap samples with an occasional GC sawtooth need.
 *
 * O(n²) time and memory in the number of points: keep n to a few thousand.
 *
 * @throws RangeError as {@link leastSquaresLine}.
 */
export function theilSenLine(x: readonly number[], y: readonly number[], confidence = 0.95): TheilSenFit {
  checkPoints(x, y, confidence, 3)
  const n = x.length
  const slopes: number[] = []
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!
      if (dx !== 0) slopes.push((y[j]! - y[i]!) / dx)
    }
  }
  slopes.sort((a, b) => a - b)
  const pairs = slopes.length
  const slope = medianOfSorted(slopes)
  const intercept = medianOfSorted(x.map((xi, i) => y[i]! - slope * xi).sort((a, b) => a - b))
  // Var(S) of Kendall's S with ties in x: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over tie groups.
  let tieTerm = 0
  for (const t of tieGroupSizes(x)) tieTerm += t * (t - 1) * (2 * t + 5)
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(varS)
  // Ranks are 1-based in Sen's rule; clamp to the data when n is too small for the confidence.
  const lowerRank = Math.max(1, Math.floor((pairs - c) / 2))
  const upperRank = Math.min(pairs, Math.ceil((pairs + c) / 2) + 1)
  return {
    method: 'theil-sen',
    slope,
    intercept,
    slopeInterval: [slopes[lowerRank - 1]!, slopes[upperRank - 1]!],
    confidence,
    n,
    pairs,
  }
}

function checkPoints(
  x: readonly number[],
  y: readonly number[],
  confidence: number,
  minPoints: number,
): void {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} points and y ${y.length}`)
  if (x.length < minPoints) throw new RangeError(`A line needs at least ${minPoints} points, got ${x.length}`)
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`Confidence must be in (0, 1), got ${confidence}`)
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new RangeError(`Point ${i} is not finite: (${x[i]}, ${y[i]})`)
    }
  }
  if (x.every((xi) => xi === x[0]))
    throw new RangeError('All x are equal: a slope needs at least 2 distinct x')
}

function mean(xs: readonly number[]): number {
  let sum = 0
  for (const v of xs) sum += v
  return sum / xs.length
}

function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function tieGroupSizes(xs: readonly number[]): number[] {
  const counts = new Map<number, number>()
  for (const v of xs) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.values()].filter((c) => c > 1)
}

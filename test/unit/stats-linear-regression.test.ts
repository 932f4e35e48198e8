import { describe, expect, it } from 'vitest'
import { leastSquaresLine, theilSenLine } from '../../src/stats/linear-regression.js'
import { normalQuantile } from '../../src/stats/normal.js'
import { createRandom } from '../../src/stats/random.js'

/** Standard normal draws from a seeded uniform source (inverse CDF), so the tests are deterministic. */
function normals(seed: number, n: number): number[] {
  const random = createRandom(seed)
  return Array.from({ length: n }, () => normalQuantile(Math.min(Math.max(random(), 1e-12), 1 - 1e-12)))
}

describe('leastSquaresLine', () => {
  // Worked by hand: x = 1..5, y = 2 4 5 4 5 → slope 0.6, intercept 2.2, SSE 2.4, Syy 6,
  // se = √(2.4/3)/√10 = 0.282843; t(0.975, 3) = 3.182446 (NIST t table) → 0.6 ± 0.900128.
  it('matches a fit worked by hand', () => {
    const fit = leastSquaresLine([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    expect(fit.slope).toBeCloseTo(0.6, 12)
    expect(fit.intercept).toBeCloseTo(2.2, 12)
    expect(fit.r2).toBeCloseTo(0.6, 12)
    expect(fit.slopeSe).toBeCloseTo(0.282843, 6)
    expect(fit.slopeInterval[0]).toBeCloseTo(0.6 - 0.900128, 5)
    expect(fit.slopeInterval[1]).toBeCloseTo(0.6 + 0.900128, 5)
  })

  it('fits an exact line exactly, with a zero-width interval', () => {
    const fit = leastSquaresLine([1, 2, 3, 4], [3, 5, 7, 9])
    expect(fit.slope).toBeCloseTo(2, 12)
    expect(fit.intercept).toBeCloseTo(1, 12)
    expect(fit.slopeInterval[1] - fit.slopeInterval[0]).toBeLessThan(1e-9)
  })

  it('covers the true slope in about 95% of noisy fits', () => {
    let covered = 0
    const trials = 1000
    const x = Array.from({ length: 12 }, (_, i) => i)
    for (let t = 0; t < trials; t++) {
      const noise = normals(1000 + t, x.length)
      const fit = leastSquaresLine(
        x,
        x.map((xi, i) => 5 - 0.3 * xi + noise[i]!),
      )
      if (fit.slopeInterval[0] <= -0.3 && -0.3 <= fit.slopeInterval[1]) covered++
    }
    // Binomial(1000, 0.95): 95% of runs land within 936–963.
    expect(covered).toBeGreaterThanOrEqual(930)
    expect(covered).toBeLessThanOrEqual(970)
  })

  it('rejects input no line can be fitted to', () => {
    expect(() => leastSquaresLine([1, 2], [1, 2])).toThrow('at least 3 points')
    expect(() => leastSquaresLine([1, 1, 1], [1, 2, 3])).toThrow('All x are equal')
    expect(() => leastSquaresLine([1, 2, 3], [1, 2])).toThrow('x has 3 points and y 2')
    expect(() => leastSquaresLine([1, 2, Number.NaN], [1, 2, 3])).toThrow('Point 2 is not finite')
  })
})

describe('theilSenLine', () => {
  it('ignores a wild point that drags least squares away', () => {
    const x = Array.from({ length: 10 }, (_, i) => i + 1)
    const y = x.map((xi) => 2 * xi)
    y[9] = 500
    const robust = theilSenLine(x, y)
    expect(robust.slope).toBe(2)
    expect(robust.intercept).toBe(0)
    // 36 of the 45 pairwise slopes are exactly 2, so the interval is too.
    expect(robust.slopeInterval).toEqual([2, 2])
    expect(leastSquaresLine(x, y).slope).toBeGreaterThan(20)
  })

  it('takes pairs with distinct x only, and corrects for tied x', () => {
    // Three replicate y at each of 4 sizes: 54 of the 66 pairs have distinct x.
    const x = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    const y = x.map((xi, i) => 10 * xi + (i % 3) - 1)
    const fit = theilSenLine(x, y)
    expect(fit.pairs).toBe(54)
    expect(fit.slope).toBe(10)
    expect(fit.slopeInterval[0]).toBeLessThanOrEqual(10)
    expect(fit.slopeInterval[1]).toBeGreaterThanOrEqual(10)
  })

  it('covers the true slope in at least 95% of fits with heavy-tailed noise', () => {
    let covered = 0
    const trials = 600
    const x = Array.from({ length: 15 }, (_, i) => i)
    for (let t = 0; t < trials; t++) {
      const a = normals(5000 + t, x.length)
      const b = normals(9000 + t, x.length)
      // Ratio of normals: Cauchy noise, whose outliers ruin least squares.
      const fit = theilSenLine(
        x,
        x.map((xi, i) => 1 + 0.5 * xi + a[i]! / b[i]!),
      )
      if (fit.slopeInterval[0] <= 0.5 && 0.5 <= fit.slopeInterval[1]) covered++
    }
    // Sen's interval is conservative at small n: coverage at or above nominal.
    expect(covered / trials).toBeGreaterThanOrEqual(0.93)
  })
})

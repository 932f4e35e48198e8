import { describe, expect, it } from 'vitest'
import { geometricMean } from '../../src/stats/geometric.js'
import { mean, standardDeviation, variance } from '../../src/stats/moments.js'

describe('mean, variance, standardDeviation', () => {
  // Reference: numpy 2.4 np.mean(x), np.var(x, ddof=1), np.std(x, ddof=1).
  const x = [3.1, 0.2, 7.5, 1.0, 4.4, 9.9, 2.2, 6.0, 5.5, 8.8]
  it('match numpy', () => {
    expect(mean(x)).toBeCloseTo(4.86, 13)
    expect(variance(x)).toBeCloseTo(10.733777777777778, 12)
    expect(standardDeviation(x)).toBeCloseTo(3.276244462456637, 12)
  })

  it('stay accurate around a large offset', () => {
    // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, variance 30 exactly. The textbook Σx² − n·x̄² form loses
    // every digit here (x² ≈ 1e18 is beyond 2⁵³).
    const shifted = [4, 7, 13, 16].map((d) => 1e9 + d)
    expect(mean(shifted)).toBe(1e9 + 10)
    expect(variance(shifted)).toBeCloseTo(30, 9)
  })

  it('variance is 0 below two samples and for equal samples', () => {
    expect(variance([])).toBe(0)
    expect(variance([5])).toBe(0)
    expect(variance([0.1, 0.1, 0.1])).toBe(0)
    expect(standardDeviation([5])).toBe(0)
  })

  it('mean of nothing is a RangeError', () => {
    expect(() => mean([])).toThrow(RangeError)
    expect(mean([7])).toBe(7)
  })
})

describe('geometricMean', () => {
  it('matches the textbook value', () => {
    // Python statistics.geometric_mean([1, 2, 4, 8, 16]) = 4.
    expect(geometricMean([1, 2, 4, 8, 16])).toBeCloseTo(4, 13)
    expect(geometricMean([0.5, 2])).toBeCloseTo(1, 14)
  })

  it('does not overflow where the product would', () => {
    expect(geometricMean([1e200, 1e200, 1e200])).toBe(1e200)
    expect(geometricMean([1e200, 4e200])).toBeCloseTo(2e200, -186)
    expect(geometricMean(Array(1000).fill(1e-300))).toBeGreaterThan(0)
  })

  it('is 0 with a zero sample and rejects negative, NaN or no samples', () => {
    expect(geometricMean([0, 5])).toBe(0)
    expect(() => geometricMean([1, -1])).toThrow(RangeError)
    expect(() => geometricMean([Number.NaN])).toThrow(RangeError)
    expect(() => geometricMean([])).toThrow(RangeError)
  })
})

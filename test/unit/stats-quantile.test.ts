import { describe, expect, it } from 'vitest'
import { median, quantile } from '../../src/stats/quantile.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'

describe('quantile (Hyndman & Fan type 7)', () => {
  // Reference: numpy 2.4 np.quantile(x, p) (method="linear", identical to R's quantile(x, p, type = 7)).
  const x = sortSamples([3.1, 0.2, 7.5, 1.0, 4.4, 9.9, 2.2, 6.0, 5.5, 8.8])
  it.each([
    [0, 0.2],
    [0.1, 0.92],
    [0.25, 2.4250000000000003],
    [0.5, 4.95],
    [0.75, 7.125],
    [0.9, 8.91],
    [0.95, 9.405],
    [0.99, 9.801],
    [1, 9.9],
  ])('p = %s gives %s', (p, expected) => {
    expect(quantile(x, p)).toBeCloseTo(expected, 12)
  })

  it('median is the middle value or the mean of the two middle values', () => {
    expect(median(sortSamples([5, 1, 3]))).toBe(3)
    expect(median(sortSamples([4, 1, 3, 2]))).toBe(2.5)
  })

  it('one sample is every quantile', () => {
    const one = sortSamples([42])
    expect(quantile(one, 0)).toBe(42)
    expect(quantile(one, 0.37)).toBe(42)
    expect(quantile(one, 1)).toBe(42)
  })

  it('all-equal samples give that value, even infinite ones', () => {
    expect(quantile(sortSamples([2, 2, 2, 2]), 0.33)).toBe(2)
    const inf = Number.POSITIVE_INFINITY
    expect(quantile(sortSamples([1, inf, inf]), 0.9)).toBe(inf)
  })

  it('throws RangeError on empty samples or p outside [0, 1]', () => {
    expect(() => quantile(sortSamples([]), 0.5)).toThrow(RangeError)
    expect(() => quantile(x, -0.01)).toThrow(RangeError)
    expect(() => quantile(x, 1.01)).toThrow(RangeError)
    expect(() => quantile(x, Number.NaN)).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { classifyOutliers } from '../../src/stats/outliers.js'
import { quantile } from '../../src/stats/quantile.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'

describe('classifyOutliers (Tukey fences on type-7 quartiles)', () => {
  it('puts each sample in exactly one class; samples on a fence are not beyond it', () => {
    // n = 9: type-7 Q1 = x[2] = 10, Q3 = x[6] = 14, IQR = 4.
    // Fences: severe −2 and 26, mild 4 and 20.
    const sorted = sortSamples([-2, 4, 10, 11, 12, 13, 14, 20.5, 26.5])
    const r = classifyOutliers(sorted)
    expect(r.fences).toEqual({ lowSevere: -2, lowMild: 4, highMild: 20, highSevere: 26 })
    // −2 sits on the severe fence: mild, not severe. 4 sits on the mild fence: not an outlier.
    expect(r).toMatchObject({ lowSevere: 0, lowMild: 1, highMild: 1, highSevere: 1 })
  })

  it('counts severe outliers only as severe', () => {
    const r = classifyOutliers(sortSamples([-3, 4, 10, 11, 12, 13, 14, 26, 100]))
    expect(r).toMatchObject({ lowSevere: 1, lowMild: 0, highMild: 1, highSevere: 1 })
  })

  it('agrees with a brute-force count on random data', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => Math.sin(i * 12.9898) ** 9 * 100)
    const sorted = sortSamples(xs)
    const r = classifyOutliers(sorted)
    const q1 = quantile(sorted, 0.25)
    const q3 = quantile(sorted, 0.75)
    const iqr = q3 - q1
    const count = (keep: (x: number) => boolean) => xs.filter(keep).length
    expect(r.lowSevere).toBe(count((x) => x < q1 - 3 * iqr))
    expect(r.lowMild).toBe(count((x) => x >= q1 - 3 * iqr && x < q1 - 1.5 * iqr))
    expect(r.highMild).toBe(count((x) => x > q3 + 1.5 * iqr && x <= q3 + 3 * iqr))
    expect(r.highSevere).toBe(count((x) => x > q3 + 3 * iqr))
    expect(r.lowMild + r.lowSevere + r.highMild + r.highSevere).toBeGreaterThan(0)
  })

  it('finds no outliers in one sample or equal samples, and rejects no samples', () => {
    expect(classifyOutliers(sortSamples([1]))).toMatchObject({
      lowSevere: 0,
      lowMild: 0,
      highMild: 0,
      highSevere: 0,
    })
    expect(classifyOutliers(sortSamples([5, 5, 5, 5]))).toMatchObject({
      lowSevere: 0,
      lowMild: 0,
      highMild: 0,
      highSevere: 0,
    })
    expect(() => classifyOutliers(sortSamples([]))).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { bootstrapInterval } from '../../src/stats/bootstrap-interval.js'
import { mean, standardDeviation } from '../../src/stats/moments.js'
import { median } from '../../src/stats/quantile.js'
import { createRandom } from '../../src/stats/random.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'

const sampleMean = (xs: number[]) => mean(xs)
const sampleMedian = (xs: number[]) => median(sortSamples(xs))

describe('bootstrapInterval', () => {
  const random = createRandom(99)
  const xs = Array.from({ length: 400 }, () => -Math.log(1 - random()))

  it('is deterministic with the default generator', () => {
    expect(bootstrapInterval(xs, sampleMedian)).toEqual(bootstrapInterval(xs, sampleMedian))
  })

  it('for the mean, agrees with the normal-theory interval x̄ ± 1.96·s/√n', () => {
    // For n = 400 the sampling distribution of the mean is close to normal, so the percentile
    // bootstrap should reproduce the textbook half-width within sampling error.
    const r = bootstrapInterval(xs, sampleMean, { resamples: 4000 })
    const halfWidth = (1.959963984540054 * standardDeviation(xs)) / Math.sqrt(xs.length)
    expect(r.estimate).toBe(mean(xs))
    expect(r.lo).toBeLessThan(r.estimate)
    expect(r.hi).toBeGreaterThan(r.estimate)
    expect((r.hi - r.lo) / 2 / halfWidth).toBeGreaterThan(0.9)
    expect((r.hi - r.lo) / 2 / halfWidth).toBeLessThan(1.1)
  })

  it('narrows with lower confidence and accepts its own generator', () => {
    const wide = bootstrapInterval(xs, sampleMedian, { confidence: 0.99 })
    const narrow = bootstrapInterval(xs, sampleMedian, { confidence: 0.5, random: createRandom(1) })
    expect(narrow.hi - narrow.lo).toBeLessThan(wide.hi - wide.lo)
  })

  it('lets the statistic reorder its input without touching the caller’s array', () => {
    const input = [3, 1, 2]
    bootstrapInterval(input, (s) => s.sort((a, b) => a - b)[0]!, { resamples: 10 })
    expect(input).toEqual([3, 1, 2])
  })

  it('collapses to a point for equal samples and for n = 1', () => {
    expect(bootstrapInterval([2, 2, 2], sampleMean, { resamples: 50 })).toEqual({ lo: 2, hi: 2, estimate: 2 })
    expect(bootstrapInterval([5], sampleMedian, { resamples: 50 })).toEqual({ lo: 5, hi: 5, estimate: 5 })
  })

  it('rejects empty input, bad options and a NaN statistic', () => {
    expect(() => bootstrapInterval([], sampleMean)).toThrow(RangeError)
    expect(() => bootstrapInterval(xs, sampleMean, { confidence: 1 })).toThrow(RangeError)
    expect(() => bootstrapInterval(xs, sampleMean, { resamples: 0 })).toThrow(RangeError)
    expect(() => bootstrapInterval(xs, sampleMean, { resamples: 2.5 })).toThrow(RangeError)
    expect(() => bootstrapInterval(xs, () => Number.NaN, { resamples: 5 })).toThrow(/NaN/)
  })
})

import { describe, expect, it } from 'vitest'
import { assumeSorted, isSortedAscending, sortSamples } from '../../src/stats/sorted-samples.js'

describe('sortSamples', () => {
  it('sorts numerically, not lexically, into a copy', () => {
    const input = [10, 9, 1, -2, 100, 2.5]
    const sorted = sortSamples(input)
    expect(sorted).toEqual([-2, 1, 2.5, 9, 10, 100])
    expect(input).toEqual([10, 9, 1, -2, 100, 2.5])
    expect(Array.isArray(sorted)).toBe(true)
  })

  it('handles empty, single and all-equal input', () => {
    expect(sortSamples([])).toEqual([])
    expect(sortSamples([7])).toEqual([7])
    expect(sortSamples([3, 3, 3])).toEqual([3, 3, 3])
  })

  it('keeps infinities in order', () => {
    expect(sortSamples([1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual([
      Number.NEGATIVE_INFINITY,
      1,
      Number.POSITIVE_INFINITY,
    ])
  })

  it('rejects NaN with a RangeError naming the sample', () => {
    expect(() => sortSamples([1, Number.NaN, 2])).toThrow(RangeError)
    expect(() => sortSamples([1, Number.NaN, 2])).toThrow(/sample 1 is NaN/)
  })

  it('sorts 100k samples', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003)
    expect(isSortedAscending(sortSamples(xs))).toBe(true)
  })
})

describe('assumeSorted / isSortedAscending', () => {
  it('brands without copying', () => {
    const xs = [1, 2, 3]
    expect(assumeSorted(xs)).toBe(xs)
  })

  it('detects order and NaN', () => {
    expect(isSortedAscending([])).toBe(true)
    expect(isSortedAscending([1, 1, 2])).toBe(true)
    expect(isSortedAscending([2, 1])).toBe(false)
    expect(isSortedAscending([1, Number.NaN])).toBe(false)
  })
})

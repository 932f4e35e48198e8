import { describe, expect, it } from 'vitest'
import { hodgesLehmann } from '../../src/stats/hodges-lehmann.js'
import { createRandom } from '../../src/stats/random.js'

/** Independent brute force: form all n(n+1)/2 Walsh averages and take their median. */
function bruteForce(xs: readonly number[]): number {
  const walsh: number[] = []
  for (let i = 0; i < xs.length; i++) for (let j = i; j < xs.length; j++) walsh.push((xs[i]! + xs[j]!) / 2)
  walsh.sort((a, b) => a - b)
  const m = walsh.length
  return m % 2 === 1 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2
}

describe('hodgesLehmann', () => {
  it('textbook example: Walsh averages of {1, 2, 4} are 1, 1.5, 2, 2.5, 3, 4 → 2.25', () => {
    expect(hodgesLehmann([4, 1, 2])).toBe(2.25)
  })

  it('matches the brute force on random data, with and without ties', () => {
    const random = createRandom(2024)
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 150)
      const ties = trial % 2 === 0
      const xs = Array.from({ length: n }, () =>
        ties ? Math.floor(random() * 6) : -Math.log(1 - random()) - 0.5,
      )
      expect(hodgesLehmann(xs)).toBeCloseTo(bruteForce(xs), 12)
    }
  })

  it('is robust: one wild value barely moves it', () => {
    const xs = [10, 11, 12, 13, 14, 15, 16, 17, 18]
    expect(hodgesLehmann(xs)).toBe(14)
    expect(Math.abs(hodgesLehmann([...xs.slice(0, 8), 1e9]) - 14)).toBeLessThan(1)
  })

  it('handles n = 1, equal samples and 100k samples quickly', () => {
    expect(hodgesLehmann([3.5])).toBe(3.5)
    expect(hodgesLehmann(Array(100_000).fill(7))).toBe(7)
    const random = createRandom(1)
    const xs = Array.from({ length: 100_000 }, () => random())
    const start = performance.now()
    const estimate = hodgesLehmann(xs)
    expect(performance.now() - start).toBeLessThan(2000)
    // Uniform(0, 1) is symmetric about ½; the estimator's standard error here is ≈ 0.001.
    expect(Math.abs(estimate - 0.5)).toBeLessThan(0.005)
  })

  it('rejects empty input and NaN', () => {
    expect(() => hodgesLehmann([])).toThrow(RangeError)
    expect(() => hodgesLehmann([1, Number.NaN])).toThrow(RangeError)
  })
})

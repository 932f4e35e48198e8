import { describe, expect, it } from 'vitest'
import {
  binomialCdf,
  binomialLowerTailIndex,
  binomialPmf,
  binomialSurvival,
} from '../../src/stats/binomial.js'

const relativeError = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / Math.abs(expected)

/** Exact P(B = k) for p = a/b as a BigInt fraction numerator over bⁿ: an independent brute force. */
function exactPmfNumerators(n: number, a: number, b: number): bigint[] {
  const out: bigint[] = []
  let choose = 1n
  for (let k = 0; k <= n; k++) {
    if (k > 0) choose = (choose * BigInt(n - k + 1)) / BigInt(k)
    out.push(choose * BigInt(a) ** BigInt(k) * BigInt(b - a) ** BigInt(n - k))
  }
  return out
}

/** numerator / denominator as a double, to full precision even when both exceed 2¹⁰²⁴. */
function ratio(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0
  const shift = BigInt(denominator.toString(2).length - numerator.toString(2).length + 64)
  const scaled = shift >= 0n ? (numerator << shift) / denominator : numerator / (denominator << -shift)
  return Number(scaled) * 2 ** -Number(shift)
}

describe('binomialPmf / binomialCdf / binomialSurvival against exact rational sums', () => {
  it.each([
    [20, 1, 2],
    [37, 1, 10],
    [100, 19, 20],
    [300, 1, 3],
    [1000, 1, 2],
  ])('n = %s, p = %s/%s, every k', (n, a, b) => {
    const p = a / b
    const numerators = exactPmfNumerators(n, a, b)
    const denominator = BigInt(b) ** BigInt(n)
    let cumulative = 0n
    let worst = 0
    for (let k = 0; k <= n; k++) {
      cumulative += numerators[k]!
      const pmf = ratio(numerators[k]!, denominator)
      const cdf = ratio(cumulative, denominator)
      const survival = ratio(denominator - cumulative, denominator)
      if (pmf > 1e-300) worst = Math.max(worst, relativeError(binomialPmf(k, n, p), pmf))
      if (cdf > 1e-300) worst = Math.max(worst, relativeError(binomialCdf(k, n, p), cdf))
      if (survival > 1e-300) worst = Math.max(worst, relativeError(binomialSurvival(k, n, p), survival))
    }
    expect(worst).toBeLessThan(1e-12)
  })
})

describe('binomialCdf for large n', () => {
  it('n = 100000, p = ½ at the centre: ½ + pmf(n/2)/2', () => {
    // Reference: scipy 1.17 binom.cdf(50000, 100000, 0.5) = 0.5012615631070985.
    expect(binomialCdf(50_000, 100_000, 0.5)).toBeCloseTo(0.5012615631070985, 13)
    // Symmetry: P(B ≤ k) + P(B ≤ n − k − 1) = 1 when p = ½.
    expect(binomialCdf(49_900, 100_000, 0.5) + binomialCdf(50_099, 100_000, 0.5)).toBeCloseTo(1, 14)
  })

  // Reference: scipy 1.17 binom.cdf / binom.sf (Boost's incomplete beta).
  it.each([
    [49_000, 100_000, 0.5, 1.2943580191734448e-10],
    [45_000, 100_000, 0.5, 4.3001708228577056e-220],
    [94_000, 100_000, 0.95, 2.4677782090768463e-45],
    [499_000, 1_000_000, 0.5, 0.022804149932690917],
    [980, 1_000_000, 0.001, 0.2697095161568987],
  ])('P(B ≤ %s) for n = %s, p = %s is %s, not an underflow', (k, n, p, expected) => {
    expect(relativeError(binomialCdf(k, n, p), expected)).toBeLessThan(1e-11)
    expect(relativeError(binomialSurvival(n - k - 1, n, 1 - p), expected)).toBeLessThan(1e-11)
  })

  it('stays cheap at n = 1e6', () => {
    const start = performance.now()
    for (let k = 499_000; k < 501_000; k += 100) binomialCdf(k, 1_000_000, 0.5)
    expect(performance.now() - start).toBeLessThan(500)
  })
})

describe('edge cases', () => {
  it('handles k outside [0, n], p at 0 or 1, n = 0 and fractional k', () => {
    expect(binomialCdf(-1, 10, 0.3)).toBe(0)
    expect(binomialCdf(10, 10, 0.3)).toBe(1)
    expect(binomialCdf(3, 10, 0)).toBe(1)
    expect(binomialCdf(3, 10, 1)).toBe(0)
    expect(binomialCdf(0, 0, 0.3)).toBe(1)
    expect(binomialCdf(2.7, 4, 0.5)).toBe(binomialCdf(2, 4, 0.5))
    expect(binomialPmf(2.5, 4, 0.5)).toBe(0)
    expect(binomialPmf(0, 0, 0.5)).toBe(1)
    expect(binomialSurvival(-1, 10, 0.3)).toBe(1)
    expect(binomialSurvival(10, 10, 0.3)).toBe(0)
  })

  it('rejects invalid n, p or k', () => {
    expect(() => binomialCdf(1, 2.5, 0.5)).toThrow(RangeError)
    expect(() => binomialCdf(1, -1, 0.5)).toThrow(RangeError)
    expect(() => binomialCdf(1, 10, 1.5)).toThrow(RangeError)
    expect(() => binomialCdf(Number.NaN, 10, 0.5)).toThrow(RangeError)
  })
})

describe('binomialLowerTailIndex', () => {
  it('finds the largest j with P(B ≤ j) ≤ t', () => {
    // n = 20, p = ½: P(B ≤ 5) = 0.0207, P(B ≤ 6) = 0.05766.
    expect(binomialLowerTailIndex(20, 0.5, 0.5, 0.025)).toBe(5)
    expect(binomialLowerTailIndex(20, 0.5, 0.5, 0.0576)).toBe(5)
    expect(binomialLowerTailIndex(20, 0.5, 0.5, 0.06)).toBe(6)
    // P(B ≤ 0) = 2⁻²⁰ > 1e-7: no j qualifies.
    expect(binomialLowerTailIndex(20, 0.5, 0.5, 1e-7)).toBe(-1)
    expect(binomialLowerTailIndex(20, 0.5, 0.5, 1)).toBe(20)
  })
})

import { describe, expect, it } from 'vitest'
import { quantileInterval } from '../../src/stats/quantile-interval.js'
import { createRandom } from '../../src/stats/random.js'
import { assumeSorted, sortSamples } from '../../src/stats/sorted-samples.js'

/** The order statistics 1, 2, …, n, so that a bound's value is its 1-based rank. */
const ranks = (n: number) => assumeSorted(Array.from({ length: n }, (_, i) => i + 1))

/**
 * Independent brute force with exact rational arithmetic: for p = a/b, the equal-tailed l and u
 * (1-based) and the coverage P(l ≤ B < u), B ~ Binomial(n, p), following the rule documented on
 * quantileInterval (including giving the unspent tail to the other side at the sample's edge).
 */
function bruteForce(n: number, a: number, b: number, confidence: number) {
  const scale = 10n ** 30n
  let choose = 1n
  const cdf: bigint[] = [] // P(B ≤ k) · 10³⁰, exactly rounded down
  let cumulative = 0n
  const denominator = BigInt(b) ** BigInt(n)
  for (let k = 0; k <= n; k++) {
    if (k > 0) choose = (choose * BigInt(n - k + 1)) / BigInt(k)
    cumulative += choose * BigInt(a) ** BigInt(k) * BigInt(b - a) ** BigInt(n - k)
    cdf.push((cumulative * scale) / denominator)
  }
  const F = (j: number) => (j < 0 ? 0 : Number(cdf[j]!) / 1e30)
  const lowerMiss = (l: number) => F(l - 1)
  const upperMiss = (u: number) => 1 - F(u - 1)
  const lowerBound = (budget: number) => {
    let l = 1
    for (let c = 1; c <= n; c++) if (lowerMiss(c) <= budget) l = c
    return l
  }
  const upperBound = (budget: number) => {
    let u = n
    for (let c = n; c >= 1; c--) if (upperMiss(c) <= budget) u = c
    return u
  }
  const alpha = 1 - confidence
  let l = lowerBound(alpha / 2)
  let u = upperBound(alpha / 2)
  if (lowerMiss(l) > alpha / 2 && upperMiss(u) <= alpha / 2) u = upperBound(alpha - lowerMiss(l))
  else if (upperMiss(u) > alpha / 2 && lowerMiss(l) <= alpha / 2) l = lowerBound(alpha - upperMiss(u))
  return { l, u, coverage: l < u ? 1 - lowerMiss(l) - upperMiss(u) : 0 }
}

describe('quantileInterval', () => {
  it('n = 20, median, 95%: X(6)..X(15), coverage 0.9586 (Conover, Practical Nonparametric Statistics)', () => {
    const r = quantileInterval(ranks(20), 0.5, 0.95)
    expect([r.lo, r.hi]).toEqual([6, 15])
    expect([r.loIndex, r.hiIndex]).toEqual([5, 14])
    // 1 − 2·P(B ≤ 5) = 1 − 2·21700/2²⁰ exactly.
    expect(r.coverage).toBeCloseTo(1 - (2 * 21700) / 2 ** 20, 14)
    expect(r.coverage).toBeCloseTo(0.9586, 4)
  })

  it('n = 100, median, 95%: X(40)..X(61) (sign-test interval)', () => {
    const r = quantileInterval(ranks(100), 0.5, 0.95)
    expect([r.lo, r.hi]).toEqual([40, 61])
    expect(r.coverage).toBeCloseTo(0.9648, 4)
  })

  it('n = 5 cannot reach 95%: the full range with its true coverage 1 − 2/32 = 0.9375', () => {
    const r = quantileInterval(sortSamples([5, 3, 9, 1, 7]), 0.5, 0.95)
    expect(r).toEqual({ lo: 1, hi: 9, coverage: 0.9375, loIndex: 0, hiIndex: 4 })
  })

  it.each([
    // [n, a, b, confidence]: the p = a/b quantile
    [20, 1, 2, 0.95],
    [30, 1, 2, 0.95],
    [100, 1, 2, 0.99],
    [30, 19, 20, 0.95], // too small for p95: full range, coverage 1 − 0.05³⁰ − 0.95³⁰ ≈ 0.785
    [59, 19, 20, 0.95], // the upper bound is pinned at the max, the lower bound takes the rest of α
    [70, 19, 20, 0.95],
    [100, 19, 20, 0.95], // X(90)..X(100), coverage 0.9826
    [400, 19, 20, 0.95],
    [1000, 19, 20, 0.95], // X(936)..X(964), coverage 0.9581
    [200, 99, 100, 0.9], // too small for p99 at 90%: full range, coverage 0.866
    [250, 1, 10, 0.9],
  ])('n = %s, p = %s/%s, confidence %s matches the exact brute force', (n, a, b, confidence) => {
    const expected = bruteForce(n, a, b, confidence)
    const r = quantileInterval(ranks(n), a / b, confidence)
    expect([r.lo, r.hi]).toEqual([expected.l, expected.u])
    expect(r.coverage).toBeCloseTo(expected.coverage, 10)
  })

  it('never claims more coverage than it has, and reaches the confidence when n allows it', () => {
    for (const n of [1, 2, 3, 10, 47, 58, 59, 60, 300]) {
      for (const p of [0.5, 0.9, 0.95, 0.99]) {
        const r = quantileInterval(ranks(n), p, 0.95)
        const full = r.loIndex === 0 && r.hiIndex === n - 1
        if (!full) expect(r.coverage).toBeGreaterThanOrEqual(0.95)
        expect(r.loIndex).toBeLessThanOrEqual(r.hiIndex)
      }
    }
  })

  it('n = 1 is a single point with coverage 0; equal samples give a zero-width interval', () => {
    expect(quantileInterval(sortSamples([4]), 0.5, 0.95)).toEqual({
      lo: 4,
      hi: 4,
      coverage: 0,
      loIndex: 0,
      hiIndex: 0,
    })
    const r = quantileInterval(sortSamples(Array(50).fill(2)), 0.5, 0.95)
    expect([r.lo, r.hi]).toEqual([2, 2])
  })

  it('scales to 100k samples', () => {
    const start = performance.now()
    const r = quantileInterval(ranks(100_000), 0.95, 0.95)
    expect(performance.now() - start).toBeLessThan(200)
    // Normal approximation: 95000 ± 1.96·√(100000·0.95·0.05) ≈ 95000 ± 135.
    expect(r.lo).toBeGreaterThan(94_860)
    expect(r.hi).toBeLessThan(95_140)
    expect(r.coverage).toBeGreaterThanOrEqual(0.95)
    expect(r.coverage).toBeLessThan(0.952)
  })

  it('covers the true median of an exponential distribution about 95% of the time', () => {
    // Exp(1) median = ln 2. 2000 samples of size 30 from a seeded generator; the nominal
    // coverage for n = 30 is 1 − 2·P(B ≤ 9) = 0.9572, so the hit rate should land near it.
    const random = createRandom(20240601)
    let hits = 0
    const trials = 2000
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 30 }, () => -Math.log(1 - random()))
      const r = quantileInterval(sortSamples(xs), 0.5, 0.95)
      if (r.lo <= Math.LN2 && Math.LN2 <= r.hi) hits++
    }
    expect(hits / trials).toBeGreaterThanOrEqual(0.94)
    expect(hits / trials).toBeLessThanOrEqual(0.98)
  })

  it('covers the true 95th percentile of an exponential distribution at least nominally', () => {
    // Exp(1) p95 = ln 20; n = 200 gives an interior interval with coverage ≥ 0.95.
    const random = createRandom(7)
    const nominal = quantileInterval(ranks(200), 0.95, 0.95).coverage
    let hits = 0
    const trials = 1000
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 200 }, () => -Math.log(1 - random()))
      const r = quantileInterval(sortSamples(xs), 0.95, 0.95)
      if (r.lo <= Math.log(20) && Math.log(20) <= r.hi) hits++
    }
    expect(Math.abs(hits / trials - nominal)).toBeLessThan(0.025)
  })

  it('rejects empty samples and p or confidence outside (0, 1)', () => {
    expect(() => quantileInterval(sortSamples([]), 0.5, 0.95)).toThrow(RangeError)
    expect(() => quantileInterval(ranks(10), 0, 0.95)).toThrow(RangeError)
    expect(() => quantileInterval(ranks(10), 1, 0.95)).toThrow(RangeError)
    expect(() => quantileInterval(ranks(10), 0.5, 1)).toThrow(RangeError)
    expect(() => quantileInterval(ranks(10), 0.5, 95)).toThrow(/confidence must be in \(0, 1\)/)
  })
})

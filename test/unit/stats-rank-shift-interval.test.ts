import { describe, expect, it } from 'vitest'
import { normalCdf, normalQuantile } from '../../src/stats/normal.js'
import { createRandom } from '../../src/stats/random.js'
import {
  mannWhitneyCdf,
  RANK_SHIFT_EXACT_MAX_WORK,
  rankShiftInterval,
} from '../../src/stats/rank-shift-interval.js'

/** Independent brute force: every difference xᵢ − yⱼ, sorted. */
function allDifferences(x: readonly number[], y: readonly number[]): number[] {
  const d: number[] = []
  for (const xi of x) for (const yj of y) d.push(xi - yj)
  return d.sort((p, q) => p - q)
}

function bruteMedian(sorted: readonly number[]): number {
  const k = sorted.length
  return k % 2 === 1 ? sorted[(k - 1) / 2]! : (sorted[k / 2 - 1]! + sorted[k / 2]!) / 2
}

/**
 * Exact null distribution of U by enumerating every way to pick which m of the m + n pooled ranks
 * belong to x: counts[u] = number of picks whose U (pairs with x above y) is u.
 */
function enumerateU(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0)
  const pick = (start: number, left: number, u: number, yBelow: number) => {
    if (left === 0) {
      counts[u]!++
      return
    }
    // Position p in the pooled order: the y's before it are p − (number of x's picked so far).
    for (let p = start; p <= m + n - left; p++) {
      const ys = yBelow + (p - start)
      pick(p + 1, left - 1, u + ys, ys)
    }
  }
  pick(0, m, 0, 0)
  return counts
}

/** Exact count of 0-based ranks r with sorted d[r] < v, by binary search (no O(m·n) array). */
function countBelow(xs: readonly number[], sortedY: readonly number[], v: number, orEqual: boolean): number {
  let count = 0
  for (const xi of xs) {
    // Differences xi − yj below v ⇔ yj > xi − v (or ≥ when orEqual).
    let lo = 0
    let hi = sortedY.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const d = xi - sortedY[mid]!
      if (orEqual ? d <= v : d < v) hi = mid
      else lo = mid + 1
    }
    count += sortedY.length - lo
  }
  return count
}

/** A standard normal draw; the uniform is kept off 0, whose quantile is −∞. */
function gaussian(random: () => number): number {
  return normalQuantile(random() * (1 - 2 ** -32) + 2 ** -33)
}

function normals(random: () => number, n: number, mean = 0, sd = 1): number[] {
  return Array.from({ length: n }, () => mean + sd * gaussian(random))
}

describe('mannWhitneyCdf', () => {
  it('matches the enumeration of every rank assignment', () => {
    for (const [m, n] of [
      [1, 1],
      [1, 5],
      [3, 4],
      [5, 5],
      [4, 9],
      [7, 7],
    ] as const) {
      const counts = enumerateU(m, n)
      const total = counts.reduce((s, c) => s + c, 0)
      let cumulative = 0
      for (let u = 0; u <= m * n; u++) {
        cumulative += counts[u]!
        expect(mannWhitneyCdf(u, m, n)).toBeCloseTo(cumulative / total, 14)
      }
    }
  })

  it('matches scipy 1.17.1 mannwhitneyu(x, y, method="exact", alternative="less").pvalue', () => {
    // x = [-1]*7 + [2.5, 9.5, 9.6], y = range(10): U = 23 → 0.021628526272489117.
    expect(mannWhitneyCdf(23, 10, 10)).toBeCloseTo(0.021628526272489117, 15)
    // x = [i + 0.5 − 12 for i in range(60)], y = range(60): U = 1176 → 0.00047340106916914033.
    expect(mannWhitneyCdf(1176, 60, 60) / 0.00047340106916914033).toBeCloseTo(1, 12)
  })

  it('keeps its digits far into the tail (against exact BigInt counts)', () => {
    // The same Gaussian-binomial product in exact integers, for sizes where counts pass 2^53.
    for (const [m, n] of [
      [30, 40],
      [60, 60],
      [5, 2000],
    ] as const) {
      const s = Math.min(m, n)
      const t = Math.max(m, n)
      const length = Math.floor((m * n) / 2) + 1
      const c = new Array<bigint>(length).fill(0n)
      c[0] = 1n
      for (let i = 1; i <= s; i++) {
        for (let k = i; k < length; k++) c[k]! += c[k - i]!
        for (let k = length - 1; k >= t + i; k--) c[k]! -= c[k - t - i]!
      }
      let total = 1n
      for (let i = 1; i <= s; i++) total = (total * BigInt(t + i)) / BigInt(i)
      let cumulative = 0n
      for (const u of [0, 1, 10, Math.floor(length / 4), Math.floor(length / 2), length - 1]) {
        cumulative = c.slice(0, u + 1).reduce((p, q) => p + q, 0n)
        expect(mannWhitneyCdf(u, m, n) / (Number(cumulative) / Number(total))).toBeCloseTo(1, 12)
      }
    }
  })

  it('is symmetric and bounded', () => {
    expect(mannWhitneyCdf(-1, 4, 6)).toBe(0)
    expect(mannWhitneyCdf(24, 4, 6)).toBe(1)
    expect(mannWhitneyCdf(0, 0, 5)).toBe(1)
    for (let u = 0; u < 24; u++) {
      expect(mannWhitneyCdf(u, 4, 6) + mannWhitneyCdf(24 - u - 1, 4, 6)).toBeCloseTo(1, 14)
    }
    expect(() => mannWhitneyCdf(1, 2.5, 3)).toThrow(RangeError)
    expect(() => mannWhitneyCdf(Number.NaN, 2, 3)).toThrow(RangeError)
  })
})

describe('rankShiftInterval', () => {
  it('uses the tabled critical values of the two-sided 5% Mann–Whitney test', () => {
    // Critical U (reject when U ≤ value), two-sided α = 0.05, from the standard tables (e.g.
    // Siegel & Castellan 1988, Table J; Zar, Biostatistical Analysis, Table B.11):
    // n = 5,5 → 2; 8,8 → 13; 10,10 → 23; 20,20 → 127; 5,10 → 8. Hollander & Wolfe's C_α is that + 1.
    for (const [m, n, u] of [
      [5, 5, 2],
      [8, 8, 13],
      [10, 10, 23],
      [20, 20, 127],
      [5, 10, 8],
    ] as const) {
      const x = Array.from({ length: m }, (_, i) => i)
      const y = Array.from({ length: n }, (_, i) => i * 1.7)
      const result = rankShiftInterval(x, y, 0.95)
      expect(result.status).toBe('ok')
      if (result.status !== 'ok') continue
      expect(result.loRank).toBe(u + 1)
      expect(result.hiRank).toBe(m * n - u)
      expect(result.distribution).toBe('exact')
      expect(result.coverage).toBeGreaterThanOrEqual(0.95)
    }
  })

  it('equals the brute force over all pairs on random data, with and without ties', () => {
    const random = createRandom(77)
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + Math.floor(random() * 60)
      const n = 1 + Math.floor(random() * 60)
      const ties = trial % 3 === 0
      const draw = () => (ties ? Math.floor(random() * 5) : -Math.log(1 - random()))
      const x = Array.from({ length: m }, draw)
      const y = Array.from({ length: n }, () => draw() + 0.3)
      const d = allDifferences(x, y)
      const result = rankShiftInterval(x, y, 0.9)
      expect(result.shift).toBeCloseTo(bruteMedian(d), 12)
      if (result.status === 'ok') {
        expect(result.lo).toBe(d[result.loRank - 1])
        expect(result.hi).toBe(d[result.hiRank - 1])
        // Rank from the exact distribution: the last C with P(U ≤ C − 1) ≤ α/2.
        expect(mannWhitneyCdf(result.loRank - 1, m, n)).toBeLessThanOrEqual(0.05)
        expect(mannWhitneyCdf(result.loRank, m, n)).toBeGreaterThan(0.05)
      } else {
        expect(mannWhitneyCdf(0, m, n)).toBeGreaterThan(0.05)
      }
    }
  })

  it('refuses sizes that cannot reach the confidence, and says how far they get', () => {
    // C(6, 3) = 20 orderings: [min, max] of the differences covers with 1 − 2/20 = 90% at most.
    const few = rankShiftInterval([1, 2, 3], [1.5, 2.5, 3.5], 0.95)
    expect(few).toEqual({ status: 'too-few-samples', shift: -0.5, maxCoverage: 0.9, pairs: 9 })
    // C(8, 4) = 70: 1 − 2/70 ≈ 97.1% ≥ 95%, with the interval [min, max].
    const four = rankShiftInterval([1, 2, 3, 4], [1.5, 2.5, 3.5, 4.5], 0.95)
    expect(four).toMatchObject({ status: 'ok', lo: -3.5, hi: 2.5, loRank: 1, hiRank: 16 })
    if (four.status === 'ok') expect(four.coverage).toBeCloseTo(1 - 2 / 70, 14)
  })

  it('switches to the normal approximation only where its coverage matches the exact one', () => {
    // The true coverage of the normal approximation's rank (from the exact distribution) against
    // that of the exact rank. Measured: at most 1.0e−4 apart at m = n = 200 (the largest square
    // size computed exactly) and 1.5e−3 at the lopsided 10 × 4000, both at 90%, 95% and 99%.
    const exactCdf = (u: number, m: number, n: number) => mannWhitneyCdf(u, m, n)
    expect(200 * ((200 * 200) / 2 + 1)).toBeLessThanOrEqual(RANK_SHIFT_EXACT_MAX_WORK * 1.01)
    for (const [m, n, tolerance] of [
      [200, 200, 1.5e-4],
      [10, 4000, 2e-3],
    ] as const) {
      for (const confidence of [0.9, 0.95, 0.99]) {
        const alpha = 1 - confidence
        const pairs = m * n
        const sd = Math.sqrt((pairs * (m + n + 1)) / 12)
        const normalRank = Math.floor(pairs / 2 + 0.5 - sd * normalQuantile(1 - alpha / 2))
        // Exact rank: the first k with P(U ≤ k) > α/2, by bisection (the cdf is monotone).
        let lo = 0
        let hi = Math.floor(pairs / 2)
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1
          if (exactCdf(mid, m, n) <= alpha / 2) lo = mid
          else hi = mid
        }
        const normalCoverage = 1 - 2 * exactCdf(normalRank - 1, m, n)
        const exactCoverage = 1 - 2 * exactCdf(hi - 1, m, n)
        expect(Math.abs(normalCoverage - exactCoverage)).toBeLessThan(tolerance)
        // The coverage the normal path reports is close to its true coverage.
        const claimed = 1 - 2 * normalCdf((normalRank - 0.5 - pairs / 2) / sd)
        expect(Math.abs(claimed - normalCoverage)).toBeLessThan(tolerance)
      }
    }
    const x = Array.from({ length: 300 }, (_, i) => i)
    expect(rankShiftInterval(x, x, 0.95)).toMatchObject({ status: 'ok', distribution: 'normal', shift: 0 })
  })

  it('covers the true shift at the stated rate (2000 seeded replications each)', () => {
    // SE of a 95% coverage over 2000 trials is 0.49 points: 93–97% is ±4 SE.
    const random = createRandom(20240917)
    const cases = [
      // m = n = 20: exact ranks, log-normal-like timings, A/A.
      { m: 20, n: 20, shift: 0, draw: () => Math.exp(0.3 * gaussian(random)) },
      // m = 300, n = 250: normal ranks, skewed (exponential) data, a true shift of 0.4.
      { m: 300, n: 250, shift: 0.4, draw: () => -Math.log(1 - random()) },
      // m = 15, n = 40: unequal sizes, heavy tails (Cauchy), A/A.
      { m: 15, n: 40, shift: 0, draw: () => Math.tan(Math.PI * (random() - 0.5)) },
    ]
    const coverages: number[] = []
    for (const { m, n, shift, draw } of cases) {
      let covered = 0
      const trials = 2000
      for (let trial = 0; trial < trials; trial++) {
        const x = Array.from({ length: m }, () => draw() + shift)
        const y = Array.from({ length: n }, draw)
        const result = rankShiftInterval(x, y, 0.95)
        if (result.status === 'ok' && result.lo <= shift && shift <= result.hi) covered++
      }
      coverages.push(covered / trials)
    }
    for (const coverage of coverages) {
      expect(coverage).toBeGreaterThanOrEqual(0.93)
      expect(coverage).toBeLessThanOrEqual(0.97)
    }
    // Measured with the seed above.
    expect(coverages).toMatchInlineSnapshot(`
          [
            0.949,
            0.959,
            0.963,
          ]
        `)
  })

  it('handles 20 000 × 20 000 samples exactly, without forming the 4·10⁸ differences', () => {
    const random = createRandom(5)
    const x = normals(random, 20_000, 0.05, 1)
    const y = normals(random, 20_000, 0, 1)
    const start = performance.now()
    const result = rankShiftInterval(x, y, 0.95)
    const elapsed = performance.now() - start
    expect(elapsed).toBeLessThan(3000)
    expect(result.status).toBe('ok')
    if (result.status !== 'ok') return
    const sortedY = [...y].sort((p, q) => p - q)
    // Each bound is the exact order statistic: fewer than `rank` differences lie below it and at
    // least `rank` lie at or below it.
    for (const [value, rank] of [
      [result.lo, result.loRank],
      [result.hi, result.hiRank],
    ] as const) {
      expect(countBelow(x, sortedY, value, false)).toBeLessThan(rank)
      expect(countBelow(x, sortedY, value, true)).toBeGreaterThanOrEqual(rank)
    }
    // The shift is the mean of the 2·10⁸-th and the next difference.
    expect(countBelow(x, sortedY, result.shift, false)).toBeLessThanOrEqual(2e8)
    expect(countBelow(x, sortedY, result.shift, true)).toBeGreaterThanOrEqual(2e8)
    // The shift of two N(0.05, 1) and N(0, 1) samples of 20 000: SE ≈ √(2/20000)·1.02 ≈ 0.01.
    expect(result.shift).toBeGreaterThan(0.01)
    expect(result.shift).toBeLessThan(0.09)
    expect(result.hi - result.lo).toBeCloseTo(2 * 1.96 * Math.sqrt(2 / 20_000) * Math.sqrt(Math.PI / 3), 2)
  })

  it('rejects empty samples, NaN, infinities and a bad confidence', () => {
    expect(() => rankShiftInterval([], [1], 0.95)).toThrow(RangeError)
    expect(() => rankShiftInterval([1, Number.NaN], [1], 0.95)).toThrow(/x\[1\] is NaN/)
    expect(() => rankShiftInterval([1], [Number.POSITIVE_INFINITY], 0.95)).toThrow(/y\[0\] is Infinity/)
    expect(() => rankShiftInterval([1], [1], 1)).toThrow(RangeError)
  })
})

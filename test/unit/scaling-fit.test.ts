import { describe, expect, it } from 'vitest'
import { fitScaling } from '../../src/scaling/fit-scaling.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { classExponent, nearestClass, SCALING_CLASSES } from '../../src/scaling/scaling-classes.js'
import { scalingResult, syntheticRounds } from '../fixtures/scaling-results.js'

/*
 * The exponent fit and the claim rule on synthetic data: true times from known growth functions,
 * with seeded log-normal noise, round drift and wild points standing in for a noisy machine.
 */

const TWO_DECADES = [1e3, 1e4, 1e5]

describe('classExponent', () => {
  it('gives power laws their power over any sizes', () => {
    for (const sizes of [TWO_DECADES, [3, 30, 300, 3000], [10, 100]]) {
      expect(
        ['constant', 'linear', 'quadratic', 'cubic'].map((c) => classExponent(c as never, sizes)),
      ).toEqual([0, 1, 2, 3])
    }
  })

  it('gives log n and n log n the local exponent of the range', () => {
    // Two points: 1 + ln(ln 100001 / ln 1001) / ln 100 = 1 + ln(11.513 / 6.9088) / 4.6052 = 1.1109;
    // three equally spaced in log n: the least-squares slope, the same to 4 digits here.
    expect(classExponent('nlogn', TWO_DECADES)).toBeCloseTo(1.1109, 4)
    expect(classExponent('log', TWO_DECADES)).toBeCloseTo(0.1109, 4)
    // Smaller sizes, steeper: 1/ln n is larger there.
    expect(classExponent('nlogn', [10, 100])).toBeCloseTo(
      1 + Math.log(Math.log(101) / Math.log(11)) / Math.log(10),
      10,
    )
    expect(classExponent('nlogn', [10, 100])).toBeGreaterThan(classExponent('nlogn', TWO_DECADES))
  })

  it('names the nearest class', () => {
    expect(nearestClass(1.98, TWO_DECADES)).toBe('quadratic')
    expect(nearestClass(1.08, TWO_DECADES)).toBe('nlogn')
    expect(nearestClass(1.03, TWO_DECADES)).toBe('linear')
    expect(nearestClass(-0.2, TWO_DECADES)).toBe('constant')
    expect(SCALING_CLASSES).toEqual(['constant', 'log', 'linear', 'nlogn', 'quadratic', 'cubic'])
  })
})

describe('fitScaling', () => {
  it('recovers an exact power law exactly, with a zero-width interval', () => {
    const fit = fitScaling(TWO_DECADES, syntheticRounds({ timeNs: (n) => 3 * n * n, noise: 0, rounds: 5 }))
    expect(fit.exponent).toBeCloseTo(2, 12)
    expect(fit.interval[0]).toBeCloseTo(2, 12)
    expect(fit.interval[1]).toBeCloseTo(2, 12)
    expect(Math.exp(fit.logInterceptNs)).toBeCloseTo(3, 9)
    expect(fit.largest.sizes).toEqual([1e4, 1e5])
    expect(fit.largest.exponent).toBeCloseTo(2, 12)
    expect(fit.localExponents.map((e) => e.toFixed(6))).toEqual(['2.000000', '2.000000'])
    expect(fit.rounds).toBe(5)
  })

  it('recovers power laws under noise, drift and wild rounds, and its interval covers the truth', () => {
    for (const power of [0, 0.5, 1, 2, 3]) {
      const fit = fitScaling(
        [100, 300, 1000, 3000],
        syntheticRounds({
          timeNs: (n) => 50 * n ** power,
          sizes: [100, 300, 1000, 3000],
          rounds: 12,
          noise: 0.1,
          drift: 0.3,
          wildShare: 0.1,
          seed: power * 10 + 1,
        }),
      )
      expect(Math.abs(fit.exponent - power)).toBeLessThan(0.06)
      expect(fit.interval[0]).toBeLessThanOrEqual(power)
      expect(fit.interval[1]).toBeGreaterThanOrEqual(power)
    }
  })

  it('cancels round drift: a machine whose speed changes ±50% from round to round fits the same', () => {
    // The same seed draws the same per-point noise; drift only adds a shift per round.
    const spec = { timeNs: (n: number) => n, rounds: 10, noise: 0.05, seed: 7 }
    const steady = fitScaling(TWO_DECADES, syntheticRounds(spec))
    const drifting = fitScaling(TWO_DECADES, syntheticRounds({ ...spec, drift: 0.5 }))
    expect(drifting.exponent).toBeCloseTo(steady.exponent, 12)
    expect(drifting.interval[0]).toBeCloseTo(steady.interval[0], 12)
    expect(drifting.interval[1]).toBeCloseTo(steady.interval[1], 12)
    expect(drifting.interval[1] - drifting.interval[0]).toBeLessThan(0.02)
  })

  it('covers the true exponent about as often as its confidence says (400 seeded runs)', () => {
    // The round-centred Theil–Sen interval, widened by √(S/(S−1)); docs/scaling.md has the table.
    let covered = 0
    const runs = 400
    for (let seed = 1; seed <= runs; seed++) {
      const fit = fitScaling(
        TWO_DECADES,
        syntheticRounds({ timeNs: (n) => n, rounds: 8, noise: 0.1, drift: 0.3, wildShare: 0.1, seed }),
      )
      if (fit.interval[0] <= 1 && 1 <= fit.interval[1]) covered++
    }
    expect(covered / runs).toBeGreaterThan(0.92)
    expect(covered / runs).toBeLessThan(0.995)
  })

  it('rejects data it cannot fit', () => {
    expect(() => fitScaling([10], [[1], [2]])).toThrow(RangeError)
    expect(() => fitScaling(TWO_DECADES, [[1, 2, 3]])).toThrow('at least 2 rounds')
    expect(() =>
      fitScaling(TWO_DECADES, [
        [1, 2, 3],
        [1, 2],
      ]),
    ).toThrow('Round 1 has 2 times for 3 sizes')
    expect(() =>
      fitScaling(TWO_DECADES, [
        [1, 2, 3],
        [1, 0, 3],
      ]),
    ).toThrow('size 10000: time 0 ns')
  })
})

describe('judgeScaling', () => {
  const judge = (
    spec: Parameters<typeof scalingResult>[0],
    claim: Parameters<typeof judgeScaling>[1],
    tolerance?: number,
  ) => judgeScaling(scalingResult(spec), claim, tolerance === undefined ? {} : { tolerance })

  it('fails a quadratic function claimed linear, over all sizes, and names the class the data fit', () => {
    const verdict = judge({ timeNs: (n) => n * n, noise: 0.1, drift: 0.2 }, 'linear')
    expect(verdict).toMatchObject({
      status: 'fail',
      failedBy: 'all-sizes',
      closest: 'quadratic',
      betterThanClaimed: null,
    })
    expect(verdict.all.limitExponent).toBe(1.5)
    expect(verdict.reason).toMatch(
      /^the exponent's interval \(1\.\d\d–2\.\d\d\) lies wholly above 1\.50, the most 'linear' allows over these sizes$/,
    )
  })

  it('passes a linear function claimed linear, and quadratic claimed of a linear one as scaling better', () => {
    const linear = { timeNs: (n: number) => 2 * n, noise: 0.1, drift: 0.2 }
    expect(judge(linear, 'linear')).toMatchObject({
      status: 'pass',
      closest: 'linear',
      betterThanClaimed: null,
    })
    expect(judge(linear, 'quadratic')).toMatchObject({ status: 'pass', betterThanClaimed: 'linear' })
    expect(judge({ timeNs: () => 400, noise: 0.1 }, 'linear')).toMatchObject({
      status: 'pass',
      closest: 'constant',
      betterThanClaimed: 'constant',
    })
  })

  it('treats a claim as an upper bound: .not-style proof needs the data wholly above it', () => {
    // A linear function is within 'cubic' and 'quadratic' (pass), and clearly beyond 'constant' and 'log'.
    const linear = { timeNs: (n: number) => n, noise: 0.05 }
    expect(
      ['constant', 'log', 'linear', 'nlogn', 'quadratic', 'cubic'].map(
        (c) => judge(linear, c as never).status,
      ),
    ).toEqual(['fail', 'fail', 'pass', 'pass', 'pass', 'pass'])
  })

  it('passes a linear function with a large fixed cost per call (Big-O), and says the exponent grows with n', () => {
    // 50 µs of setup per call, 1 ns per element: 51 µs at 1e3, 150 µs at 1e5. Over two decades
    // it looks like n^0.23; between the two largest sizes like n^0.4.
    const verdict = judge({ timeNs: (n) => 50_000 + n, noise: 0.05 }, 'linear')
    expect(verdict.status).toBe('pass')
    expect(verdict.all.exponent).toBeGreaterThan(0.15)
    expect(verdict.all.exponent).toBeLessThan(0.3)
    expect(verdict.largest.exponent).toBeGreaterThan(verdict.all.exponent + 0.1)
  })

  it('fails a quadratic function hidden by a fixed cost, on its two largest sizes', () => {
    // 11 µs at 1e3, 110 µs at 1e4, 10 ms at 1e5: all sizes say n^1.48 (straddling the 1.5 limit
    // of 'linear'), the two largest say n^1.96.
    const verdict = judge({ timeNs: (n) => 10_000 + n * n * 1e-3, noise: 0.05, rounds: 10 }, 'linear')
    expect(verdict.all.exponent).toBeGreaterThan(1.4)
    expect(verdict.all.exponent).toBeLessThan(1.55)
    expect(verdict).toMatchObject({ status: 'fail', failedBy: 'largest-sizes' })
    expect(verdict.largest.interval[0]).toBeGreaterThan(1.5)
  })

  it('judges n log n by its own exponent over the sizes, not by 1', () => {
    // With a tight tolerance, n log n over 1e3–1e5 (n^1.11) passes 'nlogn' and fails 'linear'.
    const nlogn = { timeNs: (n: number) => n * Math.log(n + 1), noise: 0.01, rounds: 30 }
    expect(judge(nlogn, 'nlogn', 0.05)).toMatchObject({ status: 'pass', closest: 'nlogn' })
    expect(judge(nlogn, 'linear', 0.05)).toMatchObject({ status: 'fail', failedBy: 'all-sizes' })
    // With the default tolerance the two are not told apart, as documented.
    expect(judge(nlogn, 'linear').status).toBe('pass')
    expect(judge({ timeNs: (n) => n, noise: 0.01, rounds: 30 }, 'nlogn')).toMatchObject({
      status: 'pass',
      betterThanClaimed: 'linear',
    })
  })

  it('is inconclusive when the interval straddles the limit', () => {
    for (const seed of [1, 2, 3]) {
      const verdict = judge({ timeNs: (n) => n ** 1.5, noise: 0.15, rounds: 6, seed }, 'linear')
      expect(verdict.status).toBe('inconclusive')
      expect(verdict.all.interval[0]).toBeLessThan(1.5)
      expect(verdict.all.interval[1]).toBeGreaterThan(1.5)
      expect(verdict.reason).toMatch(/straddles 1\.50/)
    }
  })

  it('rejects a tolerance outside 0–2', () => {
    const result = scalingResult({ timeNs: (n) => n })
    expect(() => judgeScaling(result, 'linear', { tolerance: -1 })).toThrow(RangeError)
    expect(() => judgeScaling(result, 'linear', { tolerance: Number.NaN })).toThrow(RangeError)
  })
})

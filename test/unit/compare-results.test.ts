import { describe, expect, it } from 'vitest'
import {
  type CompareResultsOptions,
  compareResults,
  type VitestBenchResult,
} from '../../src/measure/compare-results.js'
import { summarizeBatches } from '../../src/measure/summarize.js'
import type { BenchResult } from '../../src/measure/types.js'
import { normalQuantile } from '../../src/stats/normal.js'
import { createRandom } from '../../src/stats/random.js'
import { ciRunner, cleanMachine } from '../fixtures/environments.js'

/** A BenchResult as bench() would return it, from per-call times (ns) and a batch size. */
function benchResult(
  name: string,
  perCallNs: readonly number[],
  batchSize = 1,
  env = ciRunner(),
): BenchResult {
  const batchTimesNs = perCallNs.map((t) => t * batchSize)
  return {
    name,
    env,
    batchSize,
    batchTimesNs,
    async: false,
    stats: summarizeBatches(batchTimesNs, batchSize, 0.95),
    timing,
  }
}

const timing = {
  startedAt: '2025-01-02T03:04:05.000Z',
  endedAt: '2025-01-02T03:04:05.500Z',
  wallNs: 500e6,
  warmupNs: 25e6,
  budgetNs: 500e6,
  lockWaitNs: 0,
  batchSizeSource: 'calibrated' as const,
}

/** A Vitest 5 (tinybench 6) task result from per-call times in ms, optionally without samples. */
function vitestResult(name: string, samplesMs: readonly number[], keepSamples = true): VitestBenchResult {
  const sorted = [...samplesMs].sort((p, q) => p - q)
  const n = sorted.length
  const mean = sorted.reduce((s, x) => s + x, 0) / n
  const sd = Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1))
  return {
    name,
    latency: {
      mean,
      sd,
      p50: n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
      samplesCount: n,
      ...(keepSamples && { samples: sorted }),
    },
  }
}

/** Seeded log-normal per-call times: median × exp(σ·Z). */
function logNormal(seed: number, n: number, medianNs: number, sigma: number): number[] {
  const random = createRandom(seed)
  return Array.from(
    { length: n },
    () => medianNs * Math.exp(sigma * normalQuantile(random() * (1 - 2 ** -32) + 2 ** -33)),
  )
}

/** Two modes (fast path 70%, slow path 30% at 3× the time), each with 3% noise. */
function bimodal(seed: number, n: number, fastNs: number): number[] {
  const random = createRandom(seed)
  const noise = logNormal(seed + 1, n, 1, 0.03)
  return noise.map((e) => (random() < 0.7 ? fastNs : 3 * fastNs) * e)
}

/** Log-normal with 5% of calls hit by a pause of 20–100× (GC, preemption). */
function heavyTailed(seed: number, n: number, medianNs: number): number[] {
  const random = createRandom(seed)
  return logNormal(seed + 1, n, medianNs, 0.05).map((t) => (random() < 0.05 ? t * (20 + 80 * random()) : t))
}

const compareBoth = (a: BenchResult, b: BenchResult, options?: CompareResultsOptions) => [
  compareResults(a, b, options),
  compareResults(b, a, options),
]

describe('compareResults with samples on both sides (independent-samples)', () => {
  it('A/A: never calls faster or slower', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const c = compareResults(
        benchResult('a', logNormal(seed, 200, 1000, 0.05)),
        benchResult('b', logNormal(seed + 1000, 200, 1000, 0.05)),
      )
      expect(c.method).toBe('independent-samples')
      expect(['equivalent', 'inconclusive']).toContain(c.verdict)
      expect(c.interval[0]).toBeLessThan(1.02)
      expect(c.interval[1]).toBeGreaterThan(1 / 1.02)
    }
  })

  it('10×: faster one way, slower the other', () => {
    const fast = benchResult('fast', logNormal(1, 50, 100, 0.2))
    const slow = benchResult('slow', logNormal(2, 50, 1000, 0.2))
    const [c, reverse] = compareBoth(fast, slow)
    expect(c!.verdict).toBe('faster')
    expect(reverse!.verdict).toBe('slower')
    expect(c!.ratio).toBeGreaterThan(0.08)
    expect(c!.ratio).toBeLessThan(0.12)
    // The analysis is antisymmetric: swapping a and b inverts ratio and interval.
    expect(reverse!.ratio).toBeCloseTo(1 / c!.ratio, 12)
    expect(reverse!.interval[0]).toBeCloseTo(1 / c!.interval[1], 12)
  })

  it('a 5% slowdown with tight samples is slower (and faster the other way)', () => {
    const base = benchResult('base', logNormal(3, 100, 1000, 0.01))
    const slower = benchResult('slower', logNormal(4, 100, 1050, 0.01))
    const [c, reverse] = compareBoth(slower, base)
    expect(c!.verdict).toBe('slower')
    expect(reverse!.verdict).toBe('faster')
    expect(c!.ratio).toBeCloseTo(1.05, 2)
    expect(c!.interval[0]).toBeGreaterThan(1.02)
    // With by: '10%' the same data cannot be called slower: the interval lies inside ±10%.
    expect(compareResults(slower, base, { by: '10%' }).verdict).toBe('equivalent')
  })

  it('bimodal samples: a 1.5× scaling is found, A/A is not', () => {
    const a = benchResult('a', bimodal(10, 400, 1000))
    const b = benchResult('b', bimodal(20, 400, 1000))
    const scaled = benchResult('scaled', bimodal(30, 400, 1500))
    expect(['equivalent', 'inconclusive']).toContain(compareResults(a, b).verdict)
    const c = compareResults(scaled, a)
    expect(c.verdict).toBe('slower')
    expect(c.interval[0]).toBeLessThan(1.5)
    expect(c.interval[1]).toBeGreaterThan(1.5)
  })

  it('heavy tails: 5% pauses of 20–100× neither hide a 20% slowdown nor invent one', () => {
    const a = benchResult('a', heavyTailed(40, 300, 1000))
    const b = benchResult('b', heavyTailed(50, 300, 1000))
    const slower = benchResult('slower', heavyTailed(60, 300, 1200))
    expect(['equivalent', 'inconclusive']).toContain(compareResults(a, b, { by: '5%' }).verdict)
    const c = compareResults(slower, a, { by: '5%' })
    expect(c.verdict).toBe('slower')
    expect(c.ratio).toBeGreaterThan(1.15)
    expect(c.ratio).toBeLessThan(1.25)
  })

  it('uses per-call times: batch size k divides the batch times', () => {
    const perCall = logNormal(7, 100, 250, 0.02)
    const c = compareResults(benchResult('k=64', perCall, 64), benchResult('k=1', perCall, 1))
    expect(c.ratio).toBe(1)
    expect(c.verdict).toBe('equivalent')
    expect(c.batchSize).toEqual([64, 1])
    expect(c.medianNs[0]).toBeCloseTo(c.medianNs[1], 9)
  })

  it('fills every field honestly', () => {
    const a = benchResult('new', logNormal(8, 100, 1000, 0.01), 8, ciRunner())
    const b = benchResult('old', logNormal(9, 100, 2000, 0.01), 4, { ...cleanMachine(), warnings: [] })
    const c = compareResults(a, b)
    expect(c).toMatchObject({
      names: ['new', 'old'],
      method: 'independent-samples',
      confidence: 0.95,
      verdict: 'faster',
      threshold: 0.02,
      rounds: 0,
      looks: 1,
      batchSize: [8, 4],
      logRatios: [],
      seed: 0,
      wallNs: 0,
    })
    expect(c.env).toBe(a.env)
    expect(compareResults(vitestResult('v', [0.001, 0.0011, 0.0009]), b).env).toBe(b.env)
    expect(c.medianNs).toEqual([a.stats.medianNs, b.stats.medianNs])
    const halfWidth = (Math.log(c.interval[1]) - Math.log(c.interval[0])) / 2
    expect(c.detectableEffect).toBeCloseTo(Math.expm1(Math.log1p(0.02) + halfWidth), 12)
    expect(c.interval[0]).toBeLessThanOrEqual(c.ratio)
    expect(c.interval[1]).toBeGreaterThanOrEqual(c.ratio)
  })

  it('explains the verdict in one sentence that says the results were measured separately', () => {
    // Exact data so the numbers are stable: b is a at 1.25× the time.
    const times = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]
    const a = benchResult('parse v2', times)
    const b = benchResult(
      'parse v1',
      times.map((t) => t * 1.25),
    )
    expect(compareResults(a, b).reason).toMatchInlineSnapshot(
      `""parse v2" is faster than "parse v1": 0.800× its time (95% interval 0.777–0.824), beyond the 2.0% threshold, from 12 and 12 samples; "parse v2" and "parse v1" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
    expect(compareResults(a, a).reason).toMatchInlineSnapshot(
      `"The 95% interval 0.971–1.030 straddles the ±2.0% threshold (ratio 1.000, from 12 and 12 samples): these results could only detect differences above 5.0%; "parse v2" and "parse v2" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
    const noisy = (seed: number, median: number) => benchResult(`x${seed}`, logNormal(seed, 30, median, 0.1))
    expect(compareResults(noisy(1, 1030), noisy(2, 1000)).reason).toMatchInlineSnapshot(
      `"The 95% interval 1.017–1.130 straddles the ±2.0% threshold (ratio 1.069, from 30 and 30 samples): these results could only detect differences above 7.5%; "x1" and "x2" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
    expect(
      compareResults(benchResult('a', [1, 2, 3]), benchResult('b', [2, 3, 4])).reason,
    ).toMatchInlineSnapshot(
      `"No interval for "a" against "b": 3 and 3 samples are too few for a 95% interval (at most 90% is reachable); "a" and "b" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
  })

  it('takes per-call times of 0 (below the timer) as the smallest time seen', () => {
    const c = compareResults(
      benchResult('zeros', [0, 0, 5, 5, 5, 5, 5, 5, 5, 5]),
      benchResult('b', Array(10).fill(5)),
    )
    expect(Number.isFinite(c.ratio)).toBe(true)
    expect(c.ratio).toBe(1)
  })
})

describe('compareResults with Vitest 5 results', () => {
  it('converts ms to ns and compares per-call samples with a perfgate result', () => {
    const perCallNs = logNormal(11, 200, 1500, 0.03)
    const vitest = vitestResult(
      'vitest',
      perCallNs.map((t) => t / 1e6),
    )
    const c = compareResults(vitest, benchResult('perfgate', perCallNs))
    expect(c.method).toBe('independent-samples')
    expect(c.ratio).toBeCloseTo(1, 12)
    expect(c.verdict).toBe('equivalent')
    expect(c.names).toEqual(['vitest', 'perfgate'])
    expect(c.batchSize).toEqual([1, 1])
    expect(c.medianNs[0]).toBeCloseTo(c.medianNs[1], 6)
    expect(c.medianNs[0]).toBeGreaterThan(1400)
    expect(c.medianNs[0]).toBeLessThan(1600)
  })

  it('with samples on both sides: faster and slower', () => {
    const fast = vitestResult('fast', logNormal(12, 100, 0.001, 0.1))
    const slow = vitestResult('slow', logNormal(13, 100, 0.01, 0.1))
    expect(compareResults(fast, slow).verdict).toBe('faster')
    expect(compareResults(slow, fast).verdict).toBe('slower')
    expect(compareResults(fast, slow).medianNs[1]).toBeCloseTo(1e4, -3)
  })

  it('without samples: ratio of means with a Welch interval on the log scale', () => {
    const a = vitestResult('a', logNormal(14, 10, 0.002, 0.05), false)
    const b = vitestResult('b', logNormal(15, 10, 0.001, 0.05), false)
    const c = compareResults(a, b)
    expect(c.method).toBe('summary-statistics')
    expect(c.verdict).toBe('slower')
    expect(c.ratio).toBeCloseTo(a.latency.mean / b.latency.mean, 12)
    // By hand: Var(log mean) ≈ sd² / (n·mean²); Welch–Satterthwaite df; t from scipy 1.17.1,
    // t.ppf(0.975, df). Here df is between 9 and 18.
    const va = a.latency.sd! ** 2 / (10 * a.latency.mean ** 2)
    const vb = b.latency.sd! ** 2 / (10 * b.latency.mean ** 2)
    const df = (va + vb) ** 2 / (va ** 2 / 9 + vb ** 2 / 9)
    expect(df).toBeGreaterThan(9)
    expect(df).toBeLessThanOrEqual(18)
    const halfWidth = (Math.log(c.interval[1]) - Math.log(c.interval[0])) / 2
    const t = halfWidth / Math.sqrt(va + vb)
    // t.ppf(0.975, 9) = 2.2621571628, t.ppf(0.975, 18) = 2.1009220402: t lies between them.
    expect(t).toBeGreaterThan(2.1009)
    expect(t).toBeLessThan(2.2622)
  })

  it('without samples: the Student t quantile matches scipy at whole degrees of freedom', () => {
    // Equal means and sds on both sides give df = 2(n − 1) exactly.
    const side = (name: string, n: number): VitestBenchResult => ({
      name,
      latency: { mean: 1, sd: 0.1, samplesCount: n },
    })
    for (const [n, confidence, expected] of [
      // scipy 1.17.1: t.ppf(0.975, 18), t.ppf(0.995, 18), t.ppf(0.975, 198)
      [10, 0.95, 2.10092204024096],
      [10, 0.99, 2.878440472713585],
      [100, 0.95, 1.9720174778338955],
    ] as const) {
      const c = compareResults(side('a', n), side('b', n), { confidence })
      const halfWidth = Math.log(c.interval[1])
      const se = Math.sqrt((2 * 0.01) / n)
      expect(halfWidth / se / expected).toBeCloseTo(1, 5)
    }
  })

  it('mixes a perfgate result with a summary-only Vitest result', () => {
    const perfgate = benchResult('perfgate', logNormal(16, 100, 1000, 0.02))
    const vitest = vitestResult('vitest', logNormal(17, 100, 0.0005, 0.02), false)
    const c = compareResults(perfgate, vitest)
    expect(c.method).toBe('summary-statistics')
    expect(c.verdict).toBe('slower')
    expect(c.ratio).toBeCloseTo(perfgate.stats.meanNs / (vitest.latency.mean * 1e6), 9)
    expect(c.batchSize).toEqual([1, 1])
    expect(c.medianNs[1]).toBeCloseTo(vitest.latency.p50! * 1e6, 6)
  })

  it('is inconclusive, and says what is missing, without a sample count or sd', () => {
    const full = vitestResult('full', logNormal(18, 50, 0.001, 0.02), false)
    const noCount: VitestBenchResult = { name: 'no count', latency: { mean: 0.001, sd: 0.0001 } }
    const noSd: VitestBenchResult = { name: 'no sd', latency: { mean: 0.001, samplesCount: 500 } }
    const few: VitestBenchResult = { name: 'few', latency: { mean: 0.001, sd: 0.0001, samplesCount: 4 } }
    for (const other of [noCount, noSd, few]) {
      const c = compareResults(full, other)
      expect(c).toMatchObject({
        method: 'summary-statistics',
        verdict: 'inconclusive',
        interval: [0, Number.POSITIVE_INFINITY],
        detectableEffect: Number.POSITIVE_INFINITY,
      })
      expect(c.medianNs[1]).toBeNaN()
    }
    expect(compareResults(full, noCount).reason).toMatchInlineSnapshot(
      `"No interval for "full" against "no count": "no count" has no sample count (latency.samplesCount or latency.samples); "full" and "no count" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
    expect(compareResults(noSd, few).reason).toMatchInlineSnapshot(
      `"No interval for "no sd" against "few": "no sd" has no standard deviation (latency.sd) and "few" has 4 samples, fewer than the 10 an interval from summary statistics needs; "no sd" and "few" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger."`,
    )
    // samplesCount absent but samples present: the count is samples.length.
    const samplesOnly = vitestResult('samples only', logNormal(19, 30, 0.002, 0.02))
    delete (samplesOnly.latency as { samplesCount?: number }).samplesCount
    expect(compareResults(samplesOnly, full).verdict).toBe('slower')
  })

  it('captures the environment when neither side is a perfgate result', () => {
    const c = compareResults(
      vitestResult('a', [0.001, 0.002, 0.003]),
      vitestResult('b', [0.001, 0.002, 0.003]),
    )
    expect(c.env.runtime.name).toBe('node')
  })
})

describe('compareResults input errors', () => {
  it('names the argument, what it received and what it accepts', () => {
    const ok = benchResult('ok', [1, 2, 3])
    expect(() => compareResults('fast' as never, ok)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: compareResults() received an invalid argument: "a" must be a perfgate BenchResult (from bench()) or a Vitest bench result (with latency.mean in ms), received a string ("fast"). Pass what bench() resolved to, or one task of a Vitest bench result (e.g. result.get('name')).]`,
    )
    expect(() => compareResults(ok, null as never)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: compareResults() received an invalid argument: "b" must be a perfgate BenchResult (from bench()) or a Vitest bench result (with latency.mean in ms), received null. Pass what bench() resolved to, or one task of a Vitest bench result (e.g. result.get('name')).]`,
    )
    expect(() => compareResults(ok, { name: 'x', mean: 3 } as never)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: compareResults() received an invalid argument: "b" must be a perfgate BenchResult (from bench()) or a Vitest bench result (with latency.mean in ms), received an object with keys name, mean. Pass what bench() resolved to, or one task of a Vitest bench result (e.g. result.get('name')).]`,
    )
    expect(() => compareResults(ok, { latency: { mean: '3' } } as never)).toThrow(/"b" must be/)
    expect(() => compareResults(ok, ok, { confidence: 95 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: compareResults() received an invalid argument: confidence must be between 0.5 and 1 (exclusive), received 95. Use a value like 0.95 or 0.99.]`,
    )
    expect(() => compareResults(ok, ok, { by: 5 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received 5 at compareResults() option "by".]`,
    )
  })
})

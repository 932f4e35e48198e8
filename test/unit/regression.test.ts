import { describe, expect, it } from 'vitest'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import {
  adjustForSuite,
  checkRegression,
  mergeRemeasured,
  type NamedBaselineBench,
  needsRemeasure,
  type RegressionOptions,
  type RegressionVerdict,
  thresholdPValue,
} from '../../src/baseline/regression.js'
import type { Environment } from '../../src/env/types.js'
import type { BenchResult } from '../../src/measure/types.js'
import { normalCdf } from '../../src/stats/normal.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'

/** A one-bench baseline from a result, as a reporter would read it back. */
function baselineOf(result: BenchResult): { bench: NamedBaselineBench; env: Environment } {
  const file = baselineFromResults('default', [result], undefined, { createdAt: '2025-01-01T00:00:00.000Z' })
  return { bench: { name: result.name, ...file.benches[result.name]! }, env: file.env }
}

/** Check `current` against a baseline made from `base`. */
function check(current: BenchResult, base: BenchResult, options: RegressionOptions = {}): RegressionVerdict {
  const { bench, env } = baselineOf(base)
  return checkRegression(current, bench, { baseline: env }, options)
}

/** n per-call times around `centerNs`, ±spread, from `seed`. */
function run(name: string, centerNs: number, spread: number, n: number, seed: number, batchSize = 1) {
  return benchResult({ name, perCallNs: uniformTimes(centerNs, spread, n, seed), batchSize })
}

describe('checkRegression: false alarms when nothing changed (A/A)', () => {
  // 200 suites of 20 benches; each bench's baseline and current run are independent draws from the
  // same distribution (different seeds). Threshold 0 is the hardest case: any significant
  // difference counts, so only the statistics stand between noise and a false alarm.
  const SUITES = 200
  const BENCHES = 20
  const cache = new Map<number, RegressionVerdict[][]>()
  function aaSuites(threshold: number): RegressionVerdict[][] {
    const cached = cache.get(threshold)
    if (cached) return cached
    const suites = Array.from({ length: SUITES }, (_, s) =>
      Array.from({ length: BENCHES }, (_, b) => {
        const seed = 1 + 2 * (s * BENCHES + b)
        const name = `bench ${b}`
        return check(run(name, 1000, 0.1, 40, seed + 1), run(name, 1000, 0.1, 40, seed), { threshold })
      }),
    )
    cache.set(threshold, suites)
    return suites
  }
  const rate = (count: number, total: number) => count / total

  it('at threshold 0, a bench alone raises a false regression in about 2.5% of pairs (one tail of 95%)', () => {
    const verdicts = aaSuites(0).flat()
    const regressed = verdicts.filter((v) => v.status === 'regressed').length
    const improved = verdicts.filter((v) => v.status === 'improved').length
    // Measured: 100 regressed and 103 improved of 4000 (2.5% and 2.6%).
    expect(verdicts).toHaveLength(4000)
    expect(rate(regressed, verdicts.length)).toBeLessThanOrEqual(0.05)
    expect(rate(regressed + improved, verdicts.length)).toBeLessThanOrEqual(0.06)
  })

  it('across a suite of 20, Holm (and BH) bring the rate of any false regression back under 5%', () => {
    const suites = aaSuites(0)
    const anyRegressed = (list: RegressionVerdict[]) => list.some((v) => v.status === 'regressed')
    const anyChange = (list: RegressionVerdict[]) =>
      list.some((v) => v.status === 'regressed' || v.status === 'improved')
    const unadjusted = suites.filter(anyRegressed).length
    const holm = suites.map((s) => adjustForSuite(s, { method: 'holm' }))
    const bh = suites.map((s) => adjustForSuite(s, { method: 'benjamini-hochberg' }))
    // Measured: some false regression in 83 of 200 suites unadjusted (41.5%); 7 with Holm (3.5%),
    // 8 with BH (4%). Any false regression or improvement after Holm: 15 of 200 (7.5%), and 4.0%
    // over 1000 suites: Holm's bound is 5%, the excess here is sampling noise (±1.5% at 200).
    expect(rate(unadjusted, SUITES)).toBeGreaterThan(0.3)
    expect(rate(holm.filter(anyRegressed).length, SUITES)).toBeLessThanOrEqual(0.05)
    expect(rate(bh.filter(anyRegressed).length, SUITES)).toBeLessThanOrEqual(0.05)
    expect(rate(holm.filter(anyChange).length, SUITES)).toBeLessThanOrEqual(0.1)
  })

  it('at the default 5% threshold, none of the 4000 pairs regresses', () => {
    const verdicts = aaSuites(0.05).flat()
    expect(verdicts.filter((v) => v.status === 'regressed' || v.status === 'improved')).toEqual([])
    // Most are shown to be within ±5%; the rest are inconclusive, never a false alarm.
    expect(verdicts.filter((v) => v.status === 'unchanged').length).toBeGreaterThan(3000)
  })
})

describe('checkRegression: real changes', () => {
  it('calls a 10% slowdown with tight samples a regression', () => {
    const verdict = check(run('sort 10k', 1100, 0.02, 100, 2), run('sort 10k', 1000, 0.02, 100, 1))
    expect(verdict.status).toBe('regressed')
    expect(verdict.ratio).toBeCloseTo(1.1, 2)
    expect(verdict.interval[0]).toBeGreaterThan(1.05)
    expect(verdict.delta).toBeCloseTo(verdict.ratio - 1, 12)
    expect(verdict.direction).toBe('slower')
    expect(verdict.pValue).toBeLessThan(0.025)
    expect(verdict.threshold).toBe(0.05)
    expect(verdict.environmentChanged).toBe(false)
    expect(verdict.notes).toEqual([])
    expect(verdict.reason).toMatchInlineSnapshot(
      `""sort 10k" regressed: 9.7% slower than the baseline (1.10×, 95% interval 1.09–1.10×; 1.10 µs per call, baseline 1.00 µs), beyond the 5% threshold (one-sided p = 1.1e-59)."`,
    )
  })

  it('does not call a 3% slowdown a regression at a 5% threshold: unchanged when tight, inconclusive when noisy', () => {
    // 500 seeded pairs per spread. With tight samples the interval sits inside ±5%. With noisy ones
    // a false regression needs the interval to miss the true 1.03 on the high side, which the 95%
    // interval allows in at most 2.5% of runs; the re-measurement then has to miss the same way.
    const outcomes = (spread: number) => {
      const counts = { unchanged: 0, inconclusive: 0, regressed: 0, confirmed: 0 }
      for (let seed = 1; seed <= 1000; seed += 2) {
        const base = run('s', 1000, spread, 60, seed)
        const verdict = check(run('s', 1030, spread, 60, seed + 1), base)
        if (verdict.status in counts) counts[verdict.status as keyof typeof counts]++
        if (verdict.status === 'regressed') {
          const again = check(run('s', 1030, spread, 60, seed + 100_001), base)
          if (mergeRemeasured(verdict, again).status === 'regressed') counts.confirmed++
        }
      }
      return counts
    }
    expect(outcomes(0.02)).toEqual({ unchanged: 500, inconclusive: 0, regressed: 0, confirmed: 0 })
    // Measured: ±10%: 199 unchanged, 301 inconclusive, 0 regressed; ±30%: 495 inconclusive,
    // 5 regressed on the first measurement (1%), none confirmed by the re-measurement.
    for (const spread of [0.1, 0.3]) {
      const counts = outcomes(spread)
      expect(counts.regressed / 500).toBeLessThanOrEqual(0.025)
      expect(counts.confirmed).toBe(0)
      expect(counts.inconclusive).toBeGreaterThan(counts.regressed)
    }
  })

  it('calls a 15% speed-up an improvement', () => {
    const verdict = check(run('parse', 850, 0.02, 100, 4), run('parse', 1000, 0.02, 100, 3))
    expect(verdict.status).toBe('improved')
    expect(verdict.direction).toBe('faster')
    expect(verdict.interval[1]).toBeLessThan(1 / 1.05)
    expect(verdict.pValue).toBeLessThan(0.025)
    expect(verdict.reason).toMatchInlineSnapshot(
      `""parse" improved: 15% faster than the baseline (0.852×, 95% interval 0.849–0.855×; 853 ns per call, baseline 999 ns), beyond the 5% threshold (one-sided p = 1.1e-59)."`,
    )
  })

  it('is inconclusive when the interval straddles the threshold, and says what it could detect', () => {
    const verdict = check(run('noisy', 1050, 0.4, 30, 6), run('noisy', 1000, 0.4, 30, 5))
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.reason).toMatchInlineSnapshot(
      `""noisy" is inconclusive: the 95% interval 0.862–1.11× straddles the ±5% threshold (0.986×; 996 ns per call, baseline 984 ns); this comparison could only detect changes above 19%. Give the bench more time to settle it."`,
    )
  })

  it('with batch sizes that differ, still compares per-call times and notes the difference', () => {
    const verdict = check(run('sort', 1100, 0.02, 100, 8, 64), run('sort', 1000, 0.02, 100, 7, 16))
    expect(verdict.status).toBe('regressed')
    expect(verdict.batchSize).toEqual([64, 16])
    expect(verdict.notes).toMatchInlineSnapshot(`
      [
        "Batch sizes differ (64 calls per batch now, 16 in the baseline): batch means of different sizes spread differently, so the interval is approximate; the per-call medians are still comparable. Measure with batchSize: 16 to match the baseline.",
      ]
    `)
  })

  it('gives no verdict without raw batch times', () => {
    const { bench, env } = baselineOf(run('sort', 1000, 0.02, 50, 1))
    const stripped = { ...run('sort', 1000, 0.02, 50, 2), batchTimesNs: [] }
    const verdict = checkRegression(stripped, bench, { baseline: env })
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.pValue).toBeNaN()
    expect(verdict.reason).toMatchInlineSnapshot(
      `"No raw batch times in the current result of "sort": a regression check compares the raw batches of both sides. Pass the result bench() returned, unchanged."`,
    )
  })
})

describe('checkRegression: environment changes', () => {
  const base = run('sort 10k', 1000, 0.02, 100, 1)
  const slower = run('sort 10k', 1100, 0.02, 100, 2)
  const elsewhere = (change: (env: Environment) => void): Environment => {
    const env = ciRunner()
    change(env)
    return env
  }

  it('reports a different CPU, Node.js major or architecture instead of a verdict', () => {
    const { bench, env } = baselineOf(base)
    const current = elsewhere((e) => {
      e.cpu.model = 'Intel Xeon Platinum 8370C'
      e.runtime.version = '22.11.0'
    })
    const verdict = checkRegression(slower, bench, { baseline: env, current })
    expect(verdict.status).toBe('environment-changed')
    expect(verdict.environmentChanged).toBe(true)
    // The numbers are there for information.
    expect(verdict.ratio).toBeCloseTo(1.1, 2)
    expect(verdict.reason).toMatchInlineSnapshot(
      `"The baseline of "sort 10k" was measured in another environment (cpu.model AMD EPYC 7763 64-Core Processor → Intel Xeon Platinum 8370C; runtime.version 20.20.2 → 22.11.0), so the timings are not comparable and no verdict is given (for information: 1.10× the baseline's time, 95% interval 1.09–1.10×). Record a baseline in this environment (perfgate baseline accept), or set "failOnEnvironmentChange": true in the "regression" section to compare anyway."`,
    )
    const arm = checkRegression(slower, bench, {
      baseline: env,
      current: elsewhere((e) => (e.os.arch = 'arm64')),
    })
    expect(arm.status).toBe('environment-changed')
  })

  it('with failOnEnvironmentChange, compares anyway and says so', () => {
    const { bench, env } = baselineOf(base)
    const current = elsewhere((e) => (e.cpu.model = 'Intel Xeon Platinum 8370C'))
    const verdict = checkRegression(
      slower,
      bench,
      { baseline: env, current },
      { failOnEnvironmentChange: true },
    )
    expect(verdict.status).toBe('regressed')
    expect(verdict.environmentChanged).toBe(true)
    expect(verdict.reason).toMatch(
      /^Compared across environments \(cpu\.model AMD EPYC 7763 64-Core Processor → Intel Xeon Platinum 8370C\) because failOnEnvironmentChange is set; the change may come from the environment rather than the code\. "sort 10k" regressed: /,
    )
  })

  it('compares across minor differences (a Node.js patch release), with a note', () => {
    const { bench, env } = baselineOf(base)
    const current = elsewhere((e) => (e.runtime.version = '20.21.0'))
    const verdict = checkRegression(slower, bench, { baseline: env, current })
    expect(verdict.status).toBe('regressed')
    expect(verdict.environmentDifferences).toEqual([
      { field: 'runtime.version', a: '20.20.2', b: '20.21.0', severity: 'minor' },
    ])
    expect(verdict.notes).toMatchInlineSnapshot(`
      [
        "The environment differs in minor ways (runtime.version 20.20.2 → 20.21.0); a change may come from it rather than the code.",
      ]
    `)
  })
})

describe('checkRegression: options', () => {
  const base = run('s', 1000, 0.02, 20, 1)
  it('takes the threshold as a fraction or a percentage', () => {
    expect(check(base, base, { threshold: '10%' }).threshold).toBe(0.1)
    expect(check(base, base, { threshold: 0.1 }).threshold).toBe(0.1)
  })

  it('rejects a bad threshold or confidence', () => {
    expect(() => check(base, base, { threshold: 'fast' })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Expected a percentage like "0.1%" or "5%", received "fast" at checkRegression() option "threshold".]`,
    )
    expect(() => check(base, base, { confidence: 95 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: checkRegression() has an invalid option: confidence must be above 0.5 and below 1, received 95. Use a value like 0.95 or 0.99.]`,
    )
  })
})

describe('thresholdPValue', () => {
  it('is exact without ties: P(U ≥ 6) = 1 / C(5, 2) when all of x lies above y', () => {
    // x = 3, 4, 5 beats y = 1, 2 in all 6 pairs; 1 of the C(5, 2) = 10 rankings does that.
    expect(thresholdPValue([3, 4, 5], [1, 2], 0, 'slower')).toEqual({ pValue: 0.1, method: 'exact', u: 6 })
    // The same data tested the other way has no evidence at all: P(U ≥ 0) = 1 ... for 'faster'
    // the roles swap, so y beating x in 0 pairs gives p = 1.
    expect(thresholdPValue([3, 4, 5], [1, 2], 0, 'faster').pValue).toBe(1)
    // x is shifted down by the threshold first: 0.5, 1.5, 2.5 beat 0 + 1 + 2 = 3 of the pairs.
    expect(thresholdPValue([3, 4, 5], [1, 2], 2.5, 'slower').u).toBe(3)
  })

  it('uses the normal approximation with tie and continuity correction when there are ties', () => {
    // x = 1, 2, 2 and y = 2, 3: midranks 1, 3, 3 | 3, 5, so U = 7 − 6 = 1; mn/2 = 3; one tie
    // group of 3, so Var U = 6/12 · (6 − 24/20) = 2.4; z = (1 − 3 − 0.5) / √2.4 (Hollander & Wolfe §4.1).
    const result = thresholdPValue([1, 2, 2], [2, 3], 0, 'slower')
    expect(result.method).toBe('normal')
    expect(result.u).toBe(1)
    expect(result.pValue).toBeCloseTo(normalCdf(2.5 / Math.sqrt(2.4)), 14)
    // All values equal: no evidence either way.
    expect(thresholdPValue([5, 5], [5, 5, 5], 0, 'slower').pValue).toBe(1)
  })

  it('agrees with the interval: without ties, regressed exactly when the slower-side pValue ≤ (1 − confidence) / 2', () => {
    const statuses = new Set<string>()
    for (let seed = 1; seed < 120; seed += 2) {
      const verdict = check(run('s', 1060, 0.05, 40, seed + 1), run('s', 1000, 0.05, 40, seed))
      statuses.add(verdict.status)
      expect(verdict.status === 'regressed').toBe(verdict.direction === 'slower' && verdict.pValue <= 0.025)
    }
    expect(statuses).toContain('regressed')
    expect(statuses).toContain('inconclusive')
  })
})

describe('adjustForSuite', () => {
  const strong = check(run('strong', 1100, 0.02, 100, 2), run('strong', 1000, 0.02, 100, 1))
  const quiet = (i: number) =>
    check(run(`q${i}`, 1000, 0.1, 40, 100 + 2 * i), run(`q${i}`, 1000, 0.1, 40, 101 + 2 * i))

  it('never demotes a lone bench: its regression already has p ≤ (1 − confidence) / 2', () => {
    const marginal: RegressionVerdict = { ...strong, pValue: 0.024 }
    const [adjusted] = adjustForSuite([marginal])
    expect(adjusted!.status).toBe('regressed')
    expect(adjusted!.adjustment).toEqual({ method: 'holm', alpha: 0.05, adjustedPValue: 0.048, tests: 1 })
  })

  it('keeps a clear regression among 20 benches and demotes a marginal one, saying why', () => {
    const marginal: RegressionVerdict = {
      ...strong,
      name: 'marginal',
      pValue: 0.01,
      reason: '"marginal" regressed: …',
    }
    const suite = [strong, marginal, ...Array.from({ length: 18 }, (_, i) => quiet(i))]
    const adjusted = adjustForSuite(suite)
    expect(adjusted).toHaveLength(20)
    expect(adjusted[0]!.status).toBe('regressed')
    expect(adjusted[1]!.status).toBe('inconclusive')
    expect(adjusted[1]!.adjustment).toMatchObject({ method: 'holm', tests: 20, demotedFrom: 'regressed' })
    expect(adjusted[1]!.reason).toMatchInlineSnapshot(
      `""marginal" regressed: … Not counted as a regression: across the 20 benches compared, its Holm-adjusted p-value 0.38 is above 0.05, so it could be one of the false alarms expected among that many comparisons."`,
    )
    // The input is not changed.
    expect(suite[1]!.status).toBe('regressed')
  })

  it('with Benjamini–Hochberg, keeps more of many real regressions than Holm', () => {
    const many = Array.from(
      { length: 10 },
      (_, i): RegressionVerdict => ({ ...strong, name: `r${i}`, pValue: 0.004 }),
    )
    // Two-sided 0.008: Holm needs 0.008 × 10 ≤ 0.05; BH only 0.008 × 10 / 10.
    expect(adjustForSuite(many, { method: 'holm' }).map((v) => v.status)).toEqual(
      Array(10).fill('inconclusive'),
    )
    expect(adjustForSuite(many, { method: 'benjamini-hochberg' }).map((v) => v.status)).toEqual(
      Array(10).fill('regressed'),
    )
  })

  it('leaves benches whose environment changed out of the family', () => {
    const moved: RegressionVerdict = { ...quiet(1), status: 'environment-changed' }
    const adjusted = adjustForSuite([strong, moved, quiet(2)])
    expect(adjusted[1]).toBe(moved)
    expect(adjusted[0]!.adjustment!.tests).toBe(2)
  })

  it('takes alpha from the verdicts’ confidence unless given, and rejects a bad one', () => {
    expect(adjustForSuite([{ ...strong, confidence: 0.99 }])[0]!.adjustment!.alpha).toBe(0.01)
    expect(adjustForSuite([strong], { alpha: 0.1 })[0]!.adjustment!.alpha).toBe(0.1)
    expect(() => adjustForSuite([strong], { alpha: 5 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: adjustForSuite() has an invalid option: alpha must be above 0 and below 1, received 5. Use a value like 0.05.]`,
    )
  })
})

describe('re-measuring suspected regressions', () => {
  const base = run('sort', 1000, 0.02, 100, 1)
  const first = check(run('sort', 1100, 0.02, 100, 2), base)
  const unchanged = check(run('unchanged', 1000, 0.02, 100, 3), run('unchanged', 1000, 0.02, 100, 4))

  it('asks for a re-measurement of every regression not yet re-measured', () => {
    expect(needsRemeasure([first, unchanged]).map((v) => v.name)).toEqual(['sort'])
    const confirmed = mergeRemeasured(first, check(run('sort', 1100, 0.02, 100, 5), base))
    expect(needsRemeasure([confirmed])).toEqual([])
  })

  it('fails only when the re-measurement confirms the regression', () => {
    const confirmed = mergeRemeasured(first, check(run('sort', 1100, 0.02, 100, 5), base))
    expect(confirmed.status).toBe('regressed')
    expect(confirmed.remeasured).toMatchObject({ confirmed: true, first: { status: 'regressed' } })
    expect(confirmed.reason).toMatch(
      / Confirmed by a re-measurement \(the first run: 9\.7% slower, 95% interval 1\.09–1\.10×\)\.$/,
    )

    const notConfirmed = mergeRemeasured(first, check(run('sort', 1000, 0.02, 100, 6), base))
    expect(notConfirmed.status).toBe('inconclusive')
    expect(notConfirmed.remeasured?.confirmed).toBe(false)
    expect(notConfirmed.reason).toMatchInlineSnapshot(
      `""sort" looked like a regression (9.7% slower, 95% interval 1.09–1.10×), but a re-measurement did not confirm it: "sort" is unchanged: within ±5% of the baseline (0.999×, 95% interval 0.996–1.00×; 1.00 µs per call, baseline 1.00 µs). Not failed; if it recurs, give the bench more time or look for drift between runs."`,
    )
  })

  it('returns a verdict that was not a regression as it is', () => {
    expect(mergeRemeasured(unchanged, first)).toBe(unchanged)
  })
})

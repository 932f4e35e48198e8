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
  reachesPastScreen,
} from '../../src/baseline/regression.js'
import type { Environment } from '../../src/env/types.js'
import type { BenchResult } from '../../src/measure/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { type ProcessRunOptions, processRuns } from '../fixtures/process-runs.js'

/** A one-bench baseline from results (one per process), as a reporter would read it back. */
function baselineOf(results: BenchResult | readonly BenchResult[]): {
  bench: NamedBaselineBench
  env: Environment
} {
  const list = Array.isArray(results) ? results : [results as BenchResult]
  const file = baselineFromResults('default', list, undefined, { createdAt: '2025-01-01T00:00:00.000Z' })
  const name = list[0]!.name
  return { bench: { name, ...file.benches[name]! }, env: file.env }
}

/** Check `current` (one or more processes) against a baseline made from `base`. */
function check(
  current: BenchResult | readonly BenchResult[],
  base: BenchResult | readonly BenchResult[],
  options: RegressionOptions = {},
): RegressionVerdict {
  const { bench, env } = baselineOf(base)
  return checkRegression(current, bench, { baseline: env }, options)
}

/** One process: n per-call times around `centerNs`, ±spread, from `seed`. */
function run(name: string, centerNs: number, spread: number, n: number, seed: number, batchSize = 1) {
  return benchResult({ name, perCallNs: uniformTimes(centerNs, spread, n, seed), batchSize })
}

/** Processes of a bench; see test/fixtures/process-runs.ts. */
const procs = (name: string, centerNs: number, count: number, seed: number, options?: ProcessRunOptions) =>
  processRuns(name, centerNs, count, seed, options)

describe('checkRegression: false alarms when nothing changed (A/A)', () => {
  // 200 suites of 20 benches. Every process of the baseline (5) and of the run (1) runs at its own
  // speed, 2.5% apart (sd of log time, this machine's typical spread between fresh processes),
  // with ±2% batch noise inside: the single-process interval of earlier versions called ~40% of
  // such suites regressed.
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
        return check(procs(name, 1000, 1, seed + 1), procs(name, 1000, 5, seed), { threshold })
      }),
    )
    cache.set(threshold, suites)
    return suites
  }
  const rate = (count: number, total: number) => count / total

  it('at threshold 0 the process-level test keeps its level: at most 2.5% false regressions per bench', () => {
    const verdicts = aaSuites(0).flat()
    const regressed = verdicts.filter((v) => v.status === 'regressed').length
    const improved = verdicts.filter((v) => v.status === 'improved').length
    // Measured: 18 regressed and 43 improved of 4000 (0.45% and 1.1%), below the nominal 2.5% a
    // side: the prior's 3% is wider than the 2.5% simulated, which makes the test cautious.
    expect(verdicts).toHaveLength(4000)
    expect(rate(regressed, verdicts.length)).toBeLessThanOrEqual(0.025)
    expect(rate(improved, verdicts.length)).toBeLessThanOrEqual(0.025)
    expect(regressed + improved).toBeGreaterThan(0)
  })

  it('across a suite of 20, Holm (and BH) bring the rate of any false regression under 5%', () => {
    const suites = aaSuites(0)
    const anyRegressed = (list: RegressionVerdict[]) => list.some((v) => v.status === 'regressed')
    const holm = suites.map((s) => adjustForSuite(s, { method: 'holm' }))
    const bh = suites.map((s) => adjustForSuite(s, { method: 'benjamini-hochberg' }))
    // Measured: a false regression in 16 of 200 suites unadjusted; none after Holm or BH.
    expect(suites.filter(anyRegressed).length).toBeGreaterThan(0)
    expect(rate(holm.filter(anyRegressed).length, SUITES)).toBeLessThanOrEqual(0.05)
    expect(rate(bh.filter(anyRegressed).length, SUITES)).toBeLessThanOrEqual(0.05)
  })

  it('at the default 5% threshold, most benches are unchanged and none survives Holm', () => {
    const suites = aaSuites(0.05)
    const verdicts = suites.flat()
    // Measured: 3690 unchanged, 249 inconclusive, 18 regressed and 43 improved before Holm.
    expect(verdicts.filter((v) => v.status === 'unchanged').length).toBeGreaterThan(3600)
    const changed = suites
      .flatMap((s) => adjustForSuite(s))
      .filter((v) => v.status === 'regressed' || v.status === 'improved')
    expect(changed).toEqual([])
  })
})

describe('checkRegression: real changes', () => {
  it('calls a 10% slowdown in 3 fresh processes against a 5-process baseline a regression, nearly always', () => {
    let regressed = 0
    for (let seed = 1; seed <= 400; seed++) {
      const verdict = check(procs('s', 1100, 3, 2 * seed), procs('s', 1000, 5, 2 * seed + 1))
      if (verdict.status === 'regressed') regressed++
    }
    // Measured: 396 of 400 (99%).
    expect(regressed / 400).toBeGreaterThanOrEqual(0.95)
  })

  it('says how it decided: the ratio, its interval, the processes and their spread', () => {
    const verdict = check(procs('sort 10k', 1100, 3, 2), procs('sort 10k', 1000, 5, 1))
    expect(verdict.status).toBe('regressed')
    expect(verdict.interval[0]).toBeGreaterThan(1)
    expect(verdict.delta).toBeCloseTo(verdict.ratio - 1, 12)
    expect(verdict.direction).toBe('slower')
    expect(verdict.pValue).toBeLessThan(0.025)
    expect(verdict.processes).toEqual([3, 5])
    expect(verdict.samples).toEqual([90, 150])
    expect(verdict.threshold).toBe(0.05)
    expect(verdict.notes).toEqual([])
    expect(verdict.reason).toMatchInlineSnapshot(
      `""sort 10k" regressed: 11% slower than the baseline (1.11×, 95% interval 1.07–1.16×; 1.11 µs per call at the 10th percentile of batches, baseline 995 ns; 3 processes now, 5 processes in the baseline, spread between processes 2.4%), beyond the 5% threshold and significant (one-sided p = 5.5e-5)."`,
    )
  })

  it('is unchanged within the threshold, and says what it could have told apart', () => {
    const verdict = check(procs('parse', 1010, 1, 4), procs('parse', 1000, 1, 3))
    expect(verdict.status).toBe('unchanged')
    expect(verdict.reason).toMatchInlineSnapshot(
      `""parse" is unchanged: 2.3% faster than the baseline, within the ±5% threshold (0.977×, 95% interval 0.869–1.10×; 975 ns per call at the 10th percentile of batches, baseline 998 ns; 1 process now, 1 process in the baseline, spread between processes 3%); this comparison could only tell changes above 13% from noise."`,
    )
  })

  it('is inconclusive when the estimate is beyond the threshold but the processes spread too much', () => {
    // One process a side, 8% apart: the prior's 3% spread cannot tell that from luck.
    const verdict = check(run('noisy', 1080, 0.02, 30, 6), run('noisy', 1000, 0.02, 30, 5))
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.reason).toMatchInlineSnapshot(
      `""noisy" is inconclusive: 7.3% slower than the baseline (1.07×), beyond the 5% threshold, but not significantly: the 95% interval 0.954–1.21× includes no change (1.06 µs per call at the 10th percentile of batches, baseline 989 ns; 1 process now, 1 process in the baseline, spread between processes 3%). More processes settle it: a re-measurement, or a baseline recorded from more processes (regression.baselineRuns)."`,
    )
  })

  it('does not fail on one process of three that ran in a slow period', () => {
    // Seen on this machine: in some hours a process runs 1.4–2.1× its fast ones.
    const wild = procs('concat', 1000, 3, 8, { factors: [2.8, 1.01, 0.99] })
    const verdict = check(wild, procs('concat', 1000, 5, 9))
    // Averaged in, it would move the geometric mean by 2.8^(1/3) = 1.41×.
    expect(verdict.status).toBe('unchanged')
    expect(verdict.processes).toEqual([2, 5])
    expect(verdict.ratio).toBeGreaterThan(0.97)
    expect(verdict.ratio).toBeLessThan(1.03)
    expect(verdict.notes).toContainEqual(
      expect.stringMatching(
        /^One of the 3 processes measured now ran 2\.8\d× the fastest \(at least 1\.30×: a slow period of the machine, since a change of the code moves every process\) and was left out: the verdict rests on the other 2\.$/,
      ),
    )
  })

  it('judges each process by its fast batches: a slow stretch over most of every process is not a regression', () => {
    // Seen on this machine: a slow period that covers part of a bench's half second. Here 60% of
    // each fresh process's batches ran 1.6× slow; its median batch reads 1.6×, its 10th percentile
    // the code's speed.
    const stretched = procs('concat', 1000, 3, 8).map((r) => ({
      ...r,
      batchTimesNs: r.batchTimesNs.map((t, i) => (i >= r.batchTimesNs.length * 0.4 ? t * 1.6 : t)),
    }))
    const verdict = check(stretched, procs('concat', 1000, 5, 9))
    expect(verdict.status).toBe('unchanged')
    expect(verdict.processes).toEqual([3, 5])
    expect(verdict.ratio).toBeGreaterThan(0.96)
    expect(verdict.ratio).toBeLessThan(1.04)
    // The median is still there for people to read, and shows the stretch.
    expect(verdict.medianNs[0] / verdict.medianNs[1]).toBeGreaterThan(1.5)
    expect(verdict.timeNs[0] / verdict.timeNs[1]).toBeCloseTo(verdict.ratio, 12)
    expect(verdict.reason).toMatch(/\d (ns|µs) per call at the 10th percentile of batches, baseline \d/)
  })

  it('finds the slow-period processes in their times as measured, before the machine shift', () => {
    // Run 16 of bench/regression-accuracy.ts, 'regex test email': the controls beside the slow
    // processes had slowed by less, and their shift moved 1.9× down to ~1.2×, where it counted
    // as an ordinary process and failed the unchanged bench.
    const fresh = procs('regex', 600, 3, 8, { factors: [1, 1.9, 1.85] })
    const { bench, env } = baselineOf(procs('regex', 600, 5, 9))
    const verdict = checkRegression(
      fresh,
      bench,
      { baseline: env },
      {},
      {
        logShift: [0, Math.log(1.55), Math.log(1.5)],
        basis: 'three controls',
      },
    )
    expect(verdict.processes).toEqual([1, 5])
    expect(verdict.status).toBe('unchanged')
    expect(verdict.notes).toContainEqual(
      expect.stringMatching(/^2 of the 3 processes measured now ran 1\.\d+×, 1\.\d+× the fastest/),
    )
  })

  it('is inconclusive, not a regression, when one fresh process ran at the baseline speed, however many ran slower', () => {
    // Run 19 of bench/regression-accuracy.ts, 'JSON.parse record': four of five fresh processes
    // ran in a slow stretch, 1.8×, and the controls' shift (other benches, slowed by less) left
    // them 16% above the baseline; the fifth ran at the baseline's speed and was left out as the
    // lone fast one. Unvetoed, that was a failed unchanged bench. It cannot be called unchanged
    // either: a code with two speeds slowed 10% looks the same (run 34, 'regex test email').
    const fresh = procs('parse', 1000, 5, 8, { factors: [1, 1.8, 1.82, 1.78, 1.81] })
    const { bench, env } = baselineOf(procs('parse', 1000, 5, 9))
    const slow = Math.log(1.55)
    const shift = { logShift: [0, slow, slow, slow, slow], basis: 'three controls' }
    const verdict = checkRegression(fresh, bench, { baseline: env }, {}, shift)
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.ratio).toBeGreaterThan(1.1)
    expect(verdict.reason).toMatch(
      /^"parse" is inconclusive: one of the 5 processes measured now ran at the baseline's speed \((0\.9|1\.0)\d*× its time, as measured\), and a change of the code slows every process: either the machine slowed the others, or the code settles at two speeds and that process caught the faster one\. Run it again on a quieter machine; if it keeps coming back, the bench has two speeds here\. The others said: \d+% slower than the baseline/,
    )
    // The run's own process alone has nothing to veto it.
    const alone = checkRegression(procs('parse', 1200, 1, 8), bench, { baseline: env })
    expect(alone.status).toBe('regressed')
  })

  describe('a second speed the baseline showed', () => {
    // Runs 19 and 20 of bench/regression-accuracy.ts, 'small objects 4': two of ten baseline
    // processes ran the unchanged bench 1.45× and 1.55× its fastest, and later, in whole
    // stretches of the run, every process did. Judged on the eight fast ones alone, that failed
    // the unchanged suite.
    const fast = [1, 1.01, 0.99, 1, 1.02, 0.98, 1, 1.01]
    const { bench, env } = baselineOf(procs('alloc', 1000, 10, 9, { factors: [...fast, 1.45, 1.55] }))
    const judge = (factors: number[]) =>
      checkRegression(procs('alloc', 1000, factors.length, 8, { factors }), bench, { baseline: env })

    it('is inconclusive when every process now runs at that speed', () => {
      const verdict = judge([1.4, 1.42, 1.38])
      expect(verdict.status).toBe('inconclusive')
      // Without the second speed, this is a significant 40% regression.
      expect(verdict.ratio).toBeGreaterThan(1.35)
      expect(verdict.interval[0]).toBeGreaterThan(1.05)
      expect(verdict.reason).toMatch(
        /^"alloc" is inconclusive: it runs at 1\.\d+ µs per call now, and 2 of the baseline's processes ran the unchanged code at 1\.4\d+ µs–1\.5\d+ µs: a second speed this bench settles into in some processes on this machine, .* Run it again: .* The processes said: \d+% slower than the baseline/,
      )
    })

    it('still fails a real 10% regression, short of that speed', () => {
      expect(judge([1.1, 1.11, 1.09]).status).toBe('regressed')
    })

    it('still fails a regression well past that speed', () => {
      const verdict = judge([2, 2.02, 1.98])
      expect(verdict.status).toBe('regressed')
      expect(verdict.reason).toMatch(/^"alloc" regressed: /)
    })

    it('takes one slow baseline process for a fluke, not a speed', () => {
      const lone = baselineOf(procs('alloc', 1000, 10, 9, { factors: [...fast, 1, 1.5] }))
      const verdict = checkRegression(
        procs('alloc', 1000, 3, 8, { factors: [1.45, 1.47, 1.43] }),
        lone.bench,
        {
          baseline: lone.env,
        },
      )
      expect(verdict.status).toBe('regressed')
    })
  })

  describe('a machine shift past the threshold', () => {
    // Run 22 of bench/regression-accuracy.ts, 'sort 100 strings' slowed 10%: its fresh processes
    // ran 1.63× the baseline as measured, the three controls beside them 1.66× theirs, and with
    // that shift taken out it read 0.985×, 'unchanged'. In the same processes other benches ran
    // 1.0–2.0× their baselines: on a disturbed machine each bench slows by its own factor.
    const { bench, env } = baselineOf(procs('sort', 1000, 5, 9))
    const shifted = (factors: number[], machineRatio: number) =>
      checkRegression(
        procs('sort', 1000, factors.length, 8, { factors }),
        bench,
        { baseline: env },
        {},
        {
          logShift: factors.map(() => Math.log(machineRatio)),
          basis: 'the 3 benches measured beside it as controls',
        },
      )

    it('cannot clear a bench that was slower as measured: inconclusive, with both readings', () => {
      const verdict = shifted([1.63, 1.62, 1.64], 1.66)
      expect(verdict.status).toBe('inconclusive')
      expect(verdict.ratio).toBeLessThan(1.01)
      expect(verdict.asMeasured?.ratio).toBeCloseTo(1.63, 1)
      expect(verdict.asMeasured?.interval[0]).toBeGreaterThan(1.5)
      expect(verdict.asMeasured?.machineRatio).toBeCloseTo(1.66, 2)
      expect(verdict.reason).toMatch(
        /^"sort" is inconclusive: it ran 6\d% slower than the baseline as measured \(1\.6\d×, 95% interval 1\.\d+–1\.\d+×\), and the 3 benches measured beside it as controls ran 66% slower than theirs\. With that shift taken out it reads 0\.9\d+× \(95% interval [\d.]+–[\d.]+×\), which would be unchanged, but a shift past the 5% threshold comes from a disturbed machine, which slows each bench by its own factor, so it cannot decide this one\. Run it again on a quieter machine; if the machine is always this much slower now, record the baseline again on it \(PERFGATE_UPDATE=1 or vitest -u\)\.$/,
      )
    })

    it('does not call a bench faster on the shift alone', () => {
      // 1.2× as measured on a machine 1.6× slower reads 0.75×; 1.0× reads 0.71×. Neither was
      // measured faster: run 22 reported such 'improvements' in 15 of its 20 slowed trials.
      for (const factor of [1.2, 1]) {
        const verdict = shifted([factor, factor + 0.01, factor - 0.01], 1.6)
        expect(verdict.status).toBe('inconclusive')
        expect(verdict.ratio).toBeLessThan(0.8)
        expect(verdict.asMeasured?.ratio).toBeCloseTo(factor, 1)
      }
      expect(shifted([1, 1, 1], 1.6).reason).toMatch(
        /^"sort" is inconclusive: it ran \d+(\.\d+)?% (slower|faster) than the baseline as measured \((0\.9|1\.0)\d*×, .* ran 60% slower than theirs\. With that shift taken out it reads 0\.6\d+× \(95% interval [\d.]+–[\d.]+×\), which would be an improvement, but a shift past the 5% threshold/,
      )
    })

    it('takes out a shift within the threshold, as the machine is then calm', () => {
      const verdict = shifted([1.07, 1.07, 1.07], 1.045)
      expect(verdict.status).toBe('unchanged')
      expect(verdict.asMeasured).toBeUndefined()
    })

    it('leaves a bench faster as measured, or a regression past the shift, as they were', () => {
      const faster = shifted([0.9, 0.9, 0.9], 1.4)
      expect(faster.status).toBe('improved')
      expect(faster.asMeasured).toBeUndefined()
      const regressed = shifted([1.9, 1.9, 1.9], 1.4)
      expect(regressed.status).toBe('regressed')
      expect(regressed.asMeasured).toBeUndefined()
    })
  })

  it('still fails a real slowdown that every process shows, however large', () => {
    const verdict = check(procs('concat', 1800, 3, 8), procs('concat', 1000, 5, 9))
    expect(verdict.status).toBe('regressed')
    expect(verdict.processes).toEqual([3, 5])
    expect(verdict.ratio).toBeGreaterThan(1.7)
    expect(verdict.notes.join(' ')).not.toContain('left out')
  })

  it('calls a 15% speed-up an improvement', () => {
    const verdict = check(procs('parse', 850, 3, 4), procs('parse', 1000, 5, 3))
    expect(verdict.status).toBe('improved')
    expect(verdict.direction).toBe('faster')
    expect(verdict.interval[1]).toBeLessThan(1)
    // The true change is inside the interval; the estimate is one draw of the processes' spread.
    expect(verdict.interval[0]).toBeLessThan(0.85)
    expect(verdict.interval[1]).toBeGreaterThan(0.85)
    expect(verdict.reason).toMatch(/^"parse" improved: 1\d(\.\d)?% faster than the baseline \(0\.8\d+×/)
  })

  it('reads an older baseline without batchesPerRun as one process, and still catches 30%', () => {
    const base = procs('sort', 1000, 5, 11)
    const { bench, env } = baselineOf(base)
    const { batchesPerRun: _dropped, ...older } = bench
    const verdict = checkRegression(procs('sort', 1300, 3, 12), older, { baseline: env })
    expect(verdict.processes).toEqual([3, 1])
    expect(verdict.status).toBe('regressed')
  })

  it('with batch sizes that differ, still compares per-call times and notes the difference', () => {
    const verdict = check(
      procs('sort', 1200, 3, 8, { batchSize: 64 }),
      procs('sort', 1000, 5, 7, { batchSize: 16 }),
    )
    expect(verdict.status).toBe('regressed')
    expect(verdict.batchSize).toEqual([64, 16])
    expect(verdict.notes).toMatchInlineSnapshot(`
      [
        "Batch sizes differ (64 calls per batch now, 16 in the baseline): the quantiles of batch means shift a little with the batch size, so part of a small change may come from it. Measure with batchSize: 16 to match the baseline.",
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

  it('refuses an empty list of current results', () => {
    const { bench, env } = baselineOf(run('sort', 1000, 0.02, 50, 1))
    expect(() => checkRegression([], bench, { baseline: env })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: checkRegression() has an invalid option: no current result was given. Pass the result bench() returned, or a list of results of the same bench from fresh processes.]`,
    )
  })
})

describe('checkRegression: environment changes', () => {
  const base = procs('sort 10k', 1000, 5, 1)
  const slower = procs('sort 10k', 1200, 3, 2)
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
    expect(verdict.ratio).toBeGreaterThan(1.15)
    expect(verdict.reason).toMatchInlineSnapshot(
      `"The baseline of "sort 10k" was measured in another environment (cpu.model AMD EPYC 7763 64-Core Processor → Intel Xeon Platinum 8370C; runtime.version 20.20.2 → 22.11.0), so the timings are not comparable and no verdict is given (for information: 1.22× the baseline's time, 95% interval 1.17–1.26×). Record a baseline in this environment (perfgate baseline accept), or set "failOnEnvironmentChange": true in the "regression" section to compare anyway."`,
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

describe('adjustForSuite', () => {
  const strong = check(procs('strong', 1200, 3, 2), procs('strong', 1000, 5, 1))
  const quiet = (i: number) =>
    check(procs(`q${i}`, 1000, 1, 100 + 2 * i), procs(`q${i}`, 1000, 5, 101 + 2 * i))

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
  const base = procs('sort', 1000, 5, 1)
  const first = check(procs('sort', 1100, 1, 2), base)
  const unchanged = check(procs('unchanged', 1000, 1, 3), procs('unchanged', 1000, 5, 4))

  it('screens at half the threshold: anything slower than √1.05 is measured again', () => {
    // A narrow interval around the estimate, so that the estimate alone decides here.
    const at = (ratio: number): RegressionVerdict => ({
      ...unchanged,
      ratio,
      delta: ratio - 1,
      interval: [ratio / 1.03, ratio * 1.03],
    })
    expect(needsRemeasure([at(1.03), at(1.02), at(0.9)]).map((v) => v.ratio)).toEqual([1.03])
    expect(needsRemeasure([{ ...at(1.2), status: 'environment-changed' }])).toEqual([])
    expect(needsRemeasure([{ ...at(1.2), pValue: Number.NaN }])).toEqual([])
    const again = mergeRemeasured(first, check(procs('sort', 1100, 3, 5), base))
    expect(needsRemeasure([again])).toEqual([])
  })

  it('also re-measures a bench whose one process cannot rule out twice the threshold', () => {
    // A bench whose baseline processes spread ~8% (as 'small objects 4' did), 10% slower now,
    // in a process that landed 9% fast: its estimate is under the screen, its interval is not.
    const noisyBase = procs('small objects', 1000, 5, 1, { factors: [0.92, 1.0, 1.08, 1.1, 0.95] })
    const lowRun = check(procs('small objects', 1000, 1, 2, { factors: [1.1 * 0.91] }), noisyBase)
    expect(lowRun.ratio).toBeLessThan(Math.sqrt(1.05))
    expect(lowRun.interval[1]).toBeGreaterThan(1.05 ** 2)
    expect(reachesPastScreen(lowRun)).toBe(true)
    expect(needsRemeasure([lowRun])).toEqual([lowRun])
    // A quiet bench at the same reading is not: one process rules out 10% there.
    const quietBase = procs('quiet', 1000, 5, 1, { factors: [0.99, 1.0, 1.01, 1.0, 0.995] })
    const quietRun = check(procs('quiet', 1000, 1, 2, { factors: [1.001] }), quietBase)
    expect(quietRun.interval[1]).toBeLessThan(1.05 ** 2)
    expect(needsRemeasure([quietRun])).toEqual([])
    // Nor is a bench against a one-process baseline, whose interval is the prior's whatever the
    // bench: that screen would re-measure every bench of every run.
    const vsOne = check(
      procs('alone', 1000, 1, 2, { factors: [1] }),
      procs('alone', 1000, 1, 1, { factors: [1] }),
    )
    expect(vsOne.interval[1]).toBeGreaterThan(1.05 ** 2)
    expect(needsRemeasure([vsOne])).toEqual([])
  })

  it('lets the fresh processes decide: a real slowdown fails, with what the run saw first', () => {
    const confirmed = mergeRemeasured(first, check(procs('sort', 1100, 3, 5), base))
    expect(confirmed.status).toBe('regressed')
    expect(confirmed.processes).toEqual([3, 5])
    expect(confirmed.remeasured).toMatchObject({ confirmed: true, first: { status: first.status } })
    expect(confirmed.reason).toMatch(/ Measured in 3 fresh processes after the run's own process looked /)
  })

  it('clears a first look the fresh processes do not bear out', () => {
    const notConfirmed = mergeRemeasured(first, check(procs('sort', 1000, 3, 6), base))
    expect(notConfirmed.status).toBe('unchanged')
    expect(notConfirmed.remeasured?.confirmed).toBe(false)
    expect(notConfirmed.reason).toMatch(
      /^"sort" looked .* in the run's own process, so it was measured again in 3 fresh processes: "sort" is unchanged: /,
    )
  })
})

describe('checkRegression: processes far from the rest', () => {
  it('leaves a wild baseline process out, so a real 10% slowdown is still caught, and says so', () => {
    const base = procs('regex', 600, 5, 3, { factors: [1, 1.01, 0.99, 1, 1.7] })
    const verdict = check(procs('regex', 660, 3, 4, { factors: [1, 1, 1] }), base)
    // Averaged in, the wild process would lift the baseline's geometric mean by 11% and widen
    // its interval past a real 10% slowdown; left out, the four that agree decide.
    expect(verdict.status).toBe('regressed')
    expect(verdict.processes).toEqual([3, 4])
    expect(verdict.ratio).toBeGreaterThan(1.07)
    expect(verdict.notes).toContainEqual(
      expect.stringMatching(
        /^One of the baseline's 5 processes ran 1\.7\d× the fastest \(at least 1\.30×: a slow period of the machine, since a change of the code moves every process\) and was left out of the comparison of "regex": .* Record the baseline again \(PERFGATE_UPDATE=1 or vitest -u\)/,
      ),
    )
    expect(verdict.baselineWarning).toBe(verdict.notes.find((n) => n.startsWith("One of the baseline's")))
    // A slow period is the machine's: no threshold of the bench's own should absorb it.
    expect(verdict.baselineWarning).not.toContain('"benches"')
  })

  it('suggests a threshold of its own for a bench whose baseline had a far slow process', () => {
    const base = procs('small objects 4', 880, 5, 3, { factors: [1, 1.01, 0.99, 1, 1.18] })
    const verdict = check(procs('small objects 4', 880, 3, 4, { factors: [1, 1, 1] }), base)
    expect(verdict.baselineWarning).toMatch(
      /^One of the baseline's 5 processes ran far from the others \(1[78](\.\d)?% slower than the median process\) .* If it keeps coming back, give the bench a threshold its processes' spread cannot reach \(they ran up to 1[78](\.\d)?% apart\): "regression": \{ "benches": \{ "small objects 4": \{ "threshold": "20%" \} \} \} in the perfgate config\.$/,
    )
  })

  it('does not call unchanged code slower because a baseline process ran fast', () => {
    const base = procs('regex', 600, 5, 5, { factors: [1, 1.01, 0.99, 1, 0.6] })
    const verdict = check(procs('regex', 600, 3, 6, { factors: [1, 1, 1] }), base)
    expect(verdict.status).toBe('unchanged')
    expect(verdict.ratio).toBeGreaterThan(0.97)
    expect(verdict.ratio).toBeLessThan(1.03)
  })

  it('leaves a fresh process far from the rest out once there are 4 or more, and says so', () => {
    const fresh = procs('concat', 1000, 6, 8, { factors: [1.2, 1.01, 0.99, 1, 1.02, 0.98] })
    const verdict = check(fresh, procs('concat', 1000, 5, 9))
    expect(verdict.status).toBe('unchanged')
    expect(verdict.processes).toEqual([5, 5])
    expect(verdict.notes).toContainEqual(
      expect.stringMatching(
        /^One of the 6 processes measured now ran far from the others \(1\d(\.\d)?% slower than the median process\) and was left out: the verdict rests on the other 5\.$/,
      ),
    )
    expect(verdict.baselineWarning).toBeUndefined()
  })

  it('adds no note for the ordinary spread between processes', () => {
    const verdict = check(procs('parse', 1000, 1, 5), procs('parse', 1000, 5, 6))
    expect(verdict.notes.join(' ')).not.toContain('ran far from the others')
  })
})

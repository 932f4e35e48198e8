import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  failingPageRegressions,
  failingRegressions,
  formatGuard,
  formatShiftOnly,
  guardRun,
  guardSettings,
} from '../../reporters/baseline-guard.js'
import { testNamePattern } from '../../reporters/remeasure-in-child.js'
import {
  baselineFromResults,
  baselinePath,
  readBaseline,
  writeBaselineAtomic,
} from '../../src/baseline/baseline-file.js'
import { checkSuite } from '../../src/baseline/check-suite.js'
import { parseConfig } from '../../src/config/load-config.js'
import type { WebResult } from '../../src/web/types.js'
import { benchResult } from '../fixtures/bench-results.js'
import { processRuns } from '../fixtures/process-runs.js'
import { guardOutcome } from '../fixtures/run-reports.js'
import { webResult } from '../fixtures/web-results.js'

describe('guardSettings', () => {
  const loaded = (perfgate: object = {}) => ({
    config: parseConfig(perfgate, 'package.json'),
    file: '/p/package.json',
    root: '/p',
  })

  it('accepts on vitest -u (true or "all") and PERFGATE_UPDATE=1, never on "new" or "none"', () => {
    const update = (vitest: object, env: NodeJS.ProcessEnv = {}) =>
      guardSettings(loaded(), vitest, env).update
    expect(update({ update: true })).toBe(true)
    expect(update({ update: 'all' })).toBe(true)
    expect(update({}, { PERFGATE_UPDATE: '1' })).toBe(true)
    expect(update({}, { PERFGATE_UPDATE: 'true' })).toBe(true)
    // Vitest resolves "new" locally by default: a first run must not accept itself silently.
    expect(update({ update: 'new' })).toBe(false)
    expect(update({ update: 'none' })).toBe(false)
    expect(update({ update: false }, { PERFGATE_UPDATE: '0' })).toBe(false)
  })

  it('resolves the output folder and picks the baseline name from PERFGATE_BASELINE, then the config', () => {
    const config = loaded({ output: { dir: 'perf-out', baseline: 'main' } })
    expect(guardSettings(config, {}, {})).toMatchObject({ dir: '/p/perf-out', name: 'main' })
    expect(guardSettings(config, {}, { PERFGATE_BASELINE: 'ci-linux' }).name).toBe('ci-linux')
    expect(guardSettings(loaded(), {}, {}).name).toBe('default')
  })
})

describe('testNamePattern', () => {
  const matches = (pattern: string, name: string) => new RegExp(pattern).test(name)

  it('matches a test by its full name as Vitest 4 (spaces, file first) and 5 (" > ") spell it', () => {
    const pattern = testNamePattern([{ names: ['work', 'steady wait'] }])
    expect(matches(pattern, 'perf/a.perf.ts work steady wait')).toBe(true)
    expect(matches(pattern, 'work > steady wait')).toBe(true)
    expect(matches(pattern, 'work > steady wait 2')).toBe(false)
    expect(matches(pattern, 'work > steady waiting')).toBe(false)
    // Vitest 4 joins the file path and names with spaces, so a suite "other work" matches too: a
    // re-measurement may re-run an extra test, and only the suspects' results are kept.
    expect(matches(pattern, 'other work > steady wait')).toBe(true)
  })

  it('escapes names with regular-expression characters', () => {
    const pattern = testNamePattern([{ names: ['parse (1 kB) [x]+?'] }, { names: ['a|b'] }])
    expect(matches(pattern, 'parse (1 kB) [x]+?')).toBe(true)
    expect(matches(pattern, 'a|b')).toBe(true)
    expect(matches(pattern, 'a')).toBe(false)
    expect(matches(pattern, 'parse 1 kB x')).toBe(false)
  })
})

describe('guardRun with pages', () => {
  const entry = (result: WebResult) => ({
    test: 'home',
    names: ['home'],
    file: 'tests/pages.perf.ts',
    path: '/p/tests/pages.perf.ts',
    state: 'passed' as const,
    records: [{ kind: 'web' as const, result }],
  })

  it('writes pages into the candidate, fails on a page regression, and accepts without losing benches', async () => {
    const root = await mkdtemp(join(tmpdir(), 'perfgate-guard-pages-'))
    try {
      const loaded = { config: parseConfig({}, 'package.json'), file: join(root, 'package.json'), root }
      const settings = guardSettings(loaded, {}, {})
      // A baseline holding a bench from Vitest and the page as it was.
      const before = webResult('web-vitals', { LCP: { unit: 'ms', runs: [1000, 1020, 990] } })
      const bench = benchResult({ name: 'sort', perCallNs: [1, 2, 3] })
      await writeBaselineAtomic(
        baselinePath(settings.dir, 'default'),
        baselineFromResults('default', [bench], undefined, { webResults: [before] }),
      )
      const slower = webResult('web-vitals', { LCP: { unit: 'ms', runs: [1400, 1380, 1450] } })
      const outcome = await guardRun([entry(slower)], settings, undefined)
      expect(outcome.errors).toEqual([])
      expect(failingPageRegressions(outcome).map((v) => [v.page, v.metric])).toEqual([
        ['home [web-vitals, desktop]', 'LCP'],
      ])
      expect(formatGuard(outcome, root)).toContain('✗ Regression: "home" LCP is 1.40 s against 1.00 s')
      const candidate = await readBaseline(outcome.candidateFile!)
      expect(candidate?.pages?.['home [web-vitals, desktop]']?.metrics.LCP?.value).toBe(1400)

      const accepted = await guardRun(
        [entry(slower)],
        guardSettings(loaded, {}, { PERFGATE_UPDATE: '1' }),
        undefined,
      )
      expect(accepted.accepted).toBe(true)
      expect(failingPageRegressions(accepted)).toEqual([])
      const baseline = await readBaseline(baselinePath(settings.dir, 'default'))
      expect(Object.keys(baseline!.benches)).toEqual(['sort'])
      expect(baseline!.pages!['home [web-vitals, desktop]']!.metrics.LCP!.value).toBe(1400)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe("guardRun with thresholds of a page's own", () => {
  it('judges a page by regression.pages, as the Playwright reporter runs it, and names the entry', async () => {
    const root = await mkdtemp(join(tmpdir(), 'perfgate-guard-page-thresholds-'))
    try {
      const before = webResult('web-vitals', { LCP: { unit: 'ms', runs: [1000, 1020, 990] } })
      // +40%: past the suite's 5%, within home's 50%, past "*"'s 20% for any other page.
      const slower = webResult('web-vitals', { LCP: { unit: 'ms', runs: [1400, 1380, 1450] } })
      const entry = {
        test: 'home',
        names: ['home'],
        file: 'tests/pages.perf.ts',
        path: '/p/tests/pages.perf.ts',
        state: 'passed' as const,
        records: [{ kind: 'web' as const, result: slower }],
      }
      const run = async (perfgate: object) => {
        const loaded = {
          config: parseConfig(perfgate, 'package.json'),
          file: join(root, 'package.json'),
          root,
        }
        const settings = guardSettings(loaded, {}, {})
        await writeBaselineAtomic(
          baselinePath(settings.dir, 'default'),
          baselineFromResults('default', [], undefined, { webResults: [before] }),
        )
        return guardRun([entry], settings, undefined)
      }
      const covered = await run({
        regression: { pages: { '*': { threshold: '20%' }, home: { threshold: '50%' } } },
      })
      expect(failingPageRegressions(covered)).toEqual([])
      expect(covered.pages?.verdicts[0]).toMatchObject({ metric: 'LCP', status: 'unchanged', threshold: 0.5 })
      const failed = await run({ regression: { pages: { 'h*': { metrics: { LCP: '20%' } } } } })
      expect(failingPageRegressions(failed).map((v) => v.metric)).toEqual(['LCP'])
      expect(formatGuard(failed, root)).toContain(
        'beyond the 20% threshold (regression.pages["h*"].metrics.LCP in package.json).',
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('guardRun: an update whose processes disagree', () => {
  it('measures the benches whose processes disagree by more than 10% in as many processes again', async () => {
    const root = await mkdtemp(join(tmpdir(), 'perfgate-guard-unsettled-'))
    try {
      const loaded = { config: parseConfig({}, 'package.json'), file: join(root, 'package.json'), root }
      const settings = guardSettings(loaded, {}, { PERFGATE_UPDATE: '1' })
      const entry = {
        test: 'suite',
        names: ['suite'],
        file: 'tests/suite.perf.ts',
        path: '/p/tests/suite.perf.ts',
        state: 'passed' as const,
        records: [
          { kind: 'bench' as const, result: processRuns('steady', 1000, 1, 1, { factors: [1] })[0]! },
          { kind: 'bench' as const, result: processRuns('jumpy', 500, 1, 2, { factors: [1] })[0]! },
        ],
      }
      // A disturbance slows 'jumpy' in the second and third processes of the update, then passes.
      const requested: string[][] = []
      const outcome = await guardRun([entry], settings, async (requests) => {
        requested.push(requests.map((r) => r.name))
        const call = requested.length
        return requests.map(
          (r) =>
            processRuns(r.name, r.name === 'steady' ? 1000 : 500, 1, 10 + call, {
              factors: [r.name === 'jumpy' && (call === 1 || call === 2) ? 1.4 : 1],
            })[0]!,
        )
      })
      expect(outcome.errors).toEqual([])
      expect(outcome.accepted).toBe(true)
      expect(requested).toEqual([
        ...Array.from({ length: 4 }, () => ['steady', 'jumpy']),
        ...Array.from({ length: 5 }, () => ['jumpy']),
      ])
      expect(outcome.recordedAgain).toEqual({ benches: ['jumpy'], processes: 5 })
      const baseline = await readBaseline(baselinePath(settings.dir, 'default'))
      expect(baseline!.benches.steady!.batchesPerRun).toHaveLength(5)
      expect(baseline!.benches.jumpy!.batchesPerRun).toHaveLength(10)
      expect(formatGuard(outcome, root)).toContain(
        '(every bench measured in 5 fresh processes; one whose processes disagreed by more than 10% in 5 more: "jumpy")',
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('formatGuard: a baseline whose processes disagree', () => {
  it('warns about the bench even when nothing failed', async () => {
    const baseline = baselineFromResults(
      'default',
      processRuns('regex', 600, 5, 3, { factors: [1, 1.01, 0.99, 1, 1.7] }),
    )
    // Re-measured (it looks slower than the screen in its own process) and not confirmed.
    const check = await checkSuite(
      processRuns('regex', 700, 1, 4, { factors: [1] }),
      baseline,
      {},
      async () => processRuns('regex', 600, 1, 5, { factors: [1] }),
    )
    expect(check.verdicts[0]!.status).not.toBe('regressed')
    const text = formatGuard(guardOutcome(baseline, check, '/p/.perfgate/baselines/default.json'), '/p')
    expect(text).toContain(
      `⚠ One of the baseline's 5 processes ran 1.72× the fastest (at least 1.30×: a slow period`,
    )
    expect(text).toContain('Record the baseline again (PERFGATE_UPDATE=1 or vitest -u)')
  })
})

describe('formatGuard: a baseline from a slightly different environment', () => {
  const baseline = baselineFromResults('default', processRuns('regex', 600, 5, 3))
  const pinned = (results: ReturnType<typeof processRuns>) =>
    results.map((r) => ({
      ...r,
      env: {
        ...r.env,
        runtime: { ...r.env.runtime, execArgv: ['--min-semi-space-size=8', '--max-semi-space-size=8'] },
      },
    }))

  it('says once, even when nothing failed, what differs and how to compare like with like', async () => {
    const check = await checkSuite(pinned(processRuns('regex', 600, 1, 4)), baseline, {}, async () =>
      pinned(processRuns('regex', 600, 1, 5)),
    )
    expect(check.verdicts[0]!.status).not.toBe('regressed')
    expect(formatGuard(guardOutcome(baseline, check), '/p')).toContain(
      '⚠ The baseline "default" was recorded in a slightly different environment (runtime.youngGeneration V8 default → --max-semi-space-size=8 --min-semi-space-size=8). ' +
        'Benches were compared, but a change may come from there rather than from the code. ' +
        'To compare like with like, run with the same settings as the baseline, or record it again in this environment (npx perfgate baseline accept).',
    )
  })

  it('says nothing when the environments match', async () => {
    const check = await checkSuite(processRuns('regex', 600, 1, 4), baseline, {}, async () =>
      processRuns('regex', 600, 1, 5),
    )
    expect(formatGuard(guardOutcome(baseline, check), '/p')).not.toContain('slightly different environment')
  })
})

describe('formatGuard: a disturbed machine', () => {
  // Every bench of the run's process ran 1.6× its baseline: taken out as the machine's shift,
  // each reads unchanged, but a shift past the threshold cannot clear a bench (asMeasured).
  const names = ['parse', 'sort', 'regex', 'hash', 'concat', 'sqrt', 'json']
  const baseline = baselineFromResults(
    'default',
    names.flatMap((name, i) => processRuns(name, 1000 * (i + 1), 5, 11 + i)),
  )

  it('says once which benches the shift left undecided, how far it went and what to do', async () => {
    const current = names.flatMap((name, i) =>
      processRuns(name, 1000 * (i + 1), 1, 31 + i, { factors: [1.6] }),
    )
    // The suite is measured again, and every fresh process is as disturbed as the run's.
    let call = 0
    const check = await checkSuite(current, baseline, {}, async () =>
      names.flatMap((name, i) =>
        processRuns(name, 1000 * (i + 1), 1, 100 + call++ * 10 + i, { factors: [1.6] }),
      ),
    )
    expect(check.machineShift.rerun).toHaveLength(3)
    expect(check.verdicts.map((v) => v.status)).toEqual(names.map(() => 'inconclusive'))
    const text = formatGuard(guardOutcome(baseline, check), '/p')
    const headline = text.split('\n').find((line) => line.startsWith('? The machine was disturbed'))
    expect(headline).toMatch(
      /^\? The machine was disturbed: around 7 benches it ran \d\d(–\d\d)?% slower than when the baseline was recorded \(read from the benches measured beside them\), past the 5% threshold\. Only that shift would have called them unchanged or faster, so they are inconclusive: "parse", "sort", "regex", "hash", "concat" and 2 more\. .*Run again on a quieter machine; if this machine is always this much slower now, record the baseline again on it \(PERFGATE_UPDATE=1 or vitest -u\)\.$/,
    )
    const shifts = check.verdicts.map((v) => Math.round((v.asMeasured!.machineRatio - 1) * 100))
    expect(headline).toContain(`${Math.min(...shifts)}%`)
  })

  it('gives the range of shifts, and words one bench in the singular', async () => {
    const current = names.flatMap((name, i) =>
      processRuns(name, 1000 * (i + 1), 1, 31 + i, { factors: [1.6] }),
    )
    const { verdicts } = await checkSuite(current, baseline, {})
    const withShift = (v: (typeof verdicts)[number], machineRatio: number) => ({
      ...v,
      asMeasured: { ...v.asMeasured!, machineRatio },
    })
    expect(formatShiftOnly([withShift(verdicts[0]!, 1.4), withShift(verdicts[1]!, 1.664)])).toMatch(
      /^\? The machine was disturbed: around 2 benches it ran 40–66% slower .* inconclusive: "parse", "sort"\. /,
    )
    expect(formatShiftOnly([withShift(verdicts[2]!, 1.072)])).toMatch(
      /^\? The machine was disturbed: around one bench it ran 7\.2% slower than when the baseline was recorded \(read from the benches measured beside it\), past the 5% threshold\. Only that shift would have called it unchanged or faster, so it is inconclusive: "regex"\. /,
    )
    expect(formatShiftOnly(verdicts.map(({ asMeasured, ...v }) => v))).toBeNull()
  })

  it('says when the suite was measured again because of it, and what the fresh processes saw', async () => {
    const current = names.flatMap((name, i) =>
      processRuns(name, 1000 * (i + 1), 1, 31 + i, { factors: [1.6] }),
    )
    let call = 0
    const check = await checkSuite(current, baseline, {}, async () =>
      names.flatMap((name, i) => processRuns(name, 1000 * (i + 1), 1, 200 + call++ * 10 + i)),
    )
    expect(check.verdicts.map((v) => v.status)).toEqual(names.map(() => 'unchanged'))
    const text = formatGuard(guardOutcome(baseline, check), '/p')
    expect(text).toMatch(
      /⚠ The whole suite ran [56]\d(\.\d)?% slower than its baseline .* That was past the threshold, so the suite was measured again in 3 fresh processes \(which ran it (0\.9\d+|1\.0\d*)(–(0\.9\d+|1\.0\d*))?× its baselines as a whole\), and the verdicts rest on them\./,
    )
    expect(text).not.toContain('The machine was disturbed')
  })

  it('says nothing of the kind on a calm machine', async () => {
    const current = names.flatMap((name, i) =>
      processRuns(name, 1000 * (i + 1), 1, 31 + i, { factors: [1.01] }),
    )
    const check = await checkSuite(current, baseline, {}, async () => {
      throw new Error('nothing here is a suspect')
    })
    expect(check.verdicts.every((v) => v.asMeasured === undefined)).toBe(true)
    expect(formatGuard(guardOutcome(baseline, check), '/p')).not.toContain('The machine was disturbed')
  })
})

describe('guardRun: a threshold of its own for a bench (regression.benches)', () => {
  it('judges the bench by its own threshold and names where it came from; the others by the suite’s', async () => {
    const root = await mkdtemp(join(tmpdir(), 'perfgate-guard-bench-threshold-'))
    try {
      const perfgate = { regression: { benches: { 'small objects *': { threshold: '20%' } } } }
      const loaded = { config: parseConfig(perfgate, 'package.json'), file: join(root, 'package.json'), root }
      const settings = guardSettings(loaded, {}, {})
      const names = ['small objects 4', 'parse']
      await writeBaselineAtomic(
        baselinePath(settings.dir, 'default'),
        baselineFromResults(
          'default',
          names.flatMap((name, i) => processRuns(name, 1000, 5, 3 + i)),
        ),
      )
      // Both benches run 12% slower, in the run and in every fresh process.
      const slower = (seed: number) => names.map((name, i) => processRuns(name, 1120, 1, seed + i)[0]!)
      const entry = {
        test: 'suite',
        names: ['suite'],
        file: 'tests/suite.perf.ts',
        path: join(root, 'tests/suite.perf.ts'),
        state: 'passed' as const,
        records: slower(40).map((result) => ({ kind: 'bench' as const, result })),
      }
      let call = 0
      const outcome = await guardRun([entry], settings, async (requests) => {
        call++
        const fresh = slower(50 + 10 * call)
        return requests.map((r) => fresh.find((f) => f.name === r.name)!)
      })
      const [own, suite] = outcome.check!.verdicts
      expect(own).toMatchObject({ name: 'small objects 4', status: 'unchanged', threshold: 0.2 })
      expect(own!.reason).toContain(
        'within the ±20% threshold (regression.benches["small objects *"] in package.json)',
      )
      expect(suite).toMatchObject({ name: 'parse', status: 'regressed', threshold: 0.05 })
      expect(suite!.reason).toMatch(/beyond the 5% threshold and significant/)
      expect(failingRegressions(outcome).map((v) => v.name)).toEqual(['parse'])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

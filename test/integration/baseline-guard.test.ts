import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { VerifyEvent, VerifyEventOf } from '../../src/log/verify-event.js'
import { readEvents } from '../../src/log/verify-log.js'
import { batchSizeFor } from '../../src/measure/calibrate.js'
import { TARGET_BATCH_NS } from '../../src/measure/defaults.js'
import {
  type FixtureRun,
  installFixture,
  runIn,
  runVitestIn,
  type VitestMajor,
} from '../helpers/run-vitest-fixture.js'

// The baseline guard end to end, in real Vitest runs of test/fixtures/vitest-projects/baseline:
// first run → candidate and "no baseline"; accept with -u; an unchanged re-run is not flagged;
// a 30% slower function is flagged, re-measured in a fresh process, and fails the run; a corrupt
// or too-new baseline gives a clear error and is left untouched. The fixture's functions are
// busy waits, whose median is their wait on any machine however loaded (see its work.ts), so
// "unchanged" and "30% slower" hold on a loaded 2-core CI machine.

const MAJORS: readonly VitestMajor[] = [4, 5]
const SLOWER = { FIXTURE_SLOWDOWN: '1.3' }
/** 1.7 / 1.3: about 30% slower again, once the 1.3× slower code is the baseline. */
const SLOWER_STILL = { FIXTURE_SLOWDOWN: '1.7' }

function lastRun(dir: string): VerifyEvent[] {
  const { events, problems } = readEvents(join(dir, 'logs/perfgate.jsonl'))
  expect(problems).toEqual([])
  const runId = events.at(-1)!.runId
  return events.filter((e) => e.runId === runId)
}

function regressions(events: readonly VerifyEvent[]): VerifyEventOf<'regression'>[] {
  return events.filter((e): e is VerifyEventOf<'regression'> => e.type === 'regression')
}

function runEnd(events: readonly VerifyEvent[]): VerifyEventOf<'run-end'> {
  return events.find((e): e is VerifyEventOf<'run-end'> => e.type === 'run-end')!
}

describe.each(MAJORS)('Vitest %i', (major) => {
  describe('baseline fixture', () => {
    let dir: string
    const baselineFile = () => join(dir, '.perfgate/baselines/default.json')
    const candidateFile = () => join(dir, '.perfgate/candidates/default.json')
    const run = (options: { args?: string[]; env?: Record<string, string> } = {}): Promise<FixtureRun> =>
      runVitestIn(dir, major, options)

    test('the first run writes a candidate, compares nothing and passes', { timeout: 120_000 }, async () => {
      dir = installFixture('baseline', major)
      const first = await run()
      expect(first.exitCode).toBe(0)
      expect(first.stdout).toContain(
        'perfgate: no baseline "default" yet (.perfgate/baselines/default.json), so nothing was compared. ' +
          "This run's results are in .perfgate/candidates/default.json; accept them with: npx perfgate baseline accept",
      )
      expect(existsSync(candidateFile())).toBe(true)
      expect(existsSync(baselineFile())).toBe(false)
      const candidate = JSON.parse(readFileSync(candidateFile(), 'utf8'))
      // Benches in a stable (sorted) order, so a re-recorded baseline diffs cleanly.
      expect(Object.keys(candidate.benches)).toEqual(['steady other', 'steady wait'])
      expect(candidate.benches['steady wait'].budget).toEqual({
        written: { median: '50ms' },
        source: { kind: 'config', file: 'package.json', key: 'budgets.bench["steady *"]' },
      })
      expect(regressions(lastRun(dir))).toEqual([])
    })

    test('perfgate baseline accept makes the candidate the baseline', { timeout: 120_000 }, async () => {
      const accepted = await runIn(dir, major, ['node_modules/perfgate/dist/cli.js', 'baseline', 'accept'])
      expect(accepted.stderr).toBe('')
      expect(accepted.exitCode).toBe(0)
      expect(accepted.stdout).toContain('.perfgate/baselines/default.json')
      const baseline = JSON.parse(readFileSync(baselineFile(), 'utf8'))
      const candidate = JSON.parse(readFileSync(candidateFile(), 'utf8'))
      expect(baseline).toEqual({ ...candidate, name: 'default' })
    })

    test('an unchanged re-run is compared and not flagged', { timeout: 120_000 }, async () => {
      const same = await run()
      expect(same.exitCode).toBe(0)
      expect(same.stdout).toMatch(/vs baseline \(95% CI\)/)
      expect(same.stdout).not.toContain('Regression')
      const checks = regressions(lastRun(dir))
      expect(checks.map((e) => e.name)).toEqual(['steady wait', 'steady other'])
      for (const check of checks) expect(['unchanged', 'inconclusive']).toContain(check.verdict)
      expect(runEnd(lastRun(dir)).exitCode).toBe(0)
    })

    test('a run times the batches its baseline timed, even with an empty calibration cache (a fresh CI checkout)', {
      timeout: 120_000,
    }, async () => {
      const original = readFileSync(baselineFile(), 'utf8')
      const baseline = JSON.parse(original)
      const wait = baseline.benches['steady wait']
      // Rewrite the baseline as if it had timed another power of two than a fresh calibration
      // picks, one whose batches stay well inside the band a remembered size is kept in
      // (target / 4 … target × 1.5), with the same per-call times.
      const calibrated = batchSizeFor(wait.stats.medianNs, TARGET_BATCH_NS)
      const size = calibrated * wait.stats.medianNs >= 0.6 * TARGET_BATCH_NS ? calibrated / 2 : calibrated * 2
      expect(Number.isInteger(size) && size !== wait.batchSize).toBe(true)
      wait.batchTimesNs = wait.batchTimesNs.map((t: number) => (t / wait.batchSize) * size)
      wait.batchSize = size
      writeFileSync(baselineFile(), `${JSON.stringify(baseline, null, 2)}\n`)
      try {
        const cacheDir = join(dir, 'empty-cache')
        const same = await run({ env: { PERFGATE_CACHE_DIR: cacheDir, FIXTURE_CALIBRATE: '1' } })
        expect(same.exitCode).toBe(0)
        const candidate = JSON.parse(readFileSync(candidateFile(), 'utf8'))
        expect(candidate.benches['steady wait'].batchSize).toBe(size)
        expect(candidate.benches['steady wait'].timing.batchSizeSource).toBe('remembered')
        const check = regressions(lastRun(dir)).find((e) => e.name === 'steady wait')!
        expect(['unchanged', 'inconclusive']).toContain(check.verdict)
      } finally {
        writeFileSync(baselineFile(), original)
      }
    })

    test('a 30% slower function is flagged with the numbers, confirmed in 3 fresh processes, and fails the run', {
      timeout: 180_000,
    }, async () => {
      const baselineBefore = readFileSync(baselineFile(), 'utf8')
      const summary = join(dir, 'step-summary.md')
      writeFileSync(summary, '## An earlier step\n')
      const slower = await run({ env: { ...SLOWER, GITHUB_STEP_SUMMARY: summary } })
      expect(slower.exitCode).toBe(1)
      // Every test passed (the budget is generous): the regression alone fails the run.
      expect(slower.tests.map((t) => t.status)).toEqual(['passed', 'passed'])
      expect(slower.stdout).toMatch(
        /✗ Regression: "steady wait" regressed: [23]\d% slower than the baseline \(1\.[23]\d×, 98\.33% interval 1\.\d\d–1\.\d\d×; 1\d\d µs per call at the 10th percentile of batches, baseline 1\d\d µs; 3 processes now, 1 process in the baseline, spread between processes \d+(\.\d)?%\), beyond the 5% threshold and significant \(one-sided p [=<] [^)]+\)\. Measured in 3 fresh processes after the run's own process looked [23]\d% slower/,
      )
      expect(slower.stdout).toMatch(/steady wait .* ▲ \+[23]\d% \(\+\d\d% … \+\d\d%\) regressed/)
      expect(slower.stdout).toContain(
        'If the slowdown is intended, accept this run as the baseline: npx perfgate baseline accept',
      )
      const events = lastRun(dir)
      const [wait, other] = regressions(events)
      expect(wait).toMatchObject({ name: 'steady wait', metric: 'p10', unit: 'ns', verdict: 'regressed' })
      expect(wait!.delta).toBeGreaterThan(0.2)
      expect(wait!.delta).toBeLessThan(0.4)
      expect(wait!.interval[0]!).toBeGreaterThan(0.05)
      expect(other!.verdict).not.toBe('regressed')
      expect(runEnd(events)).toMatchObject({ exitCode: 1, counts: { regressed: 1 } })
      // GitHub's job summary gets the Markdown report, after what earlier steps wrote.
      const markdown = readFileSync(summary, 'utf8')
      expect(markdown.startsWith('## An earlier step\n')).toBe(true)
      expect(markdown).toMatch(/\| steady wait \|.*\| ▲ \+[23]\d(\.\d+)?% .*regressed/)
      // The baseline changes only on an explicit accept; the candidate holds the slower run.
      expect(readFileSync(baselineFile(), 'utf8')).toBe(baselineBefore)
      const candidate = JSON.parse(readFileSync(candidateFile(), 'utf8'))
      expect(candidate.benches['steady wait'].stats.medianNs).toBeGreaterThan(120_000)
    })

    test('-u accepts the slower run as the baseline, like a snapshot update, and does not fail', {
      timeout: 120_000,
    }, async () => {
      const accepted = await run({ args: ['-u'], env: SLOWER })
      expect(accepted.exitCode).toBe(0)
      // The deltas being accepted are shown, but do not fail the run.
      expect(accepted.stdout).toMatch(/steady wait .* ▲ \+[23]\d% \(\+\d\d% … \+\d\d%\) regressed/)
      // An update records the baseline from regression.baselineRuns (5) fresh processes, and a
      // bench whose processes disagreed by more than 10% (a loaded machine) from 5 more.
      const line = accepted.stdout.match(
        /perfgate: accepted this run as baseline "default" \(every bench measured in 5 fresh processes(?:; \S+ whose processes disagreed by more than 10% in 5 more: (.+))?\): \.perfgate\/baselines\/default\.json\./,
      )
      expect(line).not.toBeNull()
      const recordedAgain =
        line![1] === undefined ? [] : line![1].split(', ').map((n) => JSON.parse(n) as string)
      expect(readFileSync(baselineFile(), 'utf8')).toBe(readFileSync(candidateFile(), 'utf8'))
      const recorded = JSON.parse(readFileSync(baselineFile(), 'utf8'))
      for (const [name, bench] of Object.entries(recorded.benches) as [
        string,
        { runs: number; batchesPerRun: number[]; batchSize: number },
      ][]) {
        const processes = recordedAgain.includes(name) ? 10 : 5
        expect(bench.runs).toBe(processes)
        expect(bench.batchesPerRun).toHaveLength(processes)
      }
      // Against the new baseline, the slower code is unchanged.
      const again = await run({ env: SLOWER })
      expect(again.exitCode).toBe(0)
      expect(regressions(lastRun(dir)).map((e) => e.verdict)).not.toContain('regressed')
    })

    test('a baseline from another CPU is reported and only warns, unless failOnEnvironmentChange is set', {
      timeout: 180_000,
    }, async () => {
      const accepted = JSON.parse(readFileSync(baselineFile(), 'utf8'))
      accepted.env.cpu.model = 'Imaginary CPU 9000'
      writeFileSync(baselineFile(), `${JSON.stringify(accepted, null, 2)}\n`)

      const warned = await run({ env: SLOWER_STILL })
      expect(warned.exitCode).toBe(0)
      expect(warned.stdout).toMatch(
        /⚠ The baseline "default" was measured in another environment \(cpu\.model Imaginary CPU 9000 → .+?\), so 2 benches were compared for information only, with no verdict\. Record a baseline in this environment \(npx perfgate baseline accept\)/,
      )
      expect(warned.stdout).toMatch(/steady wait .* ▲ \+[23]\d% \(\+\d\d% … \+\d\d%\) environment-changed/)
      expect(regressions(lastRun(dir)).map((e) => e.verdict)).toEqual([
        'environment-changed',
        'environment-changed',
      ])

      const pkg = join(dir, 'package.json')
      const config = JSON.parse(readFileSync(pkg, 'utf8'))
      config.perfgate.regression = { failOnEnvironmentChange: true }
      writeFileSync(pkg, JSON.stringify(config, null, 2))
      const compared = await run({ env: SLOWER_STILL })
      expect(compared.exitCode).toBe(1)
      expect(compared.stdout).toContain(
        '✗ Regression: Compared across environments (cpu.model Imaginary CPU 9000 → ',
      )
      delete config.perfgate.regression
      writeFileSync(pkg, JSON.stringify(config, null, 2))
    })

    test('a corrupt baseline gives a clear error, fails the run and is left untouched', {
      timeout: 120_000,
    }, async () => {
      const corrupt = '{ "schemaVersion": 1, "name": "default",\n  oops\n}\n'
      writeFileSync(baselineFile(), corrupt)
      const result = await run({ args: ['-u'] })
      expect(result.exitCode).toBe(1)
      expect(result.stdout + result.stderr).toContain(
        `perfgate: The baseline ${baselineFile()} is not valid JSON: `,
      )
      expect(result.stdout + result.stderr).toContain(`at ${baselineFile()}:2:3`)
      // Not even -u overwrites it: it may be someone's only copy.
      expect(readFileSync(baselineFile(), 'utf8')).toBe(corrupt)
      expect(existsSync(candidateFile())).toBe(true)
      expect(runEnd(lastRun(dir)).exitCode).toBe(1)
    })

    test('a baseline from a newer perfgate gives a clear error and is left untouched', {
      timeout: 120_000,
    }, async () => {
      const candidate = JSON.parse(readFileSync(candidateFile(), 'utf8'))
      const newer = `${JSON.stringify({ ...candidate, schemaVersion: 99 }, null, 2)}\n`
      writeFileSync(baselineFile(), newer)
      const result = await run()
      expect(result.exitCode).toBe(1)
      expect(result.stdout + result.stderr).toContain(
        `perfgate: The baseline ${baselineFile()} has schemaVersion 99, but this perfgate reads schemaVersion 1 and older. A newer perfgate wrote it: upgrade perfgate`,
      )
      expect(readFileSync(baselineFile(), 'utf8')).toBe(newer)
    })
  })
})

// Sharding is the reporter's (a candidate per shard) and the CLI's (merge) business, the same in
// both majors; one major covers it.
describe('Vitest 4 sharded run', () => {
  test('each shard writes its own candidate; merged and accepted, a shard compares only its benches', {
    timeout: 180_000,
  }, async () => {
    const dir = installFixture('shards', 4)
    const cli = (...args: string[]) => runIn(dir, 4, ['node_modules/perfgate/dist/cli.js', ...args])
    const candidates = join(dir, '.perfgate/candidates')
    for (const shard of ['1/2', '2/2']) {
      const result = await runVitestIn(dir, 4, { args: [`--shard=${shard}`] })
      expect(result.exitCode).toBe(0)
    }
    const shardFiles = ['default.shard-1-of-2.json', 'default.shard-2-of-2.json']
    expect(shardFiles.map((f) => existsSync(join(candidates, f)))).toEqual([true, true])
    const benchesOf = (file: string) => Object.keys(JSON.parse(readFileSync(file, 'utf8')).benches)
    expect(shardFiles.flatMap((f) => benchesOf(join(candidates, f))).sort()).toEqual([
      'first wait',
      'second wait',
    ])

    // Accepting one shard's results as the whole baseline would lose the other's.
    const refused = await cli('baseline', 'accept')
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toContain('perfgate merge')

    const merged = await cli('merge', ...shardFiles.map((f) => join(candidates, f)))
    expect(merged.exitCode).toBe(0)
    expect(benchesOf(join(candidates, 'default.json'))).toEqual(['first wait', 'second wait'])
    expect((await cli('baseline', 'accept')).exitCode).toBe(0)

    // The next shard-1 run compares its own bench only; the other shard's is not missing or regressed.
    const shardOne = benchesOf(join(candidates, shardFiles[0]!))
    const next = await runVitestIn(dir, 4, { args: ['--shard=1/2'] })
    expect(next.exitCode).toBe(0)
    const checks = regressions(lastRun(dir))
    expect(checks.map((e) => e.name)).toEqual(shardOne)
    expect(shardOne).toHaveLength(1)
    expect(['unchanged', 'inconclusive']).toContain(checks[0]!.verdict)
  })
})

// The FAQ's recipe for an allocating bench with two speeds (docs/baselines.md): test.execArgv
// holds V8's young generation at one size. The flags must reach the workers that measure, and a
// run without them must say its baseline was recorded differently. One major covers it.
describe('Vitest 4 with a young generation held at one size', () => {
  test('the baseline records the workers’ flags, and a run without them says so', {
    timeout: 180_000,
  }, async () => {
    const dir = installFixture('baseline', 4)
    const pinned = { FIXTURE_EXEC_ARGV: '--min-semi-space-size=8 --max-semi-space-size=8' }
    const recorded = await runVitestIn(dir, 4, { args: ['-u'], env: pinned })
    expect(recorded.exitCode).toBe(0)
    const baseline = JSON.parse(readFileSync(join(dir, '.perfgate/baselines/default.json'), 'utf8'))
    expect(baseline.env.runtime.execArgv).toEqual(
      expect.arrayContaining(['--min-semi-space-size=8', '--max-semi-space-size=8']),
    )

    const same = await runVitestIn(dir, 4, { env: pinned })
    expect(same.exitCode).toBe(0)
    expect(same.stdout).not.toContain('slightly different environment')

    const plain = await runVitestIn(dir, 4)
    expect(plain.exitCode).toBe(0)
    expect(plain.stdout).toContain(
      '⚠ The baseline "default" was recorded in a slightly different environment (runtime.youngGeneration --max-semi-space-size=8 --min-semi-space-size=8 → V8 default).',
    )
    for (const check of regressions(lastRun(dir)))
      expect(['unchanged', 'inconclusive']).toContain(check.verdict)
  })

  test('flags given only on the command line reach the fresh processes that confirm a regression', {
    timeout: 180_000,
  }, async () => {
    const dir = installFixture('baseline', 4)
    const flags = ['--execArgv=--min-semi-space-size=8', '--execArgv=--max-semi-space-size=8']
    const recorded = await runVitestIn(dir, 4, { args: ['-u', ...flags] })
    expect(recorded.exitCode).toBe(0)
    const slower = await runVitestIn(dir, 4, { args: flags, env: SLOWER })
    expect(slower.exitCode).toBe(1)
    expect(slower.stdout).toContain('✗ Regression: "steady wait" regressed')
    expect(slower.stdout).toMatch(/Measured in [3-9] fresh processes/)
    // A child started without the flags would read as another environment than the baseline's.
    expect(slower.stdout).not.toContain('runtime.youngGeneration')
  })
})

// A run whose own process was disturbed (every bench ~1.6× slower there, and only there: see the
// fixture) is measured again as a whole in fresh processes, which decide. Before, the shift could
// only leave every bench inconclusive. One major covers it.
describe('Vitest 4 with a disturbed run', () => {
  const disturbed = { FIXTURE_RUN_SLOWDOWN: '1.6' }
  let dir: string

  test('the suite is measured again in fresh processes, and an unchanged suite passes as unchanged', {
    timeout: 180_000,
  }, async () => {
    dir = installFixture('disturbed', 4)
    const recorded = await runVitestIn(dir, 4, { args: ['-u'] })
    expect(recorded.exitCode).toBe(0)

    const run = await runVitestIn(dir, 4, { env: disturbed })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      /⚠ The whole suite ran [56]\d(\.\d)?% slower than its baseline .* That was past the threshold, so the suite was measured again in 3 fresh processes \(which ran it [\d.–]+× its baselines as a whole\), and the verdicts rest on them\./,
    )
    expect(run.stdout).not.toContain('The machine was disturbed')
    const checks = regressions(lastRun(dir))
    expect(checks.map((e) => e.name)).toEqual(['wait 0', 'wait 1', 'wait 2', 'wait 3', 'wait 4', 'wait 5'])
    for (const check of checks) expect(check.verdict).toBe('unchanged')
  })

  test('a bench 30% slower in the same disturbed run fails, with the others unchanged', {
    timeout: 180_000,
  }, async () => {
    const run = await runVitestIn(dir, 4, { env: { ...disturbed, FIXTURE_SLOWDOWN: '1.3' } })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('✗ Regression: "wait 3" regressed')
    expect(run.stdout).toContain('so the suite was measured again in 3 fresh processes')
    const verdicts = Object.fromEntries(regressions(lastRun(dir)).map((e) => [e.name, e.verdict]))
    expect(verdicts).toEqual({
      'wait 0': 'unchanged',
      'wait 1': 'unchanged',
      'wait 2': 'unchanged',
      'wait 3': 'regressed',
      'wait 4': 'unchanged',
      'wait 5': 'unchanged',
    })
  })

  test("the fresh processes run in the pool the command line chose, not the config file's", {
    timeout: 180_000,
  }, async () => {
    const poolLog = join(dir, 'pool.log')
    const run = await runVitestIn(dir, 4, {
      args: ['--pool=threads'],
      env: { ...disturbed, FIXTURE_POOL_LOG: poolLog },
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('so the suite was measured again in 3 fresh processes')
    const pools = readFileSync(poolLog, 'utf8').trim().split('\n')
    expect(pools.length).toBeGreaterThanOrEqual(3)
    expect(new Set(pools)).toEqual(new Set(['thread']))
  })
})

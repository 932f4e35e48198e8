import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { readEvents } from '../../src/log/verify-log.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { git } from '../helpers/git.js'
import {
  type FixtureRun,
  installFixture,
  runVitestIn,
  type VitestMajor,
} from '../helpers/run-vitest-fixture.js'

// The base comparison (PERFGATE_BASE_REF) in real Vitest runs: the fixture project is made a git
// repository with a base commit and a head commit, and every perfTest of the head is timed against
// the base's version of its function in the same process. The properties asserted hold on a
// loaded 2-core machine: a 10× slowdown is caught, an unchanged function is not called slower.

/**
 * The fixture as a repository of two commits: the base, then a head where `work` does `headReps`
 * square roots per unit instead of 20 and a perfTest the base lacks is added.
 */
function twoCommits(major: VitestMajor, headReps: number): string {
  const dir = installFixture('base-ref', major)
  git(dir, 'init', '-q')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  const src = join(dir, 'src/work.ts')
  writeFileSync(src, readFileSync(src, 'utf8').replace('REPS = 20', `REPS = ${headReps}`))
  appendFileSync(join(dir, 'perf/work.perf.ts'), "\nperfTest('new in head', () => steady(10))\n")
  git(dir, 'commit', '-qam', 'head')
  return dir
}

function baseRecord(run: FixtureRun, title: string): Extract<PerfRecord, { kind: 'base-comparison' }> {
  const found = run.test(title).records.find((r) => r.kind === 'base-comparison')
  if (found?.kind !== 'base-comparison') throw new Error(`"${title}" recorded no base comparison`)
  return found
}

function baseEnv(dir: string): Record<string, string> {
  return {
    PERFGATE_BASE_REF: 'HEAD~1',
    // Inside the temp project, so the checkout goes with it.
    PERFGATE_BASE_DIR: join(dir, '.base'),
    FIXTURE_PLAIN_LOG: join(dir, 'plain.log'),
  }
}

describe.each([4, 5] as const)('Vitest %i', (major) => {
  describe('a head 10× slower than its base', () => {
    let run: FixtureRun
    let dir: string
    test('runs', { timeout: 180_000 }, async () => {
      dir = twoCommits(major, 200)
      run = await runVitestIn(dir, major, { env: baseEnv(dir) })
      expect(run.stdout).toContain(`v${major}.`)
    })

    test("fails the run, with both processes' numbers", () => {
      expect(run.exitCode).toBe(1)
      const work = baseRecord(run, 'work 50')
      expect(work.comparison?.verdict).toBe('slower')
      expect(work.comparison?.ratio).toBeGreaterThan(5)
      expect(work.base.ref).toBe('HEAD~1')
      expect(work.base.commit).toBe(git(dir, 'rev-parse', 'HEAD~1'))
      const short = work.base.commit.slice(0, 7)
      expect(run.stdout).toMatch(
        new RegExp(
          `✗ Regression: "work 50" is slower than at HEAD~1 \\(${short}\\): \\d+(\\.\\d+)?× the base's time per call \\(95% interval [^)]+\\), beyond the 5% threshold; a fresh process agreed: \\d+(\\.\\d+)?×`,
        ),
      )
      // The test itself passes: the run fails on the confirmed verdict, as for a stored baseline.
      expect(run.test('work 50').status).toBe('passed')
      // And, as for a stored baseline, a confirmed regression is profiled in a fresh process.
      expect(run.stdout).toContain('Hottest functions of "work 50" in a fresh process')
      expect(run.stdout).toMatch(/src\/work\.ts:\d+/)
    })

    test('does not call the unchanged function slower', () => {
      expect(baseRecord(run, 'steady').comparison?.verdict).not.toBe('slower')
      expect(run.stdout).not.toMatch(/Regression: "steady"/)
    })

    test('says which perfTest has no base', () => {
      const added = baseRecord(run, 'new in head')
      expect(added.comparison).toBeNull()
      expect(added.missing?.reason).toBe('bench')
      expect(run.stdout).toContain(
        `"new in head" has no base to compare with: perf/work.perf.ts of HEAD~1 (${added.base.commit.slice(0, 7)}) has no perfTest named "new in head".`,
      )
    })

    test("runs the file's other tests once, and the base's beforeAll before timing it", () => {
      // The base copy of the file declared its plain test into nothing; the head's ran once.
      expect(readFileSync(join(dir, 'plain.log'), 'utf8')).toBe('ran\n')
      // Without the base's hook, its n would be 0 and the base would do no work: ~ 10× would not show.
      expect(baseRecord(run, 'work 50').comparison?.medianNs[1]).toBeGreaterThan(
        baseRecord(run, 'steady').comparison!.medianNs[1] / 10,
      )
    })

    test('logs the verdict as a regression event against the base', () => {
      const { events } = readEvents(join(dir, 'logs/perfgate.jsonl'))
      const regression = events.find((e) => e.type === 'regression' && e.name === 'work 50')
      expect(regression).toMatchObject({ verdict: 'regressed', metric: 'median', base: { ref: 'HEAD~1' } })
    })

    test('leaves the working tree as it was', () => {
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')
      // The checkout is where PERFGATE_BASE_DIR said, one per repository.
      const [perRepo] = readdirSync(join(dir, '.base'))
      expect(existsSync(join(dir, '.base', perRepo!, git(dir, 'rev-parse', 'HEAD~1').slice(0, 12)))).toBe(
        true,
      )
    })
  })
})

describe('Vitest 4', () => {
  test('an unchanged head is not called slower', { timeout: 180_000 }, async () => {
    const dir = twoCommits(4, 20)
    const run = await runVitestIn(dir, 4, { env: baseEnv(dir) })
    expect(run.exitCode).toBe(0)
    for (const title of ['work 50', 'steady'])
      expect(baseRecord(run, title).comparison?.verdict).not.toBe('slower')
    expect(run.stdout).toMatch(/perfgate: compared 2 benches with HEAD~1 \([0-9a-f]{7}\) in the same process/)
  })

  test('an unknown base ref stops the run with what to do', { timeout: 120_000 }, async () => {
    const dir = twoCommits(4, 20)
    const run = await runVitestIn(dir, 4, {
      env: { ...baseEnv(dir), PERFGATE_BASE_REF: 'origin/nope' },
    }).catch((error: Error) => ({ exitCode: 1, stdout: error.message, stderr: '' }))
    expect(run.exitCode).not.toBe(0)
    expect(`${run.stdout}\n${run.stderr}`).toContain('PERFGATE_BASE_REF="origin/nope" names no commit in')
    expect(`${run.stdout}\n${run.stderr}`).toContain('git fetch --depth=1 origin nope')
  })
})

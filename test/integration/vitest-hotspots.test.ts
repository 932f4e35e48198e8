import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { VerifyEvent, VerifyEventOf } from '../../src/log/verify-event.js'
import { readEvents } from '../../src/log/verify-log.js'
import { isCpuProfile } from '../../src/profile/cpu-profile.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import {
  type FixtureRun,
  installFixture,
  runIn,
  runVitestIn,
  type VitestMajor,
} from '../helpers/run-vitest-fixture.js'

// CPU profiles on failure, end to end, in real Vitest runs of test/fixtures/vitest-projects/
// hotspots: checksum() spends nearly all its time in mixBytes()'s inner loop, in a TypeScript
// file that Vitest transforms. Every budget is missed by far more than 10×, so the failures hold
// on a loaded machine, and mixBytes holds ~95% of the profile there, so "it comes first" does too.

const MAJORS: readonly VitestMajor[] = [4, 5]

const SOURCE = readFileSync(
  new URL('../fixtures/vitest-projects/hotspots/checksum.ts', import.meta.url),
  'utf8',
).split('\n')
/** 1-based line of the first line containing `text`. */
const lineOf = (text: string) => SOURCE.findIndex((l) => l.includes(text)) + 1
const MIX_START = lineOf('export function mixBytes')
/** The loops of mixBytes: from the outer `for` to the line before `return hash`. */
const LOOP = [lineOf('for (let round'), lineOf('return hash') - 1] as const

/** The first hotspot line of a message: `  95%  287 ms  mixBytes  checksum.ts:16`. */
function topHotspot(message: string): { name: string; file: string; line: number } | undefined {
  const lines = message.split('\n')
  const header = lines.findIndex((l) => l.startsWith('Hottest functions by self time'))
  const match = lines[header + 1]?.match(/^\s+[\d.]+%\s+[\d.]+ \S+\s+(\S+)\s+(\S+):(\d+)/)
  return match === null || match === undefined
    ? undefined
    : { name: match[1]!, file: match[2]!, line: Number(match[3]) }
}

function profilePath(message: string, dir: string): string {
  const path = message.match(/^CPU profile: (\S+\.cpuprofile)/m)?.[1]
  expect(path, message).toBeDefined()
  return isAbsolute(path!) ? path! : join(dir, path!)
}

function profiles(records: readonly PerfRecord[]) {
  return records.flatMap((r) => (r.kind === 'profile' ? [r.profile] : []))
}

function expectHotLoop(message: string): void {
  const top = topHotspot(message)
  expect(top, message).toMatchObject({ name: 'mixBytes', file: 'checksum.ts' })
  expect(top!.line).toBeGreaterThanOrEqual(LOOP[0])
  expect(top!.line).toBeLessThanOrEqual(LOOP[1])
}

function lastRun(dir: string): VerifyEvent[] {
  const { events, problems } = readEvents(join(dir, 'logs/perfgate.jsonl'))
  expect(problems).toEqual([])
  const runId = events.at(-1)!.runId
  return events.filter((e) => e.runId === runId)
}

function profileEvents(events: readonly VerifyEvent[]): VerifyEventOf<'profile'>[] {
  return events.filter((e): e is VerifyEventOf<'profile'> => e.type === 'profile')
}

describe.each(MAJORS)('Vitest %i', (major) => {
  describe('hotspots fixture: failed budgets', () => {
    let run: FixtureRun
    test('runs', { timeout: 120_000 }, async () => {
      run = await runVitestIn(installFixture('hotspots', major), major, { args: ['hotspots.perf.ts'] })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(`v${major}.`)
    })

    test('a result over its budget names the hot loop by its .ts file and line, and saves a profile that parses', () => {
      const t = run.test('a result over its budget names the hot loop')
      expect(t.status).toBe('failed')
      const message = t.failureMessages.join('\n')
      expect(message).toContain('"checksum" median is')
      expectHotLoop(message)
      expect(message).toContain('(open it in Chrome DevTools: Performance → Load profile)')
      const file = profilePath(message, run.dir)
      expect(file.startsWith(join(run.dir, 'logs/profiles/checksum-'))).toBe(true)
      const saved: unknown = JSON.parse(readFileSync(file, 'utf8'))
      expect(isCpuProfile(saved)).toBe(true)
      // Its frames point at the TypeScript source, as the message does.
      const mix = (
        saved as { nodes: { callFrame: { functionName: string; url: string; lineNumber: number } }[] }
      ).nodes.find((n) => n.callFrame.functionName === 'mixBytes')
      expect(mix?.callFrame.url).toMatch(/^file:\/\/.*\/checksum\.ts$/)
      expect(mix?.callFrame.lineNumber).toBe(MIX_START - 1)
      expect(t.records.map((r) => r.kind)).toEqual(['bench', 'budget', 'profile'])
      const [profile] = profiles(t.records)
      expect(profile).toMatchObject({
        status: 'profiled',
        reason: 'budget',
        name: 'checksum',
        inlining: 'off',
        file,
      })
    })

    test('a perfTest over its package.json budget carries the hotspots too', () => {
      const t = run.test('slow checksum')
      expect(t.status).toBe('failed')
      const message = t.failureMessages.join('\n')
      expect(message).toContain('PerfBudgetError: "slow checksum" median is')
      expectHotLoop(message)
      expect(existsSync(profilePath(message, run.dir))).toBe(true)
    })

    test('an async function is profiled with every call awaited', () => {
      const message = run.test('an async function over its budget').failureMessages.join('\n')
      expectHotLoop(message)
    })

    test("profile: 'off' leaves the message without hotspots and takes no profile", () => {
      const t = run.test('profile off leaves the message as it was')
      expect(t.status).toBe('failed')
      expect(t.failureMessages.join('\n')).not.toContain('Hottest functions')
      expect(t.records.map((r) => r.kind)).toEqual(['bench', 'budget'])
    })

    test("profile: 'always' profiles a bench that meets its budget, after measuring it", () => {
      const t = run.test('profile always profiles a bench that passes')
      expect(t.status).toBe('passed')
      expect(t.records.map((r) => r.kind)).toEqual(['bench', 'profile', 'budget'])
      const [profile] = profiles(t.records)
      expect(profile?.status === 'profiled' && profile.hotspots[0]?.functionName).toBe('mixBytes')
      expect(profile?.reason).toBe('always')
    })

    test('the [VERIFY] log has a profile event per profile, and perfgate report shows the hotspots', async () => {
      const events = profileEvents(lastRun(run.dir))
      expect(events.map((e) => [e.name, e.reason])).toEqual([
        ['checksum', 'budget'],
        ['slow checksum', 'budget'],
        ['checksum later', 'budget'],
        ['checksum always', 'always'],
      ])
      for (const event of events) {
        expect(event.verdict).toBeNull()
        expect(event.hotspots[0]).toMatchObject({
          functionName: 'mixBytes',
          mapped: true,
          definedAt: { file: 'checksum.ts', line: MIX_START },
        })
      }
      const report = await runIn(run.dir, major, [
        'node_modules/perfgate/dist/cli.js',
        'report',
        '--out',
        'report',
      ])
      expect(report.exitCode).toBe(0)
      const html = readFileSync(join(run.dir, 'report/report.html'), 'utf8')
      expect(html).toContain('<h3>Hottest functions by self time</h3>')
      expect(html).toMatch(/<td><code>mixBytes<\/code><\/td><td>checksum\.ts:\d+<\/td>/)
      const markdown = readFileSync(join(run.dir, 'report/report.md'), 'utf8')
      expect(markdown).toMatch(
        /\*\*Hottest functions of checksum\*\* \(self time\):\n- [\d.]+% `mixBytes` checksum\.ts:\d+/,
      )
    })
  })

  describe('hotspots fixture: a confirmed regression', () => {
    let dir: string
    test('a baseline is accepted', { timeout: 120_000 }, async () => {
      dir = installFixture('hotspots', major)
      const accepted = await runVitestIn(dir, major, { args: ['regression.perf.ts', '-u'] })
      expect(accepted.exitCode).toBe(0)
      // No regression, so nothing is profiled.
      expect(profileEvents(lastRun(dir))).toEqual([])
    })

    test('a 2× slower mix is confirmed, then profiled in a fresh process: the message and the log name the hot loop', {
      timeout: 240_000,
    }, async () => {
      const slower = await runVitestIn(dir, major, {
        args: ['regression.perf.ts'],
        env: { FIXTURE_SLOWDOWN: '2' },
      })
      expect(slower.exitCode).toBe(1)
      expect(slower.stdout).toContain('✗ Regression: "mix regression" regressed')
      const section = slower.stdout.slice(
        slower.stdout.indexOf('Hottest functions of "mix regression" in a fresh process'),
      )
      expect(section).toMatch(
        /^Hottest functions of "mix regression" in a fresh process by self time \(profiled after measuring: /,
      )
      const top = section.split('\n')[1]?.match(/^\s+[\d.]+%\s+[\d.]+ \S+\s+mixBytes\s+checksum\.ts:(\d+)$/)
      expect(top, section).not.toBeNull()
      expect(Number(top![1])).toBeGreaterThanOrEqual(LOOP[0])
      expect(Number(top![1])).toBeLessThanOrEqual(LOOP[1])
      expect(existsSync(profilePath(section, dir))).toBe(true)
      // The run's own test passed (the budget is generous): the profile came from the extra process.
      expect(slower.tests.map((t) => [t.title, t.status, t.records.map((r) => r.kind)])).toEqual([
        ['mix regression', 'passed', ['bench', 'budget']],
      ])
      const events = lastRun(dir)
      const [profile] = profileEvents(events)
      expect(profile).toMatchObject({ name: 'mix regression', reason: 'regression', status: 'profiled' })
      expect(profile?.hotspots[0]?.functionName).toBe('mixBytes')
      // Written after the regression event, before run-end.
      const types = events.map((e) => e.type)
      expect(types.indexOf('profile')).toBeGreaterThan(types.indexOf('regression'))
      expect(types.at(-1)).toBe('run-end')
    })
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatcherContext, MatcherResult } from '../../matchers/vitest/matcher-context.js'
import { toMeetBudget } from '../../matchers/vitest/to-meet-budget.js'
import { registerVitestSourceMaps } from '../../matchers/vitest/vitest-source-maps.js'
import { bench } from '../../src/measure/bench.js'
import { PROFILE_DIR_ENV } from '../../src/profile/profile-settings.js'
import { setSourceMapLookup } from '../../src/profile/source-map.js'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'
import { workload } from '../fixtures/profiles/hot-work.js'

// toMeetBudget on a real bench of test/fixtures/profiles/hot-work.ts, in this Vitest worker: a
// budget the function misses by 1000× fails with the hottest functions, source-mapped to the
// .ts file. Times and counts vary from run to run and are replaced before the snapshot; the
// functions after the first are the process's background work (timers, IPC) and are left out.

expect.extend({ toMeetBudget })

const dir = mkdtempSync(join(tmpdir(), 'perfgate-profile-matcher-'))
const records: PerfRecord[] = []
let restore: () => void = () => {}
beforeAll(() => {
  const previousSink = setResultSink((record) => records.push(record))
  const previousLookup = setSourceMapLookup(undefined)
  registerVitestSourceMaps()
  const previousDir = process.env[PROFILE_DIR_ENV]
  process.env[PROFILE_DIR_ENV] = dir
  restore = () => {
    setResultSink(previousSink)
    setSourceMapLookup(previousLookup)
    if (previousDir === undefined) delete process.env[PROFILE_DIR_ENV]
    else process.env[PROFILE_DIR_ENV] = previousDir
  }
})
afterAll(() => {
  restore()
  rmSync(dir, { recursive: true, force: true })
})

interface Asserting {
  toMeetBudget(budget: object, options?: object): Promise<void>
  not: { toMeetBudget(budget: object, options?: object): Promise<void> }
}
const expectPerf = (value: unknown) => expect(value) as unknown as Asserting

async function failureOf(assertion: Promise<void>): Promise<string> {
  try {
    await assertion
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed')
}

/** The message with run-dependent numbers replaced, and only the first hotspot kept. */
function stable(message: string): string {
  const lines = message.split('\n')
  const first = lines.findIndex((l) => l.startsWith('Hottest functions'))
  const cut = lines.findIndex((l, i) => i > first && !/^\s+[\d.]+%/.test(l))
  const kept = [...lines.slice(0, first + 2), ...lines.slice(cut).filter((l) => !l.startsWith('  Also:'))]
  return (
    stripVTControlCharacters(kept.join('\n'))
      .replace(/ · node .*$/m, ' · <environment>')
      .replace(/\d[\d,.]*–/g, '')
      .replace(/\d[\d,.]* (ns|µs|ms|s)\b/g, '<t>')
      .replace(/[\d.]+×/g, '<n>×')
      .replace(/\d[\d,]* (batches|batch|calls|call|samples)\b/g, '<n> $1')
      .replace(/^(\s+)[\d.]+%/gm, '$1<n>%')
      .replace(/CPU profile: \S+/, 'CPU profile: <dir>/hot-work-<time>.cpuprofile')
      // The table pads its columns to the widest value of rows cut above (a 100% row, a longer
      // name), so the row kept gets one space more or less from run to run.
      .replace(/^\s+<n>%\s+<t>\s+(\S+)\s+/gm, '  <n>%  <t>  $1  ')
  )
}

describe('toMeetBudget with a profile on failure', () => {
  it('names the hottest function by its TypeScript file:line, and where the profile was saved', async () => {
    const result = await bench('hot work', workload, { time: '100ms' })
    const message = await failureOf(expectPerf(result).toMeetBudget({ median: '100ns' }))
    expect(stable(message)).toMatchInlineSnapshot(`
      "expect(received).toMeetBudget(budget)

      "hot work" median is <t> (95% CI <t>), <n>× its <t> budget.

      Received: median <t> · <n> batches × <n> calls · <environment>
      Expected: median ≤ <t> (inline)

      Make it faster; or, if the new cost is accepted, change the inline budget.

      Hottest functions by self time (profiled after measuring: <t>, <n> calls, <n> samples):
        <n>%  <t>  burnCpu  test/fixtures/profiles/hot-work.ts:15
      CPU profile: <dir>/hot-work-<time>.cpuprofile (open it in Chrome DevTools: Performance → Load profile)"
    `)
    const profile = records.find((r) => r.kind === 'profile')
    expect(profile?.kind === 'profile' && profile.profile.status).toBe('profiled')
  })

  it('answers at once when the budget holds, when `.not` expected the miss, and with profile: off', async () => {
    const result = await bench('hot work again', workload, { time: '50ms' })
    const before = records.length
    const held = toMeetBudget.call(context(false), result, { median: '10s' })
    expect(held).not.toBeInstanceOf(Promise)
    const expectedMiss = toMeetBudget.call(context(true), result, { median: '100ns' })
    expect(expectedMiss).not.toBeInstanceOf(Promise)
    const off = toMeetBudget.call(context(false), result, { median: '100ns' }, { profile: 'off' })
    expect(off).not.toBeInstanceOf(Promise)
    expect((off as MatcherResult).message()).not.toContain('Hottest functions')
    expect(records.slice(before).map((r) => r.kind)).toEqual(['budget', 'budget', 'budget'])
    // A miss the test fails on is profiled: the answer comes as a promise.
    const missed = toMeetBudget.call(context(false), result, { median: '100ns' })
    expect(missed).toBeInstanceOf(Promise)
    expect((await missed).message()).toContain('burnCpu')
    expect(records.slice(before).map((r) => r.kind)).toEqual([
      'budget',
      'budget',
      'budget',
      'budget',
      'profile',
    ])
  })

  it('rejects a profile option that is not a mode, naming the matcher', () => {
    expect(() =>
      toMeetBudget.call(context(false), {}, { median: '1s' }, { profile: 'sometimes' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: toMeetBudget() has an invalid option: profile is a string ("sometimes"), but it takes "on-failure" (the default), "always" or "off". Write { profile: 'off' } to never profile this bench, or leave it out.]`,
    )
  })
})

function context(isNot: boolean): MatcherContext {
  return {
    isNot,
    currentTestName: 'test',
    utils: { matcherHint: () => 'expect(received).toMeetBudget(budget)' },
  }
}

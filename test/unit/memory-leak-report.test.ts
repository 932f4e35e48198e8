import { describe, expect, it } from 'vitest'
import { formatRunSummary, summarizeRun } from '../../reporters/run-summary.js'
import { eventsFromRecord, parseEventLine, serializeEvent } from '../../src/log/verify-event.js'
import { explainLeak, formatBytesPerCall, formatLeakMessage } from '../../src/memory/explain-leak.js'
import type { LeakResult } from '../../src/memory/leak-types.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import {
  heapSeries,
  leakResult,
  leakResultWithoutGc,
  memoryOf,
  withMemory,
} from '../fixtures/memory-results.js'

const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }

// 40 rounds of 1000 calls; the heap after GC grows by 150 kB a round (150 B per call).
const leaking = leakResult()
// The same rounds with a 2 kB wobble and no trend.
const steady = leakResult({ name: 'parse', points: heapSeries((round) => (round % 4) * 500) })
// A trend right at the 5 B per call floor under ±20 kB of noise.
const unsure = leakResult({
  name: 'render',
  points: heapSeries((round, random) => 5 * 1000 * round + (random() - 0.5) * 40_000, { seed: 3 }),
})

function message(result: LeakResult, expectsLeak = false): string {
  return formatLeakMessage(explainLeak(result, expectsLeak))
}

describe('explainLeak', () => {
  it('explains a leak with its slope, interval, floor and what it kept', () => {
    expect(leaking.status).toBe('leak')
    expect(message(leaking)).toMatchInlineSnapshot(`
      ""handle request" leaks: the heap after each forced GC grew by 150 B per call (95% CI 150–150 B), above the 5 B per call floor; retained over the run: 6.00 MB in 40,000 calls.

      Received: heap after GC 12.0 MB → 18.0 MB · 40 rounds × 1,000 calls · slope of the last 21 readings · GC via v8-flag · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: growth ≤ 4 B per call, and ≤ 100 kB over the fitted calls (defaults)

      Find what keeps a reference to what each call makes: a module-level array or Map, a cache without a bound, listeners or timers never removed. Two heap snapshots (node --inspect, the Memory tab of DevTools, "Comparison" view) show what grew.
      If the growth is intended (a bounded cache still filling), fill it before the check, or raise { threshold } or { minGrowth }."
    `)
  })

  it('explains no leak, with advice only when a leak was expected', () => {
    expect(steady.status).toBe('no-leak')
    expect(explainLeak(steady, false).advice).toEqual([])
    expect(message(steady, true)).toMatchInlineSnapshot(`
      ""parse" does not leak: the heap after each forced GC grew by 0 B per call (95% CI -0.033–0.056 B), within the 5 B per call floor; retained over the run: 0 B in 40,000 calls.

      Received: heap after GC 12.0 MB → 12.0 MB · 40 rounds × 1,000 calls · slope of the last 21 readings · GC via v8-flag · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: growth ≤ 4 B per call, and ≤ 100 kB over the fitted calls (defaults)

      If a leak was expected, it keeps less than the floor: run longer ({ time } or { iterations }) so its growth adds up, or lower { threshold }."
    `)
  })

  it('explains an unsettled check and how to settle it', () => {
    expect(unsure.status).toBe('inconclusive')
    expect(message(unsure)).toMatchInlineSnapshot(`
      ""render": this run cannot tell whether it leaks: the heap after each forced GC grew by 4.5 B per call (95% CI 3.4–5.6 B), an interval that straddles the 5 B per call floor; retained over the run: 175 kB in 40,000 calls.

      Received: heap after GC 12.0 MB → 12.2 MB · 40 rounds × 1,000 calls · slope of the last 21 readings · GC via v8-flag · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: growth ≤ 4 B per call, and ≤ 100 kB over the fitted calls (defaults)

      The slope's interval is wider than its distance to the floor: give the check more calls ({ time: '4s' } or { iterations }) or more rounds ({ rounds: 80 }). Other work in the process (a test runner's messages, timers) moves the heap too; quieter is narrower.
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
  })

  it('says why nothing was measured without a forceable GC, and how to get one', () => {
    expect(message(leakResultWithoutGc())).toMatchInlineSnapshot(`
      ""handle request": cannot check for a leak, because GC could not be forced (setting --expose-gc at run time failed: not allowed). Without a forced GC every heap reading holds an unknown amount of garbage, so growth proves nothing.

      Received: nothing measured · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: growth ≤ 4 B per call, and ≤ 100 kB over the fitted calls (defaults)

      Run Node with --expose-gc (node --expose-gc, or NODE_OPTIONS=--expose-gc), or in the Vitest config set test.execArgv: ['--expose-gc'].
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
  })

  it('names options that replaced the defaults', () => {
    const strict = leakResult({ rule: { ...leaking.rule, thresholdBytesPerCall: 1 } })
    expect(explainLeak(strict, false).expected).toBe(
      'Expected: growth ≤ 1 B per call, and ≤ 100 kB over the fitted calls (threshold and minGrowth options)',
    )
  })
})

describe('formatBytesPerCall', () => {
  it('keeps two significant digits below 10 B, where whole bytes would read 0', () => {
    expect([0.0054, -0.68, 4, 9.94, 148, 40_227].map(formatBytesPerCall)).toEqual([
      '0.0054 B',
      '-0.68 B',
      '4 B',
      '9.9 B',
      '148 B',
      '40.2 kB',
    ])
  })
})

describe('[VERIFY] events', () => {
  it('makes one leak event: pass for no leak, fail for a leak, with the slope and the series', () => {
    const [event, ...rest] = eventsFromRecord(
      { kind: 'leak', result: leaking, inconclusivePolicy: 'fail', expectsLeak: false },
      context,
    )
    expect(rest).toEqual([])
    expect(event).toMatchObject({
      type: 'leak',
      name: 'handle request',
      metric: 'heapSlope',
      unit: 'bytes/call',
      verdict: 'fail',
      status: 'leak',
      budget: { op: '<=', value: leaking.judgement!.floorBytesPerCall },
      interval: leaking.judgement!.slopeIntervalBytesPerCall,
      rounds: 40,
      callsPerRound: 1000,
      fittedPoints: 21,
      gc: 'v8-flag',
      expectsLeak: false,
    })
    expect(event?.type === 'leak' && event.heapBytes).toHaveLength(41)
    // What serializeEvent writes reads back as the same event.
    expect(parseEventLine(serializeEvent(event!), 'test')).toEqual(event)
    const [passed] = eventsFromRecord(
      { kind: 'leak', result: steady, inconclusivePolicy: 'warn', expectsLeak: true },
      context,
    )
    expect(passed).toMatchObject({
      verdict: 'pass',
      status: 'no-leak',
      expectsLeak: true,
      inconclusivePolicy: 'warn',
    })
  })

  it('writes an unmeasured leak check as inconclusive, with the reason and no numbers', () => {
    const [event] = eventsFromRecord(
      { kind: 'leak', result: leakResultWithoutGc(), inconclusivePolicy: 'fail', expectsLeak: false },
      context,
    )
    expect(event).toMatchObject({
      verdict: 'inconclusive',
      value: null,
      interval: null,
      budget: null,
      gc: null,
      gcUnavailable: 'setting --expose-gc at run time failed: not allowed',
    })
    expect(parseEventLine(serializeEvent(event!), 'test')).toEqual(event)
  })

  it('adds the memory of a bench to its event, and leaves it out of a bench without', () => {
    const timed = benchResult({ perCallNs: uniformTimes(25e3, 0.1, 50) })
    const memory = memoryOf({
      allocated: [40_100, 40_200, 40_300, 40_200, 40_200, 40_100, 40_200, 40_300, 40_200, 40_200],
    })
    const [event] = eventsFromRecord({ kind: 'bench', result: withMemory(timed, memory) }, context)
    expect(event?.type === 'bench' && event.memory).toEqual({
      gc: 'v8-flag',
      batches: 10,
      heapPerCallBytes: 40_200,
      heapPerCallIntervalBytes: memory.heapPerCallIntervalBytes,
      retainedPerCallBytes: 0,
      retainedPerCallIntervalBytes: [0, 0],
      rssPeakBytes: 120e6,
      processMaxRssBytes: 130e6,
    })
    expect(parseEventLine(serializeEvent(event!), 'test')).toEqual(event)
    const [plain] = eventsFromRecord({ kind: 'bench', result: timed }, context)
    expect(plain).not.toHaveProperty('memory')
    expect(serializeEvent(plain!)).not.toContain('memory')
  })
})

describe('the run summary', () => {
  it('lists leak checks after the benches, with the slope, the floor and the verdict', () => {
    const entry = (test: string, records: PerfRecord[]) => ({
      test,
      names: [test],
      file: 'leaks.perf.ts',
      path: '/project/leaks.perf.ts',
      state: 'passed' as const,
      records,
    })
    const summary = summarizeRun([
      entry('caught', [{ kind: 'leak', result: leaking, inconclusivePolicy: 'fail', expectsLeak: false }]),
      entry('clean', [{ kind: 'leak', result: steady, inconclusivePolicy: 'fail', expectsLeak: false }]),
      entry('wanted', [{ kind: 'leak', result: leaking, inconclusivePolicy: 'fail', expectsLeak: true }]),
      entry('no gc', [
        {
          kind: 'leak',
          result: leakResultWithoutGc('cache'),
          inconclusivePolicy: 'warn',
          expectsLeak: false,
        },
      ]),
    ])
    expect(formatRunSummary(summary)).toMatchInlineSnapshot(`
      "
      perfgate summary

      leak check      heap after GC, slope (95% CI)  floor     verdict
      ──────────────  ─────────────────────────────  ────────  ─────────────────────────────────────
      handle request  150 B/call (150–150 B)         5 B/call  ✗ leak
      parse           0 B/call (-0.033–0.056 B)      5 B/call  ✓ no leak
      handle request  150 B/call (150–150 B)         5 B/call  ✗ leak (toLeakMemory expected a leak)
      cache           not measured (no forced GC)    —         ? inconclusive

      4 leak checks: 2 leak, 1 no leak, 1 inconclusive"
    `)
  })
})

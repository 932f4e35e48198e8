import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findBreakingPoint } from '../../src/breaking-point/find-breaking-point.js'
import { confirmLevels, findInconsistencies, nextSearchLevel } from '../../src/breaking-point/search.js'
import { isPerfgateError, type PerfgateError } from '../../src/errors.js'
import { parseEventLine, serializeEvent } from '../../src/log/verify-event.js'
import { readEvents } from '../../src/log/verify-log.js'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'

// Deterministic synthetic systems: `run` returns a made-up latency that grows with load, so
// every probe's outcome is known and the search can be checked exactly.
const latencyNs = (level: number) => level * 5.4e6 // crosses 200 ms above level 37
const under200ms = (ns: number) => ns <= 200e6

afterEach(() => {
  setResultSink(undefined)
})

async function failure(promise: Promise<unknown>): Promise<PerfgateError> {
  try {
    await promise
  } catch (error) {
    if (isPerfgateError(error)) return error
    throw error
  }
  throw new Error('expected the promise to reject')
}

describe('findBreakingPoint()', () => {
  it('finds a threshold at 37 in 1–100 in ⌈log2(101)⌉ = 7 search probes or fewer, then confirms it', async () => {
    const levels: number[] = []
    const found = await findBreakingPoint({
      name: 'api',
      min: 1,
      max: 100,
      levelUnit: 'connections',
      run: (level) => {
        levels.push(level)
        return latencyNs(level)
      },
      check: (ns) => ({ pass: under200ms(ns), value: ns, unit: 'ns', limit: 200e6, metric: 'p95' }),
    })
    expect(found.status).toBe('found')
    expect(found.breakingPoint).toBe(37)
    expect(found.firstFailing).toBe(38)
    const search = found.probes.filter((p) => p.phase === 'search')
    expect(search.length).toBeLessThanOrEqual(Math.ceil(Math.log2(100 - 1 + 2)))
    expect(search.map((p) => p.level)).toEqual([50, 25, 37, 43, 40, 38])
    // Confirmation: 37 again, and midway between the first failure (38) and the highest (50).
    expect(found.probes.filter((p) => p.phase === 'confirm').map((p) => p.level)).toEqual([37, 44])
    expect(levels).toEqual(found.probes.map((p) => p.level))
    expect(found.inconsistencies).toEqual([])
    expect(found.curve.map((p) => p.level)).toEqual([25, 37, 38, 40, 43, 44, 50])
    expect(found.curve.find((p) => p.level === 38)).toEqual({
      level: 38,
      value: 38 * 5.4e6,
      pass: false,
      status: 'fail',
    })
    expect([found.metric, found.unit, found.limit]).toEqual(['p95', 'ns', 200e6])
    expect(found.probes[0]!.result).toBe(latencyNs(50))
    expect(found.summary).toBe(
      '"api" breaking point: 37 connections meets the budget, 38 connections does not; 8 probes.',
    )
  })

  it('finds every threshold of a range exactly (bisection is right at the edges too)', async () => {
    for (let threshold = 9; threshold <= 21; threshold++) {
      const found = await findBreakingPoint({
        name: 't',
        min: 10,
        max: 20,
        confirm: false,
        run: (level) => level,
        check: (level) => level <= threshold,
      })
      expect(found.breakingPoint).toBe(threshold < 10 ? null : Math.min(threshold, 20))
      expect(found.probes.length).toBeLessThanOrEqual(Math.ceil(Math.log2(20 - 10 + 2)))
    }
  })

  it('says when every level passes: the breaking point is above max, shown by probing max', async () => {
    const found = await findBreakingPoint({
      name: 'fast',
      min: 1,
      max: 64,
      run: () => 1e6,
      check: under200ms,
    })
    expect(found.status).toBe('above-max')
    expect(found.breakingPoint).toBe(64)
    expect(found.firstFailing).toBeNull()
    expect(found.probes.some((p) => p.level === 64 && p.pass)).toBe(true)
    expect(found.summary).toContain('every level up to max 64 meets the budget')
    expect(found.summary).toContain('raise max')
  })

  it('says when no level passes: a verdict, not an exception, shown by probing min', async () => {
    const found = await findBreakingPoint({
      name: 'slow',
      min: 1,
      max: 64,
      run: () => 1e9,
      check: under200ms,
    })
    expect(found.status).toBe('below-min')
    expect(found.breakingPoint).toBeNull()
    expect(found.firstFailing).toBe(1)
    expect(found.probes.some((p) => p.level === 1 && !p.pass)).toBe(true)
    expect(found.summary).toContain('even min 1 misses the budget')
  })

  it('reports a non-monotone system: level 25 fails although 30 passes', async () => {
    const found = await findBreakingPoint({
      name: 'bumpy',
      min: 1,
      max: 100,
      run: (level) => level,
      check: (level) => level <= 40 && level !== 25,
    })
    // Bisection alone goes 50 ✗, 25 ✗, 12 ✓ … and settles on 24; the confirmation probe between
    // the first failure (25) and the highest (50), 37, passes and exposes it.
    expect(found.status).toBe('inconsistent')
    expect(found.breakingPoint).toBe(24)
    expect(found.inconsistencies).toEqual([{ failedLevel: 25, passedLevel: 37 }])
    expect(found.summary).toContain('passing is not monotone in load: 37 passed although 25 failed')
  })

  it('reports a probe that does not repeat (noise): the breaking point fails when probed again', async () => {
    let calls = 0
    const found = await findBreakingPoint({
      name: 'noisy',
      min: 1,
      max: 8,
      run: (level) => level,
      // Level 4 passes the first time only.
      check: (level) => level < 4 || (level === 4 && ++calls === 1),
    })
    expect(found.status).toBe('inconsistent')
    expect(found.inconsistencies).toContainEqual({ failedLevel: 4, passedLevel: 4 })
    expect(found.summary).toContain('4 both passed and failed')
  })

  it('stops at maxProbes and says how far it got; with precision, stops once that close', async () => {
    const capped = await findBreakingPoint({
      name: 'capped',
      min: 1,
      max: 1000,
      maxProbes: 3,
      run: latencyNs,
      check: under200ms,
    })
    expect(capped.status).toBe('unresolved')
    expect(capped.probes).toHaveLength(3)
    expect(capped.summary).toMatch(/not narrowed to 1 after 3 probes; raise maxProbes or precision/)

    const coarse = await findBreakingPoint({
      name: 'coarse',
      min: 1,
      max: 1000,
      precision: 10,
      confirm: false,
      run: latencyNs,
      check: under200ms,
    })
    expect(coarse.status).toBe('found')
    expect(coarse.firstFailing! - coarse.breakingPoint!).toBeLessThanOrEqual(10)
    expect(coarse.breakingPoint).toBeLessThanOrEqual(37)
    expect(coarse.firstFailing).toBeGreaterThan(37)
  })

  it('judges BenchResult runs against a bench budget, counting inconclusive as not passing', async () => {
    const found = await findBreakingPoint({
      name: 'sort n',
      min: 1,
      max: 20,
      levelUnit: 'k items',
      // Per-call time 0.1 ms per thousand items, ±5%: 200 samples prove or disprove 1 ms.
      run: (level) =>
        benchResult({ name: `sort ${level}k`, perCallNs: uniformTimes(level * 0.1e6, 0.05, 200) }),
      budget: { median: '1ms' },
    })
    expect(found.status).toBe('found')
    expect(found.breakingPoint).toBeLessThanOrEqual(10)
    expect(found.breakingPoint).toBeGreaterThanOrEqual(9)
    const probe = found.probes.find((p) => p.level === found.firstFailing)!
    expect(probe.status).not.toBe('pass')
    expect(probe.metric).toBe('median')
    expect(probe.unit).toBe('ns')
    expect(probe.limit).toBe(1e6)
    expect(probe.summary).toMatch(/^median .* (over|not proven within) 1ms$/)
  })

  it('records the search for the reporter, without the run results', async () => {
    const records: PerfRecord[] = []
    setResultSink((record) => records.push(record))
    const found = await findBreakingPoint({
      name: 'api',
      min: 1,
      max: 100,
      run: latencyNs,
      check: under200ms,
    })
    expect(records).toHaveLength(1)
    const record = records[0]!
    expect(record.kind).toBe('breaking-point')
    if (record.kind !== 'breaking-point') return
    expect(record.result.probes).toHaveLength(found.probes.length)
    expect(record.result.probes.every((p) => !('result' in p))).toBe(true)
    expect(record.result.breakingPoint).toBe(37)
  })

  it('appends each probe to a [VERIFY] log as it finishes, then the outcome, in events that parse', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'perfgate-bp-')), 'perfgate.jsonl')
    const found = await findBreakingPoint({
      name: 'GET <api> "users"',
      min: 1,
      max: 100,
      levelUnit: 'connections',
      run: latencyNs,
      check: (ns) => ({ pass: under200ms(ns), value: ns, unit: 'ns', limit: 200e6, metric: 'p95' }),
      log,
    })
    const { events, problems } = readEvents(log)
    expect(problems).toEqual([])
    expect(events.map((e) => e.type)).toEqual([
      'run-start',
      ...found.probes.map(() => 'breaking-point-probe'),
      'breaking-point',
      'run-end',
    ])
    expect(new Set(events.map((e) => e.runId)).size).toBe(1)
    const probes = events.filter((e) => e.type === 'breaking-point-probe')
    expect(probes.map((e) => e.level)).toEqual(found.probes.map((p) => p.level))
    expect(probes[0]).toMatchObject({
      name: 'GET <api> "users"',
      metric: 'p95',
      value: 50 * 5.4e6,
      unit: 'ns',
      pass: false,
      phase: 'search',
    })
    const outcome = events.find((e) => e.type === 'breaking-point')!
    expect(outcome).toMatchObject({
      value: 37,
      unit: 'connections',
      status: 'found',
      firstFailing: 38,
      limit: 200e6,
    })
    // Round trip: every event serialises and parses back unchanged.
    for (const event of events) expect(parseEventLine(serializeEvent(event), 'test')).toEqual(event)
  })

  it('refuses options it cannot honour, and wraps a throwing run with the level', async () => {
    const both = await failure(
      findBreakingPoint({
        name: 'x',
        min: 1,
        max: 2,
        run: () => 1,
        check: () => true,
        budget: { p95: '1ms' },
      }),
    )
    expect(both.message).toMatchInlineSnapshot(
      `"perfgate: findBreakingPoint("x") has an invalid option: both check and budget are given. Give exactly one: check: (result, level) => boolean, or budget: { p95: '200ms' }."`,
    )
    const swapped = await failure(
      findBreakingPoint({ name: 'x', min: 5, max: 2, run: () => 1, check: () => true }),
    )
    expect(swapped.message).toContain('max (2) is below min (5)')
    const fractional = await failure(
      findBreakingPoint({ name: 'x', min: 0.5, max: 2, run: () => 1, check: () => true }),
    )
    expect(fractional.message).toContain('min must be a whole number, received 0.5')
    const notJudged = await failure(
      findBreakingPoint({ name: 'x', min: 1, max: 2, run: () => 'ok', budget: { p95: '1ms' } }),
    )
    expect(notJudged.message).toContain('but it returned string')

    const boom = new Error('ECONNREFUSED 127.0.0.1:3000')
    const thrown = await failure(
      findBreakingPoint({
        name: 'api',
        min: 1,
        max: 100,
        run: () => {
          throw boom
        },
        check: () => true,
      }),
    )
    expect(thrown.message).toMatchInlineSnapshot(
      `"perfgate: findBreakingPoint("api"): run() threw at level 50. A load the system cannot take should make check() return false, not throw; the original error is attached as cause."`,
    )
    expect(thrown.cause).toBe(boom)
  })
})

describe('search steps', () => {
  it('bisects, then probes min or max when the gap closed without showing them', () => {
    expect(nextSearchLevel(1, 100, 1, { passed: 0, failed: 101 })).toBe(50)
    expect(nextSearchLevel(1, 100, 1, { passed: 37, failed: 38 })).toBeUndefined()
    // Precision 10 closed the gap to [0, 8) without probing min: probe it.
    expect(nextSearchLevel(1, 1000, 10, { passed: 0, failed: 8 })).toBe(1)
    expect(nextSearchLevel(1, 1000, 10, { passed: 995, failed: 1001 })).toBe(1000)
  })

  it('confirms above the first failure, midway to the highest failure', () => {
    const probes = [50, 25, 37, 43, 40, 38].map((level) => ({ level, pass: level <= 37 }))
    expect(confirmLevels({ passed: 37, failed: 38 }, 1, 100, probes)).toEqual([37, 44])
    expect(confirmLevels({ passed: 0, failed: 1 }, 1, 100, [{ level: 1, pass: false }])).toEqual([1])
  })

  it('finds a pass at or above a failure', () => {
    expect(
      findInconsistencies([
        { level: 5, pass: true },
        { level: 6, pass: false },
      ]),
    ).toEqual([])
    expect(
      findInconsistencies([
        { level: 6, pass: false },
        { level: 8, pass: true },
        { level: 6, pass: true },
      ]),
    ).toEqual([
      { failedLevel: 6, passedLevel: 6 },
      { failedLevel: 6, passedLevel: 8 },
    ])
  })
})

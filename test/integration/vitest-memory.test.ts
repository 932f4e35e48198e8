import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { readBaseline } from '../../src/baseline/baseline-file.js'
import { readEvents } from '../../src/log/verify-log.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { type FixtureRun, runVitestFixture, type VitestMajor } from '../helpers/run-vitest-fixture.js'

/*
 * Memory in real Vitest runs on test/fixtures/vitest-projects/memory, under Vitest 4 (Node 20)
 * and Vitest 5 (Node 24), with no --expose-gc: perfgate has to force GC itself in the worker.
 * Verdicts asserted here hold on a loaded 2-core machine: the leak keeps ~120 B per call, 30×
 * the floor; the allocator keeps nothing of its ~40 kB per call; the failing budgets are 40× and
 * 100× over. Heap figures do not depend on the machine's speed, only on V8's object layout.
 */

const MAJORS: readonly VitestMajor[] = [4, 5]

function leakRecords(records: readonly PerfRecord[]) {
  return records.flatMap((r) => (r.kind === 'leak' ? [r] : []))
}

function benchMemory(records: readonly PerfRecord[]) {
  return records.flatMap((r) => (r.kind === 'bench' && r.result.memory ? [r.result.memory] : []))
}

/**
 * A failure message with what changes from run to run taken out: the stack, the environment
 * (Node version, load), the hotspot section another feature appends, and every number.
 */
function stable(messages: readonly string[]): string {
  return (
    messages
      .join('\n')
      .split('\n')
      .filter((line) => !/^\s+at /.test(line))
      .join('\n')
      .replace(/\n*Hottest functions[\s\S]*$/, '')
      // On a loaded machine a leak check may stop its rounds early because its GCs are slow.
      .replace(/ · stopped early: [^·]*?(?= · )/, '')
      .replace(/ · node \d[^\n]*/g, ' · <environment>')
      .replace(/(?<![\w.])-?\d[\d,.]*/g, 'N')
      // What an allocator that keeps nothing retains is noise: some bytes, or a few kilobytes.
      .replace(/retained over the run: N \w+/, 'retained over the run: N <size>')
      .trim()
  )
}

describe.each(MAJORS)('Vitest %i', (major) => {
  let run: FixtureRun
  beforeAll(async () => {
    run = await runVitestFixture('memory', major)
  }, 180_000)

  test('the run ends failed, for the tests that expect to fail', () => {
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`v${major}.`)
  })

  test('a growing module-level array is caught, with its slope and what it kept', () => {
    const t = run.test('a growing module-level array is caught')
    expect(t.status).toBe('failed')
    const [record] = leakRecords(t.records)
    expect(record?.result.status).toBe('leak')
    expect(record?.expectsLeak).toBe(false)
    // The leak keeps an object and a string per call: about 120 B, never under 60 B.
    expect(record?.result.judgement?.slopeIntervalBytesPerCall[0]).toBeGreaterThan(60)
    expect(record?.result.gc).toBe('v8-flag')
    expect(t.failureMessages.join('\n')).toContain(
      'Expected: growth ≤ 4 B per call, and ≤ 100 kB over the fitted calls (defaults)',
    )
    expect(stable(t.failureMessages)).toMatchInlineSnapshot(`
      "Error: expect(received).not.toLeakMemory()

      "remember" leaks: the heap after each forced GC grew by N B per call (N% CI N–N B), above the N B per call floor; retained over the run: N <size> in N calls.

      Received: heap after GC N MB → N MB · N rounds × N calls · slope of the last N readings · GC via v8-flag · <environment>
      Expected: growth ≤ N B per call, and ≤ N kB over the fitted calls (defaults)

      Find what keeps a reference to what each call makes: a module-level array or Map, a cache without a bound, listeners or timers never removed. Two heap snapshots (node --inspect, the Memory tab of DevTools, "Comparison" view) show what grew.
      If the growth is intended (a bounded cache still filling), fill it before the check, or raise { threshold } or { minGrowth }."
    `)
  })

  test('toLeakMemory() passes on the same leak', () => {
    const t = run.test('toLeakMemory passes on a leak')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    expect(leakRecords(t.records)[0]).toMatchObject({ expectsLeak: true, result: { status: 'leak' } })
  })

  test('an allocator of 40 kB per call that keeps nothing is not called a leak', () => {
    const t = run.test('an allocator that drops what it makes does not leak')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    expect(leakRecords(t.records)[0]?.result.status).toBe('no-leak')
  })

  test('toLeakMemory() fails on the allocator, saying it does not leak', () => {
    const t = run.test('toLeakMemory fails on an allocator that does not leak')
    expect(t.status).toBe('failed')
    expect(stable(t.failureMessages)).toMatchInlineSnapshot(`
      "Error: expect(received).toLeakMemory()

      Expected "allocate, expected to leak" to leak memory, but it does not.
      "allocate, expected to leak" does not leak: the heap after each forced GC grew by N B per call (N% CI N–N B), within the N B per call floor; retained over the run: N <size> in N calls.

      Received: heap after GC N MB → N MB · N rounds × N calls · slope of the last N readings · GC via v8-flag · <environment>
      Expected: growth ≤ N B per call, and ≤ N kB over the fitted calls (defaults)

      If a leak was expected, it keeps less than the floor: run longer ({ time } or { iterations }) so its growth adds up, or lower { threshold }."
    `)
  })

  test('what a call stores in its input is dropped with the input, so it is not a leak', () => {
    const t = run.test('what a call stores in its input is not a leak')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    expect(leakRecords(t.records)[0]?.result.status).toBe('no-leak')
  })

  test('bench({ memory: true }) records heap per call, retained per call and peak RSS', () => {
    const t = run.test('bench measures heap per call')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    const [memory] = benchMemory(t.records)
    // 1000 objects of 32 B and an 8 kB array: 40 kB per call on 64-bit V8.
    expect(memory?.heapPerCallBytes).toBeGreaterThan(35_000)
    expect(memory?.heapPerCallBytes).toBeLessThan(45_000)
    const [lo, hi] = memory!.heapPerCallIntervalBytes
    expect(lo).toBeLessThanOrEqual(memory!.heapPerCallBytes)
    expect(hi).toBeGreaterThanOrEqual(memory!.heapPerCallBytes)
    // Nothing survives a call. A worker's heap moves by itself by up to ~200 kB from one GC to
    // the next (V8's caches, the runner), which is up to ~200 B per call over a batch of 1024
    // calls: so the check is against 1% of the 40 kB a call allocates, far from what a call
    // keeping its objects would show.
    expect(Math.abs(memory!.retainedPerCallBytes!)).toBeLessThan(memory!.heapPerCallBytes / 100)
    expect(memory?.rssPeakBytes).toBeGreaterThan(10e6)
    expect(memory?.processMaxRssBytes).toBeGreaterThanOrEqual(memory!.rssPeakBytes)
    expect(memory?.gc).toBe('v8-flag')
  })

  test('a function with a memory budget is benched with memory on, and passes', () => {
    const t = run.test('a memory budget passes')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    const verdict = t.records.find((r) => r.kind === 'budget')
    expect(
      verdict?.kind === 'budget' && verdict.verdict.metrics.map((m) => [m.metric, m.unit, m.status]),
    ).toEqual([
      ['heapPerCall', 'bytes', 'pass'],
      ['rss', 'bytes', 'pass'],
    ])
  })

  test('a broken memory budget fails with the measured bytes, the interval and the budget', () => {
    const t = run.test('a memory budget fails with its message')
    expect(t.status).toBe('failed')
    expect(t.failureMessages.join('\n')).toContain('Expected: heapPerCall ≤ 1.00 kB, rss ≤ 1.00 MB (inline)')
    expect(stable(t.failureMessages)).toMatchInlineSnapshot(`
      "Error: expect(received).toMeetBudget(budget)

      "allocate over budget" heapPerCall is N kB (N% CI N–N kB), N× its N kB budget.
      "allocate over budget" rss is N MB, N× its N MB budget.

      Received: heapPerCall N kB · rss N MB · median N µs · N batches × N calls · N memory batches · <environment>
      Expected: heapPerCall ≤ N kB, rss ≤ N MB (inline)

      Make it allocate less; or, if the new cost is accepted, change the inline budget."
    `)
  })

  test('a result measured without memory is an error that says to pass { memory: true }', () => {
    const t = run.test('a result measured without memory cannot meet a memory budget')
    expect(t.status).toBe('failed')
    expect(t.failureMessages.join('\n')).toContain(
      'perfgate: "no memory measured" was benched without memory, so its heapPerCall budget cannot be checked. Bench it with memory on: bench("no memory measured", fn, { memory: true }); or give toMeetBudget the function itself, which turns memory on for heapPerCall and rss budgets.',
    )
  })

  test('perfTest with a heapPerCall budget in package.json turns memory on', () => {
    const t = run.test('allocate from config')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    expect(benchMemory(t.records)).toHaveLength(1)
    const verdict = t.records.find((r) => r.kind === 'budget')
    expect(verdict?.kind === 'budget' && verdict.verdict.source).toEqual({
      kind: 'config',
      file: 'package.json',
      key: 'budgets.bench["allocate from config"]',
    })
  })

  test('the [VERIFY] log carries the memory of benches, memory budgets and leak checks', () => {
    const { events, problems } = readEvents(join(run.dir, 'logs/perfgate.jsonl'))
    expect(problems).toEqual([])
    const leaks = events.flatMap((e) => (e.type === 'leak' ? [e] : []))
    expect(leaks.map((e) => [e.name, e.status, e.verdict, e.expectsLeak]).sort()).toEqual(
      [
        ['remember', 'leak', 'fail', false],
        ['remember again', 'leak', 'fail', true],
        ['allocate', 'no-leak', 'pass', false],
        ['allocate, expected to leak', 'no-leak', 'pass', true],
        ['appendTo', 'no-leak', 'pass', false],
      ].sort(),
    )
    expect(leaks[0]).toMatchObject({ metric: 'heapSlope', unit: 'bytes/call', gc: 'v8-flag' })
    const bench = events.find((e) => e.type === 'bench' && e.name === 'allocate 1000 objects')
    expect(bench?.type === 'bench' && bench.memory).toMatchObject({
      gc: 'v8-flag',
      batches: expect.any(Number),
    })
    const budget = events.find((e) => e.type === 'budget' && e.name === 'allocate over budget')
    expect(budget).toMatchObject({ metric: 'heapPerCall', unit: 'bytes', verdict: 'fail' })
  })

  test('the candidate baseline keeps the memory of each bench that had it', async () => {
    const candidate = await readBaseline(join(run.dir, '.perfgate/candidates/default.json'))
    expect(candidate?.benches['allocate 1000 objects']?.memory?.heapPerCallBytes).toBeGreaterThan(35_000)
    expect(candidate?.benches['no memory measured']?.memory).toBeUndefined()
  })
})

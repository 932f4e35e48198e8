import { describe, expect, it } from 'vitest'
import { withMemoryForLimits } from '../../matchers/vitest/to-meet-budget.js'
import {
  BENCH_BUDGET_KEYS,
  budgetLimits,
  evaluateBenchBudget,
  samplesToBound,
} from '../../src/budget/evaluate-bench-budget.js'
import { explainBudget, formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import { parseConfig } from '../../src/config/load-config.js'
import type { BenchResult } from '../../src/measure/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { memoryOf, spreadAround, withMemory } from '../fixtures/memory-results.js'

// 200 calls of about 25 µs, with memory batches of 40.2 kB ± 1% per call and an RSS peak of 120 MB.
const timed = benchResult({ name: 'parse 1 kB', perCallNs: uniformTimes(25e3, 0.1, 200), batchSize: 16 })
const parse = withMemory(timed, memoryOf({ allocated: spreadAround(40_200, 0.01, 20) }))
const packageJson: BudgetSource = { kind: 'config', file: 'package.json', key: 'budgets.bench["parse *"]' }

function message(result: BenchResult, budget: Record<string, unknown>, source?: BudgetSource): string {
  const verdict = evaluateBenchBudget(result, parseBenchBudget(budget, 'test'), source)
  return formatBudgetMessage(explainBudget(verdict, result))
}

describe('memory budgets', () => {
  it('parse as sizes, in bytes, after the time keys', () => {
    const budget = parseBenchBudget({ rss: '200 MB', heapPerCall: '1.5 KiB', p95: '2ms' }, 'test')
    expect(budget.heapPerCall).toEqual({ text: '1.5 KiB', bytes: 1536 })
    expect(budget.rss).toEqual({ text: '200 MB', bytes: 200e6 })
    expect(budgetLimits(budget).map((l) => [l.metric, l.bound.value])).toEqual([
      ['p95', 2e6],
      ['heapPerCall', 1536],
      ['rss', 200e6],
    ])
    expect(BENCH_BUDGET_KEYS.slice(-2)).toEqual(['heapPerCall', 'rss'])
    // Memory limits need no timed samples of their own.
    expect(samplesToBound(budgetLimits(parseBenchBudget({ heapPerCall: 1000 }, 'test')), 0.95)).toBe(0)
  })

  it('are accepted in package.json budgets.bench', () => {
    const config = parseConfig({ budgets: { bench: { 'parse *': { heapPerCall: '50 kB', rss: 2e8 } } } })
    expect(config.budgets.bench['parse *']?.heapPerCall?.bytes).toBe(50e3)
    expect(config.budgets.bench['parse *']?.rss).toEqual({ text: '200000000', bytes: 200e6 })
  })

  it('reject what is not a size, with the keys a bench budget takes', () => {
    expect(() =>
      parseBenchBudget({ heapPerCall: 'a lot' }, 'toMeetBudget()'),
    ).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid budget in toMeetBudget():
      ✖ Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "a lot"
        → at heapPerCall
      A bench budget limits mean, median, p50, p75, p90, p95, p99 and max from above with durations ("2ms", "250us"), opsPerSec with a bound (">= 10000"), and heapPerCall and rss from above with sizes ("1 kB", "200 MB"), e.g. { p95: '2ms', opsPerSec: '>= 10000', heapPerCall: '1 kB' }.]
    `)
  })

  it('pass when the whole interval of heap per call is within the budget, and fail when it is all over', () => {
    const within = evaluateBenchBudget(parse, parseBenchBudget({ heapPerCall: '50 kB', rss: '200 MB' }, 't'))
    expect(within.metrics.map((m) => [m.metric, m.unit, m.status])).toEqual([
      ['heapPerCall', 'bytes', 'pass'],
      ['rss', 'bytes', 'pass'],
    ])
    expect(within.metrics[0]?.actual).toBe(parse.memory?.heapPerCallBytes)
    expect(within.metrics[0]?.interval).toEqual(parse.memory?.heapPerCallIntervalBytes)
    // RSS is an observed peak, judged on its value like max.
    expect(within.metrics[1]?.interval).toBeNull()
    const over = evaluateBenchBudget(parse, parseBenchBudget({ heapPerCall: '30 kB', rss: '100 MB' }, 't'))
    expect(over.metrics.map((m) => m.status)).toEqual(['fail', 'fail'])
  })

  it('are inconclusive when the interval straddles the budget', () => {
    const verdict = evaluateBenchBudget(parse, parseBenchBudget({ heapPerCall: '40.2 kB' }, 't'))
    expect(verdict.status).toBe('inconclusive')
  })

  it('explain a failure in bytes, naming the memory batches and what to do', () => {
    expect(message(parse, { heapPerCall: '1 kB', rss: '200 MB' }, packageJson)).toMatchInlineSnapshot(`
      ""parse 1 kB" heapPerCall is 40.3 kB (95% CI 40.2–40.4 kB), 40.3× its 1.00 kB budget.

      Received: heapPerCall 40.3 kB · rss 120 MB · median 25.1 µs · 200 batches × 16 calls · 20 memory batches · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: heapPerCall ≤ 1.00 kB, rss ≤ 200 MB (perfgate.budgets.bench["parse *"] in package.json)

      Make it allocate less; or, if the new cost is accepted, change perfgate.budgets.bench["parse *"] in package.json."
    `)
  })

  it('explain an unsettled heapPerCall with the memory batches that would settle it', () => {
    expect(message(parse, { heapPerCall: '40.4 kB' })).toMatchInlineSnapshot(`
      ""parse 1 kB" heapPerCall is 40.3 kB (95% CI 40.2–40.4 kB): the interval straddles its 40.4 kB budget, so this run cannot tell whether it is within.

      Received: heapPerCall 40.3 kB · median 25.1 µs · 200 batches × 16 calls · 20 memory batches · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: heapPerCall ≤ 40.4 kB (inline)

      The spread of the memory batches (±0.28% at 95% confidence) is wider than the distance to the budget (0.33%). About 1.1× the memory batches would settle it: try { memory: { batches: 26 } } (this run had 20).
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
  })

  it('say when GC could not be forced', () => {
    const noGc = withMemory(timed, memoryOf({ allocated: spreadAround(40_200, 0.01, 20), gc: null }))
    expect(
      explainBudget(evaluateBenchBudget(noGc, parseBenchBudget({ heapPerCall: '1 kB' }, 't')), noGc).received,
    ).toContain('200 batches × 16 calls · 20 memory batches (GC not forced) · node')
  })

  it('on a result measured without memory, are an error that says to pass { memory: true }', () => {
    expect(() =>
      evaluateBenchBudget(timed, parseBenchBudget({ p95: '1s', rss: '1 GB' }, 't')),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: "parse 1 kB" was benched without memory, so its rss budget cannot be checked. Bench it with memory on: bench("parse 1 kB", fn, { memory: true }); or give toMeetBudget the function itself, which turns memory on for heapPerCall and rss budgets.]`,
    )
    // A time budget alone needs no memory.
    expect(evaluateBenchBudget(timed, parseBenchBudget({ p95: '1s' }, 't')).status).toBe('pass')
  })
})

describe('withMemoryForLimits', () => {
  const limits = (budget: Record<string, unknown>) => budgetLimits(parseBenchBudget(budget, 't'))

  it('turns memory on for a memory limit, and leaves the options alone otherwise', () => {
    expect(withMemoryForLimits({ time: '1s' }, limits({ heapPerCall: '1 kB' }))).toEqual({
      time: '1s',
      memory: true,
    })
    expect(withMemoryForLimits({ time: '1s' }, limits({ p95: '1ms' }))).toEqual({ time: '1s' })
  })

  it('keeps the memory settings the user chose', () => {
    expect(withMemoryForLimits({ memory: { batches: 50 } }, limits({ rss: '1 GB' }))).toEqual({
      memory: { batches: 50 },
    })
  })
})

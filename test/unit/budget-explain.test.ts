import { describe, expect, it } from 'vitest'
import { evaluateBenchBudget, evaluateLimits } from '../../src/budget/evaluate-bench-budget.js'
import { explainBudget, formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import { isPerfgateError } from '../../src/errors.js'
import type { BenchResult } from '../../src/measure/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'

// 200 calls spread evenly over 2.16–2.64 ms: median ≈ 2.41 ms (95% CI 2.38–2.45 ms), p95 ≈ 2.62 ms.
const sort10k = benchResult({ perCallNs: uniformTimes(2.4e6, 0.1, 200) })
const packageJson: BudgetSource = { kind: 'config', file: 'package.json', key: 'budgets.bench["sort 10k"]' }

/** The full message for a budget written as a user writes it. */
function message(result: BenchResult, budget: Record<string, unknown>, source?: BudgetSource): string {
  const verdict = evaluateBenchBudget(result, parseBenchBudget(budget, 'test'), source)
  return formatBudgetMessage(explainBudget(verdict, result))
}

describe('explainBudget', () => {
  it('explains a failing p95 and names the config key to edit', () => {
    expect(message(sort10k, { p95: '2ms' }, packageJson)).toMatchInlineSnapshot(`
      ""sort 10k" p95 is 2.62 ms (95% CI 2.61–2.63 ms), 31% over its 2.00 ms budget.

      Received: p95 2.62 ms · median 2.41 ms · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 2.00 ms (perfgate.budgets.bench["sort 10k"] in package.json)

      Make it faster; or, if the new cost is accepted, change perfgate.budgets.bench["sort 10k"] in package.json."
    `)
  })

  it('says how many times over the budget when the miss is more than 2×', () => {
    expect(message(sort10k, { p95: '1ms' })).toMatchInlineSnapshot(`
      ""sort 10k" p95 is 2.62 ms (95% CI 2.61–2.63 ms), 2.62× its 1.00 ms budget.

      Received: p95 2.62 ms · median 2.41 ms · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 1.00 ms (inline)

      Make it faster; or, if the new cost is accepted, change the inline budget."
    `)
  })

  it('for an unsettled verdict, says how much longer a run would settle it', () => {
    expect(message(sort10k, { median: '2.4ms' }, packageJson)).toMatchInlineSnapshot(`
      ""sort 10k" median is 2.41 ms (95% CI 2.38–2.45 ms): the interval straddles its 2.40 ms budget, so this run cannot tell whether it is within.

      Received: median 2.41 ms · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: median ≤ 2.40 ms (perfgate.budgets.bench["sort 10k"] in package.json)

      The machine's noise (±1.4% at 95% confidence) is wider than the distance to the budget (0.28%). About 14× the samples would settle it: try { time: '8.5s' } (this run had 500ms).
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
  })

  it('says when the value is too close to the budget for a longer run to help', () => {
    // About 200× the samples would be needed: not practical advice.
    expect(message(sort10k, { mean: '2.41ms', max: '3ms' })).toMatchInlineSnapshot(`
      ""sort 10k" mean is 2.41 ms (95% CI 2.39–2.43 ms): the interval straddles its 2.41 ms budget, so this run cannot tell whether it is within.

      Received: mean 2.41 ms · max 2.64 ms · median 2.41 ms · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: mean ≤ 2.41 ms, max ≤ 3.00 ms (inline)

      The machine's noise (±0.83% at 95% confidence) is wider than the distance to the budget (0.056%). The value sits too close to the budget for a longer run to settle it; move the budget away from the measured value, or quiet the machine.
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
    // Exactly on the limit no run length settles it.
    const onIt = evaluateLimits(sort10k, [
      { metric: 'median', bound: { op: '<=', value: sort10k.stats.medianNs }, text: '' },
    ])
    expect(onIt.metrics[0]?.settleFactor).toBeNull()
    expect(explainBudget(onIt, sort10k).advice).toMatchInlineSnapshot(`
      [
        "The machine's noise (±1.4% at 95% confidence) is wider than the distance to the budget (0%). The value sits too close to the budget for a longer run to settle it; move the budget away from the measured value, or quiet the machine.",
        "If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }.",
      ]
    `)
  })

  it('explains a failing opsPerSec as calls per second under a minimum', () => {
    const parse = benchResult({ name: 'parse', perCallNs: uniformTimes(80e3, 0.1, 200) })
    const unsettled = evaluateLimits(parse, [
      { metric: 'opsPerSec', bound: { op: '>=', value: 12_500 }, text: '>= 12500' },
    ])
    expect(explainBudget(unsettled, parse).headlines).toMatchInlineSnapshot(`
      [
        ""parse" opsPerSec is 12,465 ops/s (95% CI 12,257–12,598 ops/s): the interval straddles its 12,500 ops/s minimum, so this run cannot tell whether it is above.",
      ]
    `)
    expect(message(parse, { opsPerSec: '>= 15000', p95: '1ms' })).toMatchInlineSnapshot(`
      ""parse" opsPerSec is 12,465 ops/s (95% CI 12,257–12,598 ops/s), 17% under its 15,000 ops/s minimum.

      Received: p95 87.4 µs · opsPerSec 12,465 ops/s · median 80.2 µs · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 1.00 ms, opsPerSec ≥ 15,000 ops/s (inline)

      Make it faster; or, if the new cost is accepted, change the inline budget."
    `)
  })

  it('warns that percentiles of batch means hide per-call tails', () => {
    const batched = benchResult({ perCallNs: uniformTimes(2.4e6, 0.1, 60, 3), batchSize: 8 })
    expect(message(batched, { p95: '2ms', max: '2ms', median: '5ms' })).toMatchInlineSnapshot(`
      ""sort 10k" p95 is 2.61 ms (95% CI 2.58–2.64 ms), 30% over its 2.00 ms budget.
      "sort 10k" max is 2.64 ms, 32% over its 2.00 ms budget.

      Received: median 2.39 ms · p95 2.61 ms · max 2.64 ms · 60 batches × 8 calls · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: median ≤ 5.00 ms, p95 ≤ 2.00 ms, max ≤ 2.00 ms (inline)

      Make it faster; or, if the new cost is accepted, change the inline budget.
      p95 and max here are taken over batch means (8 calls each), which smooth out slow single calls; bench with { batchSize: 1 } to see per-call tails."
    `)
  })

  it('says how many samples a percentile needs when there are too few to bound it', () => {
    const few = benchResult({ perCallNs: uniformTimes(1e6, 0.1, 10) })
    expect(message(few, { p95: '5ms' })).toMatchInlineSnapshot(`
      ""sort 10k" p95 is 1.09 ms (95% CI 1.07 ms–∞): 10 samples cannot bound p95 at 95% confidence, so this run cannot tell whether it is within its 5.00 ms budget.

      Received: p95 1.09 ms · median 1.01 ms · 10 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 5.00 ms (inline)

      p95 needs at least 72 samples for an interval at 95% confidence; this run had 10. Give it { minSamples: 72 }, or more time.
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
  })

  it('explains a pass, for .not', () => {
    expect(message(sort10k, { p95: '3ms', opsPerSec: '>= 100' }, packageJson)).toMatchInlineSnapshot(`
      ""sort 10k" p95 is 2.62 ms (95% CI 2.61–2.63 ms), within its 3.00 ms budget (13% headroom).
      "sort 10k" opsPerSec is 415 ops/s (95% CI 409–420 ops/s), above its 100 ops/s minimum (315% headroom).

      Received: p95 2.62 ms · opsPerSec 415 ops/s · median 2.41 ms · 200 batches × 1 call · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 3.00 ms, opsPerSec ≥ 100 ops/s (perfgate.budgets.bench["sort 10k"] in package.json)"
    `)
  })

  it('gives the parts a matcher builds its message from', () => {
    const verdict = evaluateBenchBudget(sort10k, parseBenchBudget({ p95: '2ms' }, 'test'), packageJson)
    const explanation = explainBudget(verdict, sort10k)
    expect(explanation.headlines).toHaveLength(1)
    expect(explanation.received).toMatch(
      /^Received: p95 2\.62 ms · median 2\.41 ms · 200 batches × 1 call · /,
    )
    expect(explanation.expected).toBe(
      'Expected: p95 ≤ 2.00 ms (perfgate.budgets.bench["sort 10k"] in package.json)',
    )
  })
})

describe('parseBenchBudget', () => {
  const error = (input: unknown) => {
    try {
      parseBenchBudget(input, 'toMeetBudget()')
    } catch (thrown) {
      return thrown
    }
    throw new Error('expected parseBenchBudget to throw')
  }

  it('suggests the key meant when one is unknown', () => {
    const thrown = error({ p59: '2ms' })
    expect(isPerfgateError(thrown, 'BUDGET_INVALID')).toBe(true)
    expect((thrown as Error).cause).toBeDefined()
    expect((thrown as Error).message).toMatchInlineSnapshot(`
      "perfgate: Invalid budget in toMeetBudget():
      ✖ Unknown key "p59". Did you mean "p95"?
        → at the budget
      A bench budget limits mean, median, p50, p75, p90, p95, p99 and max from above with durations ("2ms", "250us"), opsPerSec with a bound (">= 10000"), and heapPerCall and rss from above with sizes ("1 kB", "200 MB"), e.g. { p95: '2ms', opsPerSec: '>= 10000', heapPerCall: '1 kB' }."
    `)
  })

  it('says what a duration looks like when one is not', () => {
    expect((error({ p95: 'fast' }) as Error).message).toMatchInlineSnapshot(`
      "perfgate: Invalid budget in toMeetBudget():
      ✖ Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast"
        → at p95
      A bench budget limits mean, median, p50, p75, p90, p95, p99 and max from above with durations ("2ms", "250us"), opsPerSec with a bound (">= 10000"), and heapPerCall and rss from above with sizes ("1 kB", "200 MB"), e.g. { p95: '2ms', opsPerSec: '>= 10000', heapPerCall: '1 kB' }."
    `)
  })

  it('refuses an empty budget, which would always pass', () => {
    const thrown = error({})
    expect(isPerfgateError(thrown, 'BUDGET_INVALID')).toBe(true)
    expect((thrown as Error).message).toMatchInlineSnapshot(`
      "perfgate: Invalid budget in toMeetBudget():
      ✖ The budget is empty: it limits nothing, so it would always pass
        → at the budget
      A bench budget limits mean, median, p50, p75, p90, p95, p99 and max from above with durations ("2ms", "250us"), opsPerSec with a bound (">= 10000"), and heapPerCall and rss from above with sizes ("1 kB", "200 MB"), e.g. { p95: '2ms', opsPerSec: '>= 10000', heapPerCall: '1 kB' }."
    `)
  })

  it('keeps the text as written next to the parsed value', () => {
    expect(parseBenchBudget({ p95: '2ms', opsPerSec: '>= 10000' }, 'test')).toMatchObject({
      p95: { text: '2ms', ns: 2e6 },
      opsPerSec: { text: '>= 10000', op: '>=', value: 10_000 },
    })
  })
})

import { describe, expect, it } from 'vitest'
import { evaluateBenchBudget, evaluateLimits, judge } from '../../src/budget/evaluate-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import type { BenchResult } from '../../src/measure/types.js'
import { quantile } from '../../src/stats/quantile.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'

// 200 calls spread evenly over 2.16–2.64 ms: median ≈ 2.41 ms (95% CI 2.38–2.45 ms), p95 ≈ 2.62 ms.
const sort10k = benchResult({ perCallNs: uniformTimes(2.4e6, 0.1, 200) })
// A fast function, ~80 µs a call: about 12,500 calls per second.
const parse = benchResult({ name: 'parse', perCallNs: uniformTimes(80e3, 0.1, 200) })

/** Evaluate a budget written as a user writes it. */
function evaluate(result: BenchResult, budget: Record<string, unknown>, source?: BudgetSource) {
  return evaluateBenchBudget(result, parseBenchBudget(budget, 'test'), source)
}

describe('evaluateBenchBudget', () => {
  it('passes when the whole interval is inside the limit', () => {
    const [lo, hi] = sort10k.stats.p95IntervalNs
    expect(hi).toBeLessThan(3e6)
    const verdict = evaluate(sort10k, { p95: '3ms' })
    expect(verdict.status).toBe('pass')
    expect(verdict.metrics).toEqual([
      {
        status: 'pass',
        metric: 'p95',
        unit: 'ns',
        actual: sort10k.stats.p95Ns,
        interval: [lo, hi],
        limit: { op: '<=', value: 3e6 },
        limitText: '3ms',
        margin: (3e6 - sort10k.stats.p95Ns) / 3e6,
        settleFactor: null,
        samplesNeeded: null,
      },
    ])
  })

  it('never passes a percentile on too few samples to bound it, and says how many it needs', () => {
    // Ten samples cover the true p95 by their maximum only 1 − 0.95¹⁰ ≈ 40% of the time, so even
    // a budget far above every sample is not shown to hold at 95%. p95 needs ⌈ln 0.025 / ln 0.95⌉ = 72.
    const few = benchResult({ perCallNs: uniformTimes(1e6, 0.1, 10) })
    const verdict = evaluate(few, { p95: '1s', median: '1s' })
    expect(verdict.status).toBe('inconclusive')
    const [p95, median] = [
      verdict.metrics.find((m) => m.metric === 'p95')!,
      verdict.metrics.find((m) => m.metric === 'median')!,
    ]
    expect(p95).toMatchObject({ status: 'inconclusive', samplesNeeded: 72 })
    expect(p95.interval?.[1]).toBe(Number.POSITIVE_INFINITY)
    // The median is bounded by 10 samples ([x₍₂₎, x₍₉₎] covers it 97.9% of the time).
    expect(median).toMatchObject({ status: 'pass', samplesNeeded: null })
    // A clear miss still fails: the lower bound is finite.
    expect(evaluate(few, { p95: '100us' }).status).toBe('fail')
    // With 72 samples the maximum bounds p95: the same generous budget passes.
    const enough = benchResult({ perCallNs: uniformTimes(1e6, 0.1, 72) })
    expect(evaluate(enough, { p95: '1s' }).status).toBe('pass')
  })

  it('fails when the whole interval is beyond the limit', () => {
    expect(sort10k.stats.p95IntervalNs[0]).toBeGreaterThan(2e6)
    const verdict = evaluate(sort10k, { p95: '2ms' })
    expect(verdict.status).toBe('fail')
    expect(verdict.metrics[0]).toMatchObject({ status: 'fail', settleFactor: null })
  })

  it('is inconclusive when the interval straddles the limit', () => {
    const [lo, hi] = sort10k.stats.medianIntervalNs
    expect(lo).toBeLessThan(2.4e6)
    expect(hi).toBeGreaterThan(2.4e6)
    const verdict = evaluate(sort10k, { median: '2.4ms' })
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.metrics[0]).toMatchObject({ status: 'inconclusive', interval: [lo, hi] })
  })

  it('reads opsPerSec as a lower bound on calls per second at the median, with the median interval inverted', () => {
    const [lo, hi] = parse.stats.medianIntervalNs
    const pass = evaluate(parse, { opsPerSec: '>= 10000' })
    expect(pass.status).toBe('pass')
    expect(pass.metrics[0]).toMatchObject({
      metric: 'opsPerSec',
      unit: 'ops/s',
      actual: 1e9 / parse.stats.medianNs,
      // A slower median is fewer calls per second, so the interval's ends swap.
      interval: [1e9 / hi, 1e9 / lo],
      limit: { op: '>=', value: 10_000 },
      limitText: '>= 10000',
    })
    expect(evaluate(parse, { opsPerSec: '>= 15000' }).status).toBe('fail')
    // A bare number is a minimum too.
    expect(evaluate(parse, { opsPerSec: 15_000 }).metrics[0]?.limit).toEqual({ op: '>=', value: 15_000 })
    const straddled = 1e9 / parse.stats.medianNs
    expect(
      evaluateLimits(parse, [
        { metric: 'opsPerSec', bound: { op: '>=', value: straddled * 1.001 }, text: '' },
      ]).status,
    ).toBe('inconclusive')
  })

  it('judges max on the observed value alone: it has no interval', () => {
    const max = sort10k.stats.maxNs
    expect(max).toBeGreaterThan(2.6e6)
    expect(max).toBeLessThan(2.7e6)
    const over = evaluate(sort10k, { max: '2.6ms' })
    expect(over.metrics[0]).toMatchObject({ status: 'fail', actual: max, interval: null, settleFactor: null })
    expect(evaluate(sort10k, { max: '2.7ms' }).metrics[0]).toMatchObject({ status: 'pass', interval: null })
  })

  it('gives the mean a normal interval: mean ± z(0.975) · sd / √n', () => {
    const { meanNs, sdNs, samples } = sort10k.stats
    // z(0.975) = 1.959963984540054, the 97.5% point of the standard normal (NIST/SEMATECH e-Handbook, 1.3.6.7.1).
    const halfWidth = (1.959963984540054 * sdNs) / Math.sqrt(samples)
    const metric = evaluate(sort10k, { mean: '3ms' }).metrics[0]!
    expect(metric.actual).toBe(meanNs)
    expect(metric.interval![0]).toBeCloseTo(meanNs - halfWidth, 6)
    expect(metric.interval![1]).toBeCloseTo(meanNs + halfWidth, 6)
  })

  it('reports metrics in the order of BENCH_BUDGET_KEYS, not the order written', () => {
    const verdict = evaluate(sort10k, { opsPerSec: '>= 100', max: '5ms', p95: '3ms', mean: '3ms' })
    expect(verdict.metrics.map((m) => m.metric)).toEqual(['mean', 'p95', 'max', 'opsPerSec'])
  })

  it('takes the worst status of its metrics: fail over inconclusive over pass', () => {
    expect(evaluate(sort10k, { p95: '3ms', max: '3ms' }).status).toBe('pass')
    expect(evaluate(sort10k, { p95: '3ms', median: '2.4ms' }).status).toBe('inconclusive')
    expect(evaluate(sort10k, { p95: '3ms', median: '2.4ms', max: '2.6ms' }).status).toBe('fail')
  })

  it('carries what the message needs: name, source, confidence, samples, batch size, granularity, time budget', () => {
    const source: BudgetSource = { kind: 'config', file: 'package.json', key: 'budgets.bench["sort 10k"]' }
    const batched = benchResult({ perCallNs: uniformTimes(2.4e6, 0.1, 80), batchSize: 8, budgetNs: 2e9 })
    const { metrics: _metrics, ...rest } = evaluate(batched, { p95: '3ms' }, source)
    expect(rest).toEqual({
      kind: 'budget',
      name: 'sort 10k',
      status: 'pass',
      source,
      confidence: 0.95,
      samples: 80,
      batchSize: 8,
      granularity: 'batch-mean',
      timeBudgetNs: 2e9,
    })
    expect(evaluate(sort10k, { p95: '3ms' }).source).toEqual({ kind: 'inline' })
  })
})

describe('evaluateLimits', () => {
  // p99.9 needs thousands of samples before its interval stops reaching the slowest sample.
  const many = benchResult({ perCallNs: uniformTimes(1e6, 0.2, 10_000, 7) })

  it('computes any percentile from the per-call times, with an order-statistic interval around it', () => {
    const sorted = sortSamples(many.batchTimesNs.map((t) => t / many.batchSize))
    const p999 = quantile(sorted, 0.999)
    const verdict = evaluateLimits(many, [
      { metric: 'p99.9', bound: { op: '<=', value: 1.3e6 }, text: '1.3ms' },
    ])
    expect(verdict.status).toBe('pass')
    const metric = verdict.metrics[0]!
    expect(metric).toMatchObject({ metric: 'p99.9', unit: 'ns', actual: p999, limitText: '1.3ms' })
    const [lo, hi] = metric.interval!
    expect(lo).toBeLessThan(p999)
    expect(hi).toBeGreaterThan(p999)
    // Order statistics: both ends are recorded samples, and the upper one is not the maximum.
    expect(sorted).toContain(lo)
    expect(sorted).toContain(hi)
    expect(hi).toBeLessThan(many.stats.maxNs)
    expect(
      evaluateLimits(many, [{ metric: 'p99.9', bound: { op: '<=', value: 1e6 }, text: '1ms' }]).status,
    ).toBe('fail')
    expect(
      evaluateLimits(many, [{ metric: 'p99.9', bound: { op: '<=', value: p999 }, text: '' }]).status,
    ).toBe('inconclusive')
  })

  it('agrees with evaluateBenchBudget on the percentiles BenchStats already holds', () => {
    const fromBudget = evaluate(sort10k, { p95: '2.5ms', median: '2.5ms' })
    const fromLimits = evaluateLimits(sort10k, [
      { metric: 'median', bound: { op: '<=', value: 2.5e6 }, text: '2.5ms' },
      { metric: 'p95', bound: { op: '<=', value: 2.5e6 }, text: '2.5ms' },
    ])
    expect(fromLimits).toEqual(fromBudget)
  })

  it('rejects a metric that is not a percentile between 0 and 100', () => {
    expect(() =>
      evaluateLimits(sort10k, [{ metric: 'p100', bound: { op: '<=', value: 1 }, text: '1ns' }]),
    ).toThrowErrorMatchingInlineSnapshot(`[RangeError: Not a percentile between 0 and 100: p100]`)
  })
})

describe('judge', () => {
  const upper = { op: '<=', value: 100 } as const
  const lower = { op: '>=', value: 100 } as const

  it('passes, fails or is inconclusive on where the interval lies, for upper and lower limits', () => {
    expect(judge('p95', 90, [80, 95], upper, '100ns').status).toBe('pass')
    expect(judge('p95', 110, [105, 120], upper, '100ns').status).toBe('fail')
    expect(judge('p95', 98, [90, 105], upper, '100ns').status).toBe('inconclusive')
    expect(judge('opsPerSec', 110, [105, 120], lower, '>= 100').status).toBe('pass')
    expect(judge('opsPerSec', 90, [80, 95], lower, '>= 100').status).toBe('fail')
    expect(judge('opsPerSec', 102, [95, 110], lower, '>= 100').status).toBe('inconclusive')
    // An interval end on an inclusive limit is inside it; on a strict one it is not.
    expect(judge('p95', 90, [80, 100], upper, '100ns').status).toBe('pass')
    expect(judge('p95', 90, [80, 100], { op: '<', value: 100 }, '< 100ns').status).toBe('inconclusive')
  })

  it('gives the margin as relative headroom: positive inside the limit, negative beyond it', () => {
    expect(judge('p95', 80, [70, 90], upper, '100ns').margin).toBeCloseTo(0.2, 12)
    expect(judge('p95', 125, [120, 130], upper, '100ns').margin).toBeCloseTo(-0.25, 12)
    expect(judge('opsPerSec', 120, [110, 130], lower, '>= 100').margin).toBeCloseTo(0.2, 12)
    expect(judge('opsPerSec', 75, [70, 80], lower, '>= 100').margin).toBeCloseTo(-0.25, 12)
    expect(judge('max', 0, null, { op: '<=', value: 0 }, '0ns').margin).toBe(0)
    expect(judge('max', 5, null, { op: '<=', value: 0 }, '0ns').margin).toBe(-1)
  })

  it('settleFactor is (half-width toward the limit / distance to it)²', () => {
    // Under the limit by 10, interval reaching 20 above the estimate: (20 / 10)² = 4.
    expect(judge('p95', 90, [85, 110], upper, '100ns').settleFactor).toBeCloseTo(4, 12)
    // Over it by 10, interval reaching 30 below the estimate: (30 / 10)² = 9. The far side (112) does not count.
    expect(judge('p95', 110, [80, 112], upper, '100ns').settleFactor).toBeCloseTo(9, 12)
    // Lower limits: over it by 4 with the interval 6 below the estimate: (6 / 4)² = 2.25.
    expect(judge('opsPerSec', 104, [98, 105], lower, '>= 100').settleFactor).toBeCloseTo(2.25, 12)
  })

  it('settleFactor is null when the estimate sits on the limit, and when the verdict is settled', () => {
    expect(judge('p95', 100, [90, 110], upper, '100ns')).toMatchObject({
      status: 'inconclusive',
      settleFactor: null,
    })
    expect(judge('p95', 90, [80, 95], upper, '100ns').settleFactor).toBeNull()
    expect(judge('p95', 110, [105, 120], upper, '100ns').settleFactor).toBeNull()
  })

  it('matches a hand computation on a real median interval', () => {
    const [lo] = sort10k.stats.medianIntervalNs
    const actual = sort10k.stats.medianNs
    // The median (≈ 2.407 ms) is just over 2.4 ms, so the lower end is the one that crosses it.
    expect(actual).toBeGreaterThan(2.4e6)
    const expected = ((actual - lo) / (actual - 2.4e6)) ** 2
    expect(evaluate(sort10k, { median: '2.4ms' }).metrics[0]?.settleFactor).toBeCloseTo(expected, 9)
    expect(expected).toBeCloseTo(14.1, 1)
  })
})

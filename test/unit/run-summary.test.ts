import { describe, expect, it } from 'vitest'
import { collectRecords, type ReportedModule } from '../../reporters/collect-records.js'
import { formatRunSummary, summarizeRun } from '../../reporters/run-summary.js'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import { checkSuite } from '../../src/baseline/check-suite.js'
import { evaluateBenchBudget } from '../../src/budget/evaluate-bench-budget.js'
import { formatDuration, formatRange, formatRatio } from '../../src/budget/format.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { processRuns } from '../fixtures/process-runs.js'
import { scalingResult } from '../fixtures/scaling-results.js'

const sort = benchResult({ name: 'sort 10k', perCallNs: uniformTimes(2.4e6, 0.1, 200) })
const parse = benchResult({ name: 'parse', perCallNs: uniformTimes(80e3, 0.1, 200) })
const budget = (input: object) => parseBenchBudget(input, 'test')

function module(id: string, tests: { name: string; state: string; records: PerfRecord[] }[]): ReportedModule {
  return {
    moduleId: id,
    children: {
      allTests: () =>
        tests.map((t) => ({
          fullName: t.name,
          name: t.name,
          parent: { type: 'module' as const },
          meta: () => ({ perfgate: t.records }),
          result: () => ({ state: t.state }),
        })),
    },
  }
}

describe('collectRecords', () => {
  it('keeps tests with records, with their file relative to the root', () => {
    const entries = collectRecords(
      [
        module('/project/perf/sort.perf.ts', [
          { name: 'sort', state: 'passed', records: [{ kind: 'bench', result: sort }] },
          { name: 'unit test', state: 'passed', records: [] },
        ]),
      ],
      '/project',
    )
    expect(entries).toEqual([
      {
        test: 'sort',
        names: ['sort'],
        file: 'perf/sort.perf.ts',
        path: '/project/perf/sort.perf.ts',
        state: 'passed',
        records: [{ kind: 'bench', result: sort }],
      },
    ])
  })
})

describe('formatRunSummary', () => {
  it('tables benches with their budget verdict, comparisons, and names the unguarded', () => {
    const failing = evaluateBenchBudget(sort, budget({ p95: '2ms' }), {
      kind: 'config',
      file: 'package.json',
      key: 'budgets.bench["sort 10k"]',
    })
    const summary = summarizeRun([
      {
        test: 'sort',
        names: ['sort'],
        file: 'perf/sort.perf.ts',
        path: '/project/perf/sort.perf.ts',
        state: 'failed',
        records: [
          { kind: 'bench', result: sort },
          { kind: 'budget', verdict: failing, inconclusivePolicy: 'fail' },
        ],
      },
      {
        test: 'parse',
        names: ['parse'],
        file: 'perf/parse.perf.ts',
        path: '/project/perf/parse.perf.ts',
        state: 'passed',
        records: [
          { kind: 'bench', result: parse },
          { kind: 'unguarded', name: 'parse' },
        ],
      },
    ])
    expect(summary.benches.map((b) => [b.name, b.status])).toEqual([
      ['sort 10k', 'fail'],
      ['parse', 'unguarded'],
    ])
    expect(formatRunSummary(summary)).toMatchInlineSnapshot(`
      "
      perfgate summary

      bench     median (95% CI)         p95      batches × calls  budget         verdict
      ────────  ──────────────────────  ───────  ───────────────  ─────────────  ───────────
      sort 10k  2.41 ms (2.38–2.45 ms)  2.62 ms  200 × 1          p95 ≤ 2.00 ms  ✗ fail
      parse     80.2 µs (79.4–81.6 µs)  87.4 µs  200 × 1          —              – unguarded

      Unguarded (no budget checked them): "parse". Add budgets in package.json under perfgate.budgets.bench, or inline.

      2 benches: 1 fail, 1 unguarded"
    `)
  })

  it('says at which confidence the baseline column is: 95%, and 98.33% for what was re-measured in rounds', async () => {
    const baseline = baselineFromResults('main', [
      ...processRuns('sort 10k', 2.4e6, 5, 1),
      ...processRuns('parse', 80e3, 5, 2),
    ])
    // parse looks 30% slower in the run and in each fresh process: re-measured and confirmed.
    const slower = processRuns('parse', 80e3 * 1.3, 1, 9)[0]!
    const check = await checkSuite([sort, slower], baseline, {}, async () => [
      processRuns('parse', 80e3 * 1.3, 1, 10)[0]!,
    ])
    const entry = (name: string, result: typeof sort) => ({
      test: name,
      names: [name],
      file: 'perf/a.perf.ts',
      path: '/project/perf/a.perf.ts',
      state: 'passed' as const,
      records: [{ kind: 'bench' as const, result }],
    })
    const text = formatRunSummary(summarizeRun([entry('sort', sort), entry('parse', slower)], check.verdicts))
    expect(text).toContain('vs baseline (95% or 98.33% CI)')
    const alone = await checkSuite([sort], baseline)
    expect(formatRunSummary(summarizeRun([entry('sort', sort)], alone.verdicts))).toContain(
      'vs baseline (95% CI)',
    )
  })

  it('prints nothing for a run without perf records', () => {
    expect(formatRunSummary({ benches: [], comparisons: [] })).toBe('')
  })
})

describe('formatRange', () => {
  it('writes a shared unit once, different units twice, and ∞ for an open end', () => {
    expect(formatRange(1.9e6, 2.05e6, formatDuration)).toBe('1.90–2.05 ms')
    expect(formatRange(812e3, 1.02e6, formatDuration)).toBe('812 µs–1.02 ms')
    expect(formatRange(0.95, 1.02, formatRatio)).toBe('0.950–1.02×')
    expect(formatRange(1.07e6, Number.POSITIVE_INFINITY, formatDuration)).toBe('1.07 ms–∞')
  })
})

describe('formatRunSummary with scaling claims', () => {
  it('tables each claim with its exponent, sizes and verdict, and counts them', () => {
    const linear = scalingResult({ name: 'sum', timeNs: (n) => 2 * n, noise: 0.01, seed: 3 })
    const quadratic = scalingResult({ name: 'pairs', timeNs: (n) => n * n, noise: 0.01, seed: 4 })
    const entry = (test: string, records: PerfRecord[]) => ({
      test,
      names: [test],
      file: 'scaling.perf.ts',
      path: '/project/scaling.perf.ts',
      state: 'passed' as const,
      records,
    })
    const summary = summarizeRun([
      entry('sum is linear', [
        {
          kind: 'scaling',
          result: linear,
          verdict: judgeScaling(linear, 'linear'),
          inconclusivePolicy: 'fail',
        },
      ]),
      entry('pairs is not linear', [
        {
          kind: 'scaling',
          result: quadratic,
          verdict: judgeScaling(quadratic, 'linear'),
          inconclusivePolicy: 'fail',
          negated: true,
        },
      ]),
      entry('measured only', [{ kind: 'scaling', result: linear, verdict: null }]),
    ])
    expect(summary.scalings?.map((c) => Math.round(c.exponent))).toEqual([1, 2, 1])
    expect(summary.scalings?.map((c) => c.claim?.status ?? null)).toEqual(['pass', 'fail', null])
    const text = formatRunSummary(summary).replace(/\d\.\d\d/g, 'x.xx')
    expect(text).toMatchInlineSnapshot(`
      "
      perfgate summary

      scaling  exponent (95% CI)   sizes          claim                verdict
      ───────  ──────────────────  ─────────────  ───────────────────  ─────────────────────────
      sum      n^x.xx (x.xx–x.xx)  1,000–100,000  'linear' (≤ n^x.xx)  ✓ pass
      pairs    n^x.xx (x.xx–x.xx)  1,000–100,000  'linear' (≤ n^x.xx)  ✗ fail (as .not expected)
      sum      n^x.xx (x.xx–x.xx)  1,000–100,000  —                    – no claim

      3 scaling claims: 1 pass, 1 fail"
    `)
  })
})

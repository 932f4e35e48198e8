import { describe, expect, it } from 'vitest'
import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import {
  DEFAULT_SIZE_ALLOWED_GROWTH,
  evaluateSizeBudget,
  type SizeEvaluationInput,
} from '../../src/size/evaluate-size-budget.js'
import { explainSizeBudget, formatBytes, formatDelta } from '../../src/size/explain-size-budget.js'
import { sizeResult } from '../fixtures/size-results.js'

const kB = (n: number) => ({ text: `${n} kB`, bytes: n * 1000 })
const source = { kind: 'config', file: 'package.json', key: 'budgets.size[0]' } as const

function input(overrides: Partial<SizeEvaluationInput> = {}): SizeEvaluationInput {
  const measured = sizeResult()
  return {
    name: 'dist/index.js',
    path: 'dist/index.js',
    limits: { gzip: kB(12) },
    measured,
    baseline: null,
    source,
    ...overrides,
  }
}

describe('evaluateSizeBudget', () => {
  it('passes within the limit and fails one byte over it', () => {
    expect(evaluateSizeBudget(input({ limits: { gzip: { text: '10412', bytes: 10_412 } } })).status).toBe(
      'pass',
    )
    const over = evaluateSizeBudget(input({ limits: { gzip: { text: '10411', bytes: 10_411 } } }))
    expect(over.status).toBe('fail')
    expect(over.metrics).toEqual([
      expect.objectContaining({
        metric: 'gzip',
        actualBytes: 10_412,
        limitBytes: 10_411,
        exceeded: ['limit'],
      }),
    ])
  })

  it('guards only the limited metrics, raw under "limit"', () => {
    const verdict = evaluateSizeBudget(input({ limits: { limit: kB(40), brotli: kB(9) } }))
    expect(verdict.metrics.map((m) => [m.metric, m.status])).toEqual([
      ['raw', 'pass'],
      ['brotli', 'fail'],
    ])
    // (9000 − 9310) / 9000
    expect(verdict.metrics[1]!.margin).toBeCloseTo(-310 / 9000, 12)
  })

  it('fails any growth over the baseline by default, even far under the limit', () => {
    expect(DEFAULT_SIZE_ALLOWED_GROWTH.fraction).toBe(0)
    const baseline = { rawBytes: 31_207, gzipBytes: 10_411, brotliBytes: 9_310 }
    const verdict = evaluateSizeBudget(input({ limits: { gzip: kB(100) }, baseline }))
    expect(verdict.status).toBe('fail')
    expect(verdict.metrics[0]).toMatchObject({
      deltaBytes: 1,
      allowedGrowthBytes: 0,
      exceeded: ['growth'],
      baselineBytes: 10_411,
    })
    expect(verdict.allowedGrowth).toEqual({ text: '0%', fraction: 0, isDefault: true })
  })

  it('allows growth up to floor(baseline × allowedGrowth) bytes, and not one byte more', () => {
    // 1% of 10,000 = 100 bytes: 10,100 passes, 10,101 fails.
    const baseline = { rawBytes: 0, gzipBytes: 10_000, brotliBytes: 0 }
    const allowedGrowth = { text: '1%', fraction: 0.01 }
    const at = (gzipBytes: number) =>
      evaluateSizeBudget(
        input({ limits: { gzip: kB(20), allowedGrowth }, measured: sizeResult({ gzipBytes }), baseline }),
      )
    expect(at(10_100).status).toBe('pass')
    expect(at(10_101).status).toBe('fail')
    expect(at(10_101).metrics[0]!.allowedGrowthBytes).toBe(100)
    // 1% of 150 bytes is 1.5: floor, so 1 byte of growth is allowed and 2 are not.
    const small = { rawBytes: 0, gzipBytes: 150, brotliBytes: 0 }
    const grow = (gzipBytes: number) =>
      evaluateSizeBudget(
        input({
          limits: { gzip: kB(1), allowedGrowth },
          measured: sizeResult({ gzipBytes }),
          baseline: small,
        }),
      ).status
    expect([grow(151), grow(152)]).toEqual(['pass', 'fail'])
  })

  it('passes a shrink, and reports both a broken limit and growth on one metric', () => {
    const baseline = { rawBytes: 40_000, gzipBytes: 12_000, brotliBytes: 10_000 }
    expect(evaluateSizeBudget(input({ baseline })).metrics[0]!.deltaBytes).toBe(-1588)
    expect(evaluateSizeBudget(input({ baseline })).status).toBe('pass')
    const both = evaluateSizeBudget(
      input({ limits: { gzip: kB(10) }, baseline: { rawBytes: 0, gzipBytes: 10_000, brotliBytes: 0 } }),
    )
    expect(both.metrics[0]!.exceeded).toEqual(['limit', 'growth'])
  })

  it('guards all three metrics by growth when the budget sets no limit', () => {
    const baseline = { rawBytes: 31_207, gzipBytes: 10_412, brotliBytes: 9_300 }
    const verdict = evaluateSizeBudget(input({ limits: {}, baseline }))
    expect(verdict.metrics.map((m) => [m.metric, m.status, m.limitBytes])).toEqual([
      ['raw', 'pass', null],
      ['gzip', 'pass', null],
      ['brotli', 'fail', null],
    ])
  })
})

describe('explainSizeBudget', () => {
  it('names the file, the size with exact bytes, the limit and its key, and what to do', () => {
    const verdict = evaluateSizeBudget(input({ limits: { gzip: kB(10) } }))
    expect(formatBudgetMessage(explainSizeBudget(verdict, sizeResult()))).toMatchInlineSnapshot(`
      ""dist/index.js" gzip is 10.4 kB (10,412 B), 412 B (4.1%) over its 10.0 kB budget.

      Received: raw 31.2 kB (31,207 B) · gzip 10.4 kB (10,412 B) · brotli 9.31 kB (9,310 B) · 1 file: dist/index.js · size-limit 12.1.0
      Expected: gzip ≤ 10.0 kB, growth ≤ 0% over the baseline (allowedGrowth, default) (perfgate.budgets.size[0] in package.json)

      Make it smaller (npx size-limit --why shows what the bundle holds).
      If the size is intended, raise perfgate.budgets.size[0].gzip in package.json."
    `)
  })

  it('explains growth against the baseline with the command that accepts it', () => {
    const verdict = evaluateSizeBudget(
      input({
        limits: { gzip: kB(12), allowedGrowth: { text: '1%', fraction: 0.01 } },
        baseline: { rawBytes: 30_000, gzipBytes: 10_000, brotliBytes: 9_000 },
      }),
    )
    const files = sizeResult({ files: ['dist/a.js', 'dist/b.js', 'dist/c.js', 'dist/d.js'] })
    expect(formatBudgetMessage(explainSizeBudget(verdict, files))).toMatchInlineSnapshot(`
      ""dist/index.js" gzip is 10.4 kB (10,412 B): it grew by 412 B (+4.1%) over the baseline's 10.0 kB (10,000 B), more than the 100 B its allowedGrowth of 1% permits.

      Received: raw 31.2 kB (31,207 B) · gzip 10.4 kB (10,412 B) · brotli 9.31 kB (9,310 B) · 4 files: dist/a.js, dist/b.js, dist/c.js, … 1 more · size-limit 12.1.0
      Expected: gzip ≤ 12.0 kB, growth ≤ 1% over the baseline (perfgate.budgets.size[0] in package.json)

      Make it smaller (npx size-limit --why shows what the bundle holds).
      If the growth is intended, accept it as the new baseline: npx perfgate check --only size --update; or allow some growth with "allowedGrowth" in perfgate.budgets.size[0] in package.json."
    `)
  })

  it('formats bytes and changes in the unit that reads best, exact bytes alongside', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(1_234_567)]).toEqual([
      '999 B',
      '1.00 kB (1,000 B)',
      '1.23 MB (1,234,567 B)',
    ])
    expect([formatDelta(8, 83), formatDelta(-1204, 30_100), formatDelta(0, 10)]).toEqual([
      '+8 B (+9.6%)',
      '-1.20 kB (-1,204 B, -4%)',
      '0 B (0%)',
    ])
  })
})

import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { regressionEventOf } from '../../reporters/baseline-guard.js'
import { baselineFromResults, serializeBaseline } from '../../src/baseline/baseline-file.js'
import { checkRegression } from '../../src/baseline/regression.js'
import { evaluateBenchBudget } from '../../src/budget/evaluate-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import { baselineJsonSchema, schemaText, verifyEventJsonSchema } from '../../src/config/json-schema.js'
import {
  countVerdicts,
  eventsFromRecord,
  runEndEvent,
  runStartEvent,
  serializeEvent,
  type VerifyEvent,
} from '../../src/log/verify-event.js'
import { compareResults } from '../../src/measure/compare-results.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { violations } from '../helpers/json-schema-violations.js'

// The published JSON Schemas of perfgate's files (schema/*.schema.json) must be what the zod
// schemas generate, and must accept what perfgate really writes, read back as JSON.

const context = { runId: 'run-1', ts: '2025-01-02T03:04:05.000Z' }
const sort = benchResult({ name: 'sort | 10k <b>', perCallNs: uniformTimes(2e6, 0.1, 80, 1) })
const slower = benchResult({ name: 'sort | 10k <b>', perCallNs: uniformTimes(2.6e6, 0.1, 80, 2) })

describe.each([
  ['baseline.schema.json', baselineJsonSchema],
  ['verify-event.schema.json', verifyEventJsonSchema],
])('schema/%s', (file, generate) => {
  it('is what scripts/write-schema.ts generates (run `pnpm schema` after changing a schema)', async () => {
    expect(await readFile(new URL(`../../schema/${file}`, import.meta.url), 'utf8')).toBe(
      schemaText(generate()),
    )
  })
})

describe('baseline.schema.json', () => {
  it('accepts a baseline perfgate wrote, with a budget, and rejects a wrong version', () => {
    const budget = { budget: { p95: '3ms' }, source: { kind: 'inline' as const } }
    const file = baselineFromResults('main', [sort], new Map([[sort.name, budget]]))
    const written = JSON.parse(serializeBaseline(file))
    expect(violations(baselineJsonSchema(), written)).toEqual([])
    expect(violations(baselineJsonSchema(), { ...written, schemaVersion: 2 })).toEqual([
      '$.schemaVersion: not 1',
    ])
  })
})

describe('verify-event.schema.json', () => {
  it('accepts every event type perfgate writes', () => {
    const verdict = evaluateBenchBudget(sort, parseBenchBudget({ p95: '1ms' }, 'test'), { kind: 'inline' })
    const regression = checkRegression(
      slower,
      { name: sort.name, ...baselineFromResults('x', [sort]).benches[sort.name]! },
      {
        baseline: sort.env,
      },
    )
    const events: VerifyEvent[] = [
      runStartEvent(context, sort.env),
      ...eventsFromRecord({ kind: 'bench', result: sort }, context),
      ...eventsFromRecord({ kind: 'budget', verdict, inconclusivePolicy: 'fail' }, context),
      ...eventsFromRecord({ kind: 'comparison', comparison: compareResults(slower, sort) }, context),
      ...eventsFromRecord({ kind: 'unguarded', name: 'parse' }, context),
      regressionEventOf(regression, context),
    ]
    events.push(runEndEvent(context, countVerdicts(events), 1))
    expect(new Set(events.map((e) => e.type)).size).toBe(7)
    // The regression event carries the per-call times its ratio compares, not the medians.
    expect(events.at(-2)).toMatchObject({
      type: 'regression',
      metric: 'p10',
      value: regression.timeNs[0],
      baseline: regression.timeNs[1],
      delta: regression.ratio - 1,
    })
    for (const event of events) {
      expect(violations(verifyEventJsonSchema(), JSON.parse(serializeEvent(event))), event.type).toEqual([])
    }
    const bench = JSON.parse(serializeEvent(events[1]!))
    expect(violations(verifyEventJsonSchema(), { ...bench, type: 'benchmark' })).toEqual([
      '$: 0 oneOf options match, not 1',
    ])
  })

  it('accepts a regression event that carries the comparison as measured (a machine shift past the threshold)', () => {
    // 1.63× as measured beside controls 1.66× slower: the shift alone would call it unchanged.
    const baseline = { name: sort.name, ...baselineFromResults('x', [sort]).benches[sort.name]! }
    const current = benchResult({ name: sort.name, perCallNs: uniformTimes(2e6 * 1.63, 0.1, 80, 3) })
    const verdict = checkRegression(
      current,
      baseline,
      { baseline: sort.env },
      {},
      { logShift: [Math.log(1.66)], basis: 'the 3 benches measured beside it as controls' },
    )
    expect(verdict.status).toBe('inconclusive')
    const line = JSON.parse(serializeEvent(regressionEventOf(verdict, context)))
    expect(line.asMeasured.ratio).toBeCloseTo(1.63, 1)
    expect(line.asMeasured.machineRatio).toBeCloseTo(1.66, 2)
    expect(line.asMeasured.interval).toHaveLength(2)
    expect(violations(verifyEventJsonSchema(), line)).toEqual([])
    expect(violations(verifyEventJsonSchema(), { ...line, asMeasured: { ratio: 1.63 } })).not.toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { evaluateBenchBudget } from '../../src/budget/evaluate-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { Environment } from '../../src/env/types.js'
import { evaluateHttpBudget } from '../../src/http/evaluate-http-budget.js'
import {
  countVerdicts,
  type environmentSchema,
  eventsFromRecord,
  parseEventLine,
  regressionEvent,
  runEndEvent,
  runStartEvent,
  serializeEvent,
  VERIFY_EVENT_TYPES,
  VERIFY_SCHEMA_VERSION,
  type VerifyEvent,
  verifyEventSchema,
} from '../../src/log/verify-event.js'
import { compareResults } from '../../src/measure/compare-results.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { evaluateSizeBudget } from '../../src/size/evaluate-size-budget.js'
import { evaluateWebBudget, vitalsLimits } from '../../src/web/evaluate-web-budget.js'
import { parseVitalsBudget } from '../../src/web/parse-web-budget.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { breakingPointResult } from '../fixtures/breaking-point-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { loadResult, spread } from '../fixtures/http-results.js'
import { leakResult } from '../fixtures/memory-results.js'
import { profiledBench } from '../fixtures/profile-results.js'
import { scalingResult } from '../fixtures/scaling-results.js'
import { sizeResult } from '../fixtures/size-results.js'
import { slowVitals } from '../fixtures/web-results.js'

const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }
const COMMON_KEYS = [
  'v',
  'ts',
  'runId',
  'type',
  'name',
  'metric',
  'value',
  'unit',
  'budget',
  'verdict',
  'baseline',
  'delta',
  'confidence',
]

// The Environment type fits the schema: a captured environment can be logged as it is.
const environmentFits: z.output<typeof environmentSchema> = ciRunner() satisfies Environment

// 200 calls over 2.16–2.64 ms, and 10 calls: too few to bound p95, whose interval is then open-ended.
const sort10k = benchResult({ perCallNs: uniformTimes(2.4e6, 0.1, 200) })
const few = benchResult({ name: 'few', perCallNs: uniformTimes(1e6, 0.1, 10) })
const old = benchResult({ name: 'sort old', perCallNs: uniformTimes(3e6, 0.1, 200, 2) })

// 1000 responses of 50–60 ms, 10 of them 503s: over a 20 ms p95 budget and a 0.1% error rate.
const slowApi = loadResult({ latenciesMs: spread(1000, 50, 60), statusCodes: { '200': 990, '503': 10 } })

const records: Record<PerfRecord['kind'], PerfRecord> = {
  bench: { kind: 'bench', result: sort10k },
  budget: {
    kind: 'budget',
    verdict: evaluateBenchBudget(few, parseBenchBudget({ median: '2ms', p95: '2ms' }, 'test'), {
      kind: 'config',
      file: 'package.json',
      key: 'budgets.bench["few"]',
    }),
    inconclusivePolicy: 'warn',
  },
  comparison: { kind: 'comparison', comparison: compareResults(sort10k, old) },
  unguarded: { kind: 'unguarded', name: 'parse' },
  web: { kind: 'web', result: slowVitals() },
  'web-budget': {
    kind: 'web-budget',
    verdict: evaluateWebBudget(slowVitals(), vitalsLimits(parseVitalsBudget({ LCP: '2.5s' }, 'test'))),
  },
  size: {
    kind: 'size',
    name: 'dist/index.js',
    result: sizeResult(),
    verdict: evaluateSizeBudget({
      name: 'dist/index.js',
      path: 'dist/index.js',
      limits: { gzip: { text: '10 kB', bytes: 10_000 } },
      measured: sizeResult(),
      baseline: { rawBytes: 31_000, gzipBytes: 10_100, brotliBytes: 9_200 },
      source: { kind: 'config', file: 'package.json', key: 'budgets.size[0]' },
    }),
  },
  http: {
    kind: 'http',
    result: slowApi,
    verdict: evaluateHttpBudget(
      slowApi,
      { p95: '20ms', errorRate: '< 0.1%' },
      { kind: 'config', file: 'package.json', key: 'budgets.http[0]' },
    ),
    inconclusivePolicy: 'fail',
  },
  'breaking-point': { kind: 'breaking-point', result: breakingPointResult() },
  profile: { kind: 'profile', profile: profiledBench() },
  scaling: {
    kind: 'scaling',
    result: scalingResult({ timeNs: (n) => n * n }),
    verdict: judgeScaling(scalingResult({ timeNs: (n) => n * n }), 'linear'),
    inconclusivePolicy: 'fail',
  },
  leak: { kind: 'leak', result: leakResult(), inconclusivePolicy: 'fail', expectsLeak: false },
  // No event of its own: the reporter writes a `regression` event once the verdict is confirmed.
  'base-comparison': {
    kind: 'base-comparison',
    name: 'sort 10k',
    base: { ref: 'origin/main', commit: '3f2c1ab'.padEnd(40, '0') },
    comparison: compareResults(sort10k, old),
    threshold: 0.05,
    confidence: 0.95,
  },
}

/** Every event type, made the way a run makes them. */
function everyEvent(): VerifyEvent[] {
  const fromRecords = Object.values(records).flatMap((record) => eventsFromRecord(record, context))
  return [
    runStartEvent(context, ciRunner(), { threshold: '5%' }),
    ...fromRecords,
    regressionEvent(
      {
        name: 'sort 10k',
        metric: 'median',
        unit: 'ns',
        value: 2.4e6,
        baseline: 2e6,
        delta: 0.2,
        interval: [0.15, 0.25],
        verdict: 'regressed',
        threshold: 0.05,
        confidence: 0.95,
        pValue: 0.001,
        adjustedP: 0.004,
        base: { ref: 'origin/main', commit: '3f2c1ab'.padEnd(40, '0') },
      },
      context,
    ),
    runEndEvent(context, countVerdicts(fromRecords), 1),
  ]
}

/** The event as a reader gets it back: non-finite numbers are null. */
function asRead(event: VerifyEvent): unknown {
  return JSON.parse(JSON.stringify(event))
}

describe('eventsFromRecord', () => {
  it('makes an http event for a load test and an http-budget event per metric verdict', () => {
    const [run, ...budgets] = eventsFromRecord(records.http, context)
    expect(run).toMatchObject({
      type: 'http',
      name: 'GET /users',
      metric: 'p95',
      unit: 'ns',
      verdict: null,
      url: 'http://127.0.0.1:3000/users',
      method: 'GET',
      connections: 10,
      tool: 'autocannon 9.0.0',
      requests: 1000,
      responses: 1000,
      errors: { connection: 0, timeouts: 0, non2xx: 10, statusCodes: { '200': 990, '503': 10 } },
      errorRate: 0.01,
    })
    expect(run!.value).toBe(slowApi.latency.p95Ns)
    expect(budgets.map((e) => [e.type, e.metric, e.unit, e.verdict, e.budget])).toEqual([
      ['http-budget', 'p95', 'ns', 'fail', { op: '<=', value: 20e6, text: '20ms' }],
      ['http-budget', 'errorRate', 'fraction', 'fail', { op: '<', value: 0.001, text: '< 0.1%' }],
    ])
    expect(budgets[0]).toMatchObject({
      confidence: 0.95,
      source: { kind: 'config', file: 'package.json', key: 'budgets.http[0]' },
      inconclusivePolicy: 'fail',
      negated: false,
      reason: null,
    })
    // The histogram stays out of the log: it is for verdicts, not for reading.
    expect(JSON.stringify(run)).not.toContain('buckets')
  })

  it('makes one web event per metric of a page, with every run and the profile', () => {
    const events = eventsFromRecord(records.web, context)
    expect(events.map((e) => e.metric)).toEqual(['LCP', 'FCP', 'CLS', 'INP', 'TTFB', 'TBT'])
    expect(events[0]).toMatchObject({
      type: 'web',
      name: 'home',
      value: 3120,
      unit: 'ms',
      runs: [3120, 2980, 3400],
      tool: 'web-vitals 6.2.3',
      profile: 'desktop',
      aggregation: 'median',
    })
  })

  it('makes one web-budget event per metric verdict, with the runs beyond the limit', () => {
    const [event, ...rest] = eventsFromRecord(records['web-budget'], context)
    expect(rest).toEqual([])
    expect(event).toMatchObject({
      type: 'web-budget',
      metric: 'LCP',
      value: 3120,
      budget: { op: '<=', value: 2500, text: '2.5s' },
      verdict: 'fail',
      runsBeyond: 3,
      negated: false,
      reason: null,
    })
  })

  it('makes one bench event with the summary and no raw batch times', () => {
    const [event, ...rest] = eventsFromRecord(records.bench, context)
    expect(rest).toEqual([])
    const { medianNs, medianIntervalNs, p95Ns, meanNs, opsPerSec, confidence, samples } = sort10k.stats
    expect(event).toEqual({
      v: VERIFY_SCHEMA_VERSION,
      ...context,
      type: 'bench',
      name: 'sort 10k',
      metric: 'median',
      value: medianNs,
      unit: 'ns',
      budget: null,
      verdict: null,
      baseline: null,
      delta: null,
      confidence,
      batchSize: 1,
      samples,
      medianNs,
      medianIntervalNs,
      p95Ns,
      meanNs,
      opsPerSec,
      granularity: 'call',
    })
    expect(serializeEvent(event!)).not.toContain('batchTimes')
  })

  it('makes one budget event per metric, with its limit, source and policy', () => {
    const events = eventsFromRecord(records.budget, context)
    expect(events.map((event) => [event.metric, event.verdict])).toEqual([
      ['median', 'pass'],
      ['p95', 'inconclusive'],
    ])
    expect(events[1]).toMatchObject({
      type: 'budget',
      name: 'few',
      unit: 'ns',
      budget: { op: '<=', value: 2e6, text: '2ms' },
      source: { kind: 'config', file: 'package.json', key: 'budgets.bench["few"]' },
      inconclusivePolicy: 'warn',
      interval: [expect.any(Number), Number.POSITIVE_INFINITY],
    })
  })

  it('makes one comparison event: a against b, delta = ratio − 1', () => {
    const [event] = eventsFromRecord(records.comparison, context)
    const { comparison } = records.comparison as Extract<PerfRecord, { kind: 'comparison' }>
    expect(event).toMatchObject({
      type: 'comparison',
      name: 'sort 10k',
      names: ['sort 10k', 'sort old'],
      metric: 'ratio',
      value: comparison.ratio,
      delta: comparison.ratio - 1,
      verdict: 'faster',
      method: 'independent-samples',
      threshold: comparison.threshold,
    })
  })

  it('makes an unguarded event with only a name', () => {
    expect(serializeEvent(eventsFromRecord(records.unguarded, context)[0]!)).toMatchInlineSnapshot(
      `"{"v":1,"ts":"2025-01-02T03:04:05.000Z","runId":"0m5eqsfpk-3fa9c01b","type":"unguarded","name":"parse","metric":null,"value":null,"unit":null,"budget":null,"verdict":null,"baseline":null,"delta":null,"confidence":null}"`,
    )
  })
})

describe('serializeEvent', () => {
  it('writes every event type with the same leading keys in the same order, on one line', () => {
    const events = everyEvent()
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'bench',
      'budget',
      'budget',
      'comparison',
      'unguarded',
      ...Array(6).fill('web'),
      'web-budget',
      'size',
      'http',
      'http-budget',
      'http-budget',
      ...Array(8).fill('breaking-point-probe'),
      'breaking-point',
      'profile',
      'scaling',
      'leak',
      'regression',
      'run-end',
    ])
    for (const event of events) {
      const line = serializeEvent(event)
      expect(line).not.toMatch(/[\n\r]/)
      expect(Object.keys(JSON.parse(line)).slice(0, COMMON_KEYS.length)).toEqual(COMMON_KEYS)
    }
  })

  it('orders keys by the schema, whatever order the event was built in', () => {
    // Round numbers, so the snapshot shows the format rather than the statistics.
    const event = { ...everyEvent()[2]!, value: 1.01e6, interval: [0.97e6, 1.08e6] } as VerifyEvent
    const shuffled = Object.fromEntries(Object.entries(event).reverse()) as VerifyEvent
    expect(serializeEvent(shuffled)).toBe(serializeEvent(event))
    expect(serializeEvent(event)).toMatchInlineSnapshot(
      `"{"v":1,"ts":"2025-01-02T03:04:05.000Z","runId":"0m5eqsfpk-3fa9c01b","type":"budget","name":"few","metric":"median","value":1010000,"unit":"ns","budget":{"op":"<=","value":2000000,"text":"2ms"},"verdict":"pass","baseline":null,"delta":null,"confidence":0.95,"interval":[970000,1080000],"source":{"kind":"config","file":"package.json","key":"budgets.bench[\\"few\\"]"},"inconclusivePolicy":"warn","negated":false}"`,
    )
  })

  it('writes non-finite numbers as null', () => {
    const p95 = eventsFromRecord(records.budget, context)[1]!
    const line = serializeEvent(p95)
    expect(line).toContain('"interval":[')
    expect((JSON.parse(line) as { interval: unknown[] }).interval[1]).toBeNull()
    const nan = regressionEvent(
      {
        name: 'x',
        metric: 'median',
        unit: 'ns',
        value: Number.NaN,
        baseline: 0,
        delta: Number.POSITIVE_INFINITY,
        interval: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
        verdict: 'inconclusive',
        threshold: 0.05,
        confidence: 0.95,
      },
      context,
    )
    expect(JSON.parse(serializeEvent(nan))).toMatchObject({
      value: null,
      baseline: 0,
      delta: null,
      interval: [null, null],
      pValue: null,
      adjustedP: null,
    })
  })

  it('escapes line breaks and the Unicode line separators inside strings', () => {
    const [event] = eventsFromRecord({ kind: 'unguarded', name: 'a\nb\u2028c\u2029d' }, context)
    const line = serializeEvent(event!)
    expect(line).toContain('"name":"a\\nb\\u2028c\\u2029d"')
    expect(parseEventLine(line, 'x').name).toBe('a\nb\u2028c\u2029d')
  })

  it('rejects an event that does not match the schema', () => {
    const [event] = eventsFromRecord(records.unguarded, context)
    const broken = { ...event, metric: undefined, ts: 'yesterday' } as unknown as VerifyEvent
    expect(() => serializeEvent(broken)).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at the event given to serializeEvent():
      ✖ Invalid ISO datetime
        → at ts
      ✖ Invalid input: expected null, received undefined
        → at metric
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
  })
})

describe('parseEventLine', () => {
  it('reads back what serializeEvent wrote, and writes it again unchanged', () => {
    for (const event of everyEvent()) {
      const line = serializeEvent(event)
      const parsed = parseEventLine(line, 'logs/perfgate.jsonl:1')
      expect(parsed).toEqual(asRead(event))
      expect(serializeEvent(parsed)).toBe(line)
    }
  })

  const line = serializeEvent(eventsFromRecord(records.unguarded, context)[0]!)
  const edited = (change: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(line), ...change })
  const problem = (text: string) => () => parseEventLine(text, 'logs/perfgate.jsonl:12')

  it('names file:line and what is wrong', () => {
    expect(problem(line.slice(0, 60))).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at logs/perfgate.jsonl:12:
      ✖ Not a complete JSON object: cut short, or not written by perfgate
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
    expect(problem('[1, 2]')).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at logs/perfgate.jsonl:12:
      ✖ Expected a JSON object, received [1,2]
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
    expect(problem(edited({ type: 'benchmark' }))).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at logs/perfgate.jsonl:12:
      ✖ Expected an event type (run-start, bench, budget, comparison, regression, unguarded, profile, web, web-budget, size, http, http-budget, breaking-point-probe, breaking-point, scaling, leak, run-end), received "benchmark"
        → at type
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
    expect(problem(edited({ v: 2 }))).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at logs/perfgate.jsonl:12:
      ✖ Written in [VERIFY] schema version 2, newer than this perfgate reads (1); upgrade perfgate to read it
        → at v
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
    expect(
      problem(edited({ name: 42, ts: 'yesterday', metric: undefined })),
    ).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid [VERIFY] event at logs/perfgate.jsonl:12:
      ✖ Invalid ISO datetime
        → at ts
      ✖ Invalid input: expected string, received number
        → at name
      ✖ Invalid input: expected null, received undefined
        → at metric
      Each line of a [VERIFY] log is one JSON object in the event schema of perfgate (version 1); a line that is not was edited, or written by another tool.]
    `)
  })

  it('keeps the JSON syntax error as the cause', () => {
    let error: unknown
    try {
      parseEventLine('{"v":1,', 'x:1')
    } catch (caught) {
      error = caught
    }
    expect((error as Error).cause).toBeInstanceOf(SyntaxError)
  })
})

describe('run events', () => {
  it('counts verdicts, listing every verdict', () => {
    const end = everyEvent().at(-1)!
    expect(end).toMatchObject({ type: 'run-end', exitCode: 1 })
    expect(serializeEvent(end)).toMatchInlineSnapshot(
      `"{"v":1,"ts":"2025-01-02T03:04:05.000Z","runId":"0m5eqsfpk-3fa9c01b","type":"run-end","name":null,"metric":null,"value":null,"unit":null,"budget":null,"verdict":null,"baseline":null,"delta":null,"confidence":null,"counts":{"pass":1,"fail":6,"inconclusive":1,"faster":1,"slower":0,"equivalent":0,"regressed":0,"improved":0,"unchanged":0,"environment-changed":0},"exitCode":1}"`,
    )
  })

  it('records the environment as captured', () => {
    const start = everyEvent()[0]!
    expect(start).toMatchObject({ type: 'run-start', env: ciRunner(), config: { threshold: '5%' } })
    expect(runStartEvent(context, ciRunner())).toMatchObject({ config: null })
    expect(environmentFits.cpu.count).toBe(2)
  })

  it('has a JSON Schema', () => {
    const schema = z.toJSONSchema(verifyEventSchema) as { oneOf?: unknown[]; anyOf?: unknown[] }
    expect((schema.oneOf ?? schema.anyOf)?.length).toBe(VERIFY_EVENT_TYPES.length)
  })
})

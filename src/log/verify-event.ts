import { z } from 'zod'
import type { BreakingPointProbe, BreakingPointResult } from '../breaking-point/types.js'
import type { BudgetVerdict } from '../budget/verdict.js'
import { formatIssues } from '../config/format-issues.js'
import { showValue } from '../config/issue-messages.js'
import type { Environment } from '../env/types.js'
import { perfgateError } from '../errors.js'
import type { HttpBudgetVerdict } from '../http/evaluate-http-budget.js'
import type { LoadTestResult } from '../http/types.js'
import type { BenchMemory, BenchResult, Comparison } from '../measure/types.js'
import type { BenchProfile } from '../profile/types.js'
import type { InconclusivePolicy, PerfRecord } from '../results/result-sink.js'
import type { SizeBudgetVerdict } from '../size/evaluate-size-budget.js'
import type { SizeResult } from '../size/measure-size.js'
import { quantile } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'
import type { WebBudgetVerdict } from '../web/evaluate-web-budget.js'
import type { WebResult } from '../web/types.js'

/*
 * One event of the [VERIFY] log: a JSON object on one line of a JSONL file, for people who grep
 * and for tools that jq. Every line has the same leading keys, in the same order:
 *
 *   v, ts, runId, type, name, metric, value, unit, budget, verdict, baseline, delta, confidence
 *
 * with null where a key does not apply (a run-start has no metric), then the keys of its type.
 * Numbers that are not finite (the Infinity of an open-ended interval, a NaN median) are written
 * as null: JSON has no Infinity, and JSON.stringify would turn it into null without saying so.
 */

/**
 * Version of the event schema, written as `v` on every line. New keys may be added within a
 * version; a change that breaks readers (renamed or retyped keys) bumps it.
 */
export const VERIFY_SCHEMA_VERSION = 1

/** A measured number: null where the measurement was not finite (Infinity, NaN). */
const measured = z.number().nullable()
/** An interval [lower, upper]; an open end is null. */
const interval = z.tuple([measured, measured])
const count = z.number().int().nonnegative()

const budgetStatus = z.enum(['pass', 'fail', 'inconclusive'])
const comparisonVerdict = z.enum(['faster', 'slower', 'equivalent', 'inconclusive'])
const regressionVerdict = z.enum([
  'regressed',
  'improved',
  'unchanged',
  'inconclusive',
  'environment-changed',
])

/** Every verdict an event can carry, in the order run-end counts list them. */
export const VERIFY_VERDICTS = [
  'pass',
  'fail',
  'inconclusive',
  'faster',
  'slower',
  'equivalent',
  'regressed',
  'improved',
  'unchanged',
  'environment-changed',
] as const
export type VerifyVerdict = (typeof VERIFY_VERDICTS)[number]

/**
 * The Environment type as a schema. Reading is tolerant: enumerations (platform, warning codes)
 * are plain strings so that a log from a newer perfgate still reads, and computed numbers are
 * nullable because a non-finite one is written as null.
 */
export const environmentSchema = z.object({
  capturedAt: z.string(),
  perfgateVersion: z.string(),
  runtime: z.object({
    name: z.string(),
    version: z.string(),
    v8: z.string(),
    execArgv: z.array(z.string()),
    nodeOptions: z.string().nullable(),
  }),
  os: z.object({ platform: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
  cpu: z.object({
    model: z.string(),
    count,
    speedMHz: measured,
    governor: z.string().nullable(),
    quotaCores: measured,
  }),
  memory: z.object({ totalBytes: measured, freeBytes: measured }),
  load: z.object({ avg1: measured, avg5: measured, avg15: measured }),
  ci: z.object({ name: z.string() }).nullable(),
  git: z.object({ commit: z.string(), branch: z.string().nullable(), dirty: z.boolean() }).nullable(),
  timer: z.object({ resolutionNs: measured, costNs: measured }),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
})

/** A budget limit: the measured value must satisfy `value <op> budget.value`; `text` as written. */
const budgetSchema = z.object({ op: z.enum(['<', '<=', '>', '>=']), value: z.number(), text: z.string() })

const budgetSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inline') }),
  z.object({ kind: z.literal('config'), file: z.string(), key: z.string() }),
])

const verdictCountsSchema = z.object({
  pass: count,
  fail: count,
  inconclusive: count,
  faster: count,
  slower: count,
  equivalent: count,
  regressed: count,
  improved: count,
  unchanged: count,
  'environment-changed': count,
})
/** How many events of a run carried each verdict (every key present, 0 when none). */
export type VerdictCounts = z.output<typeof verdictCountsSchema>

const head = {
  v: z.literal(VERIFY_SCHEMA_VERSION),
  /** ISO 8601 time the event was made. */
  ts: z.iso.datetime(),
  /** The run the event belongs to; every process of one run writes the same id (see newRunId). */
  runId: z.string().min(1),
}

/** The common keys, all null: for events about the run rather than one measurement. */
const noMeasurement = {
  name: z.null(),
  metric: z.null(),
  value: z.null(),
  unit: z.null(),
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
}

const runStartSchema = z.object({
  ...head,
  type: z.literal('run-start'),
  ...noMeasurement,
  env: environmentSchema,
  /** A summary of the settings the run used (any JSON object), or null. */
  config: z.record(z.string(), z.json()).nullable(),
})

/** A bench result in brief: its summary, never the raw batch times, so the log stays small. */
const benchSchema = z.object({
  ...head,
  type: z.literal('bench'),
  name: z.string(),
  metric: z.literal('median'),
  /** The median time per call (= medianNs), so `value` means the same on every bench line. */
  value: measured,
  unit: z.literal('ns'),
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: measured,
  batchSize: count,
  samples: count,
  medianNs: measured,
  medianIntervalNs: interval,
  p95Ns: measured,
  meanNs: measured,
  opsPerSec: measured,
  granularity: z.enum(['call', 'batch-mean']),
  /** Memory per call and peak RSS (BenchMemory in brief); absent when the bench ran without memory. */
  memory: z
    .object({
      /** How GC was forced ('global.gc', 'v8-flag'), or null when it could not be. */
      gc: z.string().nullable(),
      batches: count,
      /** JS heap bytes allocated per call (what heapPerCall budgets limit), with its interval. */
      heapPerCallBytes: measured,
      heapPerCallIntervalBytes: interval,
      /** Bytes per call surviving a forced GC; null without forced GC. */
      retainedPerCallBytes: measured,
      retainedPerCallIntervalBytes: interval.nullable(),
      rssPeakBytes: measured,
      processMaxRssBytes: measured,
    })
    .optional(),
})

/** The verdict on one metric of a bench budget; a budget on three metrics makes three events. */
const budgetEventSchema = z.object({
  ...head,
  type: z.literal('budget'),
  name: z.string(),
  metric: z.string(),
  value: measured,
  /** 'ns' for times per call, 'ops/s' for opsPerSec. */
  unit: z.string(),
  budget: budgetSchema,
  verdict: budgetStatus,
  baseline: z.null(),
  delta: z.null(),
  confidence: measured,
  /** Interval of `value` at `confidence`; null for `max`, which has none. */
  interval: interval.nullable(),
  source: budgetSourceSchema,
  /** Whether an inconclusive verdict failed its test or only warned. */
  inconclusivePolicy: z.enum(['fail', 'warn']),
  /** True for `expect(…).not.toMeetBudget(…)`: the test expected the budget to be broken. */
  negated: z.boolean(),
})

/** a against b. `name` is a's name; `value` is a's time / b's; `delta` is value − 1. */
const comparisonSchema = z.object({
  ...head,
  type: z.literal('comparison'),
  name: z.string(),
  metric: z.literal('ratio'),
  value: measured,
  unit: z.null(),
  budget: z.null(),
  verdict: comparisonVerdict,
  baseline: z.null(),
  delta: measured,
  confidence: measured,
  names: z.tuple([z.string(), z.string()]),
  method: z.enum(['paired-rounds', 'independent-samples', 'summary-statistics']),
  interval,
  /** The practical threshold (relative, 0.02 = 2%). */
  threshold: measured,
})

/** A metric against its baseline. `delta` is relative: (value − baseline) / baseline. */
const regressionSchema = z.object({
  ...head,
  type: z.literal('regression'),
  name: z.string(),
  metric: z.string(),
  value: measured,
  unit: z.string().nullable(),
  budget: z.null(),
  verdict: regressionVerdict,
  baseline: measured,
  delta: measured,
  confidence: measured,
  /** Interval of `delta` at `confidence`. */
  interval,
  /** The regression threshold (relative, 0.05 = 5%). */
  threshold: measured,
  /** p-value of the change, and the same adjusted for the number of metrics tested; null when not computed. */
  pValue: measured,
  adjustedP: measured,
  /**
   * Present when a machine shift past the threshold was all that would have decided the verdict,
   * which is then 'inconclusive' (see SHIFT_DECIDES_AT_MOST): the comparison as measured (`ratio`
   * now / baseline, its `interval` of the ratio) and the machine's slowdown that was taken out
   * (`machineRatio`, 1.4 = 40% slower). Absent from logs written before perfgate wrote it.
   */
  asMeasured: z
    .object({
      ratio: z.number(),
      interval,
      machineRatio: z.number(),
    })
    .optional(),
  /**
   * Present when the baseline was not a stored one but the code of a git ref, timed in the same
   * process in alternating rounds (PERFGATE_BASE_REF): the ref as given and its commit. `value`
   * and `baseline` are then medians per call of the two.
   */
  base: z.object({ ref: z.string(), commit: z.string() }).optional(),
})

const webUnit = z.enum(['ms', 'score', 'bytes', 'count', 'unitless'])

/**
 * One metric of a page measured in a browser: `value` aggregates `runs` (one value per page
 * load, null where a load did not produce the metric).
 */
const webSchema = z.object({
  ...head,
  type: z.literal('web'),
  name: z.string(),
  metric: z.string(),
  value: measured,
  unit: webUnit,
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
  url: z.string(),
  /** "web-vitals 6.2.3" or "lighthouse 12.8.2". */
  tool: z.string(),
  /** Profile name, e.g. "desktop"; the same page differs tenfold between profiles. */
  profile: z.string(),
  aggregation: z.string(),
  runs: z.array(measured),
  /** Why some runs have no value, or null. */
  missing: z.string().nullable(),
})

/** The verdict on one metric of a web budget. */
const webBudgetEventSchema = z.object({
  ...head,
  type: z.literal('web-budget'),
  name: z.string(),
  metric: z.string(),
  /** The aggregated value; null when no run produced the metric (verdict inconclusive). */
  value: measured,
  unit: webUnit,
  budget: budgetSchema,
  verdict: budgetStatus,
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
  url: z.string(),
  tool: z.string(),
  profile: z.string(),
  aggregation: z.string(),
  runs: z.array(measured),
  /** Runs beyond the limit on their own. */
  runsBeyond: count,
  source: budgetSourceSchema,
  negated: z.boolean(),
  /** Why the metric has no value, or null. */
  reason: z.string().nullable(),
})

/**
 * One metric (raw, gzip or brotli bytes) of a bundle size. `budget` and `verdict` are null for a
 * metric measured without a limit; `baseline` is the baseline's bytes, `delta` the relative change
 * against it, null without a baseline.
 */
const sizeSchema = z.object({
  ...head,
  type: z.literal('size'),
  name: z.string(),
  metric: z.string(),
  value: count,
  unit: z.literal('bytes'),
  budget: budgetSchema.nullable(),
  verdict: budgetStatus.nullable(),
  baseline: count.nullable(),
  delta: measured,
  confidence: z.null(),
  /** The budget's path or glob, and the files it matched. */
  path: z.string(),
  files: z.array(z.string()),
  import: z.union([z.string(), z.record(z.string(), z.string())]).nullable(),
  /** "size-limit 12.1.0". */
  tool: z.string(),
  /** value − baseline in bytes, and the growth the budget allowed over the baseline; null without one. */
  deltaBytes: z.number().int().nullable(),
  allowedGrowthBytes: count.nullable(),
  /** What the metric broke: "limit", "growth", both, or none. */
  exceeded: z.array(z.enum(['limit', 'growth'])),
  source: budgetSourceSchema.nullable(),
  negated: z.boolean(),
})

/**
 * One HTTP load test (autocannon): `value` is its p95 latency in ns, null when no response came
 * back; every latency, count and rate of the run follows.
 */
const httpSchema = z.object({
  ...head,
  type: z.literal('http'),
  name: z.string(),
  metric: z.literal('p95'),
  value: measured,
  unit: z.literal('ns'),
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
  url: z.string(),
  method: z.string(),
  connections: count,
  /** "autocannon 9.0.0". */
  tool: z.string(),
  /** Requests that ended (responses, timeouts, connection errors), and responses of any status. */
  requests: count,
  responses: count,
  elapsedNs: measured,
  rps: measured,
  bytes: count,
  throughputBytesPerSec: measured,
  /** Latency of the responses, ns; null when none came back. */
  latencyNs: z.object({
    min: measured,
    mean: measured,
    p50: measured,
    p90: measured,
    p95: measured,
    p99: measured,
    max: measured,
  }),
  errors: z.object({
    connection: count,
    timeouts: count,
    non2xx: count,
    statusCodes: z.record(z.string(), count),
  }),
  errorRate: measured,
})

/** The verdict on one metric of an HTTP budget (p50…p99 in ns, errorRate as a fraction, rps). */
const httpBudgetEventSchema = z.object({
  ...head,
  type: z.literal('http-budget'),
  name: z.string(),
  metric: z.string(),
  /** The measured value; null when nothing was measured (verdict inconclusive, see reason). */
  value: measured,
  unit: z.enum(['ns', 'fraction', 'req/s']),
  budget: budgetSchema,
  verdict: budgetStatus,
  baseline: z.null(),
  delta: z.null(),
  confidence: measured,
  /** Interval of a percentile at `confidence`; null for errorRate and rps, judged on the run's counts. */
  interval: interval.nullable(),
  url: z.string(),
  method: z.string(),
  connections: count,
  requests: count,
  responses: count,
  /** Responses the percentile needed for a bounded interval, when the run had fewer. */
  samplesNeeded: count.nullable(),
  source: budgetSourceSchema,
  inconclusivePolicy: z.enum(['fail', 'warn']),
  negated: z.boolean(),
  reason: z.string().nullable(),
})

const sourcePositionSchema = z.object({ file: z.string(), line: count, column: count })

/** One function of a CPU profile by self time; see Hotspot in src/profile/types.ts. */
const hotspotSchema = z.object({
  functionName: z.string(),
  /** 'user', 'dependency', 'node' or 'native' (read as any string, for logs of newer versions). */
  origin: z.string(),
  definedAt: sourcePositionSchema.nullable(),
  hottestLine: sourcePositionSchema.nullable(),
  mapped: z.boolean(),
  selfNs: measured,
  selfShare: measured,
  calledFrom: z.object({ functionName: z.string(), at: sourcePositionSchema.nullable() }).nullable(),
})

/**
 * A CPU profile of a bench, taken after its timed batches (docs/profiles.md): why, the hottest
 * functions by self time, and the saved .cpuprofile. Carries no verdict (the budget or regression
 * event that caused it does); `status` 'unavailable' says why no profile could be taken.
 */
const profileEventSchema = z.object({
  ...head,
  type: z.literal('profile'),
  ...noMeasurement,
  name: z.string(),
  /** 'budget' (a failed budget), 'regression' (a confirmed one) or 'always'. */
  reason: z.string(),
  status: z.enum(['profiled', 'unavailable']),
  /** Why no profile could be taken; null when one was. */
  why: z.string().nullable(),
  /** The .cpuprofile (absolute path); null when none was written (see fileError). */
  file: z.string().nullable(),
  fileError: z.string().nullable(),
  profiledNs: measured,
  samples: count.nullable(),
  samplingIntervalUs: measured,
  calls: count.nullable(),
  /** Shares of the busy (not idle) time; idleShare of the whole profiled time. */
  gcShare: measured,
  harnessShare: measured,
  programShare: measured,
  idleShare: measured,
  /** 'off' when V8's inlining was off for the profile (self times exact), 'on' when it could not be. */
  inlining: z.string().nullable(),
  hotspots: z.array(hotspotSchema),
})

/** A bench that ran with no budget anywhere. */
const unguardedSchema = z.object({
  ...head,
  type: z.literal('unguarded'),
  // Overriding a spread key keeps its place, so `name` stays first of the common keys.
  ...noMeasurement,
  name: z.string(),
})

const breakingPointStatus = z.enum(['found', 'above-max', 'below-min', 'inconsistent', 'unresolved'])

/**
 * One probe of a breaking-point search (findBreakingPoint). `name` is the search's; `value` the
 * measured value the probe's verdict rests on (e.g. p95 latency), in `unit`, held to `limit`.
 * `verdict` and `budget` are null: a failing probe is how a search finds its limit, not a
 * failure of the run, so it must not count in run-end's verdicts; `pass` and `status` say how
 * the probe went ('inconclusive' counts as not passing).
 */
const breakingPointProbeSchema = z.object({
  ...head,
  type: z.literal('breaking-point-probe'),
  name: z.string(),
  metric: z.string().nullable(),
  value: measured,
  unit: z.string().nullable(),
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
  /** 1-based position of the probe in the search. */
  index: z.number().int().min(1),
  level: z.number().int(),
  levelUnit: z.string().nullable(),
  pass: z.boolean(),
  status: budgetStatus,
  /** The limit `value` was held to (the budget line of the curve), in `unit`; null when not known. */
  limit: measured,
  phase: z.enum(['search', 'confirm']),
  wallNs: measured,
  summary: z.string().nullable(),
})

/**
 * The outcome of a breaking-point search: `value` is the breaking point (the highest level that
 * passed), null when none did; `unit` is what a level counts.
 */
const breakingPointSchema = z.object({
  ...head,
  type: z.literal('breaking-point'),
  name: z.string(),
  metric: z.literal('breakingPoint'),
  value: measured,
  unit: z.string().nullable(),
  budget: z.null(),
  verdict: z.null(),
  baseline: z.null(),
  delta: z.null(),
  confidence: z.null(),
  status: breakingPointStatus,
  min: z.number().int(),
  max: z.number().int(),
  firstFailing: z.number().int().nullable(),
  precision: z.number().int(),
  probes: count,
  inconsistencies: z.array(z.object({ failedLevel: z.number().int(), passedLevel: z.number().int() })),
  /** The metric the probes were judged on, its unit and limit. */
  probeMetric: z.string().nullable(),
  probeUnit: z.string().nullable(),
  limit: measured,
  curve: z.array(
    z.object({ level: z.number().int(), value: measured, pass: z.boolean(), status: budgetStatus }),
  ),
  summary: z.string(),
})

/**
 * A scaling measurement (measureScaling, toScale): `value` is the exponent fitted to time per
 * call against input size (time ≈ e^logInterceptNs · n^value ns). With a claim, `budget` is the
 * largest exponent the claim allows (`text` is the claimed class) and `verdict` the verdict on
 * it; without one (measureScaling alone) both are null. Each size's median and the quartiles of
 * its per-round times follow, for the report's plot.
 */
const scalingSchema = z.object({
  ...head,
  type: z.literal('scaling'),
  name: z.string(),
  metric: z.literal('exponent'),
  value: measured,
  unit: z.null(),
  budget: budgetSchema.nullable(),
  verdict: budgetStatus.nullable(),
  baseline: z.null(),
  delta: z.null(),
  confidence: measured,
  /** Interval of the exponent at `confidence`. */
  interval,
  logInterceptNs: measured,
  /** The fit over the two largest sizes alone (where a fixed cost per call matters least). */
  largest: z.object({ sizes: z.array(count), exponent: measured, interval }),
  /** Exponent between each pair of neighbouring sizes, from their medians. */
  localExponents: z.array(measured),
  points: z.array(
    z.object({
      size: count,
      batchSize: count,
      medianNs: measured,
      /** First and third quartiles of the size's per-round times. */
      quartilesNs: interval,
    }),
  ),
  rounds: count,
  freshInput: z.boolean(),
  /** The claimed class ('linear'…), its own exponent over these sizes and the tolerance; null without a claim. */
  claim: z.string().nullable(),
  claimedExponent: measured.nullable(),
  tolerance: measured.nullable(),
  /** Which fit failed the claim; null unless the verdict is fail. */
  failedBy: z.enum(['all-sizes', 'largest-sizes']).nullable(),
  /** The class whose exponent over these sizes is nearest the fitted one; null without a claim. */
  closest: z.string().nullable(),
  /** A slower-growing class than claimed whose limit the data meet too; null when none. */
  betterThanClaimed: z.string().nullable(),
  reason: z.string().nullable(),
  inconclusivePolicy: z.enum(['fail', 'warn']).nullable(),
  negated: z.boolean(),
})

/**
 * A leak check (toLeakMemory, measureLeak): `value` is the slope of the heap after forced GCs
 * against calls, in bytes per call, and `budget` the floor it was held to. `verdict` is 'pass'
 * when no leak was found (the slope's interval within the floor), 'fail' when one was (all of it
 * above), 'inconclusive' otherwise, and when GC could not be forced (then `value` is null and
 * `gcUnavailable` says why). `expectsLeak` is true for `toLeakMemory()`, where 'fail' was wanted.
 */
const leakSchema = z.object({
  ...head,
  type: z.literal('leak'),
  name: z.string(),
  metric: z.literal('heapSlope'),
  value: measured,
  unit: z.literal('bytes/call'),
  budget: budgetSchema.nullable(),
  verdict: budgetStatus,
  baseline: z.null(),
  delta: z.null(),
  confidence: measured,
  /** Interval of the slope at `confidence`; null when nothing was measured. */
  interval: interval.nullable(),
  status: z.enum(['leak', 'no-leak', 'inconclusive']),
  /** Heap after GC at the last reading minus at the first; null when nothing was measured. */
  growthBytes: measured.nullable(),
  rounds: count,
  callsPerRound: count,
  calls: count,
  fittedPoints: count,
  thresholdBytesPerCall: measured,
  minGrowthBytes: measured,
  /** How GC was forced ('global.gc', 'v8-flag'), or null with the reason in gcUnavailable. */
  gc: z.string().nullable(),
  gcUnavailable: z.string().nullable(),
  /** 'growth-cap' or 'time-cap' when the rounds stopped early, else null. */
  stoppedEarly: z.string().nullable(),
  /** The heap after GC before the first round and after each, in bytes: the series the slope was fitted to. */
  heapBytes: z.array(measured),
  expectsLeak: z.boolean(),
  inconclusivePolicy: z.enum(['fail', 'warn']),
})

const runEndSchema = z.object({
  ...head,
  type: z.literal('run-end'),
  ...noMeasurement,
  counts: verdictCountsSchema,
  exitCode: z.number().int(),
})

/** The event types, in the order a run writes them. */
export const VERIFY_EVENT_TYPES = [
  'run-start',
  'bench',
  'budget',
  'comparison',
  'regression',
  'unguarded',
  'profile',
  'web',
  'web-budget',
  'size',
  'http',
  'http-budget',
  'breaking-point-probe',
  'breaking-point',
  'scaling',
  'leak',
  'run-end',
] as const

/** One line of the [VERIFY] log. The order of each object's keys is the order they are written in. */
export const verifyEventSchema = z.discriminatedUnion(
  'type',
  [
    runStartSchema,
    benchSchema,
    budgetEventSchema,
    comparisonSchema,
    regressionSchema,
    unguardedSchema,
    profileEventSchema,
    webSchema,
    webBudgetEventSchema,
    sizeSchema,
    httpSchema,
    httpBudgetEventSchema,
    breakingPointProbeSchema,
    breakingPointSchema,
    scalingSchema,
    leakSchema,
    runEndSchema,
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `Expected an event type (${VERIFY_EVENT_TYPES.join(', ')}), received ${showValue((issue.input as { type?: unknown }).type)}`
        : undefined,
  },
)

export type VerifyEvent = z.output<typeof verifyEventSchema>
export type VerifyEventType = VerifyEvent['type']
/** The event of one type, e.g. `VerifyEventOf<'budget'>`. */
export type VerifyEventOf<T extends VerifyEventType> = Extract<VerifyEvent, { type: T }>

/** What every event of a run shares. */
export interface EventContext {
  runId: string
  /** ISO 8601 time of the event. */
  ts: string
}

function eventHead(context: EventContext) {
  return { v: VERIFY_SCHEMA_VERSION, ts: context.ts, runId: context.runId } as const
}

const NO_MEASUREMENT = {
  name: null,
  metric: null,
  value: null,
  unit: null,
  budget: null,
  verdict: null,
  baseline: null,
  delta: null,
  confidence: null,
} as const

/** The first event of a run: where it ran, and optionally a summary of its settings. */
export function runStartEvent(
  context: EventContext,
  env: Environment,
  config: VerifyEventOf<'run-start'>['config'] = null,
): VerifyEventOf<'run-start'> {
  return { ...eventHead(context), type: 'run-start', ...NO_MEASUREMENT, env, config }
}

/** The events of a record: one per bench, comparison or unguarded bench, one per budget metric. */
export function eventsFromRecord(record: PerfRecord, context: EventContext): VerifyEvent[] {
  switch (record.kind) {
    case 'bench':
      return [benchEvent(record.result, context)]
    case 'budget':
      return budgetEvents(record.verdict, record.inconclusivePolicy, record.negated ?? false, context)
    case 'comparison':
      return [comparisonEvent(record.comparison, context)]
    case 'unguarded':
      return [{ ...eventHead(context), type: 'unguarded', ...NO_MEASUREMENT, name: record.name }]
    case 'web':
      return webEvents(record.result, context)
    case 'web-budget':
      return webBudgetEvents(record.verdict, record.negated ?? false, context)
    case 'size':
      return sizeEvents(record.name, record.result, record.verdict, record.negated ?? false, context)
    case 'http':
      return httpEvents(
        record.result,
        record.verdict,
        record.inconclusivePolicy,
        record.negated ?? false,
        context,
      )
    case 'breaking-point':
      return breakingPointEvents(record.result, context)
    case 'profile':
      return [profileEvent(record.profile, context)]
    case 'scaling':
      return [scalingEvent(record, context)]
    case 'leak':
      return [leakEvent(record, context)]
    case 'base-comparison':
      // Its event is the reporter's `regression` event, written once the verdict is confirmed.
      return []
  }
}

/** A leak check as its event: pass = no leak, fail = leak, whatever the test expected. */
function leakEvent(
  record: Extract<PerfRecord, { kind: 'leak' }>,
  context: EventContext,
): VerifyEventOf<'leak'> {
  const { result } = record
  const { judgement, rule } = result
  return {
    ...eventHead(context),
    type: 'leak',
    name: result.name,
    metric: 'heapSlope',
    value: judgement?.slopeBytesPerCall ?? null,
    unit: 'bytes/call',
    budget:
      judgement === null
        ? null
        : {
            op: '<=',
            value: judgement.floorBytesPerCall,
            text: `threshold ${rule.thresholdBytesPerCall} B/call, minGrowth ${rule.minGrowthBytes} B`,
          },
    verdict: result.status === 'leak' ? 'fail' : result.status === 'no-leak' ? 'pass' : 'inconclusive',
    baseline: null,
    delta: null,
    confidence: rule.confidence,
    interval: judgement === null ? null : [...judgement.slopeIntervalBytesPerCall],
    status: result.status,
    growthBytes: judgement?.growthBytes ?? null,
    rounds: result.rounds,
    callsPerRound: result.callsPerRound,
    calls: result.calls,
    fittedPoints: judgement?.fittedPoints ?? 0,
    thresholdBytesPerCall: rule.thresholdBytesPerCall,
    minGrowthBytes: rule.minGrowthBytes,
    gc: result.gc,
    gcUnavailable: result.gcUnavailable,
    stoppedEarly: result.stoppedEarly,
    heapBytes: result.points.map((p) => p.heapBytes),
    expectsLeak: record.expectsLeak,
    inconclusivePolicy: record.inconclusivePolicy,
  }
}

/** A scaling measurement as its event; the claim's fields are null when nothing was judged. */
function scalingEvent(
  record: Extract<PerfRecord, { kind: 'scaling' }>,
  context: EventContext,
): VerifyEventOf<'scaling'> {
  const { result, verdict } = record
  const { fit } = result
  return {
    ...eventHead(context),
    type: 'scaling',
    name: result.name,
    metric: 'exponent',
    value: fit.exponent,
    unit: null,
    budget: verdict === null ? null : { op: '<=', value: verdict.all.limitExponent, text: verdict.claim },
    verdict: verdict?.status ?? null,
    baseline: null,
    delta: null,
    confidence: fit.confidence,
    interval: [...fit.interval],
    logInterceptNs: fit.logInterceptNs,
    largest: {
      sizes: [...fit.largest.sizes],
      exponent: fit.largest.exponent,
      interval: [...fit.largest.interval],
    },
    localExponents: [...fit.localExponents],
    points: result.points.map((p) => {
      const sorted = sortSamples(p.roundTimesNs)
      return {
        size: p.size,
        batchSize: p.batchSize,
        medianNs: p.medianNs,
        quartilesNs: [quantile(sorted, 0.25), quantile(sorted, 0.75)],
      }
    }),
    rounds: fit.rounds,
    freshInput: result.freshInput,
    claim: verdict?.claim ?? null,
    claimedExponent: verdict?.all.claimedExponent ?? null,
    tolerance: verdict?.tolerance ?? null,
    failedBy: verdict?.failedBy ?? null,
    closest: verdict?.closest ?? null,
    betterThanClaimed: verdict?.betterThanClaimed ?? null,
    reason: verdict?.reason ?? null,
    inconclusivePolicy: verdict === null ? null : (record.inconclusivePolicy ?? 'fail'),
    negated: record.negated ?? false,
  }
}

function httpEvents(
  result: LoadTestResult,
  verdict: HttpBudgetVerdict | null,
  inconclusivePolicy: InconclusivePolicy,
  negated: boolean,
  context: EventContext,
): VerifyEvent[] {
  const { latency, errors } = result
  const run: VerifyEventOf<'http'> = {
    ...eventHead(context),
    type: 'http',
    name: result.name,
    metric: 'p95',
    value: latency.p95Ns,
    unit: 'ns',
    budget: null,
    verdict: null,
    baseline: null,
    delta: null,
    confidence: null,
    url: result.url,
    method: result.method,
    connections: result.connections,
    tool: `${result.tool.name} ${result.tool.version}`,
    requests: result.requests,
    responses: result.responses,
    elapsedNs: result.elapsedNs,
    rps: result.rps,
    bytes: result.bytes,
    throughputBytesPerSec: result.throughputBytesPerSec,
    latencyNs: {
      min: latency.minNs,
      mean: latency.meanNs,
      p50: latency.p50Ns,
      p90: latency.p90Ns,
      p95: latency.p95Ns,
      p99: latency.p99Ns,
      max: latency.maxNs,
    },
    errors: { ...errors, statusCodes: { ...errors.statusCodes } },
    errorRate: result.errorRate,
  }
  const budgets = (verdict?.metrics ?? []).map(
    (m): VerifyEventOf<'http-budget'> => ({
      ...eventHead(context),
      type: 'http-budget',
      name: verdict!.name,
      metric: m.metric,
      value: m.actual,
      unit: m.unit,
      budget: { op: m.limit.op, value: m.limit.value, text: m.limitText },
      verdict: m.status,
      baseline: null,
      delta: null,
      confidence: verdict!.confidence,
      interval: m.interval === null ? null : [...m.interval],
      url: verdict!.url,
      method: verdict!.method,
      connections: verdict!.connections,
      requests: verdict!.requests,
      responses: verdict!.responses,
      samplesNeeded: m.samplesNeeded,
      source: { ...verdict!.source },
      inconclusivePolicy,
      negated,
      reason: m.reason ?? null,
    }),
  )
  return [run, ...budgets]
}

function sizeEvents(
  name: string,
  result: SizeResult,
  verdict: SizeBudgetVerdict | null,
  negated: boolean,
  context: EventContext,
): VerifyEventOf<'size'>[] {
  const measuredBytes = { raw: result.rawBytes, gzip: result.gzipBytes, brotli: result.brotliBytes }
  // With a verdict, one event per guarded metric; without, one per metric measured.
  const metrics =
    verdict?.metrics ??
    (['raw', 'gzip', 'brotli'] as const).map((metric) => ({
      metric,
      status: null,
      actualBytes: measuredBytes[metric],
      limitBytes: null,
      limitText: null,
      baselineBytes: null,
      deltaBytes: null,
      allowedGrowthBytes: null,
      exceeded: [],
    }))
  return metrics.map((m) => ({
    ...eventHead(context),
    type: 'size',
    name,
    metric: m.metric,
    value: m.actualBytes,
    unit: 'bytes',
    budget:
      m.limitBytes === null || m.limitText === null
        ? null
        : { op: '<=', value: m.limitBytes, text: m.limitText },
    verdict: m.status,
    baseline: m.baselineBytes,
    delta:
      m.baselineBytes === null || m.deltaBytes === null || m.baselineBytes === 0
        ? null
        : m.deltaBytes / m.baselineBytes,
    confidence: null,
    path: result.path,
    files: [...result.files],
    import:
      result.import === null
        ? null
        : typeof result.import === 'string'
          ? result.import
          : { ...result.import },
    tool: `${result.tool.name} ${result.tool.version}`,
    deltaBytes: m.deltaBytes,
    allowedGrowthBytes: m.allowedGrowthBytes,
    exceeded: [...m.exceeded],
    source: verdict === null ? null : { ...verdict.source },
    negated,
  }))
}

function webEvents(result: WebResult, context: EventContext): VerifyEventOf<'web'>[] {
  return Object.entries(result.metrics).map(([metric, series]) => ({
    ...eventHead(context),
    type: 'web',
    name: result.name,
    metric,
    value: series.value,
    unit: series.unit,
    budget: null,
    verdict: null,
    baseline: null,
    delta: null,
    confidence: null,
    url: result.url,
    tool: `${result.tool.name} ${result.tool.version}`,
    profile: result.profile.name,
    aggregation: result.aggregation,
    runs: [...series.runs],
    missing: series.missing ?? null,
  }))
}

function webBudgetEvents(
  verdict: WebBudgetVerdict,
  negated: boolean,
  context: EventContext,
): VerifyEventOf<'web-budget'>[] {
  return verdict.metrics.map((m) => ({
    ...eventHead(context),
    type: 'web-budget',
    name: verdict.name,
    metric: m.metric,
    value: m.actual,
    unit: m.unit,
    budget: { op: m.limit.op, value: m.limit.value, text: m.limitText },
    verdict: m.status,
    baseline: null,
    delta: null,
    confidence: null,
    url: verdict.url,
    tool: `${verdict.tool.name} ${verdict.tool.version}`,
    profile: verdict.profile,
    aggregation: verdict.aggregation,
    runs: [...m.runs],
    runsBeyond: m.runsBeyond,
    source: { ...verdict.source },
    negated,
    reason: m.reason ?? null,
  }))
}

function benchEvent(result: BenchResult, context: EventContext): VerifyEventOf<'bench'> {
  const { stats } = result
  return {
    ...eventHead(context),
    type: 'bench',
    name: result.name,
    metric: 'median',
    value: stats.medianNs,
    unit: 'ns',
    budget: null,
    verdict: null,
    baseline: null,
    delta: null,
    confidence: stats.confidence,
    batchSize: result.batchSize,
    samples: stats.samples,
    medianNs: stats.medianNs,
    medianIntervalNs: [...stats.medianIntervalNs],
    p95Ns: stats.p95Ns,
    meanNs: stats.meanNs,
    opsPerSec: stats.opsPerSec,
    granularity: stats.granularity,
    ...(result.memory !== undefined && { memory: memoryInBrief(result.memory) }),
  }
}

function memoryInBrief(memory: BenchMemory): NonNullable<VerifyEventOf<'bench'>['memory']> {
  return {
    gc: memory.gc,
    batches: memory.batches,
    heapPerCallBytes: memory.heapPerCallBytes,
    heapPerCallIntervalBytes: [...memory.heapPerCallIntervalBytes],
    retainedPerCallBytes: memory.retainedPerCallBytes,
    retainedPerCallIntervalBytes:
      memory.retainedPerCallIntervalBytes === null ? null : [...memory.retainedPerCallIntervalBytes],
    rssPeakBytes: memory.rssPeakBytes,
    processMaxRssBytes: memory.processMaxRssBytes,
  }
}

function budgetEvents(
  verdict: BudgetVerdict,
  inconclusivePolicy: InconclusivePolicy,
  negated: boolean,
  context: EventContext,
): VerifyEventOf<'budget'>[] {
  return verdict.metrics.map((m) => ({
    ...eventHead(context),
    type: 'budget',
    name: verdict.name,
    metric: m.metric,
    value: m.actual,
    unit: m.unit,
    budget: { op: m.limit.op, value: m.limit.value, text: m.limitText },
    verdict: m.status,
    baseline: null,
    delta: null,
    confidence: verdict.confidence,
    interval: m.interval === null ? null : [...m.interval],
    source: { ...verdict.source },
    inconclusivePolicy,
    negated,
  }))
}

function comparisonEvent(comparison: Comparison, context: EventContext): VerifyEventOf<'comparison'> {
  return {
    ...eventHead(context),
    type: 'comparison',
    name: comparison.names[0],
    metric: 'ratio',
    value: comparison.ratio,
    unit: null,
    budget: null,
    verdict: comparison.verdict,
    baseline: null,
    delta: comparison.ratio - 1,
    confidence: comparison.confidence,
    names: [...comparison.names],
    method: comparison.method,
    interval: [...comparison.interval],
    threshold: comparison.threshold,
  }
}

/** What a regression check decided about one metric; see {@link regressionEvent}. */
export interface RegressionInput {
  name: string
  metric: string
  /** Unit of `value` and `baseline` ('ns', 'ops/s', 'bytes'); null for dimensionless metrics. */
  unit: string | null
  value: number
  baseline: number
  /** Relative change, (value − baseline) / baseline. */
  delta: number
  /** Interval of `delta` at `confidence`. */
  interval: [number, number]
  verdict: VerifyEventOf<'regression'>['verdict']
  threshold: number
  confidence: number
  pValue?: number
  /** `pValue` adjusted for the number of metrics tested in the run. */
  adjustedP?: number
  /** The comparison as measured, when a machine shift alone would have decided the verdict. */
  asMeasured?: { ratio: number; interval: [number, number]; machineRatio: number }
  /** The git ref whose code was the baseline, timed in the same process. */
  base?: { ref: string; commit: string }
}

/** The event of a regression check. */
export function regressionEvent(input: RegressionInput, context: EventContext): VerifyEventOf<'regression'> {
  return {
    ...eventHead(context),
    type: 'regression',
    name: input.name,
    metric: input.metric,
    value: input.value,
    unit: input.unit,
    budget: null,
    verdict: input.verdict,
    baseline: input.baseline,
    delta: input.delta,
    confidence: input.confidence,
    interval: [...input.interval],
    threshold: input.threshold,
    pValue: input.pValue ?? null,
    adjustedP: input.adjustedP ?? null,
    ...(input.asMeasured !== undefined && {
      asMeasured: {
        ratio: input.asMeasured.ratio,
        interval: [...input.asMeasured.interval],
        machineRatio: input.asMeasured.machineRatio,
      },
    }),
    ...(input.base !== undefined && { base: { ref: input.base.ref, commit: input.base.commit } }),
  }
}

/** One probe of a breaking-point search as an event; `index` is its 1-based position. */
export function breakingPointProbeEvent(
  name: string,
  index: number,
  probe: BreakingPointProbe<unknown>,
  levelUnit: string | null,
  context: EventContext,
): VerifyEventOf<'breaking-point-probe'> {
  return {
    ...eventHead(context),
    type: 'breaking-point-probe',
    name,
    metric: probe.metric,
    value: probe.value,
    unit: probe.unit,
    budget: null,
    verdict: null,
    baseline: null,
    delta: null,
    confidence: null,
    index,
    level: probe.level,
    levelUnit,
    pass: probe.pass,
    status: probe.status,
    limit: probe.limit,
    phase: probe.phase,
    wallNs: probe.wallNs,
    summary: probe.summary,
  }
}

/** A breaking-point search's events: each probe, then its outcome. */
function breakingPointEvents(result: BreakingPointResult<never>, context: EventContext): VerifyEvent[] {
  const probes = result.probes.map((probe, i) =>
    breakingPointProbeEvent(result.name, i + 1, probe, result.levelUnit, context),
  )
  const outcome: VerifyEventOf<'breaking-point'> = {
    ...eventHead(context),
    type: 'breaking-point',
    name: result.name,
    metric: 'breakingPoint',
    value: result.breakingPoint,
    unit: result.levelUnit,
    budget: null,
    verdict: null,
    baseline: null,
    delta: null,
    confidence: null,
    status: result.status,
    min: result.min,
    max: result.max,
    firstFailing: result.firstFailing,
    precision: result.precision,
    probes: result.probes.length,
    inconsistencies: result.inconsistencies.map((i) => ({ ...i })),
    probeMetric: result.metric,
    probeUnit: result.unit,
    limit: result.limit,
    curve: result.curve.map((point) => ({ ...point })),
    summary: result.summary,
  }
  return [...probes, outcome]
}

/** A bench's CPU profile as its event; the numbers are null when no profile could be taken. */
export function profileEvent(profile: BenchProfile, context: EventContext): VerifyEventOf<'profile'> {
  const profiled = profile.status === 'profiled' ? profile : undefined
  return {
    ...eventHead(context),
    type: 'profile',
    ...NO_MEASUREMENT,
    name: profile.name,
    reason: profile.reason,
    status: profile.status,
    why: profile.status === 'unavailable' ? profile.why : null,
    file: profiled?.file ?? null,
    fileError: profiled?.fileError ?? null,
    profiledNs: profiled?.profiledNs ?? null,
    samples: profiled?.samples ?? null,
    samplingIntervalUs: profiled?.samplingIntervalUs ?? null,
    calls: profiled?.calls ?? null,
    gcShare: profiled?.gcShare ?? null,
    harnessShare: profiled?.harnessShare ?? null,
    programShare: profiled?.programShare ?? null,
    idleShare: profiled?.idleShare ?? null,
    inlining: profiled?.inlining ?? null,
    hotspots: (profiled?.hotspots ?? []).map((h) => ({
      functionName: h.functionName,
      origin: h.origin,
      definedAt: h.definedAt === null ? null : { ...h.definedAt },
      hottestLine: h.hottestLine === null ? null : { ...h.hottestLine },
      mapped: h.mapped,
      selfNs: h.selfNs,
      selfShare: h.selfShare,
      calledFrom:
        h.calledFrom === null
          ? null
          : {
              functionName: h.calledFrom.functionName,
              at: h.calledFrom.at === null ? null : { ...h.calledFrom.at },
            },
    })),
  }
}

/** How many of `events` carry each verdict; every verdict is listed, 0 when absent. */
export function countVerdicts(events: readonly VerifyEvent[]): VerdictCounts {
  const counts = Object.fromEntries(VERIFY_VERDICTS.map((verdict) => [verdict, 0])) as VerdictCounts
  for (const event of events) if (event.verdict !== null) counts[event.verdict]++
  return counts
}

/** The last event of a run: its verdict counts (missing ones are 0) and the exit code it ends with. */
export function runEndEvent(
  context: EventContext,
  counts: Partial<VerdictCounts>,
  exitCode: number,
): VerifyEventOf<'run-end'> {
  const all = Object.fromEntries(VERIFY_VERDICTS.map((verdict) => [verdict, counts[verdict] ?? 0]))
  return { ...eventHead(context), type: 'run-end', ...NO_MEASUREMENT, counts: all as VerdictCounts, exitCode }
}

/**
 * The event as one line of JSON, without a line break at the end: keys in schema order, every
 * non-finite number written as null, and U+2028/U+2029 escaped (JSON allows them raw, but some
 * line readers, Python's `str.splitlines` among them, split on them).
 *
 * @throws Error for an event that does not match the schema (a bug in whoever built it).
 */
export function serializeEvent(event: VerifyEvent): string {
  // Parsing orders the keys as the schema lists them (nested ones too) and drops unknown ones.
  const checked = verifyEventSchema.safeParse(finiteOrNull(event))
  if (!checked.success) {
    throw verifyEventInvalid(
      'the event given to serializeEvent()',
      formatIssues(checked.error.issues, undefined, 'the event'),
    )
  }
  return JSON.stringify(checked.data).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
}

/** A copy of `value` with every non-finite number replaced by null. */
function finiteOrNull(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (Array.isArray(value)) return value.map(finiteOrNull)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, finiteOrNull(item)]))
  }
  return value
}

/** A line checked against the schema: the event, or the problems as `✖ … → at …` lines. */
export type CheckedLine = { ok: true; event: VerifyEvent } | { ok: false; problems: string; cause?: unknown }

/** Check one line of a log (without its line break); never throws. */
export function checkEventLine(line: string): CheckedLine {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (error) {
    // V8's wording of JSON syntax errors changes between Node versions: keep it as the cause.
    return {
      ok: false,
      problems: '✖ Not a complete JSON object: cut short, or not written by perfgate',
      cause: error,
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, problems: `✖ Expected a JSON object, received ${showValue(json)}` }
  }
  const { v } = json as { v?: unknown }
  if (typeof v === 'number' && v > VERIFY_SCHEMA_VERSION) {
    return {
      ok: false,
      problems: `✖ Written in [VERIFY] schema version ${v}, newer than this perfgate reads (${VERIFY_SCHEMA_VERSION}); upgrade perfgate to read it\n  → at v`,
    }
  }
  const checked = verifyEventSchema.safeParse(json)
  if (checked.success) return { ok: true, event: checked.data }
  return { ok: false, problems: formatIssues(checked.error.issues, undefined, 'the event') }
}

/**
 * Parse one line of a log (without its line break) into an event.
 *
 * @param where - Where the line is, named in the error, e.g. `logs/perfgate.jsonl:12`.
 * @throws Error (VERIFY_EVENT_INVALID) naming `where` and each problem, the JSON syntax error as cause.
 */
export function parseEventLine(line: string, where: string): VerifyEvent {
  const checked = checkEventLine(line)
  if (checked.ok) return checked.event
  throw verifyEventInvalid(where, checked.problems, checked.cause)
}

function verifyEventInvalid(where: string, problems: string, cause?: unknown): Error {
  return perfgateError('VERIFY_EVENT_INVALID', { where, problems, version: VERIFY_SCHEMA_VERSION }, cause)
}

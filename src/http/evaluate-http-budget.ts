import { judge } from '../budget/evaluate-bench-budget.js'
import { type Bound, satisfiesBound } from '../budget/parse-bound.js'
import { type BudgetSource, type BudgetStatus, worstStatus } from '../budget/verdict.js'
import { formatIssues } from '../config/format-issues.js'
import { type HttpBudget, httpBudgetSchema } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import { DEFAULT_CONFIDENCE } from '../measure/defaults.js'
import { quantileBounds } from '../stats/quantile-interval.js'
import type { SortedSamples } from '../stats/sorted-samples.js'
import { histogramAsSorted } from './latency-histogram.js'
import type { HttpMethod, LoadTestResult } from './types.js'

/** Keys an HTTP budget limits, in the order they are checked and reported: latency, errors, throughput. */
export const HTTP_BUDGET_KEYS = ['p50', 'p90', 'p95', 'p99', 'errorRate', 'rps'] as const

/** A metric an HTTP budget can limit. */
export type HttpMetric = (typeof HTTP_BUDGET_KEYS)[number]

/** Unit of an HTTP metric: latencies in ns, the error rate as a fraction (0.001 = 0.1%), rps in requests per second. */
export type HttpUnit = 'ns' | 'fraction' | 'req/s'

/** The limits of an HTTP budget as users write them: `{ p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }`. */
export type HttpLimitsInput = {
  p50?: string | number
  p90?: string | number
  p95?: string | number
  p99?: string | number
  errorRate?: string | number
  rps?: string | number
}

/** Parsed limits of an HTTP budget: a `budgets.http` entry from the config is one. */
export type HttpLimits = Pick<HttpBudget, HttpMetric>

/** One limit to check, in the metric's unit. */
export interface HttpLimit {
  metric: HttpMetric
  bound: Bound
  /** As the user wrote it: "200ms", "< 0.1%", ">= 1000". */
  text: string
}

/** The verdict on one metric of an HTTP budget. */
export interface HttpMetricVerdict {
  /**
   * A latency percentile passes only when its whole interval is within the limit and fails only
   * when its whole interval is beyond it (as bench budgets); errorRate and rps are this run's own
   * counts, judged on the value. Inconclusive: the interval straddles the limit, too few responses
   * bound the percentile, or nothing was measured (see `reason`).
   */
  status: BudgetStatus
  metric: HttpMetric
  unit: HttpUnit
  /** The measured value; null when there is none (no response came back). */
  actual: number | null
  /** Distribution-free interval of a percentile at the verdict's confidence; null for errorRate and rps. */
  interval: [number, number] | null
  limit: Bound
  limitText: string
  /** Relative headroom: positive inside the limit, negative beyond it; null without a value. */
  margin: number | null
  /** For an inconclusive percentile: about how many times the requests would settle it. */
  settleFactor: number | null
  /** Responses a percentile needs before its interval can be bounded (p95: 72, p99: 367 at 95%); null when enough. */
  samplesNeeded: number | null
  /** Why there is no value, for an inconclusive verdict. */
  reason?: string
}

/** The verdict on an HTTP budget: the worst of its metrics (fail > inconclusive > pass). */
export interface HttpBudgetVerdict {
  kind: 'http'
  /** The load test's name (the budget's name, else method and URL). */
  name: string
  url: string
  method: HttpMethod
  connections: number
  status: BudgetStatus
  metrics: HttpMetricVerdict[]
  source: BudgetSource
  confidence: number
  /** Requests that ended, and how many got a response: the numbers behind every metric. */
  requests: number
  responses: number
}

/** Options of {@link evaluateHttpBudget}. */
export interface EvaluateHttpBudgetOptions {
  /** Confidence of the percentile intervals. @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
}

/**
 * Check a load test result against an HTTP budget. Pure: the same result and budget give the
 * same verdict.
 *
 * Latency percentiles get a distribution-free interval from the order statistics of the
 * responses (as bench percentiles do) and pass or fail only when the whole interval is on one
 * side of the limit. Those intervals assume responses are independent; under load they are not
 * quite (a GC pause slows a burst of them), so treat a pass close to the limit with some
 * suspicion. errorRate and rps are judged on this run's own counts: failures come in bursts (a
 * restart, a full queue), not as independent coin flips, so a binomial interval would claim a
 * precision it does not have; the message shows the counts instead.
 *
 * @param budget - Limits as written (`{ p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }`), or a
 * parsed `budgets.http` entry; other keys of a `budgets.http` entry (url, connections…) are ignored.
 * @throws PerfgateError HTTP_BUDGET_INVALID for a value that does not parse, an unknown key, or an
 * empty budget.
 */
export function evaluateHttpBudget(
  result: LoadTestResult,
  budget: HttpLimitsInput | HttpLimits,
  source: BudgetSource = { kind: 'inline' },
  options: EvaluateHttpBudgetOptions = {},
): HttpBudgetVerdict {
  const where = source.kind === 'inline' ? 'the inline budget' : `perfgate.${source.key} in ${source.file}`
  return evaluateHttpLimits(result, httpLimits(budget, where), source, options)
}

/** Check a load test result against a list of limits; {@link evaluateHttpBudget} for a whole budget. */
export function evaluateHttpLimits(
  result: LoadTestResult,
  limits: readonly HttpLimit[],
  source: BudgetSource = { kind: 'inline' },
  options: EvaluateHttpBudgetOptions = {},
): HttpBudgetVerdict {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE
  const metrics = limits.map((limit) => judgeMetric(result, limit, confidence))
  return {
    kind: 'http',
    name: result.name,
    url: result.url,
    method: result.method,
    connections: result.connections,
    status: worstStatus(metrics.map((m) => m.status)),
    metrics,
    source,
    confidence,
    requests: result.requests,
    responses: result.responses,
  }
}

const UNIT: Readonly<Record<HttpMetric, HttpUnit>> = {
  p50: 'ns',
  p90: 'ns',
  p95: 'ns',
  p99: 'ns',
  errorRate: 'fraction',
  rps: 'req/s',
}

const PERCENTILE: Readonly<Partial<Record<HttpMetric, number>>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 }

function judgeMetric(result: LoadTestResult, limit: HttpLimit, confidence: number): HttpMetricVerdict {
  const base = { metric: limit.metric, unit: UNIT[limit.metric], limit: limit.bound, limitText: limit.text }
  const p = PERCENTILE[limit.metric]
  if (p !== undefined) {
    const metric = limit.metric as 'p50' | 'p90' | 'p95' | 'p99'
    const key = `${metric}Ns` as const
    const actual = result.latency[key]
    if (actual === null || result.latency.samples === 0) {
      return nothing(base, `no response came back (${failureCounts(result)})`)
    }
    const sorted = histogramAsSorted(result.latency.histogram) as SortedSamples
    const { interval, samplesNeeded } = quantileBounds(sorted, p, confidence)
    const v = judge(metric, actual, interval, limit.bound, limit.text, samplesNeeded)
    return {
      ...base,
      status: v.status,
      actual,
      interval,
      margin: v.margin,
      settleFactor: v.settleFactor,
      samplesNeeded,
    }
  }
  if (limit.metric === 'errorRate' && result.requests === 0) {
    return nothing(base, 'no request ended during the run')
  }
  const actual = limit.metric === 'errorRate' ? result.errorRate : result.rps
  return {
    ...base,
    status: satisfiesBound(actual, limit.bound) ? 'pass' : 'fail',
    actual,
    interval: null,
    margin: marginOf(actual, limit.bound),
    settleFactor: null,
    samplesNeeded: null,
  }
}

function nothing(
  base: Pick<HttpMetricVerdict, 'metric' | 'unit' | 'limit' | 'limitText'>,
  reason: string,
): HttpMetricVerdict {
  return {
    ...base,
    status: 'inconclusive',
    actual: null,
    interval: null,
    margin: null,
    settleFactor: null,
    samplesNeeded: null,
    reason,
  }
}

/** `3 timeouts, 2 connection errors`, or `no request ended`. */
function failureCounts(result: LoadTestResult): string {
  const parts: string[] = []
  const { timeouts, connection } = result.errors
  if (timeouts > 0) parts.push(`${timeouts} ${timeouts === 1 ? 'timeout' : 'timeouts'}`)
  if (connection > 0) parts.push(`${connection} connection ${connection === 1 ? 'error' : 'errors'}`)
  return parts.length === 0 ? 'no request ended' : parts.join(', ')
}

function marginOf(actual: number, bound: Bound): number {
  const upper = bound.op === '<' || bound.op === '<='
  if (bound.value === 0) return satisfiesBound(actual, bound) ? 0 : -1
  return upper ? (bound.value - actual) / bound.value : (actual - bound.value) / bound.value
}

// The limit keys of a budgets.http entry, as their own strict schema: inline budgets are checked
// with the same wording as package.json.
const httpLimitsSchema = httpBudgetSchema.pick({
  p50: true,
  p90: true,
  p95: true,
  p99: true,
  errorRate: true,
  rps: true,
})

/**
 * The limits of an HTTP budget, in report order. Accepts limits as written, parsed ones (a
 * `budgets.http` entry), or a mix; keys of a `budgets.http` entry that are not limits are ignored.
 *
 * @param where - Where the budget was written, named in the error (e.g. `toMeetBudget()`).
 * @throws PerfgateError HTTP_BUDGET_INVALID listing every problem with its key.
 */
export function httpLimits(budget: HttpLimitsInput | HttpLimits, where: string): HttpLimit[] {
  if (typeof budget !== 'object' || budget === null || Array.isArray(budget)) {
    throw perfgateError('HTTP_BUDGET_INVALID', {
      where,
      problems: `✖ Expected an object of limits, received ${Array.isArray(budget) ? 'an array' : String(budget)}\n  → at the budget`,
    })
  }
  const parsed: Partial<Record<HttpMetric, { text: string } & ({ ns: number } | Bound)>> = {}
  const toParse: Record<string, unknown> = {}
  const loadingKeys = new Set(Object.keys(httpBudgetSchema.shape))
  for (const [key, value] of Object.entries(budget)) {
    const isLimit = (HTTP_BUDGET_KEYS as readonly string[]).includes(key)
    if (isLimit && typeof value === 'object' && value !== null && 'text' in value) {
      parsed[key as HttpMetric] = value as never
    } else if (isLimit || !loadingKeys.has(key)) {
      toParse[key] = value
    }
  }
  const checked = httpLimitsSchema.safeParse(toParse)
  if (!checked.success) {
    throw perfgateError(
      'HTTP_BUDGET_INVALID',
      { where, problems: formatIssues(checked.error.issues, httpLimitsSchema, 'the budget') },
      checked.error,
    )
  }
  const all = { ...parsed, ...checked.data }
  const limits: HttpLimit[] = []
  for (const metric of HTTP_BUDGET_KEYS) {
    const value = all[metric]
    if (value === undefined) continue
    // Latency limits are durations, upper limits by nature: "p95 at most 200 ms".
    const bound: Bound = 'ns' in value ? { op: '<=', value: value.ns } : { op: value.op, value: value.value }
    limits.push({ metric, bound, text: value.text })
  }
  if (limits.length === 0) {
    throw perfgateError('HTTP_BUDGET_INVALID', {
      where,
      problems: '✖ The budget is empty: it limits nothing, so it would always pass\n  → at the budget',
    })
  }
  return limits
}

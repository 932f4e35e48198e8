import { type Bound, satisfiesBound } from '../budget/parse-bound.js'
import { type BudgetSource, type BudgetStatus, worstStatus } from '../budget/verdict.js'
import { didYouMean } from '../config/did-you-mean.js'
import type { LighthouseBudget, VitalsBudget } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import type { WebAggregation, WebMetricSeries, WebResult, WebTool, WebUnit } from './types.js'
import { VITAL_NAMES } from './types.js'

/** One limit on a web metric, in the metric's own unit (ms, score, bytes, unitless). */
export interface WebLimit {
  /** Key into WebResult.metrics, e.g. "LCP", "performance", "resource-summary.script.size". */
  metric: string
  unit: WebUnit
  bound: Bound
  /** The limit as the user wrote it: "2.5s", 0.9, "150 kB". */
  text: string
}

/** The verdict on one metric of a web budget. */
export interface WebMetricVerdict {
  /**
   * pass: the aggregated value meets the limit; fail: it does not; inconclusive: no run produced
   * the metric (see `reason`), so nothing can be said about it.
   */
  status: BudgetStatus
  metric: string
  unit: WebUnit
  /** The aggregated value the limit is checked against; null when no run had the metric. */
  actual: number | null
  /** Every run's value, in run order. */
  runs: (number | null)[]
  limit: Bound
  limitText: string
  /**
   * Relative headroom: positive inside the limit, negative beyond it. For an upper limit
   * (limit − actual) / limit; for a lower limit (actual − limit) / limit. Null without a value.
   */
  margin: number | null
  /** How many runs were beyond the limit on their own: a passing median can hide some. */
  runsBeyond: number
  /** Why the metric has no value, for an inconclusive verdict. */
  reason?: string
}

/** The verdict on a page's web budget: the worst of its metrics (fail > inconclusive > pass). */
export interface WebBudgetVerdict {
  kind: 'web'
  /** Page name (the budget's name, or the URL). */
  name: string
  url: string
  tool: WebTool
  /** Profile name, e.g. "desktop". */
  profile: string
  aggregation: WebAggregation
  runs: number
  status: BudgetStatus
  metrics: WebMetricVerdict[]
  source: BudgetSource
}

/**
 * The limits of a Web Vitals budget: every vital is an upper limit, times in ms, CLS unitless.
 * Keys are checked in VITAL_NAMES order so messages read the same every time.
 */
export function vitalsLimits(budget: VitalsBudget): WebLimit[] {
  const limits: WebLimit[] = []
  for (const name of VITAL_NAMES) {
    const target = budget[name]
    if (target === undefined) continue
    if (typeof target === 'number') {
      limits.push({
        metric: name,
        unit: 'unitless',
        bound: { op: '<=', value: target },
        text: String(target),
      })
    } else {
      limits.push({
        metric: name,
        unit: 'ms',
        bound: { op: '<=', value: target.ns / 1e6 },
        text: target.text,
      })
    }
  }
  return limits
}

/**
 * The limits of Lighthouse targets against a result's metrics. A score is a minimum: of the
 * category with that id, else of the audit (`<id>.score`). A duration or size is a maximum of the
 * audit's numeric value, which must be in that unit.
 *
 * @throws PerfgateError `WEB_BUDGET_INVALID` when a key names nothing Lighthouse reported, or a
 * target's unit does not fit the metric (a duration for a byte count), with the keys it has.
 */
export function lighthouseLimits(budget: LighthouseBudget, result: WebResult, where: string): WebLimit[] {
  const problems: string[] = []
  const limits: WebLimit[] = []
  for (const [key, target] of Object.entries(budget)) {
    if (target.kind === 'score') {
      const metric = result.metrics[key]?.unit === 'score' ? key : `${key}.score`
      if (result.metrics[metric] === undefined) {
        problems.push(unknownKey(key, result, 'score'))
        continue
      }
      limits.push({ metric, unit: 'score', bound: { op: '>=', value: target.score }, text: target.text })
      continue
    }
    const unit: WebUnit = target.kind === 'duration' ? 'ms' : 'bytes'
    const series = result.metrics[key]
    if (series === undefined) {
      problems.push(unknownKey(key, result, unit))
      continue
    }
    if (series.unit !== unit) {
      problems.push(
        `✖ ${JSON.stringify(key)} is measured in ${UNIT_WORDS[series.unit]}, so a ${target.kind} like ${JSON.stringify(target.text)} cannot limit it${series.unit === 'score' ? '; give a minimum score from 0 to 1, like 0.9' : ''}\n  → at ${JSON.stringify(key)}`,
      )
      continue
    }
    const value = target.kind === 'duration' ? target.ns / 1e6 : target.bytes
    limits.push({ metric: key, unit, bound: { op: '<=', value }, text: target.text })
  }
  if (problems.length > 0) {
    throw perfgateError('WEB_BUDGET_INVALID', {
      where,
      problems: problems.join('\n'),
      known:
        'Lighthouse targets are keyed by category ("performance"), audit ("total-blocking-time", "largest-contentful-paint") or resource summary ("resource-summary.script.size", "resource-summary.total.count"): a number from 0 to 1 is a minimum score, a duration or size a maximum value.',
    })
  }
  return limits
}

const UNIT_WORDS: Readonly<Record<WebUnit, string>> = {
  ms: 'milliseconds',
  score: 'a score from 0 to 1',
  bytes: 'bytes',
  count: 'a count',
  unitless: 'a unitless number',
}

const UNKNOWN_WORDS: Readonly<Record<WebUnit, string>> = {
  ms: 'time (an audit measured in milliseconds) named',
  score: 'score (a category or an audit) named',
  bytes: 'size (an audit or resource summary in bytes) named',
  count: 'count named',
  unitless: 'value named',
}

function unknownKey(key: string, result: WebResult, unit: WebUnit): string {
  const candidates = Object.entries(result.metrics)
    .filter(([, series]) => series.unit === unit)
    .map(([k]) => (unit === 'score' ? k.replace(/\.score$/, '') : k))
  const suggestion = didYouMean(key, candidates)
  const hint = suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`
  return `✖ Lighthouse reported no ${UNKNOWN_WORDS[unit]} ${JSON.stringify(key)}${hint}\n  → at ${JSON.stringify(key)}`
}

/**
 * Check a web result against limits. Pure: the same result and limits give the same verdict.
 *
 * A page is loaded a few times (3 by default) and a budget is checked against the runs'
 * aggregate, the median unless configured: a handful of page loads gives no useful interval, and
 * the median of 3 already halves the chance that one slow load decides (docs/accuracy.md has the
 * spread). Runs beyond the limit on their own are counted, so a message can say "2 of 5 runs
 * were over". A metric no run produced is inconclusive with the reason, never a pass.
 */
export function evaluateWebBudget(
  result: WebResult,
  limits: readonly WebLimit[],
  source: BudgetSource = { kind: 'inline' },
): WebBudgetVerdict {
  const metrics = limits.map((limit) => judge(limit, result.metrics[limit.metric]))
  return {
    kind: 'web',
    name: result.name,
    url: result.url,
    tool: result.tool,
    profile: result.profile.name,
    aggregation: result.aggregation,
    runs: result.runs,
    status: worstStatus(metrics.map((m) => m.status)),
    metrics,
    source,
  }
}

function judge(limit: WebLimit, series: WebMetricSeries | undefined): WebMetricVerdict {
  const runs = series?.runs ?? []
  const actual = series?.value ?? null
  const base = { metric: limit.metric, unit: limit.unit, runs, limit: limit.bound, limitText: limit.text }
  const runsBeyond = runs.filter((v) => v !== null && !satisfiesBound(v, limit.bound)).length
  if (actual === null) {
    return {
      ...base,
      status: 'inconclusive',
      actual: null,
      margin: null,
      runsBeyond,
      reason: series?.missing ?? `no run reported ${limit.metric}`,
    }
  }
  return {
    ...base,
    status: satisfiesBound(actual, limit.bound) ? 'pass' : 'fail',
    actual,
    margin: marginOf(actual, limit.bound),
    runsBeyond,
  }
}

function marginOf(actual: number, bound: Bound): number {
  const upper = bound.op === '<' || bound.op === '<='
  if (bound.value === 0) return upper ? (actual === 0 ? 0 : -Infinity) : actual > 0 ? Infinity : 0
  return upper ? (bound.value - actual) / bound.value : (actual - bound.value) / bound.value
}

import type { BenchBudget } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import type { BenchResult } from '../measure/types.js'
import { normalQuantile } from '../stats/normal.js'
import { quantile } from '../stats/quantile.js'
import { quantileBounds } from '../stats/quantile-interval.js'
import { type SortedSamples, sortSamples } from '../stats/sorted-samples.js'
import { type Bound, satisfiesBound } from './parse-bound.js'
import {
  type BenchMetric,
  type BudgetSource,
  type BudgetStatus,
  type BudgetVerdict,
  MEMORY_METRICS,
  type MetricVerdict,
  worstStatus,
} from './verdict.js'

/**
 * Budget keys in the order they are checked and reported: central first, then tails, then
 * throughput, then memory.
 */
export const BENCH_BUDGET_KEYS = [
  'mean',
  'median',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'max',
  'opsPerSec',
  'heapPerCall',
  'rss',
] as const satisfies readonly BenchMetric[]

/** One limit to check: a metric, its bound, and the bound as the user wrote it. */
export interface MetricLimit {
  metric: BenchMetric
  bound: Bound
  text: string
}

/**
 * Check a bench result against a budget. Pure: the same result and budget give the same verdict.
 *
 * A metric passes only when its whole interval is within the limit, fails only when its whole
 * interval is beyond it, and is inconclusive otherwise: the machine's noise is then wider than
 * the budget's margin, and `settleFactor` says how many times the samples would settle it.
 * Percentile intervals are distribution-free (order statistics); the mean's is the normal
 * approximation, fine for the tens of batches a bench records; `max` is the observed slowest
 * sample and has no interval.
 *
 * @param budget - A parsed budget (see `benchBudgetSchema`); parse inline budgets with
 * `parseBenchBudget` first.
 */
export function evaluateBenchBudget(
  result: BenchResult,
  budget: BenchBudget,
  source: BudgetSource = { kind: 'inline' },
): BudgetVerdict {
  return evaluateLimits(result, budgetLimits(budget), source)
}

/**
 * Check a bench result against a list of limits; {@link evaluateBenchBudget} for a whole budget,
 * and the percentile matchers for a single `p99.9` limit, are built on it.
 */
export function evaluateLimits(
  result: BenchResult,
  limits: readonly MetricLimit[],
  source: BudgetSource = { kind: 'inline' },
): BudgetVerdict {
  const confidence = result.stats.confidence
  // Sorted once for every percentile of the budget; up to 20 000 samples each time otherwise.
  let sorted: SortedSamples | undefined
  const perCall = () => {
    sorted ??= sortSamples(result.batchTimesNs.map((t) => t / result.batchSize))
    return sorted
  }
  requireMemory(result, limits)
  const metrics = limits.map(({ metric, bound, text }) => {
    const { actual, interval, samplesNeeded } = estimate(result, metric, confidence, perCall)
    return judge(metric, actual, interval, bound, text, samplesNeeded)
  })
  return {
    kind: 'budget',
    name: result.name,
    status: worstStatus(metrics.map((m) => m.status)),
    metrics,
    source,
    confidence,
    samples: result.stats.samples,
    batchSize: result.batchSize,
    granularity: result.stats.granularity,
    timeBudgetNs: result.timing.budgetNs,
  }
}

function limitOf(
  budget: BenchBudget,
  metric: (typeof BENCH_BUDGET_KEYS)[number],
): { bound: Bound; text: string } | undefined {
  if (metric === 'opsPerSec') {
    const ops = budget.opsPerSec
    return ops === undefined ? undefined : { bound: { op: ops.op, value: ops.value }, text: ops.text }
  }
  if (metric === 'heapPerCall' || metric === 'rss') {
    const size = budget[metric]
    return size === undefined ? undefined : { bound: { op: '<=', value: size.bytes }, text: size.text }
  }
  const duration = budget[metric]
  // Durations in a bench budget are upper limits: "p95 at most 2ms".
  return duration === undefined ? undefined : { bound: { op: '<=', value: duration.ns }, text: duration.text }
}

interface Estimate {
  actual: number
  interval: [number, number] | null
  samplesNeeded: number | null
}

function estimate(
  result: BenchResult,
  metric: BenchMetric,
  confidence: number,
  perCall: () => SortedSamples,
): Estimate {
  const { stats } = result
  switch (metric) {
    case 'mean': {
      // Normal approximation: batch means are close to normal, and a bench records ≥ 10 of them.
      const halfWidth = normalQuantile(1 - (1 - confidence) / 2) * (stats.sdNs / Math.sqrt(stats.samples))
      return {
        actual: stats.meanNs,
        interval: [stats.meanNs - halfWidth, stats.meanNs + halfWidth],
        samplesNeeded: null,
      }
    }
    case 'max':
      return { actual: stats.maxNs, interval: null, samplesNeeded: null }
    case 'heapPerCall': {
      // requireMemory has checked that the memory section is there.
      const memory = result.memory!
      return {
        actual: memory.heapPerCallBytes,
        interval: memory.heapPerCallIntervalBytes,
        samplesNeeded: null,
      }
    }
    case 'rss':
      // The highest RSS sampled, like `max`: an observed extreme with no interval.
      return { actual: result.memory!.rssPeakBytes, interval: null, samplesNeeded: null }
    case 'opsPerSec': {
      // Calls per second at the median: the median interval, inverted (a slower median is fewer ops).
      const median = percentileEstimate(perCall(), 0.5, confidence)
      const [lo, hi] = median.interval
      return {
        actual: stats.opsPerSec,
        interval: [1e9 / hi, lo > 0 ? 1e9 / lo : Infinity],
        samplesNeeded: median.samplesNeeded,
      }
    }
    case 'median':
      return percentileEstimate(perCall(), 0.5, confidence)
    default:
      return percentileEstimate(perCall(), percentileOf(metric), confidence)
  }
}

/** A percentile with its order-statistic interval, one-sided bounds when samples are few (see quantileBounds). */
function percentileEstimate(
  sorted: SortedSamples,
  p: number,
  confidence: number,
): { actual: number; interval: [number, number]; samplesNeeded: number | null } {
  return { actual: quantile(sorted, p), ...quantileBounds(sorted, p, confidence) }
}

/**
 * Fewest samples that can bound every percentile in `limits` from above at `confidence`: the
 * largest sample bounds the p-quantile with probability 1 − pⁿ, so n ≥ ln(α/2) / ln p (72 for p95
 * and 367 for p99 at 95%). A bench that will be checked against these limits should record at
 * least this many, or its verdict on them can only be inconclusive.
 */
export function samplesToBound(limits: readonly Pick<MetricLimit, 'metric'>[], confidence: number): number {
  let needed = 0
  for (const { metric } of limits) {
    if (metric === 'mean' || metric === 'max' || metric === 'heapPerCall' || metric === 'rss') continue
    const p = metric === 'median' || metric === 'opsPerSec' ? 0.5 : percentileOf(metric)
    needed = Math.max(needed, Math.ceil(Math.log((1 - confidence) / 2) / Math.log(Math.max(p, 0.5))))
  }
  return needed
}

/** Whether a metric comes from a bench's memory batches (and is in bytes). */
export function isMemoryMetric(metric: BenchMetric): metric is (typeof MEMORY_METRICS)[number] {
  return (MEMORY_METRICS as readonly BenchMetric[]).includes(metric)
}

/**
 * A memory limit needs a result measured with memory on; a result without it is a mistake in the
 * test (the numbers are not there), so it is an error, not a verdict.
 *
 * @throws PerfgateError BENCH_MEMORY_MISSING naming the metrics and the fix.
 */
function requireMemory(result: BenchResult, limits: readonly Pick<MetricLimit, 'metric'>[]): void {
  if (result.memory !== undefined) return
  const memoryMetrics = limits.map((l) => l.metric).filter(isMemoryMetric)
  if (memoryMetrics.length === 0) return
  throw perfgateError('BENCH_MEMORY_MISSING', {
    name: result.name,
    metrics: [...new Set(memoryMetrics)].join(' and '),
  })
}

/** The limits of a parsed budget, in report order. */
export function budgetLimits(budget: BenchBudget): MetricLimit[] {
  const limits: MetricLimit[] = []
  for (const metric of BENCH_BUDGET_KEYS) {
    const limit = limitOf(budget, metric)
    if (limit !== undefined) limits.push({ metric, ...limit })
  }
  return limits
}

/** `p95` → 0.95, `p99.9` → 0.999. */
function percentileOf(metric: `p${number}`): number {
  const p = Number(metric.slice(1)) / 100
  if (!(p > 0 && p < 1)) throw new RangeError(`Not a percentile between 0 and 100: ${metric}`)
  return p
}

/** Exported for tests: the three-way rule on one estimate and its interval. */
export function judge(
  metric: BenchMetric,
  actual: number,
  interval: [number, number] | null,
  limit: Bound,
  limitText: string,
  samplesNeeded: number | null = null,
): MetricVerdict {
  const upper = limit.op === '<' || limit.op === '<='
  const margin =
    limit.value === 0
      ? satisfiesBound(actual, limit)
        ? 0
        : -1
      : (upper ? limit.value - actual : actual - limit.value) / limit.value
  let status: BudgetStatus
  if (interval === null) {
    status = satisfiesBound(actual, limit) ? 'pass' : 'fail'
  } else {
    // The whole interval must be on one side: the near end inside means the far end is too.
    const [lo, hi] = interval
    const worst = upper ? hi : lo
    const best = upper ? lo : hi
    if (satisfiesBound(worst, limit)) status = 'pass'
    else if (!satisfiesBound(best, limit)) status = 'fail'
    else status = 'inconclusive'
  }
  return {
    status,
    metric,
    unit: metric === 'opsPerSec' ? 'ops/s' : isMemoryMetric(metric) ? 'bytes' : 'ns',
    actual,
    interval,
    limit,
    limitText,
    margin,
    settleFactor:
      status === 'inconclusive' && interval !== null ? settleFactor(actual, interval, limit.value) : null,
    samplesNeeded,
  }
}

/**
 * Intervals narrow with √n, so to pull the interval's end that crosses the limit back to it
 * takes (half-width on that side / distance to the limit)² times the samples.
 */
function settleFactor(actual: number, [lo, hi]: [number, number], limit: number): number | null {
  const distance = Math.abs(limit - actual)
  if (distance === 0 || !Number.isFinite(distance)) return null
  const halfWidth = actual < limit ? hi - actual : actual - lo
  const factor = (halfWidth / distance) ** 2
  return Number.isFinite(factor) ? Math.max(1, factor) : null
}

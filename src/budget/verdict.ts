import type { Bound } from './parse-bound.js'

/** The one shape of every verdict perfgate gives: proven within budget, proven over, or not proven. */
export type BudgetStatus = 'pass' | 'fail' | 'inconclusive'

/** Where a budget came from; failure messages name it so people know what to edit. */
export type BudgetSource =
  | { kind: 'inline' }
  /** `key` is the path inside the "perfgate" key, e.g. `budgets.bench["sort *"]`. */
  | { kind: 'config'; file: string; key: string }

/**
 * Metrics a bench budget can limit. Times are per call; `opsPerSec` is calls per second at the
 * median; `p${number}` is any percentile (`p95`, `p99.9`), of which budgets in package.json take
 * p50, p75, p90, p95 and p99. `heapPerCall` (JS heap bytes allocated per call) and `rss` (peak
 * resident set size) come from the bench's memory batches (docs/memory.md).
 */
export type BenchMetric = 'mean' | 'median' | 'max' | 'opsPerSec' | 'heapPerCall' | 'rss' | `p${number}`

/** The bench metrics measured in memory batches, in bytes. */
export const MEMORY_METRICS = ['heapPerCall', 'rss'] as const satisfies readonly BenchMetric[]

/** The verdict on one metric of a budget. */
export interface MetricVerdict {
  status: BudgetStatus
  metric: BenchMetric
  /** Unit of `actual`, `interval` and `limit.value`. */
  unit: 'ns' | 'ops/s' | 'bytes'
  /** The measured estimate. */
  actual: number
  /**
   * Interval for the estimate at the verdict's confidence; null for `max`, which is an observed
   * extreme with no interval (it passes or fails on the value itself).
   */
  interval: [number, number] | null
  /** The limit: `actual` must satisfy `actual <op> value`. */
  limit: Bound
  /** The limit as the user wrote it, e.g. "2ms" or ">= 10000". */
  limitText: string
  /**
   * Relative headroom of the estimate: positive inside the budget, negative over it. For an
   * upper limit it is (limit − actual) / limit; for a lower limit (actual − limit) / limit.
   */
  margin: number
  /**
   * For an inconclusive verdict, about how many times the current samples would shrink the
   * interval enough to settle it (intervals narrow with √n). Null when the estimate sits on
   * the limit, or when the verdict is not inconclusive.
   */
  settleFactor: number | null
  /**
   * Samples this percentile needs before its interval can be bounded at the verdict's confidence
   * (p95 needs 72 at 95%); null when this run had enough. With fewer, the interval is open-ended
   * and a pass is impossible.
   */
  samplesNeeded: number | null
}

/** The verdict on a whole bench budget: the worst of its metrics (fail > inconclusive > pass). */
export interface BudgetVerdict {
  kind: 'budget'
  /** Bench name. */
  name: string
  status: BudgetStatus
  metrics: MetricVerdict[]
  source: BudgetSource
  confidence: number
  /** Timed batches, calls per batch, and what a sample is (see BenchStats.granularity). */
  samples: number
  batchSize: number
  granularity: 'call' | 'batch-mean'
  /** The bench's time budget, from which `settleFactor` suggests a longer one. */
  timeBudgetNs: number
}

/** Combine metric statuses: any fail fails; otherwise any inconclusive is inconclusive. */
export function worstStatus(statuses: readonly BudgetStatus[]): BudgetStatus {
  if (statuses.includes('fail')) return 'fail'
  if (statuses.includes('inconclusive')) return 'inconclusive'
  return 'pass'
}

/** How a source reads in a message: `inline` or `perfgate.budgets.bench["sort 10k"] in package.json`. */
export function describeSource(source: BudgetSource): string {
  return source.kind === 'inline' ? 'inline' : `perfgate.${source.key} in ${source.file}`
}

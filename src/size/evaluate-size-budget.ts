import type { BudgetSource } from '../budget/verdict.js'
import type { ParsedPercent, ParsedSize } from '../config/schema.js'

/** What a size budget can limit: bytes as they are, after gzip, after brotli. */
export type SizeMetric = 'raw' | 'gzip' | 'brotli'

/** The metrics in the order every message and table lists them. */
export const SIZE_METRICS: readonly SizeMetric[] = ['raw', 'gzip', 'brotli']

/** The budget key that limits each metric; raw bytes are `limit`, as in size-limit. */
export const SIZE_BUDGET_KEYS: Readonly<Record<SizeMetric, 'limit' | 'gzip' | 'brotli'>> = {
  raw: 'limit',
  gzip: 'gzip',
  brotli: 'brotli',
}

/**
 * Growth over the baseline allowed when a budget sets no `allowedGrowth`: none. Sizes are exact
 * (the same files give the same bytes on every machine), so any growth is a real change, never
 * noise; failing on it makes each increase a deliberate act (`perfgate check --update`) that
 * shows up in the pull request as a baseline diff. Without a baseline only the limits apply.
 */
export const DEFAULT_SIZE_ALLOWED_GROWTH: ParsedPercent = { text: '0%', fraction: 0 }

/** The limits of a size budget, as parsed from the config or an inline budget. */
export interface SizeLimits {
  limit?: ParsedSize | undefined
  gzip?: ParsedSize | undefined
  brotli?: ParsedSize | undefined
  allowedGrowth?: ParsedPercent | undefined
}

/** Measured bytes per metric: of this run, or of the baseline. */
export interface SizeBytes {
  rawBytes: number
  gzipBytes: number
  brotliBytes: number
}

/** The verdict on one metric of a size budget. */
export interface SizeMetricVerdict {
  metric: SizeMetric
  /** pass, or fail: sizes are exact, so there is no inconclusive. */
  status: 'pass' | 'fail'
  actualBytes: number
  /** The absolute limit, or null when the metric is guarded by growth only. */
  limitBytes: number | null
  /** The limit as written ("10 kB"), or null. */
  limitText: string | null
  /** Relative headroom (limit − actual) / limit: negative beyond the limit; null without one. */
  margin: number | null
  /** The baseline's bytes, or null when there was nothing to compare with. */
  baselineBytes: number | null
  /** actual − baseline: positive for growth; null without a baseline. */
  deltaBytes: number | null
  /** Growth allowed over the baseline: floor(baseline × allowedGrowth); null without a baseline. */
  allowedGrowthBytes: number | null
  /** What the metric broke: its absolute limit, its growth allowance, or both. Empty on pass. */
  exceeded: Array<'limit' | 'growth'>
}

/** The verdict on a size budget: fail when any guarded metric fails. */
export interface SizeBudgetVerdict {
  kind: 'size'
  /** The budget's name (its path when unnamed). */
  name: string
  /** Path or glob measured. */
  path: string
  status: 'pass' | 'fail'
  /** One per guarded metric: those with a limit, or all three when the budget sets none. */
  metrics: SizeMetricVerdict[]
  /** The growth allowance that applied, and whether it was the default. */
  allowedGrowth: ParsedPercent & { isDefault: boolean }
  /** Why the baseline was not compared (e.g. it measured another import), or null. */
  baselineNote: string | null
  source: BudgetSource
}

/** What {@link evaluateSizeBudget} judges. */
export interface SizeEvaluationInput {
  name: string
  path: string
  limits: SizeLimits
  measured: SizeBytes
  /** The baseline's bytes for this budget; null when there is none to compare with. */
  baseline: SizeBytes | null
  baselineNote?: string | null
  source: BudgetSource
}

/**
 * Judge measured sizes against a budget: each limited metric must be within its limit, and,
 * when a baseline is given, must not have grown over the baseline's bytes by more than
 * `allowedGrowth` (default {@link DEFAULT_SIZE_ALLOWED_GROWTH}) — even when it is still under the
 * limit. A budget with no limit guards all three metrics by growth only. Pure.
 */
export function evaluateSizeBudget(input: SizeEvaluationInput): SizeBudgetVerdict {
  const { limits, measured, baseline } = input
  const allowed = limits.allowedGrowth ?? DEFAULT_SIZE_ALLOWED_GROWTH
  const limited = SIZE_METRICS.filter((m) => limits[SIZE_BUDGET_KEYS[m]] !== undefined)
  const guarded = limited.length > 0 ? limited : SIZE_METRICS

  const metrics = guarded.map((metric): SizeMetricVerdict => {
    const actualBytes = bytesOf(measured, metric)
    const limit = limits[SIZE_BUDGET_KEYS[metric]]
    const baselineBytes = baseline === null ? null : bytesOf(baseline, metric)
    const deltaBytes = baselineBytes === null ? null : actualBytes - baselineBytes
    // Floor: an allowance of 1% of 150 bytes is 1 byte, never 1.5 that would round up to 2.
    const allowedGrowthBytes = baselineBytes === null ? null : Math.floor(baselineBytes * allowed.fraction)
    const exceeded: Array<'limit' | 'growth'> = []
    if (limit !== undefined && actualBytes > limit.bytes) exceeded.push('limit')
    if (deltaBytes !== null && allowedGrowthBytes !== null && deltaBytes > allowedGrowthBytes)
      exceeded.push('growth')
    return {
      metric,
      status: exceeded.length > 0 ? 'fail' : 'pass',
      actualBytes,
      limitBytes: limit?.bytes ?? null,
      limitText: limit?.text ?? null,
      margin: limit === undefined ? null : marginOf(actualBytes, limit.bytes),
      baselineBytes,
      deltaBytes,
      allowedGrowthBytes,
      exceeded,
    }
  })

  return {
    kind: 'size',
    name: input.name,
    path: input.path,
    status: metrics.some((m) => m.status === 'fail') ? 'fail' : 'pass',
    metrics,
    allowedGrowth: { ...allowed, isDefault: limits.allowedGrowth === undefined },
    baselineNote: input.baselineNote ?? null,
    source: input.source,
  }
}

/** The bytes of one metric. */
export function bytesOf(bytes: SizeBytes, metric: SizeMetric): number {
  return metric === 'raw' ? bytes.rawBytes : metric === 'gzip' ? bytes.gzipBytes : bytes.brotliBytes
}

function marginOf(actual: number, limit: number): number {
  if (limit > 0) return (limit - actual) / limit
  // A limit of 0 bytes: met exactly by an empty file, any byte is infinitely over.
  return actual === 0 ? 0 : Number.NEGATIVE_INFINITY
}

import type { BudgetStatus } from '../budget/verdict.js'

/** What `check` may return for one probe: a bare pass/fail, or the number behind it. */
export interface ProbeCheck {
  pass: boolean
  /** The measured value the verdict rests on (e.g. p95 latency), for the curve. */
  value?: number
  /** Unit of `value` and `limit`: 'ns' draws as durations; anything else is shown as written. */
  unit?: string
  /** The limit `value` was held to, drawn as the budget line. */
  limit?: number
  /** Name of the metric, e.g. 'p95'. */
  metric?: string
  /** One line on this probe, e.g. "p95 212 ms over 200 ms". */
  summary?: string
}

/** Options of {@link findBreakingPoint}. */
export interface FindBreakingPointOptions<T> {
  /** Name of the search in logs and reports, e.g. 'GET /api/users p95'. */
  name: string
  /** Lowest level to try (a whole number). */
  min: number
  /** Highest level to try (a whole number, at least `min`). */
  max: number
  /** Put the system under `level` load and measure it: connections, input size, concurrency. */
  run: (level: number) => Promise<T> | T
  /**
   * Whether a probe's result meets the budget. Give `check`, or `budget` for results perfgate
   * can judge itself (a BenchResult, a LoadTestResult).
   */
  check?: (result: T, level: number) => boolean | ProbeCheck
  /**
   * A budget the result must meet: a bench budget (`{ p95: '2ms' }`) for BenchResult runs, an
   * HTTP budget (`{ p95: '200ms', errorRate: '< 1%' }`) for LoadTestResult runs. Only a proven
   * pass counts as passing: an inconclusive verdict counts as failing, so the breaking point
   * is the highest level shown to meet the budget.
   */
  budget?: Record<string, string | number>
  /**
   * Stop when the breaking point is known to within this many levels (1: exactly).
   * @default DEFAULT_BREAKING_POINT_PRECISION (1)
   */
  precision?: number
  /** Most probes to make, confirmations included. @default DEFAULT_MAX_PROBES (30) */
  maxProbes?: number
  /**
   * After the search, probe again to check that passing is monotone in load: the breaking point
   * once more, and a level between the first failing level and the highest failing one (or the
   * first failing level again). Up to two more probes.
   * @default true
   */
  confirm?: boolean
  /** What a level counts, for reports: 'connections', 'items'. */
  levelUnit?: string
  /** Keep each probe's `run` result in `probes[i].result` (never logged). @default true */
  keepResults?: boolean
  /**
   * Outside a Vitest run (where perfgate/reporter logs the search), append each probe to this
   * [VERIFY] log as it finishes, and the outcome at the end.
   */
  log?: string
}

/** One probe: a level, its verdict and the number behind it. */
export interface BreakingPointProbe<T = unknown> {
  level: number
  pass: boolean
  /** 'inconclusive' when a budget could not decide (counted as not passing). */
  status: BudgetStatus
  value: number | null
  unit: string | null
  limit: number | null
  metric: string | null
  summary: string | null
  /** 'search' probes locate the breaking point; 'confirm' probes re-check it (see `confirm`). */
  phase: 'search' | 'confirm'
  /** Wall time of `run` and `check` together. */
  wallNs: number
  /** What `run` returned; absent with `keepResults: false` and in logs and records. */
  result?: T
}

/**
 * How the search ended:
 * - 'found': `breakingPoint` passes and `firstFailing` fails, `precision` apart or less;
 * - 'above-max': every level up to `max` passes (the breaking point is at or above max);
 * - 'below-min': `min` already fails (no level passes);
 * - 'inconsistent': a level passed at or above one that failed: load and passing are not
 *   monotone here, or probes are too noisy; the levels found are not to be trusted;
 * - 'unresolved': `maxProbes` ran out before `precision` was reached.
 */
export type BreakingPointStatus = 'found' | 'above-max' | 'below-min' | 'inconsistent' | 'unresolved'

/** A level that passed at or above one that failed. */
export interface Inconsistency {
  failedLevel: number
  passedLevel: number
}

/** One level of the curve: its last probe. */
export interface CurvePoint {
  level: number
  value: number | null
  pass: boolean
  status: BudgetStatus
}

/** The outcome of {@link findBreakingPoint}. */
export interface BreakingPointResult<T = unknown> {
  name: string
  status: BreakingPointStatus
  min: number
  max: number
  /** Highest level that passed (from the search); null when none did. */
  breakingPoint: number | null
  /** Lowest level that failed above it; null when every level up to max passed. */
  firstFailing: number | null
  /** Every probe, in the order made. */
  probes: BreakingPointProbe<T>[]
  /** One point per level probed, by level (a level probed twice shows its last probe). */
  curve: CurvePoint[]
  inconsistencies: Inconsistency[]
  levelUnit: string | null
  /** The metric, its unit and limit, when the probes gave them. */
  metric: string | null
  unit: string | null
  limit: number | null
  precision: number
  /** The outcome in one sentence, for logs and failure messages. */
  summary: string
}

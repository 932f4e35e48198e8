import type { Environment } from '../env/types.js'
import type { DurationInput } from '../measure/types.js'
import type { ScalingFit } from './fit-scaling.js'

/** A function whose time is measured against the size of its input; it may return a promise. */
export type ScalingFn<T> = (input: T) => unknown

/** Options of {@link measureScaling} (and of `toScale` when it measures). */
export interface MeasureScalingOptions<T = unknown> {
  /**
   * Input sizes, increasing: at least MIN_SCALING_SIZES (3) whole numbers, the largest at least
   * MIN_SCALING_SIZE_RATIO (10) times the smallest. `[1e3, 1e4, 1e5]` spans two decades.
   */
  sizes: readonly number[]
  /**
   * Builds the input of size n. Called once per size before anything is timed (never inside
   * the timed region), and its input is passed to every call at that size; it may be async.
   */
  input: (n: number) => T | Promise<T>
  /**
   * For functions that change their input (an in-place sort, a queue drained): build a new input
   * with `input(n)` before every call, outside the timed region. Each batch then holds one call,
   * so the timer's ~100 ns is counted in every call; keep the smallest size's call far above it.
   * @default false
   */
  freshInput?: boolean
  /**
   * Total wall time: warm-up and calibration of every size, then rounds over all sizes until it
   * is spent (at least `minRounds`). @default DEFAULT_SCALING_TIME_NS (2 s)
   */
  time?: DurationInput
  /** @default DEFAULT_SCALING_MIN_ROUNDS (5) */
  minRounds?: number
  /** @default DEFAULT_SCALING_MAX_ROUNDS (100) */
  maxRounds?: number
  /** Confidence of the exponent's interval. @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
  /** Seed of the shuffled order of sizes in each round; random when unset. Recorded in the result. */
  seed?: number
  /** Name in messages, the log and the report. @default the function's name, else "anonymous function" */
  name?: string
  /** Environment to store with the result; captured fresh when absent. */
  env?: Environment
}

/** The times measured at one size. */
export interface ScalingPoint {
  size: number
  /** Calls per timed batch at this size (1 with `freshInput`, or when one call fills a batch). */
  batchSize: number
  /** Per round, in round order: the time per call (the fastest of the round's batches at this size). */
  roundTimesNs: number[]
  /** Median of `roundTimesNs`. */
  medianNs: number
}

/** A scaling measurement: the time per call at every size, and the fitted exponent. */
export interface ScalingResult {
  name: string
  sizes: number[]
  points: ScalingPoint[]
  fit: ScalingFit
  /** True when the function returned a promise and every call was awaited. */
  async: boolean
  freshInput: boolean
  /** Batches per size in each round (SCALING_BATCHES_PER_ROUND). */
  batchesPerRound: number
  seed: number
  env: Environment
  timing: {
    /** ISO 8601 start and end of the measurement (building the inputs excluded). */
    startedAt: string
    endedAt: string
    wallNs: number
    /** Warm-up and calibration of all sizes. */
    warmupNs: number
    budgetNs: number
    /** Time spent waiting for the machine-wide measurement lock before starting. */
    lockWaitNs: number
  }
}

/** Whether a value is a ScalingResult (a measurement handed to `toScale` instead of a function). */
export function isScalingResult(value: unknown): value is ScalingResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<ScalingResult>
  return (
    typeof v.name === 'string' &&
    Array.isArray(v.sizes) &&
    Array.isArray(v.points) &&
    typeof v.fit === 'object' &&
    v.fit !== null &&
    v.fit.method === 'theil-sen-round-centered'
  )
}

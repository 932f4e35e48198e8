import type { Environment } from '../env/types.js'
import type { DurationInput } from '../measure/types.js'
import type { GcSource } from './force-gc.js'
import type { HeapPoint, LeakJudgement, LeakRule, LeakStatus } from './leak-rule.js'

/** The function a leak check calls: with the round's input when `input` is given. */
export type LeakFn<T = unknown> = (input: T) => unknown

/** Options of measureLeak() and `toLeakMemory()`. */
export interface LeakCheckOptions<T = unknown> {
  /** Name in messages and records. @default the function's name, else the test's name */
  name?: string
  /**
   * Builds the argument the calls of each round receive (called once per round, untimed). The
   * input is dropped before the heap is read, so what the function stores in it is not counted:
   * only what outlives the input (module state, caches, listeners) is.
   */
  input?: () => T | Promise<T>
  /**
   * Measured rounds, each followed by a forced full GC and one heap reading.
   * From MIN_LEAK_ROUNDS (16) to MAX_LEAK_ROUNDS (400). @default DEFAULT_LEAK_ROUNDS (40)
   */
  rounds?: number
  /**
   * Time the measured rounds spend calling the function, which sets the calls per round (GCs
   * come on top). @default DEFAULT_LEAK_TIME_NS (1 s)
   */
  time?: DurationInput
  /** Calls over all measured rounds, instead of deriving them from `time`. */
  iterations?: number
  /**
   * Growth per call at or below which it is not a leak: a size like "16 B" (a bare number means
   * bytes). @default DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL (4 B)
   */
  threshold?: string | number
  /**
   * Growth over the fitted calls at or below which it is not a leak, however few the calls.
   * @default DEFAULT_LEAK_MIN_GROWTH_BYTES (100 kB)
   */
  minGrowth?: string | number
  /** Confidence of the slope's interval. @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
  /** Environment to store with the result; captured fresh when absent. */
  env?: Environment
}

/** Why the measured rounds stopped before the planned number. */
export type LeakStop = 'growth-cap' | 'time-cap'

/** What a leak check measured and decided. Plain JSON, bounded by MAX_LEAK_ROUNDS points. */
export interface LeakResult {
  name: string
  /** 'leak', 'no-leak', or 'inconclusive' (also when GC could not be forced: see gcUnavailable). */
  status: LeakStatus
  /** How GC was forced, or null when it could not be (then nothing was measured). */
  gc: GcSource | null
  /** Why GC could not be forced; null when it could. */
  gcUnavailable: string | null
  async: boolean
  /** Measured rounds, and the calls in each. */
  rounds: number
  callsPerRound: number
  /** Calls over the measured rounds. */
  calls: number
  /** Time per call estimated during warm-up (it sized the rounds). */
  perCallNs: number
  /** Heap after a forced GC before the first measured round and after each one. */
  points: HeapPoint[]
  /** The rule's verdict and numbers; null when nothing could be measured. */
  judgement: LeakJudgement | null
  /** The rule as applied (thresholds, confidence, settling share). */
  rule: LeakRule
  /** Why the rounds stopped early, or null. */
  stoppedEarly: LeakStop | null
  env: Environment
  /** ISO 8601 start and end; wall time includes warm-up and GCs, not waiting for the lock. */
  startedAt: string
  endedAt: string
  wallNs: number
  lockWaitNs: number
}

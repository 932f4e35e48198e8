import type { Environment } from '../env/types.js'
import type { GcSource } from '../memory/force-gc.js'
import type { ProfileMode } from '../profile/types.js'
import type { CalibrationCache } from './calibration-cache.js'

/** A function under measurement. It may return a promise; then every call is awaited. */
export type BenchFn = () => unknown

/** A duration given by a user: a string with a unit ("500ms", "1.5s") or a number of milliseconds. */
export type DurationInput = string | number

/** Hooks that run around every timed batch, outside the timed region. */
export interface BatchHooks {
  /** Runs before every batch, untimed (e.g. refill an array the function consumes). */
  setup?: () => unknown
  /** Runs after every batch, untimed. */
  teardown?: () => unknown
}

export interface BenchOptions extends BatchHooks {
  /**
   * Total wall time of the bench, warm-up and calibration included. A bench whose single call is
   * slower than this still records `minSamples` batches.
   * @default DEFAULT_BENCH_TIME_NS (500 ms)
   */
  time?: DurationInput
  /** Warm-up time before anything is recorded. @default 5% of `time`, between 10 ms and 200 ms */
  warmup?: DurationInput
  /** @default DEFAULT_MIN_SAMPLES (10) */
  minSamples?: number
  /** Upper bound on recorded batches; keeps memory bounded. @default DEFAULT_MAX_SAMPLES (20 000) */
  maxSamples?: number
  /**
   * Calls per timed batch. Leave unset to calibrate (the largest power of two whose batch stays
   * within TARGET_BATCH_NS, ~6 ms, remembered across processes through `calibrationCache`);
   * set it to 1 for true per-call percentiles, or to a baseline's batch size to measure exactly
   * the same way as the baseline did.
   */
  batchSize?: number
  /** Confidence of the intervals in `stats`. @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
  /**
   * Where calibrated batch sizes are remembered across processes (keyed by bench name), so every
   * process measures the same way. `false` turns it off.
   * @default a JSON file under node_modules/.cache/perfgate of the current folder, when it exists
   */
  calibrationCache?: CalibrationCache | false
  /** Environment to store with the result; captured fresh when absent. */
  env?: Environment
  /**
   * When to take a CPU profile of the function, always after its timed batches (never during
   * them): 'on-failure' when its budget fails or it regresses, 'always' right after measuring, or
   * 'off'. The failure message then names the hottest functions with file:line, and the
   * .cpuprofile is saved next to the [VERIFY] log. See docs/profiles.md.
   * @default PERFGATE_PROFILE, else package.json `bench.profile`, else DEFAULT_PROFILE_MODE ('on-failure')
   */
  profile?: ProfileMode
  /**
   * Also measure memory: heap allocated and retained per call, and peak RSS, in separate batches
   * after the timed ones (never inside them: forced GCs and heap reads would distort the timings).
   * `true` for the defaults, or settings. See docs/memory.md. @default false
   */
  memory?: boolean | MemoryOptions
}

/** Settings of the memory batches of a bench. */
export interface MemoryOptions {
  /**
   * Most memory batches to record after the timed ones, each of the timed batch size, with a
   * forced GC before and after each. They stop early once the bench's `time` has passed in them
   * and MIN_MEMORY_BATCHES (10) are recorded. From 10 to MAX_MEMORY_BATCHES (1000).
   * @default DEFAULT_MEMORY_BATCHES (20)
   */
  batches?: number
}

/**
 * Memory of a bench, from its memory batches. Heap figures are V8's JS heap (`heapUsed`); bytes
 * outside it (Buffers' and ArrayBuffers' contents, native addons) show only in RSS.
 */
export interface BenchMemory {
  /**
   * How GC was forced between memory batches (see GcSource), or null when it could not be: then
   * the retained figures are null, and batches start from whatever garbage the heap held (the
   * allocation figures stay exact; see docs/memory.md).
   */
  gc: GcSource | null
  /** Memory batches recorded. */
  batches: number
  /** Calls per memory batch: the timed batch size. */
  batchSize: number
  /** Confidence of the intervals below. */
  confidence: number
  /**
   * Bytes allocated on the JS heap per call (what `heapPerCall` budgets limit): the median over
   * batches of (heap growth during the batch + bytes freed by any GC inside it) / calls. Counts
   * garbage too: it is the allocation rate, like Go's B/op, not what stays.
   */
  heapPerCallBytes: number
  /** Distribution-free interval of the median above (order statistics of the batches). */
  heapPerCallIntervalBytes: [number, number]
  /**
   * Bytes per call that survive a forced full GC: the median over batches of (heap after the GC
   * that follows the batch − heap after the GC before it) / calls. About 0 unless the function
   * keeps what it makes (caches, leaks). Null when GC could not be forced.
   */
  retainedPerCallBytes: number | null
  retainedPerCallIntervalBytes: [number, number] | null
  /**
   * Largest resident set size of the process sampled right after each memory batch (before its
   * GC, when the heap is fullest): the whole process, not only this function.
   */
  rssPeakBytes: number
  /**
   * The process's peak RSS over its whole life so far (`process.resourceUsage().maxRSS`), for
   * context: it includes everything that ran before this bench, so budgets use `rssPeakBytes`.
   */
  processMaxRssBytes: number
  /** GCs V8 ran by itself inside the memory batches; their freed bytes are added back, see heapPerCallBytes. */
  gcsInBatches: number
  /**
   * Bytes the measurement itself allocates per batch (heap reads, the GC profiler), measured on
   * empty batches and subtracted from every batch.
   */
  overheadBytesPerBatch: number
  /** Wall time of the memory batches, GCs included; not part of `timing.wallNs`. */
  wallNs: number
  /** Allocated bytes per call of every memory batch, in recording order. */
  allocatedBytesPerCall: number[]
  /** Retained bytes per call of every memory batch, in recording order; null without forced GC. */
  retainedBytesPerCall: number[] | null
}

/** Counts of Tukey outliers among the batch times (kept in the data, never silently dropped). */
export interface OutlierCounts {
  lowSevere: number
  lowMild: number
  highMild: number
  highSevere: number
}

/**
 * Summary of a bench, in nanoseconds per call.
 *
 * With a batch size above 1, each sample is the mean of a batch: the median and its interval are
 * the median per-call time, but percentiles describe batch means, which are narrower than the
 * distribution of single calls. `granularity` says which one you have.
 */
export interface BenchStats {
  /** 'call' when each sample is one call (batch size 1); 'batch-mean' otherwise. */
  granularity: 'call' | 'batch-mean'
  /** Number of timed batches. */
  samples: number
  /** Number of timed calls (samples × batch size). */
  calls: number
  meanNs: number
  medianNs: number
  p75Ns: number
  p90Ns: number
  p95Ns: number
  p99Ns: number
  minNs: number
  maxNs: number
  /** Sample standard deviation of the per-call sample values. */
  sdNs: number
  /** Coefficient of variation: sdNs / meanNs. */
  cv: number
  /** Calls per second at the median: 1e9 / medianNs. */
  opsPerSec: number
  /** Confidence of the intervals below. */
  confidence: number
  /** Distribution-free interval for the median (order statistics). */
  medianIntervalNs: [number, number]
  /** Distribution-free interval for p95; as wide as the data when there are too few samples. */
  p95IntervalNs: [number, number]
  outliers: OutlierCounts
}

export interface BenchTiming {
  /** ISO 8601 start time. */
  startedAt: string
  /** Wall time of the whole bench, warm-up included. */
  wallNs: number
  warmupNs: number
  /** The time budget the bench was given. */
  budgetNs: number
  /**
   * How the batch size was chosen: by the `batchSize` option, remembered from an earlier run of
   * the same bench (see `calibrationCache`), or calibrated afresh.
   */
  batchSizeSource: 'calibrated' | 'remembered' | 'option'
  /** ISO 8601 end time. With `startedAt`, shows that measurements never overlapped. */
  endedAt: string
  /**
   * Time spent waiting for the machine-wide measurement lock before starting (another bench,
   * in this process or another, was timing). Not part of `wallNs`.
   */
  lockWaitNs: number
}

export interface BenchResult {
  name: string
  env: Environment
  /** Calls per timed batch. The same code gets the same batch size in every process. */
  batchSize: number
  /** Raw duration of every timed batch (the whole batch, not per call), in recording order. */
  batchTimesNs: number[]
  /** True when the function returned a promise and every call was awaited. */
  async: boolean
  stats: BenchStats
  timing: BenchTiming
  /** Memory per call and peak RSS; present when the bench ran with `memory`. */
  memory?: BenchMemory
}

/** How a compared function relates to the one it is compared with. */
export type ComparisonVerdict = 'faster' | 'slower' | 'equivalent' | 'inconclusive'

export interface CompareSide extends BatchHooks {
  name?: string
  fn: BenchFn
}

export interface CompareOptions {
  /**
   * Time cap of the comparison. Clear differences are decided at the first looks; an unclear one
   * runs to the cap and comes back 'inconclusive'.
   * @default DEFAULT_COMPARE_TIME_NS (1 s)
   */
  time?: DurationInput
  /**
   * Practical threshold: a difference counts only when its whole interval lies beyond it
   * (`"10%"` or 0.1). Slower means a's time > (1 + by) × b's; faster means a's time < b's / (1 + by).
   * @default DEFAULT_NOISE_BAND (2%)
   */
  by?: string | number
  /** @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
  /** Warm-up time for both functions together. @default 5% of `time`, between 10 ms and 200 ms */
  warmup?: DurationInput
  /** Calls per batch for a and b; calibrated per function when unset. */
  batchSize?: number | [number, number]
  /** @default DEFAULT_MAX_ROUNDS */
  maxRounds?: number
  /** Seed of the random A/B order of each round; random when unset. Recorded in the result. */
  seed?: number
  env?: Environment
}

/**
 * How a comparison was measured. 'paired-rounds' (compare()) interleaves a and b so drift cancels;
 * the other two compare results measured separately, which drift can bias: they are weaker.
 */
export type ComparisonMethod = 'paired-rounds' | 'independent-samples' | 'summary-statistics'

export interface Comparison {
  /** Names of a and b. */
  names: [string, string]
  /** How a and b were measured and analysed; see ComparisonMethod. */
  method: ComparisonMethod
  /** a's time per call / b's time per call (median of the paired round ratios). */
  ratio: number
  /**
   * Interval for `ratio`. Widened for the number of looks taken, so that it holds at `confidence`
   * across the whole sequential run, not only at the look that stopped it.
   */
  interval: [number, number]
  confidence: number
  verdict: ComparisonVerdict
  /** Why the verdict is what it is, in one sentence. */
  reason: string
  /** The practical threshold used (relative, e.g. 0.02). */
  threshold: number
  /**
   * Smallest relative difference this run could have called 'faster'/'slower': threshold plus the
   * interval's half-width. A larger time budget shrinks it.
   */
  detectableEffect: number
  rounds: number
  looks: number
  /** Median per-call time of a and b over the rounds. */
  medianNs: [number, number]
  batchSize: [number, number]
  /** Per-round log(a per-call / b per-call): the paired data the verdict rests on. */
  logRatios: number[]
  seed: number
  wallNs: number
  /** ISO 8601 start and end of the measurement; absent when comparing stored results. */
  startedAt?: string
  endedAt?: string
  /** Time spent waiting for the machine-wide measurement lock before starting; see BenchTiming. */
  lockWaitNs?: number
  env: Environment
}

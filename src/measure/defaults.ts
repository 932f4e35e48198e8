/**
 * Named defaults of the measurement engine. Each is documented where its option is; the
 * reasoning behind the numbers is in docs/method.md and the figures in docs/accuracy.md.
 */

/** Total wall time of one `bench()`, warm-up and calibration included. */
export const DEFAULT_BENCH_TIME_NS = 500e6

/** Time cap of one `compare()`: clear cases stop long before it. */
export const DEFAULT_COMPARE_TIME_NS = 1e9

/** Share of the time budget spent warming up (JIT tier-up) before anything is recorded. */
export const DEFAULT_WARMUP_SHARE = 0.05

/** Lower and upper bound on warm-up time, whatever the budget. */
export const MIN_WARMUP_NS = 10e6
export const MAX_WARMUP_NS = 200e6

/**
 * Target duration of one timed batch. A timer read costs ~100 ns here (docs/accuracy.md), so a
 * batch of at least 1000x that keeps the timer's share under 0.1%. The batch size is a power of
 * two, chosen so the batch reaches this target; 180 µs puts the power-of-two boundaries away from
 * round per-call costs (0.1, 1 and 10 µs), where a boundary would make the batch size flip
 * between processes.
 */
export const TARGET_BATCH_NS = 180e3

/** A bench records at least this many batches, even past its time budget. */
export const DEFAULT_MIN_SAMPLES = 10

/** A bench records at most this many batches: memory stays bounded however long it runs. */
export const DEFAULT_MAX_SAMPLES = 20_000

/** Default confidence of every interval and verdict. */
export const DEFAULT_CONFIDENCE = 0.95

/**
 * Relative difference below which two timings count as equivalent: a `compare()` calls a
 * difference only when its whole interval lies beyond this band. Identical code compiled twice
 * differs by up to ~1.5% here (code placement, inlining budgets), so the band sits above that.
 */
export const DEFAULT_NOISE_BAND = 0.02

/** Rounds at which `compare()` looks at its data; every look spends a share of the error rate. */
export const COMPARE_FIRST_LOOK_ROUNDS = 20

/** Upper bound on looks (and so the Bonferroni divisor): the schedule doubles up to this count. */
export const COMPARE_MAX_LOOKS = 10

/** A comparison records at most this many rounds. */
export const DEFAULT_MAX_ROUNDS = COMPARE_FIRST_LOOK_ROUNDS * 2 ** (COMPARE_MAX_LOOKS - 2)

/** How often a long synchronous measurement yields to the event loop (timers, IPC, signals). */
export const YIELD_EVERY_NS = 50e6

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
 * Longest duration of one timed batch in `bench()`. The batch size is the largest power of two
 * whose batch stays within it, so batches take 2.9–5.8 ms. Why so long: a timer read costs ~100 ns here, so the timer is far below 0.1% of a
 * batch; virtual machines switch between speeds about every millisecond (20% apart on this
 * project's machines, docs/accuracy.md), and a batch several milliseconds long averages those
 * states instead of landing in one of them, so the median of batches matches the long-run cost
 * of a call (mitata batches similarly: 4096 calls per sample). The exact value, 100 ns × 2^15.83,
 * keeps the power-of-two boundaries 7–40% away from round per-call costs (0.1, 1 and 10 µs), where
 * a boundary would make the batch size differ between processes. A call slower than half of it
 * is its own batch.
 */
export const TARGET_BATCH_NS = 5.82e6

/** A bench records at least this many batches, even past its time budget. */
export const DEFAULT_MIN_SAMPLES = 10

/** A bench records at most this many batches: memory stays bounded however long it runs. */
export const DEFAULT_MAX_SAMPLES = 20_000

/** Default confidence of every interval and verdict. */
export const DEFAULT_CONFIDENCE = 0.95

/**
 * Relative difference below which two timings count as equivalent: a `compare()` calls a
 * difference only when its whole interval lies beyond this band. In the A/A runs of
 * docs/accuracy.md (two literals of the same code), ratios fell within 0.96–1.02 apart from the
 * stretches described there, while a true 5% slowdown is still called 'slower' in 100% of trials.
 */
export const DEFAULT_NOISE_BAND = 0.02

/**
 * Rounds at which `compare()` first looks at its data (then each time the count doubles); every
 * look spends a share of the error rate. 12 is the fewest rounds whose sign-test interval can
 * reach the per-look confidence (1 - 0.05/10), so a 2x difference is decided at the first look.
 */
export const COMPARE_FIRST_LOOK_ROUNDS = 12

/**
 * Independently compiled copies of each compared function's timing loop. Each round times a copy
 * chosen at random, so a copy that lands in a slow state (code placement, a late re-optimisation)
 * touches only a minority of rounds, which the median ignores.
 */
export const COMPARE_COPIES = 4

/**
 * Longest duration of one timed batch in `compare()` (batches take half of it to all of it): much shorter than `bench()`'s, so that clear
 * differences are decided in tens of milliseconds. Pairing cancels what the machine does to both
 * sides of a round, so a comparison needs no averaging inside a batch; more rounds per second
 * buy it more than longer batches would (docs/accuracy.md). 180 µs is still 1800x a timer read.
 */
export const COMPARE_TARGET_BATCH_NS = 180e3

/**
 * Batch duration (at least) at which the per-call cost is estimated during warm-up. Short, so estimating
 * costs little of the time budget; the estimate only has to place the batch size on a
 * power-of-two grid.
 */
export const CALIBRATION_BATCH_NS = 500e3

/**
 * Time the timed rounds of a `compare()` must span before a look may call a difference smaller
 * than COMPARE_EARLY_MIN_DIFFERENCE. On the 2-core VM of docs/accuracy.md the same compiled code
 * runs at one of two speeds about 1.2x apart and keeps one for tens of milliseconds, so early
 * rounds are not independent: they once saw every copy of one side in the slow state and called
 * identical code 'faster' 3 times in 100 trials, each at 0.90–0.92, within the first milliseconds.
 * A 30 ms hold stopped those, but beside a busy neighbour the state lasted longer: at 30 ms,
 * 44 of 900 A/A trials at ~1 µs were called different (0.90–0.97 and 1.07, at 48–96 rounds,
 * 20–60 ms in); at 150 ms, in the same hour and alternating with them, 0 of 700
 * (docs/accuracy.md, `bench/compare-copies.ts --load`). A 5% difference is then decided in
 * ~280 ms instead of ~100 ms, still far inside the 1 s cap. Equivalence is not held back: time
 * alone does not make it likelier.
 */
export const COMPARE_SETTLE_NS = 150e6

/**
 * Smallest difference a look may call before the rounds span COMPARE_SETTLE_NS: beyond the 1.2x
 * between the two speeds, with room to spare. A 2x difference is still decided at the first look.
 */
export const COMPARE_EARLY_MIN_DIFFERENCE = 0.25

/** Upper bound on looks (and so the Bonferroni divisor): the schedule doubles up to this count. */
export const COMPARE_MAX_LOOKS = 10

/** A comparison records at most this many rounds. */
export const DEFAULT_MAX_ROUNDS = COMPARE_FIRST_LOOK_ROUNDS * 2 ** (COMPARE_MAX_LOOKS - 2)

/** How often a long synchronous measurement yields to the event loop (timers, IPC, signals). */
export const YIELD_EVERY_NS = 50e6

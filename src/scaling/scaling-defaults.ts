/**
 * Named defaults of scaling measurements (measureScaling, toScale). The reasoning behind them
 * is in docs/scaling.md.
 */

/**
 * Total wall time of one scaling measurement, warm-up and calibration of every size included.
 * Four times a bench's: it measures several sizes, in enough rounds for an interval.
 */
export const DEFAULT_SCALING_TIME_NS = 2e9

/**
 * Fewest rounds (each times every size), recorded even past the time budget: with 3 sizes,
 * 15 points, enough for Sen's interval to reach 95% and for one wild round to be outvoted.
 */
export const DEFAULT_SCALING_MIN_ROUNDS = 5

/** Most rounds: past this, more rounds narrow an interval that is already far narrower than the tolerance. */
export const DEFAULT_SCALING_MAX_ROUNDS = 100

/**
 * Longest duration of one timed batch: 1 ms, 10 000× a timer read, short enough that a round
 * over four sizes takes tens of milliseconds, so many rounds fit in the budget and drift is
 * spread over all sizes. A call slower than half of it is its own batch.
 */
export const SCALING_TARGET_BATCH_NS = 1e6

/**
 * Batches per size in each round; the round's point for a size is the fastest of them, so an
 * interruption of one (a context switch, a GC) does not count.
 */
export const SCALING_BATCHES_PER_ROUND = 3

/** Fewest sizes: two points always lie on a line, so a fit needs a third to say anything. */
export const MIN_SCALING_SIZES = 3

/**
 * Smallest ratio of the largest size to the smallest. Over less than a decade, linear and
 * quadratic differ by less than 10× in time, and a fixed cost per call or a cache boundary moves
 * the exponent more than the classes differ.
 */
export const MIN_SCALING_SIZE_RATIO = 10

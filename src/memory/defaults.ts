/**
 * Named defaults of memory measurement and the leak check. Each is documented where its option
 * is; the reasoning is in docs/memory.md.
 */

/**
 * Memory batches a bench records with `memory: true`. Each costs two forced full GCs (a few ms
 * each in a test worker), so 20 batches add a few hundred ms; 20 is also enough for the median's
 * order-statistic interval to be two-sided and narrower than the data at 95% (ranks 6–15).
 */
export const DEFAULT_MEMORY_BATCHES = 20

/** Fewest memory batches accepted: below 10 the median's interval is open-ended at 99% confidence. */
export const MIN_MEMORY_BATCHES = 10

/** Most memory batches accepted: the per-batch values are kept in the result, so its size stays bounded. */
export const MAX_MEMORY_BATCHES = 1000

/**
 * Unrecorded memory batches before the recorded ones: the memory loop is compiled apart from the
 * timed one, and its first runs allocate its optimised code on the heap.
 */
export const MEMORY_WARMUP_BATCHES = 2

/** Empty batches measured to learn what the measurement itself allocates per batch. */
export const MEMORY_OVERHEAD_PROBES = 5

/**
 * Measured rounds of a leak check, each followed by a forced GC and one heap reading. The rule
 * fits the last half (DEFAULT_LEAK_SETTLE_SHARE), so 20 points: Sen's interval then spans about
 * the middle third of the pairwise slopes, narrow for a steady trend. Theil–Sen is O(n²), so
 * rounds stay in the hundreds (MAX_LEAK_ROUNDS).
 */
export const DEFAULT_LEAK_ROUNDS = 40

/** Fewest measured rounds: half of them must still give the fit MIN_LEAK_FIT_POINTS. */
export const MIN_LEAK_ROUNDS = 16

/** Most measured rounds: keeps the fit (O(n²) pairs) and the recorded points small. */
export const MAX_LEAK_ROUNDS = 400

/**
 * Time a leak check spends calling the function in its measured rounds (forced GCs come on top,
 * a few ms each); it sets the calls per round. A leak of 100 B per call in a 1 µs function grows
 * the heap by 100 MB a second, so rounds are also sized down to LEAK_PLANNED_GROWTH_BYTES.
 */
export const DEFAULT_LEAK_TIME_NS = 1e9

/** Warm-up before the measured rounds: this share of `time`, at least MIN_LEAK_WARMUP_NS. */
export const LEAK_WARMUP_SHARE = 0.1
export const MIN_LEAK_WARMUP_NS = 50e6

/**
 * Rounds with a GC after each, run after the warm-up and not fitted: they show how much one
 * call retains, so that the measured rounds can be sized to LEAK_PLANNED_GROWTH_BYTES.
 */
export const LEAK_PROBE_ROUNDS = 3

/**
 * Heap growth a leak check plans for over its measured rounds: a leaking function's rounds are
 * shortened so the check itself neither exhausts memory nor slows every later GC (a full GC of a
 * 100 MB heap takes ~150 ms on a small VM). 16 MB is still hundreds of times the few kilobytes
 * the heap of a test worker moves by on its own. A check stops early when the heap has grown by
 * twice this (the probe underestimated), and judges the rounds it has.
 */
export const LEAK_PLANNED_GROWTH_BYTES = 16e6

/** A leak check stops its measured rounds past this many times `time`, once MIN_LEAK_ROUNDS are measured. */
export const LEAK_MAX_WALL_FACTOR = 4

/** Share of the measured rounds, from the start, that the leak rule leaves out as settling. */
export const DEFAULT_LEAK_SETTLE_SHARE = 0.5

/**
 * Growth per call at or below which the heap is not called leaking. The smallest real leak,
 * one reference kept per call (an array element), retains 8–16 B per call. What a test worker's
 * heap does by itself is per round, not per call (measured in Vitest 4 on Node 20: ~0.1 kB per
 * round, and steps of up to ~13 kB now and then), so spread over the calls of a round it stays
 * far below 1 B per call for any function faster than ~10 µs; slower ones are covered by
 * DEFAULT_LEAK_MIN_GROWTH_BYTES.
 */
export const DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL = 4

/**
 * Growth over the fitted calls at or below which the heap is not called leaking, however few
 * the calls: with a slow function (a few hundred calls a run), the worker's own steps of ~10 kB
 * would otherwise read as hundreds of bytes per call. 100 kB is several such steps; a function
 * of 1 ms per call is then held to ~200 B per call with the default time.
 */
export const DEFAULT_LEAK_MIN_GROWTH_BYTES = 100e3

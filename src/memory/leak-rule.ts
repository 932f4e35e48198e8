import { theilSenLine } from '../stats/linear-regression.js'

/** The heap after a forced full GC, once a number of calls had been made. */
export interface HeapPoint {
  /** Calls made since the first point. */
  calls: number
  /** `heapUsed` right after the GC. */
  heapBytes: number
}

/** The settings of the leak rule; every one has a default in src/memory/defaults.ts. */
export interface LeakRule {
  /** Growth per call at or below this is not a leak (allocator noise, caches warming). */
  thresholdBytesPerCall: number
  /** Growth over the fitted calls at or below this is not a leak, however few the calls were. */
  minGrowthBytes: number
  /** Confidence of the slope's interval. */
  confidence: number
  /**
   * Share of the points, from the start, left out of the fit: growth that stops (a bounded cache
   * filling, code being compiled) is not steady growth, and shows only at the start.
   */
  settleShare: number
}

/** What the heap did: grew steadily per call, stayed within the floor, or cannot be told. */
export type LeakStatus = 'leak' | 'no-leak' | 'inconclusive'

/** The rule's verdict on a series of heap points, with the numbers it rests on. */
export interface LeakJudgement {
  status: LeakStatus
  /** Theil–Sen slope of heap after GC against calls, over the fitted points. */
  slopeBytesPerCall: number
  /** Sen's distribution-free interval for the slope at `confidence`. */
  slopeIntervalBytesPerCall: [number, number]
  confidence: number
  /**
   * The practical floor the interval was held to: the larger of thresholdBytesPerCall and
   * minGrowthBytes spread over the fitted calls.
   */
  floorBytesPerCall: number
  /** Heap after GC at the last point minus at the first, over the whole series. */
  growthBytes: number
  /** Points the fit used, and the calls between its first and last. */
  fittedPoints: number
  fittedCalls: number
  /**
   * Growth over the fitted points that never went back: the lowest of their last
   * LEAK_STEP_EDGE_POINTS readings minus the highest of their first ones.
   */
  persistentGrowthBytes: number
  /**
   * True when the leak was proven by a persistent rise of more than LEAK_STEP_MIN_BYTES rather than
   * by the slope: a leak that V8 stores in a growing array or hash table shows as steps (the store
   * enlarged 1.5× or 2× at a time) with flat stretches between, where the slope can be anything.
   */
  grewInSteps: boolean
}

/** Readings at each end of the fitted points compared for a persistent rise. */
export const LEAK_STEP_EDGE_POINTS = 3

/**
 * Smallest persistent rise that proves a leak by itself, however the slope came out. Ten times
 * the ~100 kB by which a test worker's heap after GC moves on its own (docs/memory.md), so noise
 * cannot make one; a leak that V8 keeps in a growing array or Map steps by megabytes.
 */
export const LEAK_STEP_MIN_BYTES = 1e6

/** Fewest points a fit may rest on: Sen's interval needs about 8 to exclude 0 at 95%. */
export const MIN_LEAK_FIT_POINTS = 8

/**
 * Judge a series of heap readings (each after a forced full GC) for steady growth. Pure.
 *
 * The slope of heap against calls is fitted by Theil–Sen (the median of pairwise slopes), so a
 * few readings thrown off by something else in the process (a GC that freed more, a timer's
 * allocation) cannot drag it. Only the points after the first `settleShare` are fitted: a leak
 * grows to the end, while growth that stops (bounded caches, compiled code) does not count.
 * Then, like every verdict in perfgate, in three ways against a practical floor:
 *
 * - 'leak' when the whole interval lies above the floor: growth is proven, and large enough to matter;
 * - 'no-leak' when the whole interval lies at or below it;
 * - 'inconclusive' when the interval straddles it.
 *
 * The floor is the larger of `thresholdBytesPerCall` and `minGrowthBytes` / fitted calls, so a
 * run of few, slow calls is not judged on a few kilobytes that the rest of the process (a test
 * runner's messages, timers) may have grown by meanwhile.
 *
 * @throws RangeError for fewer than MIN_LEAK_FIT_POINTS points to fit, or points whose calls
 *   do not increase.
 */
export function judgeLeak(points: readonly HeapPoint[], rule: LeakRule): LeakJudgement {
  const first = Math.min(Math.floor(points.length * rule.settleShare), points.length - MIN_LEAK_FIT_POINTS)
  const fitted = points.slice(Math.max(0, first))
  if (fitted.length < MIN_LEAK_FIT_POINTS) {
    throw new RangeError(`judgeLeak needs at least ${MIN_LEAK_FIT_POINTS} points, got ${points.length}`)
  }
  for (let i = 1; i < points.length; i++) {
    if (!(points[i]!.calls > points[i - 1]!.calls)) {
      throw new RangeError(`judgeLeak: calls must increase from point to point (point ${i})`)
    }
  }
  const fit = theilSenLine(
    fitted.map((p) => p.calls),
    fitted.map((p) => p.heapBytes),
    rule.confidence,
  )
  const fittedCalls = fitted[fitted.length - 1]!.calls - fitted[0]!.calls
  const floorBytesPerCall = Math.max(rule.thresholdBytesPerCall, rule.minGrowthBytes / fittedCalls)
  const [lo, hi] = fit.slopeInterval
  const bySlope: LeakStatus =
    lo > floorBytesPerCall ? 'leak' : hi <= floorBytesPerCall ? 'no-leak' : 'inconclusive'
  // A rise that every later reading stays above, beyond both floors, is a leak even when it came
  // in one or two steps that leave the median pairwise slope at or near 0.
  const persistentGrowthBytes = persistentRise(fitted)
  const grewInSteps =
    bySlope !== 'leak' &&
    persistentGrowthBytes > Math.max(LEAK_STEP_MIN_BYTES, floorBytesPerCall * fittedCalls)
  const status: LeakStatus = grewInSteps ? 'leak' : bySlope
  return {
    status,
    slopeBytesPerCall: fit.slope,
    slopeIntervalBytesPerCall: [lo, hi],
    confidence: rule.confidence,
    floorBytesPerCall,
    growthBytes: points[points.length - 1]!.heapBytes - points[0]!.heapBytes,
    fittedPoints: fitted.length,
    fittedCalls,
    persistentGrowthBytes,
    grewInSteps,
  }
}

/**
 * How far the heap after GC rose over a series and stayed: the lowest of the last
 * LEAK_STEP_EDGE_POINTS readings minus the highest of the first ones.
 */
export function persistentRise(points: readonly HeapPoint[]): number {
  const heads = points.slice(0, LEAK_STEP_EDGE_POINTS).map((p) => p.heapBytes)
  const tails = points.slice(-LEAK_STEP_EDGE_POINTS).map((p) => p.heapBytes)
  return Math.min(...tails) - Math.max(...heads)
}

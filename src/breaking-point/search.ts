import type { BreakingPointProbe, BreakingPointStatus, CurvePoint, Inconsistency } from './types.js'

/*
 * The search, as pure functions of what has been probed so far. It assumes that passing is
 * monotone in load: if a level meets the budget, every lower level does too. Under that
 * assumption the highest passing level is found by bisection in ⌈log2(max − min + 2)⌉ probes;
 * the confirmation probes and findInconsistencies() are there to catch when it does not hold.
 */

/** What the search knows: the highest level shown to pass and the lowest shown to fail. */
export interface SearchBounds {
  /** Highest passing level, or min − 1 when none has passed yet. */
  passed: number
  /** Lowest failing level, or max + 1 when none has failed yet. */
  failed: number
}

/** Bounds before any probe: min − 1 "passes" and max + 1 "fails", both unprobed. */
export function initialBounds(min: number, max: number): SearchBounds {
  return { passed: min - 1, failed: max + 1 }
}

/** Bounds after a search probe at `level`. */
export function narrowBounds(bounds: SearchBounds, level: number, pass: boolean): SearchBounds {
  return pass
    ? { passed: Math.max(bounds.passed, level), failed: bounds.failed }
    : { passed: bounds.passed, failed: Math.min(bounds.failed, level) }
}

/**
 * The next level to probe, or undefined when the search is done: the midpoint while the gap is
 * wider than `precision`; then `min` if nothing has passed yet and `max` if nothing has failed,
 * so "no level passes" and "every level passes" are always shown by a probe, never assumed.
 */
export function nextSearchLevel(
  min: number,
  max: number,
  precision: number,
  bounds: SearchBounds,
): number | undefined {
  const { passed, failed } = bounds
  if (failed - passed > precision) return Math.floor((passed + failed) / 2)
  if (passed < min && failed > min) return min
  if (failed > max && passed < max) return max
  return undefined
}

/**
 * Levels to probe again once the search is done: the breaking point (does it pass again?) and
 * a level above the first failure, midway to the highest level that failed (a pass there shows
 * a non-monotone system); the first failing level again when there is no room above it.
 */
export function confirmLevels(
  bounds: SearchBounds,
  min: number,
  max: number,
  probes: readonly Pick<BreakingPointProbe, 'level' | 'pass'>[],
): number[] {
  const levels: number[] = []
  if (bounds.passed >= min) levels.push(bounds.passed)
  if (bounds.failed <= max) {
    const highestFailed = Math.max(...probes.filter((p) => !p.pass).map((p) => p.level))
    levels.push(
      highestFailed - bounds.failed >= 2 ? Math.floor((bounds.failed + highestFailed) / 2) : bounds.failed,
    )
  }
  return levels
}

/**
 * Pairs that break monotonicity: a level that passed at or above a level that failed (the same
 * level passing once and failing once counts). One pair per passing level, with the lowest
 * failure at or below it.
 */
export function findInconsistencies(
  probes: readonly Pick<BreakingPointProbe, 'level' | 'pass'>[],
): Inconsistency[] {
  const failures = probes.filter((p) => !p.pass).map((p) => p.level)
  if (failures.length === 0) return []
  const lowestFailure = Math.min(...failures)
  const passedLevels = [
    ...new Set(probes.filter((p) => p.pass && p.level >= lowestFailure).map((p) => p.level)),
  ]
  return passedLevels
    .sort((a, b) => a - b)
    .map((passedLevel) => ({ failedLevel: lowestFailure, passedLevel }))
}

/** One point per level probed, in level order; a level probed twice keeps its last probe. */
export function buildCurve(
  probes: readonly Pick<BreakingPointProbe, 'level' | 'pass' | 'value' | 'status'>[],
): CurvePoint[] {
  const byLevel = new Map<number, CurvePoint>()
  for (const p of probes)
    byLevel.set(p.level, { level: p.level, value: p.value, pass: p.pass, status: p.status })
  return [...byLevel.values()].sort((a, b) => a.level - b.level)
}

/** The search's outcome from its final bounds, whether it ran out of probes, and its inconsistencies. */
export function searchStatus(
  min: number,
  max: number,
  precision: number,
  bounds: SearchBounds,
  exhausted: boolean,
  inconsistencies: readonly Inconsistency[],
): BreakingPointStatus {
  if (inconsistencies.length > 0) return 'inconsistent'
  if (exhausted && nextSearchLevel(min, max, precision, bounds) !== undefined) return 'unresolved'
  if (bounds.passed < min) return 'below-min'
  if (bounds.failed > max) return 'above-max'
  return 'found'
}

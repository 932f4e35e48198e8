import { median } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'
import { type ProcessBatches, processTimesNs, typicalProcesses } from './process-spread.js'

/*
 * The machine's own speed, taken out of a suite's comparison. Pure.
 *
 * A shared machine changes speed as a whole: a busy host, a lower clock, a thermal limit. On this
 * project's 2-core VM every bench of a suite once ran 25–80% slower than its baseline for a minute
 * and more, in the run and in the fresh processes that re-measured it, with no other process of the
 * VM busy (docs/accuracy.md, "Regression guard"). No per-bench statistic can tell that from a
 * regression of every bench. The other benches measured in the same process can: their median
 * change is the machine's, since a code change rarely slows most of a suite at once. So each bench
 * is judged relative to the median of the benches measured in the same process, and a shift of the
 * whole suite is reported as such, never failed.
 */

/** Fewest benches in one process for their median change to stand for the machine's speed. */
export const MIN_BENCHES_FOR_MACHINE_SPEED = 5

/** Benches that looked unchanged, re-measured beside the suspects to show the machine's speed then. */
export const CONTROL_BENCHES = 3

/**
 * log(current per-call time / baseline per-call time) of one process of a bench, in the time the
 * guard compares (see processTimesNs): the baseline side is the geometric mean of its processes'
 * times, wild ones left out as the
 * comparison leaves them out (see typicalProcesses). NaN without batches.
 */
export function logChange(current: ProcessBatches, baseline: ProcessBatches): number {
  const now = processTimesNs(current)
  const before = typicalProcesses(processTimesNs(baseline)).keptNs
  if (now.length === 0 || before.length === 0) return Number.NaN
  const meanLog = (xs: number[]) => xs.reduce((sum, x) => sum + Math.log(Math.max(x, 1e-9)), 0) / xs.length
  return meanLog(now) - meanLog(before)
}

/**
 * The machine's speed in one process, as a log change: the median change of the benches it
 * measured, or 0 when fewer than `minBenches` have one (too few to tell the machine from the
 * code). A real regression of a few benches hardly moves the median; a slower machine moves all.
 */
export function machineShift(
  logChanges: readonly number[],
  minBenches: number = MIN_BENCHES_FOR_MACHINE_SPEED,
): number {
  const finite = logChanges.filter(Number.isFinite)
  return finite.length >= minBenches ? median(sortSamples(finite)) : 0
}

/**
 * The controls to re-measure beside the suspects: up to `count` benches that are not suspects,
 * those whose change is nearest the suite's own (the most typical of the machine), in a fixed
 * order for ties.
 */
export function pickControls(
  candidates: readonly { name: string; logChange: number }[],
  suiteShift: number,
  count: number = CONTROL_BENCHES,
): string[] {
  return candidates
    .filter((c) => Number.isFinite(c.logChange))
    .map((c) => ({ ...c, distance: Math.abs(c.logChange - suiteShift) }))
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, count)
    .map((c) => c.name)
}

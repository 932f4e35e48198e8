import type { BenchResult } from '../measure/types.js'
import type { Remeasure } from './check-suite.js'
import { unsettledBenches } from './unsettled-benches.js'

/*
 * The processes a baseline is recorded from, as an update records them. The reporter
 * (reporters/baseline-guard.ts) and bench/regression-accuracy.ts both call this one function, so
 * the figures measure the baselines CI records.
 */

/** What {@link recordBaselineProcesses} measured. */
export interface BaselineProcesses {
  /** The first process's results, then every further process's, in order: ready to pool. */
  results: BenchResult[]
  /** Processes every bench was measured in, the first included. */
  processes: number
  /** Why the further processes stopped early; the re-record of disagreeing benches is then skipped. */
  error?: string
  /**
   * Benches whose processes disagreed by more than 10% (see unsettledBenches), the further
   * processes they were measured in, and why those stopped early if they did.
   */
  recordedAgain?: { benches: string[]; processes: number; error?: string }
}

/**
 * Every bench of `first` (the run's own process) measured in `runs − 1` more fresh processes,
 * then the benches whose processes disagree by more than 10% in `runs` more: a disturbance of
 * the machine during the recording leaves those slow in two or three processes of five, too many
 * to be left out as wild, and as many processes again make them a minority. Each process times
 * `first`'s batch sizes; a result with another batch size is dropped.
 */
export async function recordBaselineProcesses(
  first: readonly BenchResult[],
  runs: number,
  remeasure: Remeasure,
): Promise<BaselineProcesses> {
  const extra = await measureMoreProcesses(first, runs - 1, remeasure)
  const results = [...first, ...extra.results]
  const processes = 1 + extra.processes
  if (extra.error !== undefined) return { results, processes, error: extra.error }
  const unsettled = new Set(unsettledBenches(results))
  if (unsettled.size === 0 || extra.processes === 0) return { results, processes }
  const again = await measureMoreProcesses(
    first.filter((r) => unsettled.has(r.name)),
    runs,
    remeasure,
  )
  results.push(...again.results)
  return {
    results,
    processes,
    recordedAgain: {
      benches: [...unsettled],
      processes: again.processes,
      ...(again.error !== undefined && { error: again.error }),
    },
  }
}

/**
 * Every bench of `results` measured again in `count` fresh processes, one after another, with
 * the run's batch sizes. Stops at the first process that fails, keeping what came before.
 */
async function measureMoreProcesses(
  results: readonly BenchResult[],
  count: number,
  remeasure: Remeasure,
): Promise<{ results: BenchResult[]; processes: number; error?: string }> {
  const latest = new Map(results.map((r) => [r.name, r]))
  const requests = [...latest.values()].map((r) => ({ name: r.name, batchSize: r.batchSize }))
  const more: BenchResult[] = []
  for (let i = 0; i < count; i++) {
    try {
      const got = await remeasure(requests)
      // A bench this process left out (or measured with another batch size) would make the
      // processes unequal; keep only what matches.
      more.push(...got.filter((r) => latest.get(r.name)?.batchSize === r.batchSize))
    } catch (error) {
      return { results: more, processes: i, error: error instanceof Error ? error.message : String(error) }
    }
  }
  return { results: more, processes: count }
}

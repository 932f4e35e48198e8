import { perfgateError } from '../errors.js'
import type { BenchResult } from '../measure/types.js'
import type { BaselineFile } from './baseline-file.js'
import {
  adjustForSuite,
  checkRegression,
  DEFAULT_REMEASURE_RUNS,
  mergeRemeasured,
  needsRemeasure,
  type RegressionOptions,
  type RegressionVerdict,
  type SuiteAdjustMethod,
} from './regression.js'

/*
 * The whole regression guard of a run, in the order the rule needs (see regression.ts): check
 * every bench against its baseline, adjust across the suite, re-measure in several fresh
 * processes whatever looks slower than half the threshold, and let those processes decide. The
 * reporter and bench/regression-accuracy.ts both run this one function, so the figures measure
 * what CI does.
 */

/** A bench to measure again, with the batch size its baseline used. */
export interface RemeasureRequest {
  name: string
  batchSize: number
}

/**
 * Measures the requested benches again in one fresh process (each process settles into its own
 * speed, so only a new one is new evidence). Returns the results it got; a bench it could not
 * measure is simply missing. checkSuite calls it `remeasureRuns` times, one after another.
 */
export type Remeasure = (requests: readonly RemeasureRequest[]) => Promise<readonly BenchResult[]>

export interface SuiteCheckOptions extends RegressionOptions {
  /** How false alarms are controlled across benches. @default 'holm' */
  correction?: SuiteAdjustMethod
  /** Fresh processes a suspect is measured in again. @default DEFAULT_REMEASURE_RUNS (3) */
  remeasureRuns?: number
}

export interface SuiteCheck {
  /** One verdict per measured bench that has a baseline, in the order of `results`. */
  verdicts: RegressionVerdict[]
  /** Benches measured now that the baseline does not have. */
  noBaseline: string[]
  /** Benches in the baseline that this run did not measure (skipped, renamed, or another shard's). */
  notMeasured: string[]
  /** Why a re-measurement could not be made, when it failed; the suspects then keep their first verdict. */
  remeasureError: string | null
  /** Fresh processes the suspects were measured in (0 when none were needed or possible). */
  remeasureRuns: number
}

/**
 * Check a run's results against a baseline. Results with the same name are checked once, with
 * the last of them (a bench measured twice in a run measures the code as it was last).
 *
 * A suspect that cannot be re-measured (no `remeasure`, or it failed or left the bench out)
 * keeps the verdict of its first measurement, with a note: that verdict is already a fair test
 * of one process against the baseline's, only a weaker one.
 */
export async function checkSuite(
  results: readonly BenchResult[],
  baseline: BaselineFile,
  options: SuiteCheckOptions = {},
  remeasure?: Remeasure,
): Promise<SuiteCheck> {
  const runs = options.remeasureRuns ?? DEFAULT_REMEASURE_RUNS
  if (!(Number.isInteger(runs) && runs >= 0)) {
    throw perfgateError('REGRESSION_OPTIONS_INVALID', {
      where: 'checkSuite()',
      problem: `remeasureRuns must be a whole number of processes, 0 or more, received ${String(runs)}`,
      fix: 'Use 3 (the default), or 0 to judge every bench on the run alone.',
    })
  }
  const latest = new Map<string, BenchResult>()
  for (const result of results) latest.set(result.name, result)
  const noBaseline: string[] = []
  const first: RegressionVerdict[] = []
  for (const [name, result] of latest) {
    const bench = baseline.benches[name]
    if (bench === undefined) noBaseline.push(name)
    else first.push(checkRegression(result, { ...bench, name }, { baseline: baseline.env }, options))
  }
  const notMeasured = Object.keys(baseline.benches).filter((name) => !latest.has(name))
  const correction = options.correction === undefined ? {} : { method: options.correction }
  const adjusted = adjustForSuite(first, correction)
  const suspects = needsRemeasure(adjusted)
  const done = { noBaseline, notMeasured }
  if (suspects.length === 0) return { verdicts: adjusted, ...done, remeasureError: null, remeasureRuns: 0 }

  const again = new Map<string, BenchResult[]>()
  let remeasureError: string | null =
    remeasure === undefined ? 'no re-measurement was available' : runs === 0 ? 'remeasureRuns is 0' : null
  let measured = 0
  if (remeasure !== undefined) {
    const requests = suspects.map((v) => ({ name: v.name, batchSize: v.batchSize[1] }))
    for (let run = 0; run < runs; run++) {
      try {
        for (const result of await remeasure(requests)) {
          const list = again.get(result.name)
          if (list) list.push(result)
          else again.set(result.name, [result])
        }
        measured++
      } catch (error) {
        remeasureError = error instanceof Error ? error.message : String(error)
        break
      }
    }
  }
  // The fresh processes alone decide, adjusted across the benches that were re-measured.
  const second = adjustForSuite(
    suspects.flatMap((verdict) => {
      const fresh = again.get(verdict.name)
      const bench = baseline.benches[verdict.name]
      if (fresh === undefined || bench === undefined) return []
      return [checkRegression(fresh, { ...bench, name: verdict.name }, { baseline: baseline.env }, options)]
    }),
    correction,
  )
  const secondByName = new Map(second.map((v) => [v.name, v]))
  const verdicts = adjusted.map((verdict) => {
    if (!suspects.includes(verdict)) return verdict
    const fresh = secondByName.get(verdict.name)
    if (fresh !== undefined) return mergeRemeasured(verdict, fresh)
    const why = remeasureError ?? 'the re-measurement did not measure it'
    return {
      ...verdict,
      notes: [
        ...verdict.notes,
        `Not re-measured in fresh processes (${why}); the verdict rests on the run's own process.`,
      ],
    }
  })
  return { verdicts, ...done, remeasureError, remeasureRuns: measured }
}

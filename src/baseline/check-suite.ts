import type { BenchResult } from '../measure/types.js'
import type { BaselineFile } from './baseline-file.js'
import {
  adjustForSuite,
  checkRegression,
  mergeRemeasured,
  needsRemeasure,
  type RegressionOptions,
  type RegressionVerdict,
  type SuiteAdjustMethod,
} from './regression.js'

/*
 * The whole regression guard of a run, in the order the rule needs (see regression.ts): check
 * every bench against its baseline, adjust across the suite, re-measure what still looks
 * regressed, and keep a regression only when the re-measurement confirms it. The reporter and
 * bench/regression-accuracy.ts both run this one function, so the figures measure what CI does.
 */

/** A bench to measure again, with the batch size its baseline used. */
export interface RemeasureRequest {
  name: string
  batchSize: number
}

/**
 * Measures the requested benches again, ideally in a fresh process (a JIT state that lasts
 * seconds can make one process look slow). Returns the results it got; a bench it could not
 * measure is simply missing.
 */
export type Remeasure = (requests: readonly RemeasureRequest[]) => Promise<readonly BenchResult[]>

export interface SuiteCheckOptions extends RegressionOptions {
  /** How false alarms are controlled across benches. @default 'holm' */
  correction?: SuiteAdjustMethod
}

export interface SuiteCheck {
  /** One verdict per measured bench that has a baseline, in the order of `results`. */
  verdicts: RegressionVerdict[]
  /** Benches measured now that the baseline does not have. */
  noBaseline: string[]
  /** Benches in the baseline that this run did not measure (skipped, renamed, or another shard's). */
  notMeasured: string[]
  /** Why a re-measurement could not be made, when it failed; the suspects then stay unconfirmed. */
  remeasureError: string | null
}

/**
 * Check a run's results against a baseline. Results with the same name are checked once, with
 * the last of them (a bench measured twice in a run measures the code as it was last).
 *
 * A suspected regression that cannot be re-measured (no `remeasure`, or it failed or left the
 * bench out) stays 'regressed', with a note: an unconfirmed alarm is shown rather than hidden.
 */
export async function checkSuite(
  results: readonly BenchResult[],
  baseline: BaselineFile,
  options: SuiteCheckOptions = {},
  remeasure?: Remeasure,
): Promise<SuiteCheck> {
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
  const adjusted = adjustForSuite(
    first,
    options.correction === undefined ? {} : { method: options.correction },
  )
  const suspects = needsRemeasure(adjusted)
  if (suspects.length === 0) return { verdicts: adjusted, noBaseline, notMeasured, remeasureError: null }

  let again: readonly BenchResult[] = []
  let remeasureError: string | null = remeasure === undefined ? 'no re-measurement was available' : null
  if (remeasure !== undefined) {
    try {
      again = await remeasure(suspects.map((v) => ({ name: v.name, batchSize: v.batchSize[1] })))
    } catch (error) {
      remeasureError = error instanceof Error ? error.message : String(error)
    }
  }
  const byName = new Map(again.map((r) => [r.name, r]))
  const verdicts = adjusted.map((verdict) => {
    if (!suspects.includes(verdict)) return verdict
    const second = byName.get(verdict.name)
    const bench = baseline.benches[verdict.name]
    if (second === undefined || bench === undefined) {
      const why = remeasureError ?? 'the re-measurement did not measure it'
      return {
        ...verdict,
        notes: [...verdict.notes, `Not confirmed by a re-measurement (${why}); treated as a regression.`],
      }
    }
    return mergeRemeasured(
      verdict,
      checkRegression(second, { ...bench, name: verdict.name }, { baseline: baseline.env }, options),
    )
  })
  return { verdicts, noBaseline, notMeasured, remeasureError }
}

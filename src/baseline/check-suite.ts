import { findBenchKey } from '../budget/find-bench-budget.js'
import { formatRatio } from '../budget/format.js'
import { DEFAULT_REGRESSION_CONFIDENCE, DEFAULT_REMEASURE_ROUNDS } from '../config/schema.js'
import { environmentDifferences } from '../env/differences.js'
import { perfgateError } from '../errors.js'
import type { BenchResult } from '../measure/types.js'
import { mean } from '../stats/moments.js'
import type { BaselineFile } from './baseline-file.js'
import { logChange, MIN_BENCHES_FOR_MACHINE_SPEED, machineShift, pickControls } from './machine-speed.js'
import { processTimesNs, SLOW_PERIOD_RATIO, slowPeriodProcesses } from './process-spread.js'
import {
  adjustForSuite,
  checkRegression,
  DEFAULT_REMEASURE_RUNS,
  mergeRemeasured,
  type NamedBaselineBench,
  needsRemeasure,
  percentOf,
  type RegressionOptions,
  type RegressionVerdict,
  type SuiteAdjustMethod,
  slowerThanScreen,
} from './regression.js'

/*
 * The whole regression guard of a run, in the order the rule needs (see regression.ts): check
 * every bench against its baseline, adjust across the suite, re-measure in several fresh
 * processes whatever looks slower than half the threshold or cannot rule out twice it, and let
 * those processes decide (in rounds, for suspects they leave undecided, and for suspects that ran
 * at least SLOW_PERIOD_RATIO slow in every fresh process once the machine has shown slow periods). The reporter and
 * bench/regression-accuracy.ts both run this one function, so the figures measure what CI does.
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
  /** Fresh processes a suspect is measured in again, per round. @default DEFAULT_REMEASURE_RUNS (3) */
  remeasureRuns?: number
  /**
   * Rounds a suspect may get: one still slower than half the threshold but not significant after
   * a round is measured in `remeasureRuns` more fresh processes. Each round tests at
   * (1 − confidence) / rounds. @default DEFAULT_REMEASURE_ROUNDS (3)
   */
  remeasureRounds?: number
  /**
   * Thresholds of single benches over `threshold`, keyed by bench name; a key may contain `*`
   * globs (the exact name wins, then the most specific glob, as for budgets). The reporter passes
   * the config's `regression.benches`. @default {}
   */
  benchThresholds?: Readonly<Record<string, number | string>>
  /** The file `benchThresholds` came from, as reasons should name it ('package.json'). */
  configFile?: string
  /**
   * Measure the whole suite again when the run's own process was so disturbed that the machine's
   * shift overruled a verdict (see checkSuite). Off, such benches stay inconclusive: what
   * bench/replay-guard.ts needs for runs recorded before this rule, whose fresh processes measured
   * only suspects. @default true
   */
  rerunDisturbed?: boolean
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
  /**
   * Fresh processes the suspects were measured in, with those that measured a disturbed run's
   * whole suite again (0 when none were needed or possible).
   */
  remeasureRuns: number
  /**
   * The machine's speed as a log change against the baseline, taken out of every comparison
   * (see machine-speed.ts): in the run's own process (0 with fewer than
   * MIN_BENCHES_FOR_MACHINE_SPEED benches), in each fresh process that measured the whole suite
   * again when the run's was too disturbed for its shift to decide (the last round of them; empty
   * when there was none), and in each fresh process of the re-measurement.
   */
  machineShift: { run: number; rerun: number[]; remeasure: number[] }
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
  const rounds = options.remeasureRounds ?? DEFAULT_REMEASURE_ROUNDS
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    throw perfgateError('REGRESSION_OPTIONS_INVALID', {
      where: 'checkSuite()',
      problem: `remeasureRounds must be a whole number of rounds, 1 or more, received ${String(rounds)}`,
      fix: `Use ${DEFAULT_REMEASURE_ROUNDS} (the default), or 1 to decide after one round of fresh processes.`,
    })
  }
  const latest = new Map<string, BenchResult>()
  for (const result of results) latest.set(result.name, result)
  const noBaseline: string[] = []
  const compared: { name: string; result: BenchResult; bench: NamedBaselineBench }[] = []
  for (const [name, result] of latest) {
    const bench = baseline.benches[name]
    if (bench === undefined) noBaseline.push(name)
    else compared.push({ name, result, bench: { ...bench, name } })
  }
  const notMeasured = Object.keys(baseline.benches).filter((name) => !latest.has(name))
  const env = { baseline: baseline.env }
  // Benches whose baseline comes from another environment get no verdict, so they say nothing
  // about the machine's speed either (unless the config compares across environments anyway).
  const comparable = compared.filter(
    (c) =>
      options.failOnEnvironmentChange === true ||
      !environmentDifferences(baseline.env, c.result.env).some((d) => d.severity === 'major'),
  )
  // The machine's speed in the run's process: the median change of all its benches.
  const firstChanges = new Map(compared.map((c) => [c.name, logChange(c.result, c.bench)]))
  const suiteShift = machineShift(comparable.map((c) => firstChanges.get(c.name)!))
  const benchOf = new Map(compared.map((c) => [c.name, c.bench]))
  const judge = (
    c: (typeof compared)[number],
    fresh: readonly { result: BenchResult; shift: number }[],
    basis: string,
  ) => {
    const logShift = fresh.map((f) => f.shift)
    return checkRegression(
      fresh.map((f) => f.result),
      c.bench,
      env,
      regressionOptionsFor(c.name, options),
      logShift.every((s) => s === 0) ? undefined : { logShift, basis },
    )
  }
  let first = compared.map((c) =>
    judge(c, [{ result: c.result, shift: suiteShift }], `the run's ${comparable.length} benches`),
  )
  const done = {
    noBaseline,
    notMeasured,
    machineShift: { run: suiteShift, rerun: [] as number[], remeasure: [] as number[] },
  }
  let remeasureError: string | null =
    remeasure === undefined ? 'no re-measurement was available' : runs === 0 ? 'remeasureRuns is 0' : null
  let measured = 0
  let controlsFrom = { changes: firstChanges, shift: suiteShift }
  let rerunWanted = false
  // A run whose own process ran so far from the baseline as a whole that the shift decided
  // nothing (see SHIFT_DECIDES_AT_MOST) is measured again: the comparable suite in `runs` fresh
  // processes, each judged relative to the median change of its own benches, as the run was. Up
  // to `rounds` times, until a round the shift no longer overrules; that round's processes stand
  // in for the run's (a disturbed process tells nothing, so rounds are not pooled). What they
  // give is a first look like the run's: a suspect among them is still re-measured below.
  for (
    let round = 0;
    round < rounds && remeasureError === null && options.rerunDisturbed !== false;
    round++
  ) {
    if (!first.some((v) => v.asMeasured !== undefined)) break
    rerunWanted = true
    const requests = comparable.map((c) => ({ name: c.name, batchSize: c.bench.batchSize }))
    const fresh = new Map<string, { result: BenchResult; shift: number }[]>()
    const shifts: number[] = []
    const changesOf = new Map<string, number[]>()
    for (let run = 0; run < runs; run++) {
      try {
        const got = await remeasure!(requests)
        const changes = changesAgainst(got, benchOf)
        const shift = machineShift(changes)
        shifts.push(shift)
        got.forEach((result, i) => {
          fresh.set(result.name, [...(fresh.get(result.name) ?? []), { result, shift }])
          changesOf.set(result.name, [...(changesOf.get(result.name) ?? []), changes[i]!])
        })
        measured++
      } catch (error) {
        remeasureError = error instanceof Error ? error.message : String(error)
        break
      }
    }
    if (shifts.length === 0) break
    done.machineShift.rerun = shifts
    // Controls are picked from what the fresh processes saw, not the disturbed run.
    controlsFrom = {
      changes: new Map([...changesOf].map(([name, list]) => [name, meanOf(list)])),
      shift: meanOf(shifts),
    }
    const basis = 'the benches of each fresh process the suite was measured again in'
    const why =
      `The run's own process ran the suite ${formatRatio(Math.exp(suiteShift))} its baselines as a whole, too far for that shift to decide, ` +
      `so this verdict rests on the ${shifts.length} fresh process${shifts.length === 1 ? '' : 'es'} the suite was measured again in.`
    first = first.map((verdict, i) => {
      const c = compared[i]!
      const again = comparable.includes(c) ? fresh.get(c.name) : undefined
      if (again === undefined || again.length === 0) return verdict
      const rejudged = judge(c, again, basis)
      return { ...rejudged, notes: [...rejudged.notes, why] }
    })
  }
  const correction = options.correction === undefined ? {} : { method: options.correction }
  const adjusted = adjustForSuite(first, correction)
  const suspects = needsRemeasure(adjusted)
  if (suspects.length === 0) {
    // With nothing to measure again, there was no re-measurement to fail.
    return {
      verdicts: adjusted,
      ...done,
      remeasureError: rerunWanted ? remeasureError : null,
      remeasureRuns: measured,
    }
  }

  // Benches that looked unchanged are measured beside the suspects: their change in each fresh
  // process is the machine's speed then (only when the run's own shift could be read at all).
  const controls =
    comparable.length < MIN_BENCHES_FOR_MACHINE_SPEED
      ? []
      : pickControls(
          adjusted
            .filter((v) => !suspects.includes(v) && v.status !== 'environment-changed')
            .map((v) => ({ name: v.name, logChange: controlsFrom.changes.get(v.name) ?? Number.NaN })),
          controlsFrom.shift,
        )
  const again = new Map<string, { result: BenchResult; shift: number; change: number }[]>()
  // Rounds: each suspect still slower than the screen but not significant after a round gets
  // `runs` more fresh processes, and is judged on all of its fresh processes so far. Each round
  // tests at alpha / rounds (Bonferroni across rounds, Holm across the suspects of a round), so a
  // suspect that is no regression fails in some round with probability at most alpha however the
  // rounds go.
  const confidence = options.confidence ?? DEFAULT_REGRESSION_CONFIDENCE
  const roundOptions = { ...options, confidence: 1 - (1 - confidence) / rounds }
  const decided = new Map<string, RegressionVerdict>()
  // Has the machine shown slow periods in this check (a process of some bench left out as one,
  // in the baseline or among the fresh processes)? Then a suspect whose every fresh process ran
  // that slow may be in one, and gets the next round instead of a verdict (`hold` below); it
  // fails only if it stays that slow through the last round.
  let slowPeriodsSeen = Object.values(baseline.benches).some((bench) => hasSlowPeriod(processTimesNs(bench)))
  const held = new Set<string>()
  /** Every fresh process of `name` so far ran it SLOW_PERIOD_RATIO × its baseline or slower. */
  const slowInEvery = (name: string) =>
    again.has(name) && again.get(name)!.every((f) => f.change >= Math.log(SLOW_PERIOD_RATIO))
  let pending = suspects.map((v) => v.name)
  for (let round = 0; round < rounds && pending.length > 0 && remeasureError === null; round++) {
    const requests = [...pending, ...controls].map((name) => ({
      name,
      batchSize: benchOf.get(name)!.batchSize,
    }))
    for (let run = 0; run < runs; run++) {
      try {
        const got = await remeasure!(requests)
        const changes = changesAgainst(got, benchOf)
        const shift = machineShift(
          changes.filter((_, i) => controls.includes(got[i]!.name)),
          1,
        )
        done.machineShift.remeasure.push(shift)
        got.forEach((result, i) => {
          const entry = { result, shift, change: changes[i]! }
          const list = again.get(result.name)
          if (list) list.push(entry)
          else again.set(result.name, [entry])
        })
        measured++
      } catch (error) {
        remeasureError = error instanceof Error ? error.message : String(error)
        break
      }
    }
    // The fresh processes alone decide, adjusted across the benches of this round.
    const judged = adjustForSuite(
      pending.flatMap((name) => {
        const fresh = again.get(name)
        const bench = benchOf.get(name)
        if (fresh === undefined || bench === undefined) return []
        const machine =
          controls.length === 0
            ? undefined
            : {
                logShift: fresh.map((f) => f.shift),
                basis: `the ${controls.length === 1 ? 'bench' : `${controls.length} benches`} measured beside it as controls (${controls.map((c) => `"${c}"`).join(', ')})`,
              }
        return [
          checkRegression(
            fresh.map((f) => f.result),
            { ...bench, name },
            env,
            regressionOptionsFor(name, roundOptions),
            machine,
          ),
        ]
      }),
      correction,
    )
    const last = round === rounds - 1 || remeasureError !== null
    // As measured, without the machine shift: slow periods are read from what ran (see
    // checkRegression).
    if ([...again.values()].some((fresh) => hasSlowPeriod(fresh.map((f) => Math.exp(f.change))))) {
      slowPeriodsSeen = true
    }
    for (const verdict of judged) decided.set(verdict.name, verdict)
    const hold = (v: RegressionVerdict) => v.status === 'regressed' && slowPeriodsSeen && slowInEvery(v.name)
    if (!last) for (const v of judged) if (hold(v)) held.add(v.name)
    // A suspect whose verdict the machine's shift overruled (see SHIFT_DECIDES_AT_MOST) was
    // measured on a disturbed machine: those processes tell nothing, so it gets the next round
    // afresh, judged on that round's processes alone.
    const overruled = judged.filter((v) => v.asMeasured !== undefined).map((v) => v.name)
    if (!last) for (const name of overruled) again.delete(name)
    pending = last
      ? []
      : judged
          .filter(
            (v) => (v.status !== 'regressed' && stillSuspect(v)) || hold(v) || overruled.includes(v.name),
          )
          .map((v) => v.name)
  }
  const verdicts = adjusted.map((verdict) => {
    if (!suspects.includes(verdict)) return verdict
    const fresh = decided.get(verdict.name)
    if (fresh !== undefined) {
      const withRounds = mergeRemeasured(verdict, fresh)
      const merged =
        held.has(verdict.name) && withRounds.status === 'regressed' && slowInEvery(verdict.name)
          ? {
              ...withRounds,
              notes: [
                ...withRounds.notes,
                `Every fresh process ran it at least ${formatRatio(SLOW_PERIOD_RATIO)} the baseline, and the machine had slow periods in this run (processes ${formatRatio(SLOW_PERIOD_RATIO)} or more slower than others of the same code), so it was measured in more rounds before failing; it stayed that slow in all ${fresh.processes[0]} fresh processes.`,
              ],
            }
          : withRounds
      if (rounds === 1) return merged
      const level = percentOf(roundOptions.confidence)
      return {
        ...merged,
        notes: [
          ...merged.notes,
          `The fresh processes are judged at ${level}, not ${percentOf(confidence)}: a suspect may get up to ${rounds} rounds of them, and each round takes its share of the false-alarm rate.`,
        ],
      }
    }
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

/**
 * The options of one bench: the suite's, with its own threshold when `benchThresholds` has one
 * (and `thresholdSource` naming it). `perfgate compare` resolves thresholds with it too.
 */
export function regressionOptionsFor(
  name: string,
  options: RegressionOptions & Pick<SuiteCheckOptions, 'benchThresholds' | 'configFile'>,
): RegressionOptions {
  const byName = options.benchThresholds ?? {}
  const key = findBenchKey(name, byName)
  if (key === undefined) return options
  const where = `regression.benches[${JSON.stringify(key)}]`
  return {
    ...options,
    threshold: byName[key]!,
    thresholdSource: options.configFile === undefined ? where : `${where} in ${options.configFile}`,
  }
}

/** Whether any process of a bench ran in a slow period of the machine (see slowPeriodProcesses). */
function hasSlowPeriod(timesNs: readonly number[]): boolean {
  return slowPeriodProcesses(timesNs).length > 0
}

/** Still a suspect after a round: not decided either way, and slower than the screen. */
function stillSuspect(verdict: RegressionVerdict): boolean {
  return (verdict.status === 'inconclusive' || verdict.status === 'unchanged') && slowerThanScreen(verdict)
}

/** Each result's change against its baseline, as measured (NaN for a bench it has none of). */
function changesAgainst(
  results: readonly BenchResult[],
  benchOf: ReadonlyMap<string, NamedBaselineBench>,
): number[] {
  return results.map((r) => {
    const bench = benchOf.get(r.name)
    return bench === undefined ? Number.NaN : logChange(r, bench)
  })
}

/** The mean of the finite values; NaN when there are none. */
function meanOf(xs: readonly number[]): number {
  const finite = xs.filter(Number.isFinite)
  return finite.length === 0 ? Number.NaN : mean(finite)
}

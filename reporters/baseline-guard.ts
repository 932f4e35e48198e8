import { isAbsolute, join, relative } from 'node:path'
import {
  type BaselineFile,
  type BudgetToStore,
  baselineFromResults,
  baselinePath,
  candidatePath,
  chooseBaselineName,
  readBaseline,
  writeBaselineAtomic,
} from '../src/baseline/baseline-file.js'
import { mergeRunInto } from '../src/baseline/baseline-pages.js'
import {
  checkPages,
  type PageRegressionVerdict,
  type PagesCheck,
  pageRegressionEvent,
} from '../src/baseline/check-pages.js'
import { checkSuite, type Remeasure, type SuiteCheck } from '../src/baseline/check-suite.js'
import { PROCESS_TIME_METRIC } from '../src/baseline/process-spread.js'
import { recordBaselineProcesses } from '../src/baseline/record-baseline-processes.js'
import { describeDifferences, pEquals, type RegressionVerdict } from '../src/baseline/regression.js'
import { formatPercent } from '../src/budget/format.js'
import {
  benchThresholdsOf,
  configFileLabel,
  type LoadedConfig,
  pageThresholdsOf,
} from '../src/config/load-config.js'
import type { RegressionConfig } from '../src/config/schema.js'
import type { EventContext, VerifyEvent } from '../src/log/verify-event.js'
import { regressionEvent } from '../src/log/verify-event.js'
import type { BenchResult } from '../src/measure/types.js'
import { namedList, ratioRange, slowdownRange } from '../src/report/report-text.js'
import type { WebResult } from '../src/web/types.js'
import type { TestRecords } from './collect-records.js'

/*
 * The reporter's memory: every run's results become a candidate baseline; the accepted baseline
 * changes only on an explicit accept (`perfgate baseline accept`, `vitest -u`, PERFGATE_UPDATE=1),
 * as snapshots do; and every bench with a baseline goes through the regression guard (checkSuite).
 */

/** Environment variable that accepts the run's results as the baseline, like `vitest -u`. */
export const UPDATE_ENV = 'PERFGATE_UPDATE'

export interface GuardSettings {
  /** Absolute output folder (`output.dir`). */
  dir: string
  /** Baseline name. */
  name: string
  /** Accept this run's results as the baseline. */
  update: boolean
  /** Vitest's shard of this run, if sharded. */
  shard: { index: number; count: number } | undefined
  regression: RegressionConfig
  /** The config file, relative to the root, as reasons name it ('package.json'). */
  configFile: string
  /**
   * Benches judged against the base ref's code in the run (PERFGATE_BASE_REF, base-guard.ts): the
   * stored baseline does not judge them a second time. Their results still go into the candidate.
   */
  judgedByBase?: ReadonlySet<string>
}

/** What Vitest's resolved config tells the guard. */
export interface VitestRunConfig {
  update?: boolean | string | undefined
  shard?: { index: number; count: number } | undefined
}

/**
 * The guard's settings: `vitest -u` (update `true` or "all", as for snapshots) or
 * PERFGATE_UPDATE=1 accepts; PERFGATE_BASELINE picks the baseline, else `output.baseline`.
 */
export function guardSettings(
  loaded: LoadedConfig,
  vitest: VitestRunConfig,
  env: NodeJS.ProcessEnv = process.env,
): GuardSettings {
  const { output, regression } = loaded.config
  const flag = env[UPDATE_ENV]
  return {
    dir: isAbsolute(output.dir) ? output.dir : join(loaded.root, output.dir),
    name: chooseBaselineName(output.baseline, env),
    update: vitest.update === true || vitest.update === 'all' || flag === '1' || flag === 'true',
    shard: vitest.shard,
    regression,
    configFile: configFileLabel(loaded),
  }
}

/** What the guard did and found. */
export interface GuardOutcome {
  name: string
  baselineFile: string
  /** Where the run's results were written, or null when there were none (or writing failed). */
  candidateFile: string | null
  /** The baseline compared with, or null when there was none (or it could not be read). */
  baseline: BaselineFile | null
  /** This run's results were written as the accepted baseline. */
  accepted: boolean
  /** Fresh processes the benches of the candidate were measured in (1 unless the run updated the baseline). */
  processes: number
  /**
   * Benches of an update whose processes disagreed by more than 10% (see unsettledBenches), and
   * the further processes they were measured in; absent when none disagreed.
   */
  recordedAgain?: { benches: string[]; processes: number }
  /** The regression check, or null without a baseline. */
  check: SuiteCheck | null
  /** The web pages' regression check, or null without a baseline or pages. */
  pages: PagesCheck | null
  /** Problems that fail the run: an unreadable baseline, a candidate that cannot be written. */
  errors: string[]
}

/** Bench results of passed and failed tests, in order (skipped tests measured nothing). */
export function benchResults(entries: readonly TestRecords[]): BenchResult[] {
  return entries.flatMap((e) => e.records.flatMap((r) => (r.kind === 'bench' ? [r.result] : [])))
}

/** Pages measured in a browser (Web Vitals, Lighthouse), in order. */
export function webResults(entries: readonly TestRecords[]): WebResult[] {
  return entries.flatMap((e) => e.records.flatMap((r) => (r.kind === 'web' ? [r.result] : [])))
}

/** The budget each bench was checked against, as written, for the candidate file. */
function budgetsOf(entries: readonly TestRecords[]): Map<string, BudgetToStore> {
  const budgets = new Map<string, BudgetToStore>()
  for (const entry of entries) {
    for (const record of entry.records) {
      if (record.kind !== 'budget') continue
      const written = Object.fromEntries(record.verdict.metrics.map((m) => [m.metric, m.limitText]))
      budgets.set(record.verdict.name, { budget: written, source: record.verdict.source })
    }
  }
  return budgets
}

/**
 * Write the candidate, read the baseline, check every bench against it (re-measuring suspects
 * with `remeasure`), and accept the run as the baseline when asked. Never throws: a file problem
 * becomes an entry of `errors`, and what could be done is done (a corrupt baseline is left
 * untouched, and the candidate is still written).
 */
export async function guardRun(
  entries: readonly TestRecords[],
  settings: GuardSettings,
  remeasure: Remeasure | undefined,
): Promise<GuardOutcome> {
  const errors: string[] = []
  const results = benchResults(entries)
  const pages = webResults(entries)
  const outcome: GuardOutcome = {
    name: settings.name,
    baselineFile: '',
    candidateFile: null,
    baseline: null,
    accepted: false,
    processes: 1,
    check: null,
    pages: null,
    errors,
  }
  try {
    outcome.baselineFile = baselinePath(settings.dir, settings.name)
  } catch (error) {
    errors.push(messageOf(error))
    return outcome
  }
  if (results.length === 0 && pages.length === 0) return outcome

  // An update records the baseline from several fresh processes (regression.baselineRuns): each
  // process runs at its own speed, and a later check needs to know how far they spread.
  let pooled = results
  if (settings.update && remeasure !== undefined && results.length > 0) {
    const runs = settings.regression.baselineRuns
    const recorded = await recordBaselineProcesses(results, runs, remeasure)
    pooled = recorded.results
    outcome.processes = recorded.processes
    if (recorded.error !== undefined) {
      errors.push(
        `Could not measure the baseline in ${runs} processes (${recorded.error}); ` +
          `it was recorded from ${outcome.processes}. Re-run the update, or set regression.baselineRuns lower.`,
      )
    }
    const again = recorded.recordedAgain
    if (again !== undefined) {
      outcome.recordedAgain = { benches: again.benches, processes: again.processes }
      if (again.error !== undefined) {
        const count = again.benches.length
        errors.push(
          `Could not measure the ${count === 1 ? 'bench' : `${count} benches`} whose processes disagreed in ${runs} more processes (${again.error}); ` +
            `${again.processes === 0 ? 'none was' : `${again.processes} ${again.processes === 1 ? 'was' : 'were'}`} added. Re-run the update on a quieter machine.`,
        )
      }
    }
  }

  let candidate: BaselineFile | undefined
  try {
    candidate = baselineFromResults(settings.name, pooled, budgetsOf(entries), { webResults: pages })
    const file = candidatePath(settings.dir, settings.name, settings.shard)
    // Vitest writes benches and Playwright pages into the same candidate: each keeps the other's.
    const previous = await readBaseline(file).catch(() => undefined)
    await writeBaselineAtomic(file, mergeRunInto(previous, candidate))
    outcome.candidateFile = file
  } catch (error) {
    errors.push(messageOf(error))
  }

  try {
    outcome.baseline = (await readBaseline(outcome.baselineFile)) ?? null
  } catch (error) {
    // A corrupt or too-new baseline is reported and left as it is, even with -u: it may be
    // someone's only copy, and overwriting it would hide the problem.
    errors.push(messageOf(error))
    return outcome
  }
  if (outcome.baseline !== null) {
    const { threshold, confidence, failOnEnvironmentChange, correction } = settings.regression
    const { remeasureRuns, remeasureRounds } = settings.regression
    const judgedByBase = settings.judgedByBase ?? new Set<string>()
    outcome.check = await checkSuite(
      results.filter((r) => !judgedByBase.has(r.name)),
      outcome.baseline,
      {
        threshold: threshold.fraction,
        confidence,
        failOnEnvironmentChange,
        correction,
        remeasureRuns,
        remeasureRounds,
        benchThresholds: benchThresholdsOf(settings.regression),
        configFile: settings.configFile,
      },
      settings.update ? undefined : remeasure,
    )
    if (pages.length > 0)
      outcome.pages = checkPages(pages, outcome.baseline, threshold.fraction, {
        pageThresholds: pageThresholdsOf(settings.regression),
        configFile: settings.configFile,
      })
  }
  if (settings.update && candidate !== undefined) {
    try {
      await writeBaselineAtomic(outcome.baselineFile, mergeRunInto(outcome.baseline ?? undefined, candidate))
      outcome.accepted = true
    } catch (error) {
      errors.push(messageOf(error))
    }
  }
  return outcome
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Regressions that fail the run: confirmed ones, unless the run accepted itself as the baseline. */
export function failingRegressions(outcome: GuardOutcome): RegressionVerdict[] {
  if (outcome.accepted || outcome.check === null) return []
  return outcome.check.verdicts.filter((v) => v.status === 'regressed')
}

/** Page metrics that fail the run: regressed ones, unless the run accepted itself as the baseline. */
export function failingPageRegressions(outcome: GuardOutcome): PageRegressionVerdict[] {
  if (outcome.accepted || outcome.pages === null) return []
  return outcome.pages.verdicts.filter((v) => v.status === 'regressed')
}

/** One [VERIFY] `regression` event per bench checked (per-call time at the 10th percentile of batches) and per page metric checked. */
export function regressionEvents(outcome: GuardOutcome, context: () => EventContext): VerifyEvent[] {
  return [
    ...(outcome.check?.verdicts ?? []).map((v) => regressionEventOf(v, context())),
    ...(outcome.pages?.verdicts ?? []).map((v) => pageRegressionEvent(v, context())),
  ]
}

/**
 * The [VERIFY] `regression` event of one verdict: the per-call time it compares (metric 'p10',
 * the 10th percentile of each process's batches; see processTimesNs), now and in the baseline.
 */
export function regressionEventOf(v: RegressionVerdict, context: EventContext): VerifyEvent {
  return regressionEvent(
    {
      name: v.name,
      metric: PROCESS_TIME_METRIC,
      unit: 'ns',
      value: v.timeNs[0],
      baseline: v.timeNs[1],
      delta: v.delta,
      interval: [v.interval[0] - 1, v.interval[1] - 1],
      verdict: v.status,
      threshold: v.threshold,
      confidence: v.confidence,
      pValue: v.pValue,
      ...(v.adjustment !== undefined && { adjustedP: v.adjustment.adjustedPValue }),
      ...(v.asMeasured !== undefined && { asMeasured: v.asMeasured }),
    },
    context,
  )
}

/**
 * What the guard has to say after the summary table: the regressions with their numbers and what
 * to do, environment warnings, improvements, and where the files went.
 */
export function formatGuard(
  outcome: GuardOutcome,
  root: string,
  { comparedWithBase = false }: { comparedWithBase?: boolean } = {},
): string {
  const show = (file: string) => relative(root, file) || file
  const lines: string[] = []
  for (const error of outcome.errors) lines.push(`perfgate: ${error}`)
  const check = outcome.check
  const verdicts = check?.verdicts ?? []
  const regressed = verdicts.filter((v) => v.status === 'regressed')
  for (const v of regressed) {
    lines.push('', `✗ Regression: ${v.reason}`)
    for (const note of v.notes) lines.push(`  ${note}`)
    if (v.adjustment !== undefined) {
      const family = v.remeasured === undefined ? 'compared' : 're-measured'
      const benches = v.adjustment.tests === 1 ? '1 bench' : `${v.adjustment.tests} benches`
      lines.push(
        `  Across the ${benches} ${family} (${v.adjustment.method === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}), adjusted ${pEquals(v.adjustment.adjustedPValue)}.`,
      )
    }
  }
  // A baseline whose processes disagree stays so until it is recorded again: say so even
  // when nothing failed (a regressed bench has it among its notes already).
  for (const v of verdicts) {
    if (v.status !== 'regressed' && v.baselineWarning !== undefined) lines.push(`⚠ ${v.baselineWarning}`)
  }
  const pagesRegressed = outcome.pages?.verdicts.filter((v) => v.status === 'regressed') ?? []
  for (const v of pagesRegressed) lines.push('', `✗ Regression: ${v.reason}`)
  for (const { page, why } of outcome.pages?.changed ?? []) {
    lines.push(
      `⚠ "${page}" was not compared with the baseline: ${why}. Accept a new baseline to guard it again.`,
    )
  }
  for (const v of outcome.pages?.verdicts.filter((p) => p.status === 'improved') ?? []) {
    lines.push(`▼ Improvement: ${v.reason}`)
  }
  if (outcome.pages !== null && outcome.pages.noBaseline.length > 0) {
    lines.push(
      `No baseline yet for ${outcome.pages.noBaseline.map((n) => `"${n}"`).join(', ')} in ${show(outcome.baselineFile)}.`,
    )
  }
  if ((regressed.length > 0 || pagesRegressed.length > 0) && !outcome.accepted) {
    lines.push(
      '',
      `  If the slowdown is intended, accept this run as the baseline: npx perfgate baseline accept${outcome.name === 'default' ? '' : ` --name ${outcome.name}`} (or re-run with -u / ${UPDATE_ENV}=1).`,
    )
  }
  // A machine that ran the whole suite at another speed is worth one line: it was taken out of
  // every verdict, and a change that slowed everything would be hidden with it.
  const shift = check?.machineShift.run ?? 0
  const threshold = verdicts[0]?.threshold ?? 0.05
  if (Math.abs(shift) > Math.log1p(threshold) / 2) {
    lines.push(
      '',
      `⚠ The whole suite ran ${formatPercent(Math.abs(Math.expm1(shift)))} ${shift > 0 ? 'slower' : 'faster'} than its baseline (the median over its benches): ` +
        `the machine ${shift > 0 ? 'was slower' : 'was faster'} than when the baseline was recorded, or a change affected every bench alike. ` +
        'Each bench was judged relative to that, so a shift shared by all benches does not fail the run. ' +
        'If it persists on a quiet machine, it is real: look at what every bench shares, or accept the new baseline.' +
        formatRerun(check?.machineShift.rerun ?? []),
    )
  }
  const shiftOnly = formatShiftOnly(verdicts)
  if (shiftOnly !== null) lines.push('', shiftOnly)
  const changed = verdicts.filter((v) => v.status === 'environment-changed')
  if (changed.length > 0) {
    const major = changed[0]!.environmentDifferences.filter((d) => d.severity === 'major')
    lines.push(
      '',
      `⚠ The baseline "${outcome.name}" was measured in another environment (${describeDifferences(major)}), so ` +
        `${changed.length === 1 ? `"${changed[0]!.name}" was` : `${changed.length} benches were`} compared for information only, with no verdict. ` +
        `Record a baseline in this environment (npx perfgate baseline accept), or set "failOnEnvironmentChange": true in the "regression" section of the perfgate config to compare anyway.`,
    )
  }
  // Minor differences (a Node patch, V8 flags that size the young generation, …) leave every
  // verdict standing; a regressed bench lists them among its notes, the rest only here.
  const minor = verdicts
    .find(
      (v) =>
        v.status !== 'environment-changed' && v.environmentDifferences.some((d) => d.severity === 'minor'),
    )
    ?.environmentDifferences.filter((d) => d.severity === 'minor')
  if (minor !== undefined) {
    lines.push(
      '',
      `⚠ The baseline "${outcome.name}" was recorded in a slightly different environment (${describeDifferences(minor)}). ` +
        'Benches were compared, but a change may come from there rather than from the code. ' +
        'To compare like with like, run with the same settings as the baseline, or record it again in this environment (npx perfgate baseline accept).',
    )
  }
  const improved = verdicts.filter((v) => v.status === 'improved')
  for (const v of improved) lines.push(`▼ Improvement: ${v.reason}`)
  // Suspects the screen picked below the threshold are re-measured routinely; only a first look
  // beyond the threshold is worth a line.
  const unconfirmed = verdicts.filter(
    (v) =>
      v.remeasured !== undefined && !v.remeasured.confirmed && v.remeasured.first.ratio > 1 + v.threshold,
  )
  for (const v of unconfirmed) {
    lines.push(
      `? Not a regression after all: "${v.name}" looked ${percentText(v.remeasured!.first.ratio)} in the run, but ${v.processes[0] === 1 ? 'a fresh process' : `${v.processes[0]} fresh processes`} measured ${percentText(v.ratio)}.`,
    )
  }
  if (check !== null && check.noBaseline.length > 0) {
    lines.push(
      `No baseline yet for ${check.noBaseline.map((n) => `"${n}"`).join(', ')} in ${show(outcome.baselineFile)}.`,
    )
  }
  if (outcome.accepted) {
    const again = outcome.recordedAgain
    const processes =
      outcome.processes === 1
        ? ''
        : ` (every bench measured in ${outcome.processes} fresh processes${
            again === undefined || again.processes === 0
              ? ''
              : `; ${again.benches.length === 1 ? 'one' : again.benches.length} whose processes disagreed by more than 10% in ${again.processes} more: ${again.benches.map((n) => `"${n}"`).join(', ')}`
          })`
    lines.push(
      `perfgate: accepted this run as baseline "${outcome.name}"${processes}: ${show(outcome.baselineFile)}.`,
    )
  } else if (outcome.baseline === null && outcome.errors.length === 0 && outcome.candidateFile !== null) {
    const compared = comparedWithBase ? 'only the base ref was compared with' : 'nothing was compared'
    lines.push(
      `perfgate: no baseline "${outcome.name}" yet (${show(outcome.baselineFile)}), so ${compared}. ` +
        `This run's results are in ${show(outcome.candidateFile)}; accept them with: npx perfgate baseline accept${outcome.name === 'default' ? '' : ` --name ${outcome.name}`} (or re-run with -u / ${UPDATE_ENV}=1).`,
    )
  }
  return lines.join('\n')
}

/** How many inconclusive benches the shift headline names before it counts the rest. */
const SHIFT_ONLY_NAMED = 5

/**
 * One headline for the benches a disturbed machine left undecided (verdict.asMeasured set): in
 * such an hour they can be a third of the suite, and each one's reason repeats the same advice.
 * Null when there are none.
 */
export function formatShiftOnly(verdicts: readonly RegressionVerdict[]): string | null {
  const undecided = verdicts.filter((v) => v.asMeasured !== undefined)
  if (undecided.length === 0) return null
  const slower = slowdownRange(undecided.map((v) => v.asMeasured!.machineRatio))
  const listed = namedList(
    undecided.map((v) => `"${v.name}"`),
    SHIFT_ONLY_NAMED,
  )
  const benches = undecided.length === 1 ? 'one bench' : `${undecided.length} benches`
  const them = undecided.length === 1 ? 'it' : 'them'
  return (
    `? The machine was disturbed: around ${benches} it ran ${slower} slower than when the baseline was recorded (read from the benches measured beside ${them}), past the ${formatPercent(undecided[0]!.threshold)} threshold. ` +
    `Only that shift would have called ${them} unchanged or faster, so ${undecided.length === 1 ? 'it is' : 'they are'} inconclusive: ${listed}. ` +
    'A disturbed machine slows each bench by its own factor, so such a shift cannot clear one. ' +
    'Run again on a quieter machine; if this machine is always this much slower now, record the baseline again on it (PERFGATE_UPDATE=1 or vitest -u).'
  )
}

function percentText(ratio: number): string {
  const delta = (ratio - 1) * 100
  return `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)}%`
}

/**
 * What the whole-suite re-measurement of a disturbed run saw (see checkSuite): nothing when there
 * was none.
 */
function formatRerun(shifts: readonly number[]): string {
  if (shifts.length === 0) return ''
  return (
    ` That was past the threshold, so the suite was measured again in ${shifts.length} fresh process${shifts.length === 1 ? '' : 'es'} ` +
    `(which ran it ${ratioRange(shifts.map(Math.exp))} its baselines as a whole), and the verdicts rest on them.`
  )
}

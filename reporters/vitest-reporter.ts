import { writeFileSync } from 'node:fs'
import { loadConfigSync } from '../src/config/load-config.js'
import { isPerfgateError } from '../src/errors.js'
import { renderMarkdown, writeStepSummary } from '../src/report/markdown.js'
import { runsFromEvents } from '../src/report/run-report.js'
import {
  baseComparisons,
  failingBaseRegressions,
  formatBaseGuard,
  guardAgainstBase,
  judgedByBase,
} from './base-guard.js'
import {
  benchResults,
  failingPageRegressions,
  failingRegressions,
  formatGuard,
  type GuardOutcome,
  guardRun,
  guardSettings,
  type VitestRunConfig,
} from './baseline-guard.js'
import { collectRecords, type ReportedModule, type TestRecords } from './collect-records.js'
import { runCliOptions } from './forwarded-cli-options.js'
import { formatRegressionProfiles, profileRegressions, writeProfilesOut } from './profile-regressions.js'
import {
  type ChildResults,
  confirmBaseInChild,
  REMEASURE_OUT_ENV,
  remeasureInChild,
} from './remeasure-in-child.js'
import { formatRunSummary, summarizeRun } from './run-summary.js'
import { seedBatchSizesFromBaseline } from './seed-batch-sizes.js'
import { runEvents, verifyLogSettings, writeVerifyLog } from './write-verify-log.js'

/** The parts of Vitest's reporter context this reporter uses; the same in Vitest 4 and 5. */
interface VitestContext {
  config: { root: string; config?: string | undefined; execArgv?: string[] | undefined } & VitestRunConfig
  logger: { log(...messages: unknown[]): void; error(...messages: unknown[]): void }
}

/** Options: `reporters: [['perfgate/reporter', { log: 'logs/perf.jsonl', echo: true }]]`. */
export interface PerfgateReporterOptions {
  /**
   * The [VERIFY] JSONL log, relative to the project root, or false for none.
   * @default package.json `output.log`, else DEFAULT_LOG_FILE (logs/perfgate.jsonl)
   */
  log?: string | false
  /** Print each event as `[VERIFY] {json}` too. @default true in CI (`CI` set), else false */
  echo?: boolean
}

/**
 * `perfgate/reporter`: collects every measurement and verdict perfgate attached to tests (in
 * any worker, through `task.meta.perfgate`), then
 * - writes the run's results as the candidate baseline, compares each bench with the accepted
 *   baseline (re-measuring a suspected regression once in a fresh process), and accepts the run
 *   as the baseline on `vitest -u` or PERFGATE_UPDATE=1;
 * - appends every event to the [VERIFY] JSONL log;
 * - prints a summary table: per bench its median with interval, p95, budget, change against the
 *   baseline and verdict; comparisons; unguarded benches; then regressions with their numbers.
 * A confirmed regression, an unreadable baseline or an unwritable log sets a failing exit code.
 *
 * ```ts
 * reporters: ['default', 'perfgate/reporter']
 * ```
 */
export default class PerfgateReporter {
  private context: VitestContext | undefined
  private readonly options: PerfgateReporterOptions

  constructor(options: PerfgateReporterOptions = {}) {
    this.options = options
  }

  onInit(context: VitestContext): void {
    this.context = context
    // Before any bench runs: time the batches the baseline timed (see seed-batch-sizes.ts). A
    // re-measurement child pins its sizes through the environment instead.
    if (!process.env[REMEASURE_OUT_ENV]) seedBatchSizesFromBaseline(context.config.root, context.config)
  }

  async onTestRunEnd(testModules: ReadonlyArray<ReportedModule>): Promise<void> {
    const context = this.context
    if (context === undefined) return
    const root = context.config.root
    const entries = collectRecords(testModules, root)
    const remeasureOut = process.env[REMEASURE_OUT_ENV]
    if (remeasureOut) {
      // A re-measurement child of another run: hand the results back, and nothing else.
      const results: ChildResults = {
        benches: benchResults(entries),
        baseComparisons: baseComparisons(entries),
      }
      writeFileSync(remeasureOut, JSON.stringify(results))
      writeProfilesOut(entries)
      return
    }
    if (entries.length === 0) return
    let failed = entries.some((e) => e.state === 'failed')
    let guard: GuardOutcome | undefined
    try {
      const loaded = loadConfigSync(root)
      // How a fresh Vitest process re-runs this run's tests: re-measuring and profiling alike.
      const child = {
        root,
        configFile: context.config.config,
        execArgv: context.config.execArgv ?? [],
        cliOptions: runCliOptions(),
        entries,
      }
      // With PERFGATE_BASE_REF, each perfTest was timed against the base's code in its process;
      // a 'slower' is confirmed in a fresh one, and the stored baseline leaves those benches alone.
      const baseGuard = await guardAgainstBase(entries, (names) => confirmBaseInChild(names, child))
      const settings = { ...guardSettings(loaded, context.config), judgedByBase: judgedByBase(baseGuard) }
      guard = await guardRun(entries, settings, (requests) => remeasureInChild(requests, child))
      const text = formatRunSummary(summarizeRun(entries, guard.check?.verdicts))
      if (text !== '') context.logger.log(text)
      const baseText = formatBaseGuard(baseGuard)
      if (baseText !== '') context.logger.log(`\n${baseText}`)
      const guardText = formatGuard(guard, root, { comparedWithBase: baseGuard !== null })
      if (guardText !== '') context.logger.log(guardText)
      // A confirmed regression is profiled in a fresh process, for where its time goes now.
      const baseRegressed = failingBaseRegressions(baseGuard).map((j) => j.name)
      const profiled = await profileRegressions(guard, loaded, child, remeasureInChild, baseRegressed)
      const profileText = formatRegressionProfiles(profiled, root)
      if (profileText !== '') context.logger.log(`\n${profileText}`)
      const regressionFailed =
        baseRegressed.length > 0 ||
        failingRegressions(guard).length > 0 ||
        failingPageRegressions(guard).length > 0 ||
        guard.errors.length > 0
      if (regressionFailed) process.exitCode = 1
      failed ||= regressionFailed
      const logSettings = verifyLogSettings(this.options, loaded)
      const events = runEvents(entries, failed ? 1 : 0, { guard, baseGuard, profiles: profiled.profiles })
      writeVerifyLog(logSettings, events, (line) => context.logger.log(line))
      // GitHub Actions shows this on the run's page; the same Markdown `perfgate report` writes.
      const [run] = runsFromEvents(events)
      if (run !== undefined)
        writeStepSummary(renderMarkdown(run, { baselineName: guard.baseline === null ? null : guard.name }))
    } catch (error) {
      // A log that cannot be written (or a config that cannot be read) fails the run: the
      // events would otherwise be lost silently.
      context.logger.error(isPerfgateError(error) ? error.message : error)
      process.exitCode = 1
    }
  }
}

export type { TestRecords }

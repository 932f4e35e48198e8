import { loadConfigSync } from '../src/config/load-config.js'
import { isPerfgateError } from '../src/errors.js'
import { collectRecords, type ReportedModule } from './collect-records.js'
import { formatRunSummary, summarizeRun } from './run-summary.js'
import { runEvents, verifyLogSettings, writeVerifyLog } from './write-verify-log.js'

/** The parts of Vitest's reporter context this reporter uses; the same in Vitest 4 and 5. */
interface VitestContext {
  config: { root: string }
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
 * any worker, through `task.meta.perfgate`), appends them to the [VERIFY] JSONL log, and prints
 * a summary table at the end of the run: per bench its median with interval, p95, budget and
 * verdict; comparisons; unguarded benches.
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
  }

  onTestRunEnd(testModules: ReadonlyArray<ReportedModule>): void {
    const context = this.context
    if (context === undefined) return
    const entries = collectRecords(testModules, context.config.root)
    const text = formatRunSummary(summarizeRun(entries))
    if (text !== '') context.logger.log(text)
    if (entries.length === 0) return
    try {
      const settings = verifyLogSettings(this.options, loadConfigSync(context.config.root))
      const failed = entries.some((e) => e.state === 'failed')
      writeVerifyLog(settings, runEvents(entries, failed ? 1 : 0), (line) => context.logger.log(line))
    } catch (error) {
      // A log that cannot be written fails the run: the events would otherwise be lost silently.
      context.logger.error(isPerfgateError(error) ? error.message : error)
      process.exitCode = 1
    }
  }
}

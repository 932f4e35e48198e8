import { collectRecords, type ReportedModule } from './collect-records.js'
import { formatRunSummary, summarizeRun } from './run-summary.js'

/** The parts of Vitest's reporter context this reporter uses; the same in Vitest 4 and 5. */
interface VitestContext {
  config: { root: string }
  logger: { log(...messages: unknown[]): void }
}

/**
 * `perfgate/reporter`: collects every measurement and verdict perfgate attached to tests (in
 * any worker, through `task.meta.perfgate`) and prints a summary table at the end of the run:
 * per bench its median with interval, p95, budget and verdict; comparisons; unguarded benches.
 *
 * ```ts
 * reporters: ['default', 'perfgate/reporter']
 * ```
 */
export default class PerfgateReporter {
  private context: VitestContext | undefined

  onInit(context: VitestContext): void {
    this.context = context
  }

  onTestRunEnd(testModules: ReadonlyArray<ReportedModule>): void {
    const context = this.context
    if (context === undefined) return
    const summary = summarizeRun(collectRecords(testModules, context.config.root))
    const text = formatRunSummary(summary)
    if (text !== '') context.logger.log(text)
  }
}

import { dirname, relative } from 'node:path'
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter'
import { RECORD_ATTACHMENT } from '../matchers/playwright/records.js'
import { loadConfigSync } from '../src/config/load-config.js'
import { isPerfgateError } from '../src/errors.js'
import { renderMarkdown, writeStepSummary } from '../src/report/markdown.js'
import { runsFromEvents } from '../src/report/run-report.js'
import { formatWebSummary } from '../src/report/web-summary.js'
import type { PerfRecord } from '../src/results/result-sink.js'
import { failingPageRegressions, formatGuard, guardRun, guardSettings } from './baseline-guard.js'
import type { TestRecords } from './collect-records.js'
import { runEvents, verifyLogSettings, writeVerifyLog } from './write-verify-log.js'

/** Options: `reporter: [['list'], ['perfgate/playwright-reporter', { log: 'logs/perf.jsonl' }]]`. */
export interface PerfgatePlaywrightReporterOptions {
  /** The [VERIFY] JSONL log, relative to the project root, or false for none. @default package.json `output.log` */
  log?: string | false
  /** Print each event as `[VERIFY] {json}` too. @default true in CI */
  echo?: boolean
}

/**
 * `perfgate/playwright-reporter`: what `perfgate/reporter` is for Vitest, for Playwright Test.
 * Collects every page measured with the `perf` fixture and every web budget verdict (they travel
 * as test attachments from the workers), then writes the run as the candidate baseline, checks
 * each page against the accepted baseline (a regression fails the run), accepts the run on
 * `--update-snapshots` (all or changed) or PERFGATE_UPDATE=1, appends the [VERIFY] log, and
 * prints a table of pages.
 */
export default class PerfgatePlaywrightReporter implements Reporter {
  private readonly options: PerfgatePlaywrightReporterOptions
  private config: FullConfig | undefined
  // By test id: a retried test reports once per attempt, and only its last attempt counts.
  private readonly tests = new Map<string, TestRecords>()

  constructor(options: PerfgatePlaywrightReporterOptions = {}) {
    this.options = options
  }

  onBegin(config: FullConfig): void {
    this.config = config
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const records: PerfRecord[] = []
    for (const attachment of result.attachments) {
      if (attachment.name !== RECORD_ATTACHMENT || attachment.body === undefined) continue
      records.push(JSON.parse(attachment.body.toString('utf8')) as PerfRecord)
    }
    const root = this.root()
    const names = test.titlePath().slice(3)
    this.tests.set(test.id, {
      test: names.join(' > '),
      names,
      file: relative(root, test.location.file) || test.location.file,
      path: test.location.file,
      state: result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : 'failed',
      records,
    })
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const entries = [...this.tests.values()].filter((e) => e.records.length > 0)
    if (entries.length === 0) return undefined
    const root = this.root()
    let failed = result.status !== 'passed'
    try {
      const loaded = loadConfigSync(root)
      const update = this.config?.updateSnapshots
      const shard = this.config?.shard
      const guard = await guardRun(
        entries,
        guardSettings(loaded, {
          update: update === 'all' || update === 'changed',
          shard: shard ? { index: shard.current, count: shard.total } : undefined,
        }),
        undefined,
      )
      const table = formatWebSummary(
        entries.flatMap((e) => e.records),
        guard.pages?.verdicts ?? [],
      )
      if (table !== '') console.log(table)
      const guardText = formatGuard(guard, root)
      if (guardText !== '') console.log(guardText)
      const regressed = failingPageRegressions(guard).length > 0 || guard.errors.length > 0
      failed ||= regressed
      const events = runEvents(entries, failed ? 1 : 0, { guard })
      writeVerifyLog(verifyLogSettings(this.options, loaded), events, (line) => console.log(line))
      // GitHub Actions shows this on the run's page; the same Markdown `perfgate report` writes.
      const [run] = runsFromEvents(events)
      if (run !== undefined) {
        writeStepSummary(renderMarkdown(run, { baselineName: guard.baseline === null ? null : guard.name }))
      }
      return regressed ? { status: 'failed' } : undefined
    } catch (error) {
      console.error(isPerfgateError(error) ? error.message : error)
      return { status: 'failed' }
    }
  }

  printsToStdio(): boolean {
    // The default list reporter stays in charge of the terminal; this one only adds its table.
    return false
  }

  private root(): string {
    const file = this.config?.configFile
    return file === undefined ? (this.config?.rootDir ?? process.cwd()) : dirname(file)
  }
}

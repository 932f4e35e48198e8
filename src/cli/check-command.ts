import {
  baselineFromResults,
  baselinePath,
  candidatePath,
  readBaseline,
  writeBaselineAtomic,
} from '../baseline/baseline-file.js'
import { mergeRunInto } from '../baseline/baseline-pages.js'
import { checkPages, type PagesCheck, pageRegressionEvent } from '../baseline/check-pages.js'
import { formatBudgetMessage } from '../budget/explain-budget.js'
import { configFileLabel, pageThresholdsOf } from '../config/load-config.js'
import { captureEnvironment } from '../env/capture-environment.js'
import type { Environment } from '../env/types.js'
import {
  countVerdicts,
  type EventContext,
  eventsFromRecord,
  runEndEvent,
  runStartEvent,
  type VerifyEvent,
} from '../log/verify-event.js'
import { appendEvents, newRunId } from '../log/verify-log.js'
import { formatWebSummary } from '../report/web-summary.js'
import type { PerfRecord } from '../results/result-sink.js'
import { checkWebBudgets, type WebBudgetCheck } from '../web/check-web-budgets.js'
import { explainWebBudget } from '../web/explain-web-budget.js'
import { checkHttp } from './check-http.js'
import { checkSizes } from './check-sizes.js'
import { type CliSettings, displayPath, loadCliSettings } from './cli-settings.js'
import { type CliIo, type Command, flag, type ParsedArgs, stringOption, writeLines } from './command.js'
import { commandUsage, usageError } from './parse-command-args.js'

/** The kinds of budget `perfgate check` measures, in the order it checks them. */
export const CHECK_KINDS = ['size', 'web', 'http'] as const
export type CheckKind = (typeof CHECK_KINDS)[number]

/** A ready-to-paste budget of each kind, for the message when there is none. */
const KIND_EXAMPLES: Readonly<Record<CheckKind, string>> = {
  size: '"size": [{ "path": "dist/index.js", "gzip": "10 kB" }]',
  web: '"web": [{ "url": "http://127.0.0.1:4173/", "vitals": { "LCP": "2.5s" } }]',
  http: '"http": [{ "url": "http://127.0.0.1:3000/api", "p95": "200ms", "errorRate": "< 0.1%" }]',
}

/** What checking one kind of budget gives the command to print, log and exit with. */
export interface KindOutcome {
  /** Lines for stdout: a table, the failures explained, notes. */
  lines: string[]
  records: PerfRecord[]
  /** Events beyond those of the records, such as regressions against the baseline. */
  events: (context: () => EventContext) => VerifyEvent[]
  /** A budget failed, or a regression. */
  failed: boolean
  /** The environment the kind measured in, when it captured one. */
  env?: Environment | undefined
  /** Whether there was a baseline to compare with. */
  baselineFound: boolean
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Measure every size, web and HTTP budget in package.json and check it; exit 1 when one fails',
  positionals: { synopsis: '', min: 0, max: 0 },
  options: {
    only: {
      type: 'string',
      value: 'kinds',
      description: `Only these kinds of budget, comma-separated: ${CHECK_KINDS.join(', ')} (default: every kind that has budgets)`,
    },
    page: {
      type: 'string',
      value: 'names',
      description: 'Only these budgets, by name or url, comma-separated',
    },
    runs: {
      type: 'string',
      value: 'n',
      description: "Page loads per tool, over each budget's runs (default 3)",
    },
    browser: {
      type: 'string',
      value: 'path',
      description:
        'Chromium or Chrome to use (default: PERFGATE_CHROME, CHROME_PATH, Playwright, the system)',
    },
    name: {
      type: 'string',
      value: 'name',
      description: 'Baseline to compare with and write (default: output.baseline)',
    },
    update: { type: 'boolean', description: "Accept this run's results as the baseline" },
    'no-log': { type: 'boolean', description: 'Do not append to the [VERIFY] log' },
  },
  details: `For each entry of "budgets.size": measure the files its "path" (a file or glob) matches
with size-limit (raw, gzip and brotli bytes, or the tree-shaken bundle of its "import"), check them
against its limits, and against the baseline's bytes: any growth beyond "allowedGrowth" (0% when
not set) fails, even under the limits. A path that matches no file fails. size-limit is an optional
peer: pnpm add -D size-limit @size-limit/file (and @size-limit/esbuild for "import").

For each entry of "budgets.web" in the "perfgate" section of package.json: start its
"command" if it has one (and wait until "waitFor", else "url", answers; stopped afterwards), load
the page "runs" times in Chromium under its "profile" (desktop unless set) to collect the Web
Vitals (LCP, FCP, CLS, INP after a click, TTFB, TBT), run Lighthouse as many times when the budget
has "lighthouse" targets, and check the aggregate (median unless "aggregation" says otherwise)
against the budget. Progress goes to stderr; Lighthouse takes several seconds per run.

The run's sizes and pages are written as the candidate baseline (<output.dir>/candidates/<name>.json) and
compared with the accepted baseline: a guarded metric whose every run is worse than every baseline
run, by more than regression.threshold, is a regression. --update accepts the run as the baseline.

For each entry of "budgets.http": start its "command" if it has one (as for web budgets), load
its "url" with autocannon over "connections" (10) for "duration" (5s) or "amount" requests, and
check p50/p90/p95/p99 latency, "errorRate" and "rps" against the budget. Load only your own
servers, on loopback or staging. autocannon is an optional peer: pnpm add -D autocannon.

Lighthouse is an optional peer: pnpm add -D lighthouse@12 on Node 20, lighthouse on Node >= 22.
Playwright drives the browser: pnpm add -D playwright-core (or have @playwright/test).

Examples:
  perfgate check
  perfgate check --only size
  perfgate check --only http
  perfgate check --page home --runs 5
  perfgate check --update

Exit codes: 0 every budget met, 1 a budget failed or could not be checked, a regression, or an
error (a server that did not start, no browser), 2 usage error.`,
  run: runCheck,
}

async function runCheck(args: ParsedArgs, io: CliIo): Promise<number> {
  const runsText = stringOption(args, 'runs')
  const runs = runsText === undefined ? undefined : Number(runsText)
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) {
    throw usageError(
      `Option "--runs" must be a whole number of 1 or more, received ${JSON.stringify(runsText)}`,
      'Write e.g. --runs 5.',
      commandUsage(checkCommand),
    )
  }
  const named = listOption(args, 'only')
  const unknownKinds = named?.filter((k) => !(CHECK_KINDS as readonly string[]).includes(k)) ?? []
  if (unknownKinds.length > 0) {
    throw usageError(
      `Option "--only" names no kind of budget called ${unknownKinds.map((k) => JSON.stringify(k)).join(', ')}`,
      `The kinds are: ${CHECK_KINDS.join(', ')}; write e.g. --only size.`,
      commandUsage(checkCommand),
    )
  }
  const settings = loadCliSettings(io, stringOption(args, 'name'))
  const { loaded } = settings
  const counts: Record<CheckKind, number> = {
    size: loaded.config.budgets.size.length,
    web: loaded.config.budgets.web.length,
    http: loaded.config.budgets.http.length,
  }
  const kinds = CHECK_KINDS.filter((k) => (named === undefined ? counts[k] > 0 : named.includes(k)))
  const empty = kinds.filter((k) => counts[k] === 0)
  if (kinds.length === 0 || empty.length > 0) {
    const missing = named === undefined ? CHECK_KINDS : empty
    writeLines(io.stderr, [
      `perfgate: there are no ${missing.join(' or ')} budgets to check in ${loaded.file === null ? 'package.json' : displayPath(io, loaded.file)}. Add some under "perfgate": { "budgets": { ${missing.map((k) => KIND_EXAMPLES[k]).join(', ')} } }.`,
    ])
    return 1
  }
  // Usage errors before anything is measured.
  if (kinds.includes('web')) checkPageNames(listOption(args, 'page'), settings)

  const update = flag(args, 'update')
  const outcomes: KindOutcome[] = []
  for (const kind of kinds) {
    if (kind === 'size') outcomes.push(await checkSizes(settings, io, { update }))
    else if (kind === 'http') outcomes.push(await checkHttp(settings, io))
    else outcomes.push(await checkWeb(args, io, settings, runs))
  }

  const lines = outcomes.flatMap((o, i) => (i === 0 ? o.lines : ['', ...o.lines]))
  const baselineFile = baselinePath(settings.dir, settings.baselineName)
  if (update)
    lines.push(
      '',
      `perfgate: accepted this run as baseline "${settings.baselineName}": ${displayPath(io, baselineFile)}.`,
    )
  else if (outcomes.some((o) => !o.baselineFound)) {
    const candidateFile = candidatePath(settings.dir, settings.baselineName)
    lines.push(
      '',
      `perfgate: no baseline "${settings.baselineName}" yet (${displayPath(io, baselineFile)}), so nothing was compared. This run is in ${displayPath(io, candidateFile)}; accept it with: npx perfgate check --update, or npx perfgate baseline accept.`,
    )
  }
  writeLines(io.stdout, lines)

  const exitCode = outcomes.some((o) => o.failed) ? 1 : 0
  if (!flag(args, 'no-log')) {
    const runId = newRunId()
    const context = () => ({ runId, ts: new Date().toISOString() })
    const env = outcomes.find((o) => o.env !== undefined)?.env
    const events: VerifyEvent[] = [
      runStartEvent(context(), env ?? captureEnvironment({ cwd: io.cwd, env: io.env })),
      ...outcomes.flatMap((o) => [
        ...o.records.flatMap((record) => eventsFromRecord(record, context())),
        ...o.events(context),
      ]),
    ]
    events.push(runEndEvent(context(), countVerdicts(events), exitCode))
    // appendEvents throws VERIFY_LOG_UNWRITABLE itself, with the file and the reason.
    appendEvents(settings.logFile, events, { echo: false })
  }
  return exitCode
}

/** A comma-separated option as a list, blanks dropped; undefined when not given. */
function listOption(args: ParsedArgs, name: string): string[] | undefined {
  return stringOption(args, name)
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function checkPageNames(only: readonly string[] | undefined, settings: CliSettings): void {
  const budgets = settings.loaded.config.budgets.web
  if (only !== undefined && only.length > 0) {
    const known = budgets.flatMap((b) => [b.name ?? b.url, b.url])
    const unknown = only.filter((name) => !known.includes(name))
    if (unknown.length > 0) {
      throw usageError(
        `No web budget is called ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
        `The web budgets are: ${[...new Set(budgets.map((b) => b.name ?? b.url))].map((n) => JSON.stringify(n)).join(', ')}.`,
        commandUsage(checkCommand),
      )
    }
  }
}

async function checkWeb(
  args: ParsedArgs,
  io: CliIo,
  settings: CliSettings,
  runs: number | undefined,
): Promise<KindOutcome> {
  const { loaded } = settings
  const only = listOption(args, 'page')
  const browser = stringOption(args, 'browser')
  const checks = await checkWebBudgets(loaded, {
    env: io.env,
    progress: (line) => io.stderr(`${line}\n`),
    ...(only === undefined ? {} : { only }),
    ...(runs === undefined ? {} : { runs }),
    ...(browser === undefined ? {} : { executablePath: browser }),
  })

  const records = recordsOf(checks)
  const results = checks.flatMap((c) => c.results)
  // Baseline: the run's pages become the candidate; the accepted baseline changes only on --update.
  const candidate = baselineFromResults(settings.baselineName, [], undefined, { webResults: results })
  const candidateFile = candidatePath(settings.dir, settings.baselineName)
  // The candidate and baseline may hold benches from Vitest and pages this run did not measure
  // (--page): this run replaces only its own pages.
  const previous = await readBaseline(candidateFile).catch(() => undefined)
  await writeBaselineAtomic(candidateFile, mergeRunInto(previous, candidate))
  const baselineFile = baselinePath(settings.dir, settings.baselineName)
  const baseline = await readBaseline(baselineFile)
  const update = flag(args, 'update')
  const pages: PagesCheck | null =
    baseline === undefined
      ? null
      : checkPages(results, baseline, settings.regression.threshold.fraction, {
          pageThresholds: pageThresholdsOf(settings.regression),
          configFile: configFileLabel(loaded),
        })
  if (update) await writeBaselineAtomic(baselineFile, mergeRunInto(baseline, candidate))

  const lines: string[] = []
  for (const check of checks) {
    for (const verdict of check.verdicts) {
      if (verdict.status === 'pass') continue
      const result = check.results.find((r) => r.tool.name === verdict.tool.name)!
      const mark = verdict.status === 'fail' ? '✗' : '?'
      const explanation = explainWebBudget(verdict, result)
      // Every deciding metric gets the mark: a budget failing on LCP and TBT shows two ✗ lines.
      lines.push(
        '',
        formatBudgetMessage({ ...explanation, headlines: explanation.headlines.map((h) => `${mark} ${h}`) }),
      )
    }
  }
  const table = formatWebSummary(records, pages?.verdicts ?? [])
  const regressed = update ? [] : (pages?.verdicts.filter((v) => v.status === 'regressed') ?? [])
  for (const v of regressed) lines.push('', `✗ Regression: ${v.reason}`)
  for (const { page, why } of pages?.changed ?? [])
    lines.push(`⚠ "${page}" was not compared with the baseline: ${why}.`)

  const unmet = checks.flatMap((c) => c.verdicts).filter((v) => v.status !== 'pass')
  return {
    lines: [table.trimStart(), ...lines],
    records,
    events: (context) => (pages?.verdicts ?? []).map((v) => pageRegressionEvent(v, context())),
    failed: unmet.length > 0 || regressed.length > 0,
    env: results[0]?.env,
    baselineFound: baseline !== undefined,
  }
}

function recordsOf(checks: readonly WebBudgetCheck[]): PerfRecord[] {
  return checks.flatMap((c) => [
    ...c.results.map((result): PerfRecord => ({ kind: 'web', result })),
    ...c.verdicts.map((verdict): PerfRecord => ({ kind: 'web-budget', verdict })),
  ])
}

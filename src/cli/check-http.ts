import { formatBudgetMessage } from '../budget/explain-budget.js'
import { formatDuration } from '../budget/format.js'
import { checkHttpBudgets } from '../http/check-http-budgets.js'
import { explainHttpBudget, formatHttpLimit, formatHttpValue } from '../http/explain-http-budget.js'
import { textTable } from '../report/format-table.js'
import type { PerfRecord } from '../results/result-sink.js'
import type { KindOutcome } from './check-command.js'
import type { CliSettings } from './cli-settings.js'
import type { CliIo } from './command.js'

/** The header of the HTTP table. */
const HEADER = ['Endpoint', 'Metric', 'Measured', 'Budget', 'Requests', 'Verdict'] as const

/**
 * `perfgate check` for `budgets.http`: start each budget's server, load its endpoint with
 * autocannon, judge the result, stop the server; print a table of every metric and explain each
 * budget that did not pass. HTTP results are not written to the baseline: load numbers depend on
 * the machine too much to compare across runs without the same hardware, and the budget is the
 * guard.
 */
export async function checkHttp(settings: CliSettings, io: CliIo): Promise<KindOutcome> {
  const checks = await checkHttpBudgets(settings.loaded, {
    env: io.env,
    progress: (line) => io.stderr(`${line}\n`),
  })
  const rows: string[][] = []
  const explanations: string[] = []
  for (const { result, verdict } of checks) {
    for (const m of verdict.metrics) {
      rows.push([
        verdict.name,
        m.metric,
        m.actual === null ? '—' : formatHttpValue(m.unit, m.actual),
        formatHttpLimit(m).slice(m.metric.length + 1),
        `${result.requests.toLocaleString('en-US')} in ${formatDuration(result.elapsedNs)}`,
        m.status === 'pass' ? '✓ pass' : m.status === 'fail' ? '✗ fail' : '? inconclusive',
      ])
    }
    if (verdict.status === 'pass') continue
    const mark = verdict.status === 'fail' ? '✗' : '?'
    const explanation = explainHttpBudget(verdict, result)
    explanations.push(
      '',
      formatBudgetMessage({ ...explanation, headlines: explanation.headlines.map((h) => `${mark} ${h}`) }),
    )
  }
  const records = checks.map(
    ({ result, verdict }): PerfRecord => ({ kind: 'http', result, verdict, inconclusivePolicy: 'fail' }),
  )
  return {
    lines: [...textTable(HEADER, rows), ...explanations],
    records,
    events: () => [],
    // An inconclusive budget fails the check too: it was not shown to be met.
    failed: checks.some((c) => c.verdict.status !== 'pass'),
    env: checks[0]?.result.env,
    // Nothing is compared with a baseline, so there is nothing to miss.
    baselineFound: true,
  }
}

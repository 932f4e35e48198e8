import { pageKey } from '../baseline/baseline-pages.js'
import type { PageRegressionVerdict } from '../baseline/check-pages.js'
import { BOUND_OP_TEXT } from '../budget/parse-bound.js'
import type { BudgetStatus } from '../budget/verdict.js'
import type { PerfRecord } from '../results/result-sink.js'
import type { WebMetricVerdict } from '../web/evaluate-web-budget.js'
import { formatWebRuns, formatWebValue, isHeadlineWebMetric } from '../web/format-web-value.js'
import type { WebResult } from '../web/types.js'
import { textTable } from './format-table.js'

/**
 * The pages of a run as a table: per page and metric the aggregate with its runs' range, the
 * budget and its verdict, and the change against the baseline. Metrics without a budget are
 * listed only when they are vitals or Lighthouse categories; the other Lighthouse audits stay in
 * the log and baseline. Empty when the run measured no page.
 */
export function formatWebSummary(
  records: readonly PerfRecord[],
  regressions: readonly PageRegressionVerdict[] = [],
): string {
  const results: WebResult[] = []
  const verdicts = new Map<string, { m: WebMetricVerdict; negated: boolean }>()
  for (const record of records) {
    if (record.kind === 'web') results.push(record.result)
    if (record.kind === 'web-budget') {
      const page = `${record.verdict.name} [${record.verdict.tool.name}, ${record.verdict.profile}]`
      for (const m of record.verdict.metrics)
        verdicts.set(`${page}\u0000${m.metric}`, { m, negated: record.negated === true })
    }
  }
  if (results.length === 0) return ''
  const changes = new Map(regressions.map((v) => [`${v.page}\u0000${v.metric}`, v]))
  const rows: string[][] = []
  for (const result of results) {
    const page = pageKey(result)
    for (const [metric, series] of Object.entries(result.metrics)) {
      const verdict = verdicts.get(`${page}\u0000${metric}`)
      if (verdict === undefined && !isHeadlineWebMetric(metric)) continue
      const value = formatWebRuns(series.unit, series.value, series.runs)
      const budget =
        verdict === undefined
          ? '—'
          : `${BOUND_OP_TEXT[verdict.m.limit.op]} ${formatWebValue(verdict.m.unit, verdict.m.limit.value)}`
      const change = changes.get(`${page}\u0000${metric}`)
      rows.push([
        page,
        metric,
        value,
        budget,
        verdict === undefined ? '—' : statusText(verdict.m.status, verdict.negated),
        change === undefined ? '—' : changeText(change),
      ])
    }
  }
  return [
    '',
    'perfgate: pages',
    ...textTable(['page', 'metric', `value (runs' range)`, 'budget', 'verdict', 'vs baseline'], rows),
  ].join('\n')
}

function statusText(status: BudgetStatus, negated: boolean): string {
  if (negated) return status === 'fail' ? 'fail (expected)' : `${status} (expected fail)`
  return status === 'pass' ? 'pass' : status === 'fail' ? '✗ fail' : '? inconclusive'
}

function changeText(v: PageRegressionVerdict): string {
  const delta = Number.isFinite(v.delta)
    ? `${v.delta >= 0 ? '+' : '−'}${Math.abs(v.delta * 100).toFixed(1)}%`
    : 'new value'
  const mark = v.status === 'regressed' ? '▲ ' : v.status === 'improved' ? '▼ ' : ''
  return `${mark}${delta} ${v.status}`
}

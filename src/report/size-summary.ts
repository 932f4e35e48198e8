import { formatSize } from '../budget/format.js'
import type { PerfRecord } from '../results/result-sink.js'
import { bytesOf, SIZE_METRICS, type SizeMetricVerdict } from '../size/evaluate-size-budget.js'
import { formatBytes, formatDelta } from '../size/explain-size-budget.js'
import { markdownTable, textTable } from './format-table.js'

type MetricRow = Pick<
  SizeMetricVerdict,
  'metric' | 'actualBytes' | 'limitBytes' | 'baselineBytes' | 'deltaBytes'
> & {
  status: SizeMetricVerdict['status'] | null
}

/** The header of the sizes table, shared by the terminal and Markdown. */
const HEADER = ['Size', 'Metric', 'Measured', 'Limit', 'vs baseline', 'Verdict'] as const

/**
 * The rows of the sizes table: per size budget and guarded metric the measured bytes, the limit,
 * the change against the baseline and the verdict; a size measured without a budget lists all
 * three metrics with no verdict. Empty when the records hold no size.
 */
export function sizeSummaryRows(records: readonly PerfRecord[]): string[][] {
  const rows: string[][] = []
  for (const record of records) {
    if (record.kind !== 'size') continue
    const { verdict, result } = record
    const metrics: MetricRow[] =
      verdict?.metrics ??
      SIZE_METRICS.map((metric) => ({
        metric,
        status: null,
        actualBytes: bytesOf(result, metric),
        limitBytes: null,
        baselineBytes: null,
        deltaBytes: null,
      }))
    for (const m of metrics) {
      const failed = m.status === 'fail'
      rows.push([
        record.name,
        m.metric,
        formatBytes(m.actualBytes),
        m.limitBytes === null ? '—' : `≤ ${formatSize(m.limitBytes)}`,
        m.baselineBytes === null || m.deltaBytes === null
          ? '—'
          : m.deltaBytes === 0
            ? 'unchanged'
            : formatDelta(m.deltaBytes, m.baselineBytes),
        m.status === null ? '—' : (record.negated ? !failed : failed) ? '✗ fail' : '✓ pass',
      ])
    }
  }
  return rows
}

/** The sizes of a run as a terminal table; empty when there is none. */
export function formatSizeSummary(records: readonly PerfRecord[]): string[] {
  const rows = sizeSummaryRows(records)
  return rows.length === 0 ? [] : textTable(HEADER, rows)
}

/** The sizes of a run as a Markdown table; empty when there is none. */
export function markdownSizeSummary(records: readonly PerfRecord[]): string[] {
  const rows = sizeSummaryRows(records)
  return rows.length === 0
    ? []
    : markdownTable(HEADER, rows, ['left', 'left', 'right', 'right', 'right', 'left'])
}

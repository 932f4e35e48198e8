import type { BudgetExplanation } from '../budget/explain-budget.js'
import { formatPercent, formatRatio, formatSize } from '../budget/format.js'
import { describeSource } from '../budget/verdict.js'
import {
  SIZE_BUDGET_KEYS,
  SIZE_METRICS,
  type SizeBudgetVerdict,
  type SizeMetricVerdict,
} from './evaluate-size-budget.js'
import type { SizeResult } from './measure-size.js'

/** The command that accepts sizes as the new baseline, named in the advice. */
export const SIZE_ACCEPT_COMMAND = 'npx perfgate check --only size --update'

/** Files listed by name in a message before the rest are counted. */
const FILES_SHOWN = 3

/**
 * Explain a size verdict for a tired engineer: which file, its size in the unit that reads best
 * with the exact bytes next to it, the limit and the config key it came from, the change against
 * the baseline, and what to do.
 *
 * ```
 * "dist/index.js" gzip is 10.4 kB (10,412 B), 4.1% over its 10.0 kB budget.
 * ```
 */
export function explainSizeBudget(verdict: SizeBudgetVerdict, result: SizeResult): BudgetExplanation {
  const deciding =
    verdict.status === 'fail' ? verdict.metrics.filter((m) => m.status === 'fail') : verdict.metrics
  const headlines = deciding.flatMap((m) => metricHeadlines(verdict, m))
  const received = [
    ...SIZE_METRICS.map((metric) => `${metric} ${formatBytes(bytesOfResult(result, metric))}`),
    filesText(result.files),
    ...(result.import === null ? [] : [`import ${importText(result.import)}`]),
    `${result.tool.name} ${result.tool.version}`,
  ]
  const expected = verdict.metrics.flatMap((m) =>
    m.limitBytes === null ? [] : [`${m.metric} ≤ ${formatSize(m.limitBytes)}`],
  )
  const growth = `growth ≤ ${verdict.allowedGrowth.text} over the baseline${verdict.allowedGrowth.isDefault ? ' (allowedGrowth, default)' : ''}`
  return {
    headlines,
    received: `Received: ${received.join(' · ')}`,
    expected: `Expected: ${[...expected, growth].join(', ')} (${describeSource(verdict.source)})`,
    advice: advice(verdict, deciding),
  }
}

/** Bytes as people read them, exact bytes alongside once the unit rounds: `10.4 kB (10,412 B)`. */
export function formatBytes(bytes: number): string {
  const rounded = formatSize(bytes)
  return Math.abs(Math.round(bytes)) < 1000 ? rounded : `${rounded} (${bytes.toLocaleString('en-US')} B)`
}

/** A change in bytes with its sign and relative size: `+312 B (+3.1%)`, `-1.20 kB (-1,204 B, -4%)`. */
export function formatDelta(deltaBytes: number, baselineBytes: number): string {
  const sign = deltaBytes > 0 ? '+' : ''
  const exact = Math.abs(deltaBytes) < 1000 ? '' : `${deltaBytes.toLocaleString('en-US')} B, `
  const relative = baselineBytes > 0 ? formatPercent(deltaBytes / baselineBytes, { sign: true }) : 'new'
  return `${sign}${formatSize(deltaBytes)} (${exact}${relative})`
}

/** The config key of one limit of a budget: `perfgate.budgets.size[0].gzip in package.json`. */
export function limitSource(verdict: SizeBudgetVerdict, m: SizeMetricVerdict): string {
  if (verdict.source.kind === 'inline') return 'the inline budget'
  return describeSource({ ...verdict.source, key: `${verdict.source.key}.${SIZE_BUDGET_KEYS[m.metric]}` })
}

function metricHeadlines(verdict: SizeBudgetVerdict, m: SizeMetricVerdict): string[] {
  const subject = `"${verdict.name}" ${m.metric} is ${formatBytes(m.actualBytes)}`
  const lines: string[] = []
  if (m.limitBytes !== null && m.margin !== null) {
    const limit = formatSize(m.limitBytes)
    if (m.exceeded.includes('limit'))
      // Past double the budget a ratio reads better than "285% over".
      lines.push(
        m.limitBytes > 0 && m.actualBytes >= 2 * m.limitBytes
          ? `${subject}, ${formatRatio(m.actualBytes / m.limitBytes)} its ${limit} budget.`
          : `${subject}, ${overBy(m.actualBytes, m.limitBytes)} over its ${limit} budget.`,
      )
    // A metric failing on growth alone is explained by its growth; within its limit is no news then.
    else if (m.status === 'pass')
      lines.push(`${subject}, within its ${limit} budget (${formatPercent(m.margin)} headroom).`)
  }
  if (m.exceeded.includes('growth') && m.deltaBytes !== null && m.baselineBytes !== null) {
    lines.push(
      `"${verdict.name}" ${m.metric} is ${formatBytes(m.actualBytes)}: it grew by ${formatDelta(m.deltaBytes, m.baselineBytes).replace(/^\+/, '')} over the baseline's ${formatBytes(m.baselineBytes)}, more than the ${formatSize(m.allowedGrowthBytes ?? 0)} its allowedGrowth of ${verdict.allowedGrowth.text} permits.`,
    )
  } else if (m.limitBytes === null) {
    // Guarded by growth only: say where it stands against the baseline.
    lines.push(
      m.deltaBytes === null || m.baselineBytes === null
        ? `${subject}; no baseline to compare with.`
        : `${subject}, ${formatDelta(m.deltaBytes, m.baselineBytes)} against the baseline.`,
    )
  }
  return lines
}

function overBy(actual: number, limit: number): string {
  const over = actual - limit
  const percent = limit > 0 ? ` (${formatPercent(over / limit)})` : ''
  return `${formatBytes(over)}${percent}`
}

function advice(verdict: SizeBudgetVerdict, deciding: readonly SizeMetricVerdict[]): string[] {
  const lines: string[] = []
  if (verdict.baselineNote !== null) lines.push(`Not compared with the baseline: ${verdict.baselineNote}.`)
  if (verdict.status !== 'fail') return lines
  lines.push('Make it smaller (npx size-limit --why shows what the bundle holds).')
  const overLimit = deciding.filter((m) => m.exceeded.includes('limit'))
  if (overLimit.length > 0) {
    lines.push(
      `If the size is intended, raise ${overLimit.map((m) => limitSource(verdict, m)).join(' and ')}.`,
    )
  }
  if (deciding.some((m) => m.exceeded.includes('growth'))) {
    const where = verdict.source.kind === 'inline' ? 'the inline budget' : describeSource(verdict.source)
    lines.push(
      `If the growth is intended, accept it as the new baseline: ${SIZE_ACCEPT_COMMAND}; or allow some growth with "allowedGrowth" in ${where}.`,
    )
  }
  return lines
}

function bytesOfResult(result: SizeResult, metric: (typeof SIZE_METRICS)[number]): number {
  return metric === 'raw' ? result.rawBytes : metric === 'gzip' ? result.gzipBytes : result.brotliBytes
}

function filesText(files: readonly string[]): string {
  const shown = files.slice(0, FILES_SHOWN).join(', ')
  const rest = files.length - FILES_SHOWN
  const label = files.length === 1 ? '1 file' : `${files.length} files`
  return `${label}: ${shown}${rest > 0 ? `, … ${rest} more` : ''}`
}

/** An import as written: `{ bench }`, or `{ "./a.js": "{ a }" }`. */
export function importText(spec: string | Readonly<Record<string, string>>): string {
  return typeof spec === 'string' ? spec : JSON.stringify(spec)
}

import { formatDuration, formatPercent } from '../budget/format.js'
import type { EnvironmentDifference } from '../env/differences.js'
import { escapeMarkdown } from '../report/escape.js'
import { markdownTable, textTable } from '../report/format-table.js'
import {
  COMPARE_STATUSES,
  type ComparedSide,
  type CompareRow,
  type CompareStatus,
  type FileComparison,
} from './compare-files.js'

/** What the verdict column says, and the mark that leads a bench's explanation. */
const STATUS_TEXT: Readonly<Record<CompareStatus, { text: string; mark: string; emoji: string }>> = {
  regressed: { text: 'regressed', mark: '✗', emoji: '❌' },
  improved: { text: 'improved', mark: '✓', emoji: '🚀' },
  unchanged: { text: 'unchanged', mark: '✓', emoji: '✅' },
  inconclusive: { text: 'inconclusive', mark: '?', emoji: '❔' },
  'environment-changed': { text: 'environment changed', mark: '!', emoji: '⚠️' },
  new: { text: 'new', mark: '+', emoji: '🆕' },
  removed: { text: 'removed', mark: '-', emoji: '➖' },
}

const HEADER = ['bench', 'base median', 'head median', 'change (CI)', 'verdict']

/**
 * The comparison for a terminal: where each side came from, a table of the benches, why each
 * bench that is not plainly unchanged got its verdict, and a count line.
 */
export function formatComparison(comparison: FileComparison): string {
  const lines = [
    `base  ${describeSide(comparison.base)}`,
    `head  ${describeSide(comparison.head)}`,
    '',
    ...textTable(
      HEADER,
      comparison.rows.map((row) => [...cells(row), STATUS_TEXT[row.status].text]),
    ),
  ]
  const explained = comparison.rows.filter((row) => row.verdict !== null && row.status !== 'unchanged')
  if (explained.length > 0) {
    lines.push('', ...explained.map((row) => `${STATUS_TEXT[row.status].mark} ${row.verdict!.reason}`))
  }
  const differences = describeDifferences(comparison.environmentDifferences)
  if (differences !== undefined) lines.push('', differences)
  lines.push('', countLine(comparison))
  if (comparison.counts.regressed > 0) lines.push(NO_REMEASURE)
  return lines.join('\n')
}

/** The comparison as Markdown, for a PR comment or a job summary. */
export function formatComparisonMarkdown(comparison: FileComparison): string {
  const lines = [
    '### perfgate compare',
    '',
    `**base** ${escapeMarkdown(describeSide(comparison.base))}  `,
    `**head** ${escapeMarkdown(describeSide(comparison.head))}`,
    '',
    ...markdownTable(
      HEADER,
      comparison.rows.map((row) => [
        ...cells(row),
        `${STATUS_TEXT[row.status].emoji} ${STATUS_TEXT[row.status].text}`,
      ]),
      ['left', 'right', 'right', 'left', 'left'],
    ),
    '',
    countLine(comparison),
  ]
  const explained = comparison.rows.filter((row) => row.verdict !== null && row.status !== 'unchanged')
  const differences = describeDifferences(comparison.environmentDifferences)
  if (explained.length > 0 || differences !== undefined) {
    lines.push('', '<details><summary>Details</summary>', '')
    for (const row of explained)
      lines.push(`- ${STATUS_TEXT[row.status].emoji} ${escapeMarkdown(row.verdict!.reason)}`)
    if (differences !== undefined) lines.push(`- ${escapeMarkdown(differences)}`)
    lines.push('', '</details>')
  }
  if (comparison.counts.regressed > 0) lines.push('', NO_REMEASURE)
  return lines.join('\n')
}

const NO_REMEASURE =
  'Compared from files, so nothing was re-measured: a regression here rests on one run of each side. Run the perf suite again to confirm it.'

function cells(row: CompareRow): string[] {
  return [
    row.name,
    row.baseMedianNs === null ? '—' : formatDuration(row.baseMedianNs),
    row.headMedianNs === null ? '—' : formatDuration(row.headMedianNs),
    row.verdict === null ? '—' : formatChange(row.verdict.delta, row.verdict.interval),
  ]
}

/** `▲ +30% (+28% to +32%)`: ▲ slower, ▼ faster; the interval is the ratio's, less one. */
export function formatChange(delta: number, ratioInterval: readonly [number, number]): string {
  const arrow = delta > 0 ? '▲ ' : delta < 0 ? '▼ ' : ''
  const [lo, hi] = ratioInterval
  const signed = (x: number) => formatPercent(x, { sign: true })
  const interval = Number.isFinite(hi) ? `${signed(lo - 1)} to ${signed(hi - 1)}` : 'no interval'
  return `${arrow}${signed(delta)} (${interval})`
}

function describeSide(side: ComparedSide): string {
  const { file } = side
  const from = side.via === 'baseline-name' ? `baseline "${side.given}", ${side.path}` : side.path
  const git =
    file.env.git === null ? '' : ` · git ${file.env.git.commit.slice(0, 7)}${file.env.git.dirty ? '*' : ''}`
  const count = Object.keys(file.benches).length
  return `${from} · ${count} ${count === 1 ? 'bench' : 'benches'} · recorded ${file.createdAt}${git}`
}

function describeDifferences(differences: readonly EnvironmentDifference[]): string | undefined {
  if (differences.length === 0) return undefined
  return `Environments differ (base → head): ${differences.map((d) => `${d.field} ${d.a} → ${d.b}${d.severity === 'major' ? ' (major)' : ''}`).join('; ')}.`
}

function countLine(comparison: FileComparison): string {
  const { counts, settings } = comparison
  const parts = COMPARE_STATUSES.filter((s) => counts[s] > 0).map(
    (s) => `${counts[s]} ${STATUS_TEXT[s].text}`,
  )
  const compared = comparison.rows.filter((row) => row.verdict !== null).length
  const method = settings.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'
  return (
    `${parts.length === 0 ? 'no benches' : parts.join(', ')} · threshold ${formatPercent(settings.threshold)} · ` +
    `${formatPercent(settings.confidence)} confidence, ${method}-adjusted across ${compared} ${compared === 1 ? 'bench' : 'benches'}` +
    (settings.failOnEnvironmentChange ? ' · compared across environments (failOnEnvironmentChange)' : '')
  )
}

import { appendFileSync } from 'node:fs'
import { baseLabel } from '../baseline/base-checkout.js'
import { perfgateError } from '../errors.js'
import { formatWebRuns } from '../web/format-web-value.js'
import type { WebUnit } from '../web/types.js'
import { breakingPointsMarkdown } from './breaking-point-report.js'
import { escapeMarkdown } from './escape.js'
import { leaksMarkdown } from './leak-report.js'
import { profilesMarkdown } from './profile-report.js'
import {
  budgetVerdict,
  bySeverity,
  comparisonMethod,
  comparisonRatio,
  comparisonVerdict,
  deltaText,
  disturbedText,
  environmentFacts,
  namedList,
  overallVerdict,
  plural,
  regressionVerdict,
  showDuration,
  showMedian,
  type Tone,
  type VerdictText,
} from './report-text.js'
import { comparedBase, type ReportBench, type ReportPageMetric, type RunReport } from './run-report.js'
import { scalingsMarkdown } from './scaling-report.js'

/*
 * The run as GitHub-flavoured Markdown, for a PR comment and for $GITHUB_STEP_SUMMARY: the
 * verdict first, then one table row per bench (problems at the top), then comparisons and the
 * benches nothing guards.
 */

/** The heading of the Markdown report when no title is given. */
export const DEFAULT_MARKDOWN_TITLE = 'perfgate'

/**
 * Longest Markdown report, in UTF-16 code units. GitHub refuses comments over 65 536 characters;
 * the rest is left for what a caller adds around the report (a marker to find its comment again,
 * a link to the HTML report).
 */
export const MARKDOWN_MAX_CHARS = 60_000

/** Longest bench name shown in full, in characters; longer ones end in `…`. */
const MAX_NAME_CHARS = 120
/** Comparisons listed before the rest are counted instead. */
const MAX_COMPARISON_ROWS = 50
/** Unguarded benches named before the rest are counted instead. */
const MAX_UNGUARDED_NAMES = 30

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** The heading. @default DEFAULT_MARKDOWN_TITLE */
  title?: string
  /** The baseline the run was compared with, named under the heading; null when there was none. */
  baselineName?: string | null
}

// GitHub renders these as colour emoji, which is what makes a verdict findable in a long comment.
const TONE_EMOJI: Readonly<Record<Tone, string>> = {
  bad: '❌',
  unsure: '❔',
  warn: '⚠️',
  good: '✅',
  neutral: '➖',
}

const BENCH_HEADER = [
  '| bench | median (95% CI) | p95 | budget | vs baseline | verdict |',
  '| :-- | --: | --: | :-- | :-- | :-- |',
]

/**
 * The run as GitHub-flavoured Markdown: a heading, the overall verdict (`❌ 1 budget failed,
 * 1 regression`), a table of benches with the budget and regression verdicts of each, then the
 * comparisons and the unguarded benches.
 *
 * Benches that failed or regressed come first, then the unsure ones. Every name and text from
 * the data is escaped, so no name can break the table, format, link or write HTML. The report
 * stays within {@link MARKDOWN_MAX_CHARS}: when the table would not fit, it ends with a line
 * `… N more benches, see the HTML report`.
 */
export function renderMarkdown(run: RunReport, options: MarkdownOptions = {}): string {
  const { title = DEFAULT_MARKDOWN_TITLE, baselineName = null } = options
  const verdict = overallVerdict(run)
  const head = [
    `### ${escapeMarkdown(title)}`,
    '',
    `**${TONE_EMOJI[verdict.tone]} ${escapeMarkdown(verdict.text)}**`,
    '',
    intro(run, baselineName),
  ].join('\n')
  const tail = [
    disturbedLine(run),
    pagesSection(run),
    comparisonsSection(run),
    breakingPointsMarkdown(run.breakingPoints ?? []),
    scalingsMarkdown(run.scalings ?? []),
    leaksMarkdown(run.leaks ?? [], (verdict) => TONE_EMOJI[verdict.tone]),
    profilesMarkdown(bySeverity(run.benches)),
    unguardedLine(run),
  ]
    .filter((s) => s !== '')
    .join('\n\n')
  if (run.benches.length === 0) return [head, tail].filter((s) => s !== '').join('\n\n')

  const rows = bySeverity(run.benches).map(benchRow)
  const fixed = head.length + tail.length + BENCH_HEADER.join('\n').length + 8
  const table = [...BENCH_HEADER]
  let used = fixed
  let shown = 0
  for (const row of rows) {
    const more = moreLine(rows.length - shown - 1)
    if (used + row.length + 1 + more.length + 2 > MARKDOWN_MAX_CHARS) break
    table.push(row)
    used += row.length + 1
    shown++
  }
  const rest = rows.length - shown
  return [head, table.join('\n'), rest > 0 ? moreLine(rest) : '', tail].filter((s) => s !== '').join('\n\n')
}

/**
 * One line for the benches a disturbed machine left undecided (see formatShiftOnly in the
 * reporter, which says the same on the console): a PR comment should not read as if the code were
 * unsure of itself when the runner was.
 */
function disturbedLine(run: RunReport): string {
  const text = disturbedText(run, (name) => escapeMarkdown(shortName(name)))
  return text === null ? '' : `${TONE_EMOJI.unsure} **${text.head}**: ${text.body}`
}

/** Page metrics shown before the rest are counted; a page has ~6 shown metrics per tool. */
const MAX_PAGE_ROWS = 60

function moreLine(rest: number): string {
  return rest > 0 ? `… ${plural(rest, 'more bench', 'more benches')}, see the HTML report.` : ''
}

/** `3 benches · vs baseline "main" · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 · GitHub Actions · git abc1234*`. */
function intro(run: RunReport, baselineName: string | null): string {
  const pageCount = new Set((run.pages ?? []).map((p) => p.page)).size
  const parts =
    run.benches.length > 0 || pageCount === 0 ? [plural(run.benches.length, 'bench', 'benches')] : []
  if (pageCount > 0) parts.push(plural(pageCount, 'page', 'pages'))
  if (run.comparisons.length > 0) parts.push(plural(run.comparisons.length, 'comparison', 'comparisons'))
  // Benches compared with a base ref's code (PERFGATE_BASE_REF) name it; the rest their baseline.
  const base = comparedBase(run)
  if (base) parts.push(`vs ${baseLabel(base)}, same process`)
  if (!base || baselineName !== null)
    parts.push(baselineName === null ? 'no baseline' : `vs baseline "${shortName(baselineName)}"`)
  if (run.env !== null) {
    const env = environmentFacts(run.env)
    parts.push(`node ${run.env.runtime.version}`, `${run.env.os.platform} ${run.env.os.arch}`, env.cpu)
    if (run.env.ci !== null) parts.push(env.ci)
    if (env.commit !== null) parts.push(`git ${env.commit}`)
  }
  return parts.map(escapeMarkdown).join(' · ')
}

function benchRow(bench: ReportBench): string {
  const verdicts = [budgetVerdict(bench), regressionVerdict(bench)].filter((v) => v !== null)
  return cells([
    escapeMarkdown(shortName(bench.name)),
    showMedian(bench),
    showDuration(bench.p95Ns),
    bench.budget === null ? '—' : escapeMarkdown(bench.budget),
    deltaText(bench.regression),
    verdicts.map(withEmoji).join(' · '),
  ])
}

function pagesSection(run: RunReport): string {
  const pages = run.pages ?? []
  if (pages.length === 0) return ''
  // Problems first, as for benches; then in the order measured.
  const rank = (p: ReportPageMetric) =>
    p.regression?.status === 'regressed' || (p.status === 'fail' && !p.negated)
      ? 0
      : p.status === 'inconclusive'
        ? 1
        : 2
  const ordered = [...pages].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_PAGE_ROWS)
  const rows = ordered.map((p) => {
    const value = formatWebRuns(p.unit as WebUnit, p.value, p.runs)
    const verdicts = [
      p.status === null ? null : budgetVerdict({ budgetStatus: p.status, negated: p.negated }),
      p.regression === null ? null : pageRegressionText(p.regression.status),
    ].filter((v): v is VerdictText => v !== null)
    const delta =
      p.regression === null || p.regression.delta === null
        ? '—'
        : `${p.regression.delta >= 0 ? '▲ +' : '▼ −'}${Math.abs(p.regression.delta * 100).toFixed(1)}%`
    return cells([
      escapeMarkdown(shortName(p.page)),
      escapeMarkdown(p.metric),
      escapeMarkdown(value),
      p.budget === null ? '—' : escapeMarkdown(p.budget),
      delta,
      verdicts.length === 0 ? '—' : verdicts.map(withEmoji).join(' · '),
    ])
  })
  const rest = pages.length - rows.length
  return [
    [
      '| page | metric | value (runs) | budget | vs baseline | verdict |',
      '| :-- | :-- | --: | :-- | :-- | :-- |',
      ...rows,
    ].join('\n'),
    rest > 0 ? `… ${plural(rest, 'more page metric', 'more page metrics')}, see the log.` : '',
  ]
    .filter((s) => s !== '')
    .join('\n\n')
}

function pageRegressionText(status: string): VerdictText {
  return status === 'regressed'
    ? { text: 'regressed', tone: 'bad' }
    : status === 'improved'
      ? { text: 'improved', tone: 'good' }
      : { text: status, tone: 'neutral' }
}

function comparisonsSection(run: RunReport): string {
  if (run.comparisons.length === 0) return ''
  const rows = run.comparisons
    .slice(0, MAX_COMPARISON_ROWS)
    .map((c) =>
      cells([
        `${escapeMarkdown(shortName(c.names[0]))} vs ${escapeMarkdown(shortName(c.names[1]))}`,
        comparisonRatio(c),
        withEmoji(comparisonVerdict(c)),
        comparisonMethod(c),
      ]),
    )
  const rest = run.comparisons.length - rows.length
  return [
    [
      '| comparison (a vs b) | a/b time (95% CI) | verdict | measured |',
      '| :-- | --: | :-- | :-- |',
      ...rows,
    ].join('\n'),
    rest > 0 ? `… ${plural(rest, 'more comparison', 'more comparisons')}, see the HTML report.` : '',
  ]
    .filter((s) => s !== '')
    .join('\n\n')
}

function unguardedLine(run: RunReport): string {
  if (run.unguarded.length === 0) return ''
  const list = namedList(
    run.unguarded.map((n) => `"${escapeMarkdown(shortName(n))}"`),
    MAX_UNGUARDED_NAMES,
  )
  return `${TONE_EMOJI.neutral} **Unguarded** (no budget checked them): ${list}. Add budgets in package.json under perfgate.budgets.bench, or inline.`
}

function withEmoji(verdict: VerdictText): string {
  return `${TONE_EMOJI[verdict.tone]} ${escapeMarkdown(verdict.text)}`
}

function cells(values: readonly string[]): string {
  return `| ${values.join(' | ')} |`
}

/** The name, cut to {@link MAX_NAME_CHARS} characters (not halfway through a surrogate pair). */
function shortName(name: string): string {
  const characters = [...name]
  return characters.length <= MAX_NAME_CHARS ? name : `${characters.slice(0, MAX_NAME_CHARS - 1).join('')}…`
}

/**
 * Append the report to the GitHub Actions job summary: the file named by `GITHUB_STEP_SUMMARY`,
 * shown on the run's page. Does nothing outside GitHub Actions (variable unset or empty).
 *
 * @param env - The environment to read `GITHUB_STEP_SUMMARY` from.
 * @returns The path written to, or undefined when the variable is unset.
 * @throws PerfgateError STEP_SUMMARY_UNWRITABLE when the file cannot be appended to.
 */
export function writeStepSummary(
  markdown: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY
  if (file === undefined || file === '') return undefined
  // Start on a fresh line: whoever wrote last (another step's `echo -n`) may not have ended theirs.
  const text = `\n${markdown}${markdown.endsWith('\n') ? '' : '\n'}`
  try {
    appendFileSync(file, text, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw perfgateError('STEP_SUMMARY_UNWRITABLE', { file, reason }, error)
  }
  return file
}

import { baseLabel } from '../baseline/base-checkout.js'
import type { BaselineBench, BaselineFile } from '../baseline/baseline-file.js'
import type { Environment } from '../env/types.js'
import { breakingPointsHtml } from './breaking-point-report.js'
import { escapeHtml } from './escape.js'
import { leaksHtml } from './leak-report.js'
import { profileHtml } from './profile-report.js'
import {
  budgetVerdict,
  bySeverity,
  comparisonMethod,
  comparisonRatio,
  comparisonVerdict,
  deltaText,
  disturbedText,
  environmentFacts,
  overallVerdict,
  plural,
  regressionVerdict,
  showDuration,
  showMedian,
  type Tone,
  type VerdictText,
} from './report-text.js'
import { comparedBase, type ReportBench, type RunReport } from './run-report.js'
import { scalingsHtml } from './scaling-report.js'
import { distributionChart, type HistoryPoint, historyChart } from './svg-charts.js'

/*
 * The HTML report: one self-contained file (inline CSS and SVG, no script, nothing fetched) for
 * people who would rather look than read a table. A Content-Security-Policy that forbids every
 * fetch and every script makes "self-contained" and "no injected markup runs" hold even if an
 * escape were ever missed.
 */

/** The page title when none is given. */
export const DEFAULT_HTML_TITLE = 'perfgate report'

/** Input of {@link renderHtmlReport}. */
export interface HtmlReportInput {
  /** Runs from the [VERIFY] log, oldest first; the last one is the run reported on. */
  runs: RunReport[]
  /** The latest run's results with raw batch times (its candidate file), for the distributions. */
  current?: BaselineFile
  /** The baseline the latest run was compared with. */
  baseline?: BaselineFile
  /** @default DEFAULT_HTML_TITLE */
  title?: string
  /** ISO time shown as the report's date. @default now */
  generatedAt?: string
}

// Glyphs every system font has (emoji may render as boxes where no emoji font is installed).
const TONE_GLYPH: Readonly<Record<Tone, string>> = {
  bad: '✗',
  unsure: '?',
  warn: '⚠',
  good: '✓',
  neutral: '–',
}

/** A bench as the page shows it: measured in the latest run, or only found in a file. */
interface BenchView {
  name: string
  /** Its line in the latest run; undefined when the run did not measure it. */
  row: ReportBench | undefined
  current: BaselineBench | undefined
  baseline: BaselineBench | undefined
  /** One entry per run, oldest first. */
  history: (HistoryPoint | null)[]
}

/**
 * The report as one HTML page: the overall verdict and a summary table at the top; per bench,
 * the distribution of per-call times now against the baseline, the median across runs with its
 * interval, and the bench's numbers; the environment of the latest run at the bottom.
 *
 * Benches come from the latest run (problems first), then any others in `current`, then those
 * of the baseline that were not measured. Every text from the data is HTML-escaped, and numbers
 * that are not finite show as `—` and as gaps in charts.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const {
    runs,
    current,
    baseline,
    title = DEFAULT_HTML_TITLE,
    generatedAt = new Date().toISOString(),
  } = input
  const latest = runs.at(-1)
  const views = benchViews(runs, current, baseline)
  const env = latest?.env ?? current?.env ?? null
  const body = [
    header(title, latest, views, runs.length, generatedAt, baseline),
    summaryTable(views, baseline),
    latest !== undefined && latest.comparisons.length > 0 ? comparisons(latest) : '',
    breakingPointsHtml(latest?.breakingPoints ?? []),
    scalingsHtml(latest?.scalings ?? []),
    leaksHtml(latest?.leaks ?? [], badge),
    latest !== undefined && latest.unguarded.length > 0
      ? `<p class="unguarded"><strong>Unguarded</strong> (no budget checked them): ${latest.unguarded.map((n) => `<span class="name">${escapeHtml(n)}</span>`).join(', ')}. Add budgets in package.json under perfgate.budgets.bench, or inline.</p>`
      : '',
    ...views.map((view, i) => benchSection(view, i, baseline)),
    footer(env, baseline),
  ]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.filter((part) => part !== '').join('\n')}
</main>
</body>
</html>
`
}

function benchViews(
  runs: readonly RunReport[],
  current: BaselineFile | undefined,
  baseline: BaselineFile | undefined,
): BenchView[] {
  const latest = runs.at(-1)
  const names = [
    ...bySeverity(latest?.benches ?? []).map((b) => b.name),
    ...Object.keys(current?.benches ?? {}),
    ...Object.keys(baseline?.benches ?? {}),
  ]
  return [...new Set(names)].map((name) => ({
    name,
    row: latest?.benches.find((b) => b.name === name),
    current: current?.benches[name],
    baseline: baseline?.benches[name],
    history: runs.map((run) => {
      const bench = run.benches.find((b) => b.name === name)
      if (bench === undefined) return null
      return {
        medianNs: bench.medianNs,
        intervalNs: bench.medianIntervalNs,
        label: `${run.startedAt} (run ${run.runId}): median ${showMedian(bench)}`,
      }
    }),
  }))
}

function header(
  title: string,
  latest: RunReport | undefined,
  views: readonly BenchView[],
  runCount: number,
  generatedAt: string,
  baseline: BaselineFile | undefined,
): string {
  const verdict: VerdictText =
    latest === undefined ? { text: 'no runs in the log', tone: 'neutral' } : overallVerdict(latest)
  const missing = views.filter((v) => v.row === undefined && v.current === undefined).length
  const base = latest === undefined ? undefined : comparedBase(latest)
  const facts = [
    latest === undefined ? '' : `latest run ${latest.startedAt} (${latest.runId})`,
    plural(runCount, 'run', 'runs'),
    baseline === undefined ? 'no baseline' : `baseline "${baseline.name}" recorded ${baseline.createdAt}`,
    // Benches compared with a base ref's code (PERFGATE_BASE_REF) show that comparison instead.
    base === undefined ? '' : `compared with ${baseLabel(base)} in the same process`,
    `generated ${generatedAt}`,
  ].filter((f) => f !== '')
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="verdict ${verdict.tone}">${badgeText(verdict)}</p>
${missing > 0 ? `<p class="note warn">${TONE_GLYPH.warn} ${escapeHtml(`${plural(missing, 'bench', 'benches')} of the baseline not measured in the latest run`)}</p>` : ''}
${disturbedNote(latest)}
<p class="facts">${facts.map(escapeHtml).join(' · ')}</p>
</header>`
}

/** The Markdown report's disturbed-machine line, for the latest run: its undecided benches are not the code's doing. */
function disturbedNote(latest: RunReport | undefined): string {
  const text = latest === undefined ? null : disturbedText(latest, (name) => name)
  return text === null
    ? ''
    : `<p class="note unsure">${TONE_GLYPH.unsure} <strong>${escapeHtml(text.head)}</strong>: ${escapeHtml(text.body)}</p>`
}

const SUMMARY_HEADER = ['bench', 'median (95% CI)', 'p95', 'budget', 'vs baseline', 'verdict']

function summaryTable(views: readonly BenchView[], baseline: BaselineFile | undefined): string {
  if (views.length === 0) return '<p class="empty-note">No benches to show.</p>'
  const rows = views.map((view, i) => {
    const c = numberCells(view, baseline)
    return `<tr><td><a href="#bench-${i}">${escapeHtml(view.name)}</a></td><td class="num">${c.median}</td><td class="num">${c.p95}</td><td>${c.budget}</td><td>${c.delta}</td><td>${c.verdict}</td></tr>`
  })
  return `<section class="summary"><h2>Summary</h2><table>
<thead><tr>${SUMMARY_HEADER.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></section>`
}

/** A bench's numbers and verdicts as HTML, escaped. */
interface NumberCells {
  median: string
  p95: string
  budget: string
  delta: string
  verdict: string
}

function numberCells(view: BenchView, baseline: BaselineFile | undefined): NumberCells {
  const { row, current } = view
  if (row !== undefined) {
    const verdicts = [budgetVerdict(row), regressionVerdict(row)].filter((v) => v !== null)
    return {
      median: escapeHtml(showMedian(row)),
      p95: escapeHtml(showDuration(row.p95Ns)),
      budget: row.budget === null ? '—' : escapeHtml(row.budget),
      delta: `<span class="delta">${escapeHtml(deltaText(row.regression))}</span>`,
      verdict: verdicts.map(badge).join(' '),
    }
  }
  if (current !== undefined) {
    return {
      median: escapeHtml(showMedian(current.stats)),
      p95: escapeHtml(showDuration(current.stats.p95Ns)),
      budget: '—',
      delta: baseline?.benches[view.name] === undefined ? 'no baseline' : '—',
      verdict: badge({ text: 'no verdict in the log', tone: 'neutral' }),
    }
  }
  return {
    median: '—',
    p95: '—',
    budget: '—',
    delta: '—',
    verdict: badge({ text: 'not measured in the latest run', tone: 'warn' }),
  }
}

function comparisons(run: RunReport): string {
  const rows = run.comparisons.map(
    (c) =>
      `<tr><td>${escapeHtml(c.names[0])} vs ${escapeHtml(c.names[1])}</td><td>${escapeHtml(comparisonRatio(c))}</td><td>${badge(comparisonVerdict(c))}</td><td>${escapeHtml(comparisonMethod(c))}</td></tr>`,
  )
  return `<section class="comparisons"><h2>Comparisons</h2><table>
<thead><tr><th>comparison (a vs b)</th><th>a/b time (95% CI)</th><th>verdict</th><th>measured</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></section>`
}

function benchSection(view: BenchView, index: number, baseline: BaselineFile | undefined): string {
  const { row, current } = view
  const base = view.baseline
  const series = [
    ...(base === undefined
      ? []
      : [
          {
            className: 'baseline' as const,
            label: `baseline "${baseline?.name ?? ''}"`,
            valuesNs: perCallTimes(base),
            medianNs: base.stats.medianNs,
          },
        ]),
    ...(current === undefined
      ? []
      : [
          {
            className: 'now' as const,
            label: 'now',
            valuesNs: perCallTimes(current),
            medianNs: current.stats.medianNs,
          },
        ]),
  ]
  const batched = [current, base].some((b) => b !== undefined && b.batchSize > 1)
  const distribution = distributionChart({
    title: `${view.name}: time per call${series.length > 1 ? ', now and in the baseline' : ''}`,
    axisLabel: batched ? 'time per call (mean of each batch)' : 'time per call',
    series,
  })
  const history = historyChart({
    title: `${view.name}: median of each run`,
    points: view.history,
    ...(base === undefined ? {} : { baselineMedianNs: base.stats.medianNs }),
  })
  const verdicts =
    row === undefined ? [] : [budgetVerdict(row), regressionVerdict(row)].filter((v) => v !== null)
  const tone = verdicts.some((v) => v.tone === 'bad') ? 'bad' : 'plain'
  return `<section class="bench ${tone}" id="bench-${index}">
<h2><span class="name">${escapeHtml(view.name)}</span> ${verdicts.map(badge).join(' ')}</h2>
<div class="charts">
<figure class="distribution">${distribution}<figcaption>${escapeHtml(distributionCaption(view))}</figcaption></figure>
<figure class="history">${history}<figcaption>${escapeHtml(historyCaption(view))}</figcaption></figure>
</div>
${benchNumbers(view, baseline)}
${profileHtml(row?.profile)}
</section>`
}

function distributionCaption(view: BenchView): string {
  const parts: string[] = []
  if (view.current !== undefined) parts.push(`now: ${sampleText(view.current)}`)
  else parts.push('no raw times from the latest run')
  if (view.baseline !== undefined) parts.push(`baseline: ${sampleText(view.baseline)}`)
  else parts.push('no baseline for this bench')
  return parts.join(' · ')
}

function sampleText(bench: BaselineBench): string {
  return `${bench.batchTimesNs.length} batches × ${bench.batchSize} ${bench.batchSize === 1 ? 'call' : 'calls'}, median ${showDuration(bench.stats.medianNs)}`
}

function historyCaption(view: BenchView): string {
  const measured = view.history.filter((p) => p !== null).length
  return `${plural(measured, 'run', 'runs')} of ${view.history.length} measured this bench; bars show each median's interval`
}

function benchNumbers(view: BenchView, baseline: BaselineFile | undefined): string {
  const c = numberCells(view, baseline)
  const baseMedian =
    view.baseline === undefined ? '—' : escapeHtml(showDuration(view.baseline.stats.medianNs))
  const regression = view.row?.regression ?? null
  const detail =
    regression === null || !Number.isFinite(regression.threshold)
      ? ''
      : `<p class="detail">${escapeHtml(
          `A regression is a slowdown beyond ${formatPercentPoint(regression.threshold)} whose ${formatPercentPoint(regression.confidence)} interval lies wholly above it${regression.adjustedP === null ? '' : `; p adjusted for the suite: ${formatP(regression.adjustedP)}`}.`,
        )}</p>`
  return `<table class="numbers">
<thead><tr><th>median (95% CI)</th><th>p95</th><th>budget</th><th>baseline median</th><th>vs baseline</th><th>verdict</th></tr></thead>
<tbody><tr><td class="num">${c.median}</td><td class="num">${c.p95}</td><td>${c.budget}</td><td class="num">${baseMedian}</td><td>${c.delta}</td><td>${c.verdict}</td></tr></tbody>
</table>${detail}`
}

function formatPercentPoint(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 1000) / 10}%` : '—'
}

function formatP(p: number): string {
  return Number.isFinite(p) ? (p < 0.001 ? '< 0.001' : p.toFixed(3)) : '—'
}

function footer(env: Environment | null, baseline: BaselineFile | undefined): string {
  const rows: [string, string][] = []
  if (env !== null) {
    const facts = environmentFacts(env)
    rows.push(
      ['Node.js', facts.node],
      ['CPU', facts.cpu],
      ['OS', facts.os],
      ['CI', facts.ci],
      ['Git', facts.git],
      ['Captured', facts.captured],
      ['perfgate', facts.perfgate],
      ...facts.warnings.map((w): [string, string] => ['⚠ Warning', w]),
    )
  }
  if (baseline !== undefined) {
    const facts = environmentFacts(baseline.env)
    rows.push([
      'Baseline',
      `"${baseline.name}", recorded ${baseline.createdAt}: node ${facts.node}, ${facts.cpu}`,
    ])
  }
  const missing = env === null ? '<p>The log holds no environment for the latest run.</p>' : ''
  const list =
    rows.length === 0
      ? ''
      : `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`
  return `<footer><h2>Environment of the latest run</h2>${missing}${list}</footer>`
}

/** Per-call times of a bench: each batch's time over its calls. */
function perCallTimes(bench: BaselineBench): number[] {
  return bench.batchTimesNs.map((t) => t / bench.batchSize)
}

function badge(verdict: VerdictText): string {
  return `<span class="badge ${verdict.tone}">${badgeText(verdict)}</span>`
}

function badgeText(verdict: VerdictText): string {
  return `${TONE_GLYPH[verdict.tone]} ${escapeHtml(verdict.text)}`
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --now: #0969da; --baseline: #818b98; --bad: #cf222e; --bad-bg: #ffebe9; --good: #1a7f37; --good-bg: #dafbe1;
  --warn: #9a6700; --warn-bg: #fff8c5; --neutral: #59636e; --neutral-bg: #eff2f5; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 0 0 12px; overflow-wrap: anywhere; }
header { margin-bottom: 24px; }
.verdict { font-size: 17px; font-weight: 600; margin: 0 0 4px; }
.verdict.bad { color: var(--bad); } .verdict.good { color: var(--good); }
.verdict.unsure, .verdict.warn { color: var(--warn); } .verdict.neutral { color: var(--neutral); }
.facts, figcaption, .detail, footer dd { color: var(--muted); }
.facts { margin: 0; font-size: 13px; }
.note { margin: 0 0 4px; } .note.warn, .note.unsure { color: var(--warn); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td a { color: var(--now); text-decoration: none; } td a:hover { text-decoration: underline; }
section { margin-bottom: 28px; }
section.bench { border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
section.bench.bad { border-left: 4px solid var(--bad); }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; white-space: nowrap; vertical-align: 2px; }
.badge.bad { color: var(--bad); background: var(--bad-bg); } .badge.good { color: var(--good); background: var(--good-bg); }
.badge.unsure, .badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.neutral { color: var(--neutral); background: var(--neutral-bg); }
.delta, td.num { white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 12px; }
figure { margin: 0; flex: 1 1 420px; min-width: 0; }
figcaption { font-size: 12px; margin-top: 2px; }
svg.chart { width: 100%; height: auto; display: block; background: var(--panel); border-radius: 6px; }
svg .hist { stroke-width: 1.5; fill-opacity: .28; }
svg .hist.now { fill: var(--now); stroke: var(--now); }
svg .hist.baseline { fill: var(--baseline); stroke: var(--baseline); }
svg .median { stroke-width: 2; stroke-dasharray: 5 3; }
svg .median.now, svg .error-bar.now, svg .trend.now { stroke: var(--now); }
svg .median.baseline, svg .reference.baseline { stroke: var(--baseline); }
svg .reference { stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .trend { fill: none; stroke-width: 1.5; }
svg .error-bar { fill: none; stroke-width: 1.2; }
svg .dot.now { fill: var(--now); }
svg .swatch.now { fill: var(--now); } svg .swatch.baseline { fill: var(--baseline); }
svg .axis, svg .tick-mark { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg text { fill: var(--muted); font-size: 11px; font-family: inherit; }
svg .legend { fill: var(--fg); font-size: 12px; }
svg .axis-label { font-size: 11px; }
svg .empty { fill: none; stroke: var(--line); stroke-dasharray: 4 4; }
svg .message { font-size: 13px; }
.unguarded .name { font-weight: 600; }
section.breaking-point { border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
h3 { font-size: 15px; margin: 0 0 12px; overflow-wrap: anywhere; }
table.probes { flex: 0 1 280px; width: auto; align-self: flex-start; } table.probes td { white-space: nowrap; }
svg .probe.pass { fill: var(--good); } svg .probe.fail { fill: var(--bad); }
svg .curve { fill: none; stroke: var(--baseline); stroke-width: 1.5; }
svg .budget-line { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .breaking-point-line { stroke: var(--now); stroke-width: 2; }
svg .budget-label { fill: var(--bad); } svg .breaking-point-label { fill: var(--now); font-weight: 600; }
section.scaling { border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
table.scaling-points { flex: 0 1 220px; width: auto; align-self: flex-start; } table.scaling-points td { white-space: nowrap; }
svg .scaling-fit { fill: none; stroke: var(--now); stroke-width: 2; }
svg .scaling-claimed { fill: none; stroke: var(--baseline); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .scaling-limit { fill: none; stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 3 3; }
div.profile { margin-top: 16px; } div.profile h3 { font-size: 14px; margin: 0 0 6px; }
table.hotspots code { font-size: 13px; }
footer { border-top: 1px solid var(--line); padding-top: 16px; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; }
`

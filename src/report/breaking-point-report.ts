import { formatLevel, formatProbeValue } from '../breaking-point/describe-breaking-point.js'
import type { VerifyEventOf } from '../log/verify-event.js'
import { escapeHtml, escapeMarkdown } from './escape.js'
import {
  type Axis,
  CHART_HEIGHT,
  chartSvg,
  linearTicks,
  messageChart,
  plotArea,
  project,
  svgCoordinate as px,
} from './svg-charts.js'

/*
 * Breaking-point searches in the reports: a chart of each probed level against its measured
 * value, with the budget line and the breaking point marked, and a Markdown table. Rebuilt from
 * the `breaking-point` event alone, which carries the whole curve.
 */

/** A breaking-point search as the reports show it. */
export interface ReportBreakingPoint {
  name: string
  status: VerifyEventOf<'breaking-point'>['status']
  min: number
  max: number
  breakingPoint: number | null
  firstFailing: number | null
  levelUnit: string | null
  metric: string | null
  unit: string | null
  limit: number | null
  probes: number
  curve: { level: number; value: number | null; pass: boolean }[]
  summary: string
}

/** The report's view of a `breaking-point` event. */
export function breakingPointFromEvent(event: VerifyEventOf<'breaking-point'>): ReportBreakingPoint {
  return {
    name: event.name,
    status: event.status,
    min: event.min,
    max: event.max,
    breakingPoint: event.value,
    firstFailing: event.firstFailing,
    levelUnit: event.unit,
    metric: event.probeMetric,
    unit: event.probeUnit,
    limit: event.limit,
    probes: event.probes,
    curve: event.curve.map((p) => ({ level: p.level, value: p.value, pass: p.pass })),
    summary: event.summary,
  }
}

const STATUS_TEXT: Readonly<Record<ReportBreakingPoint['status'], string>> = {
  found: 'found',
  'above-max': 'above max',
  'below-min': 'below min',
  inconsistent: 'not monotone',
  unresolved: 'not narrowed down',
}

/** "37 connections", "≥ 100 connections", "none"… : the breaking point as one cell. */
export function breakingPointText(bp: ReportBreakingPoint): string {
  const level = (n: number) => formatLevel(n, bp.levelUnit)
  switch (bp.status) {
    case 'above-max':
      return `≥ ${level(bp.max)} (above max)`
    case 'below-min':
      return `none (even ${level(bp.min)} fails)`
    case 'inconsistent':
      return `${bp.breakingPoint === null ? 'none' : level(bp.breakingPoint)}? (not monotone)`
    case 'unresolved':
      return `${bp.breakingPoint === null ? `< ${level(bp.min)}` : `≥ ${level(bp.breakingPoint)}`}, < ${bp.firstFailing === null ? `> ${level(bp.max)}` : level(bp.firstFailing)}`
    case 'found':
      return level(bp.breakingPoint!)
  }
}

const PLOT = plotArea(64)

/**
 * Each probed level's measured value (a green dot that passed, a red one that failed), joined
 * in level order; the budget as a dashed horizontal line; the breaking point as a vertical line.
 * Probes without a value (a bare pass/fail check) sit on the middle line.
 */
export function breakingPointChart(bp: ReportBreakingPoint): string {
  const title = `${bp.name}: ${bp.metric ?? 'value'} at each level probed`
  if (bp.curve.length === 0) return messageChart(title, 'no probes')
  const levels = bp.curve.map((p) => p.level)
  const [lo, hi] = [Math.min(...levels, bp.breakingPoint ?? Infinity), Math.max(...levels)]
  const padX = hi > lo ? (hi - lo) * 0.05 : 1
  const x: Axis = { kind: 'linear', domain: [lo - padX, hi + padX], range: [PLOT.x0, PLOT.x1] }
  const values = bp.curve.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v))
  const limit = bp.limit !== null && Number.isFinite(bp.limit) ? bp.limit : null
  const all = [...values, ...(limit === null ? [] : [limit])]
  const hasValues = values.length > 0
  const yHi = hasValues ? Math.max(...all) * 1.08 : 1
  const yLo = hasValues ? Math.min(0, Math.min(...all)) : 0
  const y: Axis = { kind: 'linear', domain: [yLo, yHi > yLo ? yHi : yLo + 1], range: [PLOT.y0, PLOT.y1] }
  const yOf = (value: number | null) =>
    value !== null && Number.isFinite(value) ? project(y, value) : (PLOT.y0 + PLOT.y1) / 2
  const show = (value: number) => formatProbeValue(value, bp.unit)

  const grid = hasValues
    ? linearTicks(y.domain[0], y.domain[1], 4)
        .map((t) => {
          const at = px(project(y, t))
          return `<line class="grid" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${at}" y2="${at}"/><text class="tick" x="${px(PLOT.x0 - 6)}" y="${px(project(y, t) + 4)}" text-anchor="end">${escapeHtml(show(t))}</text>`
        })
        .join('')
    : ''
  const budget =
    limit === null
      ? ''
      : `<line class="budget-line" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(project(y, limit))}" y2="${px(project(y, limit))}"><title>${escapeHtml(`budget: ${bp.metric ?? 'value'} ${show(limit)}`)}</title></line><text class="budget-label" x="${px(PLOT.x1 - 4)}" y="${px(project(y, limit) - 5)}" text-anchor="end">${escapeHtml(`budget ${show(limit)}`)}</text>`
  const marker =
    bp.breakingPoint === null
      ? ''
      : `<line class="breaking-point-line" x1="${px(project(x, bp.breakingPoint))}" x2="${px(project(x, bp.breakingPoint))}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y1)}"><title>${escapeHtml(`breaking point: ${formatLevel(bp.breakingPoint, bp.levelUnit)}`)}</title></line><text class="breaking-point-label" x="${px(project(x, bp.breakingPoint) + 4)}" y="${px(PLOT.y1 + 10)}">${escapeHtml(`breaking point ${bp.breakingPoint}`)}</text>`
  const line = `<polyline class="curve" points="${bp.curve.map((p) => `${px(project(x, p.level))},${px(yOf(p.value))}`).join(' ')}"/>`
  const dots = bp.curve
    .map(
      (p) =>
        `<circle class="probe ${p.pass ? 'pass' : 'fail'}" cx="${px(project(x, p.level))}" cy="${px(yOf(p.value))}" r="4"><title>${escapeHtml(`${formatLevel(p.level, bp.levelUnit)}: ${p.value === null ? 'no value' : show(p.value)}, ${p.pass ? 'passed' : 'failed'}`)}</title></circle>`,
    )
    .join('')
  const xTicks = linearTicks(lo, hi, 6)
    .filter((t) => Number.isInteger(t))
    .map(
      (t) =>
        `<line class="tick-mark" x1="${px(project(x, t))}" x2="${px(project(x, t))}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0 + 4)}"/><text class="tick" x="${px(project(x, t))}" y="${px(PLOT.y0 + 16)}" text-anchor="middle">${t}</text>`,
    )
    .join('')
  const legend = `<circle class="probe pass" cx="${px(PLOT.x0 + 6)}" cy="16" r="4"/><text class="legend" x="${px(PLOT.x0 + 14)}" y="20">passed</text><circle class="probe fail" cx="${px(PLOT.x0 + 76)}" cy="16" r="4"/><text class="legend" x="${px(PLOT.x0 + 84)}" y="20">failed</text>`
  const yLabel = hasValues
    ? `<text class="axis-label" transform="translate(14 ${px((PLOT.y0 + PLOT.y1) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(bp.metric ?? 'value')}</text>`
    : ''
  return chartSvg(title, [
    legend,
    grid,
    budget,
    marker,
    line,
    dots,
    `<line class="axis" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0)}"/>`,
    xTicks,
    yLabel,
    `<text class="axis-label" x="${px((PLOT.x0 + PLOT.x1) / 2)}" y="${px(CHART_HEIGHT - 6)}" text-anchor="middle">${escapeHtml(`load level${bp.levelUnit === null ? '' : ` (${bp.levelUnit})`}`)}</text>`,
  ])
}

/** The HTML section of every search of a run; '' when there is none. */
export function breakingPointsHtml(searches: readonly ReportBreakingPoint[]): string {
  if (searches.length === 0) return ''
  const sections = searches.map((bp) => {
    const tone =
      bp.status === 'found' || bp.status === 'above-max'
        ? 'good'
        : bp.status === 'below-min'
          ? 'bad'
          : 'unsure'
    const rows = bp.curve
      .map(
        (p) =>
          `<tr><td class="num">${escapeHtml(formatLevel(p.level, bp.levelUnit))}</td><td class="num">${escapeHtml(formatProbeValue(p.value, bp.unit))}</td><td>${p.pass ? '✓ passed' : '✗ failed'}</td></tr>`,
      )
      .join('\n')
    return `<section class="breaking-point">
<h3><span class="name">${escapeHtml(bp.name)}</span> <span class="badge ${tone}">${escapeHtml(`breaking point: ${breakingPointText(bp)}`)}</span></h3>
<div class="charts"><figure>${breakingPointChart(bp)}<figcaption>${escapeHtml(bp.summary)}</figcaption></figure>
<table class="probes"><thead><tr><th>level</th><th>${escapeHtml(bp.metric ?? 'value')}</th><th>probe</th></tr></thead><tbody>
${rows}
</tbody></table></div>
</section>`
  })
  return `<section class="breaking-points"><h2>Breaking points</h2>
${sections.join('\n')}
</section>`
}

/** The Markdown table of every search of a run; '' when there is none. */
export function breakingPointsMarkdown(searches: readonly ReportBreakingPoint[]): string {
  if (searches.length === 0) return ''
  const rows = searches.map((bp) =>
    [
      escapeMarkdown(bp.name),
      escapeMarkdown(breakingPointText(bp)),
      escapeMarkdown(bp.firstFailing === null ? '—' : formatLevel(bp.firstFailing, bp.levelUnit)),
      escapeMarkdown(
        bp.limit === null ? '—' : `${bp.metric ?? 'value'} limit ${formatProbeValue(bp.limit, bp.unit)}`,
      ),
      escapeMarkdown(`${bp.min}–${bp.max}`),
      String(bp.probes),
      escapeMarkdown(STATUS_TEXT[bp.status]),
    ].join(' | '),
  )
  return [
    '| breaking-point search | breaking point | first failing | budget | range | probes | outcome |',
    '| :-- | --: | --: | :-- | :-- | --: | :-- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n')
}

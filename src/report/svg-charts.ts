import { formatDuration, formatPercent } from '../budget/format.js'
import { escapeHtml } from './escape.js'

/*
 * Inline SVG charts for the HTML report, as pure functions from numbers to markup. Colours come
 * from the page's stylesheet through class names (`now`, `baseline`), so a chart has no style of
 * its own to keep in step. Numbers that are not finite (a crashed bench writes null, read as
 * NaN) are dropped before anything is drawn: a gap in a chart, never `NaN` in an attribute.
 */

/** Width and height of every chart, in CSS pixels (it scales down with the page). */
export const CHART_WIDTH = 520
export const CHART_HEIGHT = 220
/** Fewest and most histogram bins; between them, Rice's rule (2 ∛n, n the larger series) sets the count. */
export const MIN_BINS = 8
export const MAX_BINS = 40
/** Ratio of slowest to fastest time above which the time axis is logarithmic. */
export const LOG_AXIS_MIN_SPREAD = 4

/**
 * The plotting area of a chart, in pixels: what the margins leave. Only the left margin differs
 * between charts, as wide as their y-axis labels.
 */
export function plotArea(leftMargin: number): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: leftMargin, x1: CHART_WIDTH - 16, y0: CHART_HEIGHT - 44, y1: 34 }
}

const PLOT = plotArea(56)

/** A map from data to pixels along one axis. */
export interface Axis {
  kind: 'linear' | 'log'
  /** Data values at the two ends; positive for a log axis. */
  domain: [number, number]
  /** Pixels at the two ends. */
  range: [number, number]
}

/** Where `value` falls on `axis`, in pixels. A zero-width domain maps to the middle of the range. */
export function project(axis: Axis, value: number): number {
  const f = axis.kind === 'log' ? Math.log : (x: number) => x
  const [d0, d1] = [f(axis.domain[0]), f(axis.domain[1])]
  const t = d1 === d0 ? 0.5 : (f(value) - d0) / (d1 - d0)
  return axis.range[0] + t * (axis.range[1] - axis.range[0])
}

/** The 1-2-5 step that cuts `span` into about `count` pieces. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  const mantissa = raw / power
  return (mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10) * power
}

/** Round numbers (multiples of a 1-2-5 step) within [lo, hi], about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const step = niceStep(hi - lo, count)
  const ticks: number[] = []
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(k * step)
  return ticks
}

/**
 * Ticks of a log axis over [lo, hi] (both > 0): 1, 2 and 5 times the powers of ten, only the
 * powers of ten when that would crowd the axis, and linear ticks when the range holds fewer
 * than two of either.
 */
export function logTicks(lo: number, hi: number): number[] {
  const all: number[] = []
  for (let power = Math.floor(Math.log10(lo)); 10 ** power <= hi; power++) {
    for (const m of [1, 2, 5]) {
      const tick = m * 10 ** power
      if (tick >= lo && tick <= hi) all.push(tick)
    }
  }
  const decades = all.filter((tick) => Number.isInteger(Math.log10(tick)))
  const ticks = all.length <= 7 ? all : decades
  return ticks.length >= 2 ? ticks : linearTicks(lo, hi, 4)
}

/** One histogram bin: [x0, x1) in data units and the share of the series' values in it. */
export interface Bin {
  x0: number
  x1: number
  share: number
}

/**
 * Count `values` into `bins` equal bins over [lo, hi], equal in log space when `kind` is 'log',
 * as shares of all values so series of different sizes compare. The last bin includes `hi`.
 */
export function histogram(
  values: readonly number[],
  lo: number,
  hi: number,
  bins: number,
  kind: Axis['kind'],
): Bin[] {
  const toAxis = kind === 'log' ? Math.log : (x: number) => x
  const fromAxis = kind === 'log' ? Math.exp : (x: number) => x
  const [a, b] = [toAxis(lo), toAxis(hi)]
  const n = hi > lo ? bins : 1
  const counts = new Array<number>(n).fill(0)
  for (const value of values) {
    const t = b === a ? 0 : (toAxis(value) - a) / (b - a)
    counts[Math.min(n - 1, Math.max(0, Math.floor(t * n)))]!++
  }
  return counts.map((count, i) => ({
    x0: i === 0 ? lo : fromAxis(a + ((b - a) * i) / n),
    x1: i === n - 1 ? hi : fromAxis(a + ((b - a) * (i + 1)) / n),
    share: values.length === 0 ? 0 : count / values.length,
  }))
}

/** One series of a distribution chart. */
export interface DistributionSeries {
  /** Class that colours the series: 'now' or 'baseline'. */
  className: 'now' | 'baseline'
  /** Legend text (plain text; escaped here). */
  label: string
  /** Per-call times (ns). Values that are not finite and positive are left out. */
  valuesNs: readonly number[]
  /** The median marked with a line (ns); none is drawn when it is not finite. */
  medianNs: number
}

/** Input of {@link distributionChart}. */
export interface DistributionChartInput {
  /** What the chart shows, for screen readers and as its tooltip. */
  title: string
  /** Label of the time axis, e.g. "time per call". */
  axisLabel: string
  /** Drawn in order: the baseline first puts the current series on top. */
  series: readonly DistributionSeries[]
}

/**
 * Overlaid histograms of per-call times on one shared time axis (logarithmic when the times
 * span more than {@link LOG_AXIS_MIN_SPREAD}×), each with its median as a vertical line, and a
 * legend. A message chart when no series has a value to draw.
 */
export function distributionChart(input: DistributionChartInput): string {
  const series = input.series.map((s) => ({
    ...s,
    valuesNs: s.valuesNs.filter((v) => v > 0 && Number.isFinite(v)),
  }))
  const all = series.flatMap((s) => s.valuesNs)
  if (all.length === 0) return messageChart(input.title, 'no raw batch times to draw')
  const lo = Math.min(...all)
  const hi = Math.max(...all)
  const kind: Axis['kind'] = hi / lo > LOG_AXIS_MIN_SPREAD ? 'log' : 'linear'
  const x: Axis = { kind, domain: paddedDomain(lo, hi, kind), range: [PLOT.x0, PLOT.x1] }
  const largest = Math.max(...series.map((s) => s.valuesNs.length))
  const bins = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.round(2 * Math.cbrt(largest))))
  const binned = series.map((s) => histogram(s.valuesNs, lo, hi, bins, kind))
  const top = Math.max(...binned.flat().map((bin) => bin.share))
  const y: Axis = { kind: 'linear', domain: [0, top], range: [PLOT.y0, PLOT.y1 + 8] }
  const shapes = series.map((s, i) => {
    const outline = binned[i]!.flatMap((bin) => [
      `${px(project(x, bin.x0))},${px(project(y, bin.share))}`,
      `${px(project(x, bin.x1))},${px(project(y, bin.share))}`,
    ])
    const path = `M${px(project(x, lo))},${px(PLOT.y0)} L${outline.join(' L')} L${px(project(x, hi))},${px(PLOT.y0)} Z`
    const median =
      Number.isFinite(s.medianNs) && s.medianNs >= x.domain[0] && s.medianNs <= x.domain[1]
        ? `<line class="median ${s.className}" x1="${px(project(x, s.medianNs))}" x2="${px(project(x, s.medianNs))}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y1)}"><title>${escapeHtml(`${s.label}: median ${formatDuration(s.medianNs)}`)}</title></line>`
        : ''
    return `<path class="hist ${s.className}" d="${path}"><title>${escapeHtml(`${s.label}: ${s.valuesNs.length} batches`)}</title></path>${median}`
  })
  const yLabels =
    `<text class="tick" x="${px(PLOT.x0 - 6)}" y="${px(project(y, top) + 4)}" text-anchor="end">${escapeHtml(formatPercent(top))}</text>` +
    `<text class="tick" x="${px(PLOT.x0 - 6)}" y="${px(PLOT.y0 + 4)}" text-anchor="end">0</text>` +
    `<text class="axis-label" transform="translate(14 ${px((PLOT.y0 + PLOT.y1) / 2)}) rotate(-90)" text-anchor="middle">share of batches</text>`
  return svg(input.title, [
    legend(series.map((s) => ({ className: s.className, label: s.label }))),
    ...shapes,
    timeAxis(x, kind === 'log' ? logTicks(x.domain[0], x.domain[1]) : linearTicks(x.domain[0], x.domain[1])),
    yLabels,
    `<text class="axis-label" x="${px((PLOT.x0 + PLOT.x1) / 2)}" y="${px(CHART_HEIGHT - 6)}" text-anchor="middle">${escapeHtml(`${input.axisLabel}${kind === 'log' ? ' (log scale)' : ''}`)}</text>`,
  ])
}

/** One run's point in a history chart. */
export interface HistoryPoint {
  medianNs: number
  /** Interval of the median; drawn as an error bar when both ends are finite. */
  intervalNs: [number, number]
  /** Tooltip text, e.g. the run's date and id (plain text; escaped here). */
  label: string
}

/** Input of {@link historyChart}. */
export interface HistoryChartInput {
  /** What the chart shows, for screen readers and as its tooltip. */
  title: string
  /** One entry per run, oldest first; null where the run did not measure this bench. */
  points: readonly (HistoryPoint | null)[]
  /** The baseline's median, drawn as a dashed reference line when finite. */
  baselineMedianNs?: number
}

/**
 * The median of each run with its interval as an error bar, joined by a line that breaks where
 * a run has no finite median, and the baseline's median as a dashed line. A message chart when
 * there is no finite median to draw.
 */
export function historyChart(input: HistoryChartInput): string {
  const points = input.points.map((p) => (p !== null && Number.isFinite(p.medianNs) ? p : null))
  const drawn = points.filter((p) => p !== null)
  if (drawn.length === 0) {
    return messageChart(
      input.title,
      input.points.length === 0
        ? 'no runs in the log'
        : input.points.some((p) => p !== null)
          ? 'no finite median in the log'
          : 'not measured in any run in the log',
    )
  }
  const baseline =
    input.baselineMedianNs !== undefined && Number.isFinite(input.baselineMedianNs)
      ? input.baselineMedianNs
      : undefined
  const values = [
    ...drawn.flatMap((p) => [p.medianNs, ...p.intervalNs.filter(Number.isFinite)]),
    ...(baseline === undefined ? [] : [baseline]),
  ]
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const y: Axis = { kind: 'linear', domain: paddedDomain(lo, hi, 'linear'), range: [PLOT.y0, PLOT.y1] }
  const n = points.length
  const x: Axis = { kind: 'linear', domain: [-0.5, n - 0.5], range: [PLOT.x0, PLOT.x1] }

  const segments: string[][] = [[]]
  points.forEach((p, i) => {
    if (p === null) segments.push([])
    else segments.at(-1)!.push(`${px(project(x, i))},${px(project(y, p.medianNs))}`)
  })
  const lines = segments
    .filter((s) => s.length > 1)
    .map((s) => `<polyline class="trend now" points="${s.join(' ')}"/>`)
  const marks = points.map((p, i) => {
    if (p === null) return ''
    const cx = px(project(x, i))
    const [ciLo, ciHi] = p.intervalNs
    const bar =
      Number.isFinite(ciLo) && Number.isFinite(ciHi)
        ? `<path class="error-bar now" d="M${cx},${px(project(y, ciLo))} V${px(project(y, ciHi))} M${px(project(x, i) - 4)},${px(project(y, ciLo))} h8 M${px(project(x, i) - 4)},${px(project(y, ciHi))} h8"/>`
        : ''
    return `<g class="point">${bar}<circle class="dot now" cx="${cx}" cy="${px(project(y, p.medianNs))}" r="3.5"/><title>${escapeHtml(p.label)}</title></g>`
  })
  const reference =
    baseline === undefined
      ? ''
      : `<line class="reference baseline" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(project(y, baseline))}" y2="${px(project(y, baseline))}"><title>${escapeHtml(`baseline median ${formatDuration(baseline)}`)}</title></line>`
  // At most about eight run numbers on the axis, always the latest one.
  const every = Math.max(1, Math.ceil(n / 8))
  const labelled = points.map((_, i) => i).filter((i) => i % every === 0)
  if (n - 1 - labelled.at(-1)! >= every / 2) labelled.push(n - 1)
  const xTicks = labelled.map(
    (i) =>
      `<text class="tick" x="${px(project(x, i))}" y="${px(PLOT.y0 + 16)}" text-anchor="middle">#${i + 1}</text>`,
  )
  return svg(input.title, [
    legend([
      { className: 'now', label: 'median of each run, with its interval' },
      ...(baseline === undefined ? [] : [{ className: 'baseline' as const, label: 'baseline median' }]),
    ]),
    gridY(y, linearTicks(y.domain[0], y.domain[1], 4)),
    reference,
    ...lines,
    ...marks,
    `<line class="axis" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0)}"/>`,
    ...xTicks,
    `<text class="axis-label" x="${px((PLOT.x0 + PLOT.x1) / 2)}" y="${px(CHART_HEIGHT - 6)}" text-anchor="middle">run, oldest to latest</text>`,
  ])
}

/** A chart-sized box with a message in place of a chart, so every bench keeps its layout. */
export function messageChart(title: string, message: string): string {
  return svg(title, [
    `<rect class="empty" x="${px(PLOT.x0)}" y="${px(PLOT.y1)}" width="${px(PLOT.x1 - PLOT.x0)}" height="${px(PLOT.y0 - PLOT.y1)}" rx="6"/>`,
    `<text class="message" x="${px((PLOT.x0 + PLOT.x1) / 2)}" y="${px((PLOT.y0 + PLOT.y1) / 2 + 4)}" text-anchor="middle">${escapeHtml(message)}</text>`,
  ])
}

function svg(title: string, parts: readonly string[]): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
}

function legend(entries: readonly { className: 'now' | 'baseline'; label: string }[]): string {
  let xAt: number = PLOT.x0
  return entries
    .map(({ className, label }) => {
      const entry = `<rect class="swatch ${className}" x="${px(xAt)}" y="10" width="12" height="12" rx="2"/><text class="legend" x="${px(xAt + 18)}" y="20">${escapeHtml(label)}</text>`
      // Legend text is short and in a system font: about 6.5 px a character is close enough.
      xAt += 18 + label.length * 6.5 + 20
      return entry
    })
    .join('')
}

/** The time axis: a line, tick marks and duration labels. */
function timeAxis(x: Axis, ticks: readonly number[]): string {
  const marks = ticks
    .filter((t) => t >= x.domain[0] && t <= x.domain[1])
    .map((t) => {
      const at = px(project(x, t))
      return `<line class="tick-mark" x1="${at}" x2="${at}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0 + 4)}"/><text class="tick" x="${at}" y="${px(PLOT.y0 + 16)}" text-anchor="middle">${escapeHtml(formatDuration(t))}</text>`
    })
  return `<line class="axis" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0)}"/>${marks.join('')}`
}

/** Horizontal grid lines with duration labels on the left. */
function gridY(y: Axis, ticks: readonly number[]): string {
  return ticks
    .map((t) => {
      const at = px(project(y, t))
      return `<line class="grid" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${at}" y2="${at}"/><text class="tick" x="${px(PLOT.x0 - 6)}" y="${px(project(y, t) + 4)}" text-anchor="end">${escapeHtml(formatDuration(t))}</text>`
    })
    .join('')
}

/**
 * [lo, hi] widened a little so nothing sits on the frame: by 6% of the span (in log space for a
 * log axis), by 10% of the value when all values are equal, and never below 0 for times.
 */
function paddedDomain(lo: number, hi: number, kind: Axis['kind']): [number, number] {
  if (kind === 'log') {
    const factor = (hi / lo) ** 0.06
    return [lo / factor, hi * factor]
  }
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.abs(lo) * 0.1 || 1
  return [Math.max(0, lo - pad), hi + pad]
}

/** The chart frame and coordinate format, for charts drawn in other files (breaking-point-report.ts). */
export { px as svgCoordinate, svg as chartSvg }

/** A pixel coordinate for an attribute: one decimal. Drawing code filters non-finite data first. */
function px(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`perfgate internal error: SVG coordinate ${value}`)
  return String(Math.round(value * 10) / 10)
}

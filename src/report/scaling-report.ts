import type { BudgetStatus } from '../budget/verdict.js'
import type { VerifyEventOf } from '../log/verify-event.js'
import { escapeHtml, escapeMarkdown } from './escape.js'
import { budgetVerdict, showDuration, type VerdictText } from './report-text.js'
import {
  type Axis,
  CHART_HEIGHT,
  chartSvg,
  logTicks,
  messageChart,
  plotArea,
  project,
  svgCoordinate as px,
} from './svg-charts.js'

/*
 * Scaling measurements in the reports: a log–log plot of time per call against input size, with
 * the fitted line and, from the same starting point, the line the claimed class would follow and
 * the limit the claim allows; a table of the medians; a Markdown row per measurement. Rebuilt
 * from the `scaling` event alone.
 */

/** A scaling measurement as the reports show it; numbers the log lost are NaN. */
export interface ReportScaling {
  name: string
  exponent: number
  interval: [number, number]
  confidence: number
  logInterceptNs: number
  largest: { sizes: number[]; exponent: number; interval: [number, number] }
  points: { size: number; medianNs: number; quartilesNs: [number, number] }[]
  rounds: number
  /** The claimed class and what it allows; null when nothing was claimed (measureScaling alone). */
  claim: string | null
  claimedExponent: number
  limitExponent: number
  tolerance: number
  status: BudgetStatus | null
  negated: boolean
  closest: string | null
  betterThanClaimed: string | null
  reason: string | null
}

const num = (value: number | null): number => value ?? Number.NaN
const pair = (values: readonly (number | null)[]): [number, number] => [num(values[0]!), num(values[1]!)]

/** The report's view of a `scaling` event. */
export function scalingFromEvent(event: VerifyEventOf<'scaling'>): ReportScaling {
  return {
    name: event.name,
    exponent: num(event.value),
    interval: pair(event.interval),
    confidence: num(event.confidence),
    logInterceptNs: num(event.logInterceptNs),
    largest: {
      sizes: [...event.largest.sizes],
      exponent: num(event.largest.exponent),
      interval: pair(event.largest.interval),
    },
    points: event.points.map((p) => ({
      size: p.size,
      medianNs: num(p.medianNs),
      quartilesNs: pair(p.quartilesNs),
    })),
    rounds: event.rounds,
    claim: event.claim,
    claimedExponent: num(event.claimedExponent),
    limitExponent: event.budget === null ? Number.NaN : event.budget.value,
    tolerance: num(event.tolerance),
    status: event.verdict,
    negated: event.negated,
    closest: event.closest,
    betterThanClaimed: event.betterThanClaimed,
    reason: event.reason,
  }
}

/** The verdict as words and a tone; a measurement without a claim is neutral. */
export function scalingVerdict(s: Pick<ReportScaling, 'status' | 'negated'>): VerdictText {
  if (s.status === null) return { text: 'no claim', tone: 'neutral' }
  return budgetVerdict({ budgetStatus: s.status, negated: s.negated })
}

/** `n^1.98 (1.95–2.01)`, `—` for what the log lost. */
export function exponentText(s: Pick<ReportScaling, 'exponent' | 'interval'>): string {
  if (!Number.isFinite(s.exponent)) return '—'
  const [lo, hi] = s.interval
  const interval = Number.isFinite(lo) && Number.isFinite(hi) ? ` (${lo.toFixed(2)}–${hi.toFixed(2)})` : ''
  return `n^${s.exponent.toFixed(2)}${interval}`
}

/** `'linear' (≤ n^1.50)`, or `—` without a claim. */
export function claimText(s: Pick<ReportScaling, 'claim' | 'limitExponent'>): string {
  if (s.claim === null) return '—'
  return `'${s.claim}'${Number.isFinite(s.limitExponent) ? ` (≤ n^${s.limitExponent.toFixed(2)})` : ''}`
}

const PLOT = plotArea(72)

const positive = (v: number) => Number.isFinite(v) && v > 0

/**
 * Time per call against size, both axes logarithmic, so a power law is a straight line whose
 * slope is its exponent. Each size's median is a dot with a bar over the middle half of its
 * rounds; the fitted line runs across the sizes; from the fitted time at the smallest size, a
 * dashed line shows the claimed class's slope and a red one the limit the claim allows, so a
 * fitted line that climbs above the red one has outgrown its claim.
 */
export function scalingChart(s: ReportScaling): string {
  const title = `${s.name}: time per call against input size (log–log)`
  const points = s.points.filter((p) => p.size > 0 && positive(p.medianNs))
  if (points.length < 2) return messageChart(title, 'too few sizes with a time to draw')
  const sizes = points.map((p) => p.size)
  const [nLo, nHi] = [Math.min(...sizes), Math.max(...sizes)]
  const fitted = (n: number) => Math.exp(s.logInterceptNs + s.exponent * Math.log(n))
  const hasFit = Number.isFinite(s.exponent) && Number.isFinite(s.logInterceptNs)
  // The claim's lines start where the fitted line does, at the smallest size.
  const start = hasFit ? fitted(nLo) : points[0]!.medianNs
  const along = (exponent: number) => (n: number) => start * (n / nLo) ** exponent
  const references = [
    {
      className: 'claimed',
      exponent: s.claimedExponent,
      label: `'${s.claim}' n^${s.claimedExponent.toFixed(2)}`,
    },
    { className: 'limit', exponent: s.limitExponent, label: `limit n^${s.limitExponent.toFixed(2)}` },
  ].filter((r) => s.claim !== null && Number.isFinite(r.exponent))

  const times = [
    ...points.flatMap((p) => [p.medianNs, ...p.quartilesNs]),
    ...(hasFit ? [fitted(nLo), fitted(nHi)] : []),
    ...references.map((r) => along(r.exponent)(nHi)),
  ].filter(positive)
  const [tLo, tHi] = [Math.min(...times), Math.max(...times)]
  const x: Axis = { kind: 'log', domain: [nLo / 1.25, nHi * 1.25], range: [PLOT.x0, PLOT.x1] }
  const y: Axis = {
    kind: 'log',
    domain: tHi > tLo ? [tLo / 1.3, tHi * 1.3] : [tLo / 2, tLo * 2],
    range: [PLOT.y0, PLOT.y1],
  }
  const at = (n: number, t: number) => `${px(project(x, n))},${px(project(y, t))}`
  const segment = (className: string, f: (n: number) => number, label: string) =>
    `<polyline class="${className}" points="${at(nLo, f(nLo))} ${at(nHi, f(nHi))}"><title>${escapeHtml(label)}</title></polyline>`

  const yTicks = logTicks(y.domain[0], y.domain[1])
    .map((t) => {
      const yAt = px(project(y, t))
      return `<line class="grid" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${yAt}" y2="${yAt}"/><text class="tick" x="${px(PLOT.x0 - 6)}" y="${px(project(y, t) + 4)}" text-anchor="end">${escapeHtml(showDuration(t))}</text>`
    })
    .join('')
  const xTicks = sizes
    .map((n) => {
      const xAt = px(project(x, n))
      return `<line class="tick-mark" x1="${xAt}" x2="${xAt}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0 + 4)}"/><text class="tick" x="${xAt}" y="${px(PLOT.y0 + 16)}" text-anchor="middle">${escapeHtml(n.toLocaleString('en-US'))}</text>`
    })
    .join('')
  const lines = [
    ...references.map((r) => segment(`scaling-${r.className}`, along(r.exponent), r.label)),
    hasFit ? segment('scaling-fit', fitted, `fitted: ${exponentText(s)}`) : '',
  ].join('')
  const dots = points
    .map((p) => {
      const [q1, q3] = p.quartilesNs
      const bar =
        positive(q1) && positive(q3)
          ? `<line class="error-bar now" x1="${px(project(x, p.size))}" x2="${px(project(x, p.size))}" y1="${px(project(y, q1))}" y2="${px(project(y, q3))}"/>`
          : ''
      return `${bar}<circle class="dot now" cx="${px(project(x, p.size))}" cy="${px(project(y, p.medianNs))}" r="4"><title>${escapeHtml(`size ${p.size.toLocaleString('en-US')}: median ${showDuration(p.medianNs)} per call (middle half of rounds ${showDuration(q1)}–${showDuration(q3)})`)}</title></circle>`
    })
    .join('')
  const legendItems = [
    { className: 'scaling-fit', label: hasFit ? `fitted n^${s.exponent.toFixed(2)}` : 'no fit' },
    ...references.map((r) => ({ className: `scaling-${r.className}`, label: r.label })),
  ]
  const legend = legendItems
    .map(
      (item, i) =>
        `<line class="${item.className}" x1="${px(PLOT.x0 + i * 150)}" x2="${px(PLOT.x0 + i * 150 + 18)}" y1="16" y2="16"/><text class="legend" x="${px(PLOT.x0 + i * 150 + 24)}" y="20">${escapeHtml(item.label)}</text>`,
    )
    .join('')
  return chartSvg(title, [
    legend,
    yTicks,
    lines,
    dots,
    `<line class="axis" x1="${px(PLOT.x0)}" x2="${px(PLOT.x1)}" y1="${px(PLOT.y0)}" y2="${px(PLOT.y0)}"/>`,
    xTicks,
    `<text class="axis-label" transform="translate(14 ${px((PLOT.y0 + PLOT.y1) / 2)}) rotate(-90)" text-anchor="middle">time per call</text>`,
    `<text class="axis-label" x="${px((PLOT.x0 + PLOT.x1) / 2)}" y="${px(CHART_HEIGHT - 6)}" text-anchor="middle">input size n</text>`,
  ])
}

/** The HTML section of every scaling measurement of a run; '' when there is none. */
export function scalingsHtml(scalings: readonly ReportScaling[]): string {
  if (scalings.length === 0) return ''
  const sections = scalings.map((s) => {
    const verdict = scalingVerdict(s)
    const rows = s.points
      .map(
        (p) =>
          `<tr><td class="num">${escapeHtml(p.size.toLocaleString('en-US'))}</td><td class="num">${escapeHtml(showDuration(p.medianNs))}</td></tr>`,
      )
      .join('\n')
    const caption = [
      `exponent ${exponentText(s)} at ${Number.isFinite(s.confidence) ? `${Math.round(s.confidence * 100)}%` : '—'} confidence over ${s.rounds} rounds`,
      s.claim === null ? 'no claim judged' : `claim ${claimText(s)}: ${s.reason ?? verdict.text}`,
      s.closest !== null && s.closest !== s.claim ? `closest class '${s.closest}'` : '',
      s.betterThanClaimed !== null ? `scales better than claimed: meets '${s.betterThanClaimed}' too` : '',
    ].filter((part) => part !== '')
    return `<section class="scaling">
<h3><span class="name">${escapeHtml(s.name)}</span> <span class="badge ${verdict.tone}">${escapeHtml(`${claimText(s)} ${verdict.text}`)}</span></h3>
<div class="charts"><figure>${scalingChart(s)}<figcaption>${escapeHtml(caption.join('; '))}</figcaption></figure>
<table class="scaling-points"><thead><tr><th>size</th><th>median per call</th></tr></thead><tbody>
${rows}
</tbody></table></div>
</section>`
  })
  return `<section class="scalings"><h2>Scaling</h2>
${sections.join('\n')}
</section>`
}

/** The Markdown table of every scaling measurement of a run; '' when there is none. */
export function scalingsMarkdown(scalings: readonly ReportScaling[]): string {
  if (scalings.length === 0) return ''
  const rows = scalings.map((s) =>
    [
      escapeMarkdown(s.name),
      escapeMarkdown(exponentText(s)),
      escapeMarkdown(claimText(s)),
      escapeMarkdown(s.points.map((p) => p.size.toLocaleString('en-US')).join(', ')),
      escapeMarkdown(scalingVerdict(s).text),
    ].join(' | '),
  )
  return [
    '| scaling | exponent (interval) | claim | sizes | verdict |',
    '| :-- | :-- | :-- | :-- | :-- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n')
}

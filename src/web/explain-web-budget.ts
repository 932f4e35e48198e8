import type { BudgetExplanation } from '../budget/explain-budget.js'
import { formatPercent, formatRatio } from '../budget/format.js'
import { BOUND_OP_TEXT } from '../budget/parse-bound.js'
import { describeSource } from '../budget/verdict.js'
import type { WebBudgetVerdict, WebMetricVerdict } from './evaluate-web-budget.js'
import { formatProfile, formatWebValue } from './format-web-value.js'
import type { WebResult } from './types.js'

/**
 * What to look at when a metric is over its budget: the usual causes, in the words of the
 * Lighthouse audits that find them, so the next step is a search away.
 */
const METRIC_ADVICE: Readonly<Record<string, string>> = {
  LCP: 'LCP: the largest element painted late. Look for render-blocking scripts and styles in <head>, a large or lazily loaded hero image (compress it, give it fetchpriority="high"), and slow server responses.',
  FCP: 'FCP: nothing painted for a long time. Defer or inline what blocks rendering (scripts without async/defer, large stylesheets) and check TTFB.',
  TBT: 'TBT: long tasks kept the main thread busy. Split long scripts, defer work that is not needed for the first view, and remove unused JavaScript.',
  INP: 'INP: the page answered an interaction slowly. Shorten the event handler, yield to the browser (await scheduler.yield() or setTimeout) before heavy work, and avoid forced layouts.',
  CLS: 'CLS: content moved after it was shown. Give images and embeds width and height (or aspect-ratio), and reserve space for late content.',
  TTFB: 'TTFB: the server answered slowly. Profile the request on the server, cache the response, or serve it from closer.',
  performance:
    'performance: the Lighthouse score is built from FCP, LCP, TBT, CLS and Speed Index; fix the metric with the largest deficit (see the metric values above and the report).',
  'total-blocking-time':
    'total-blocking-time: split long scripts, defer work that is not needed for the first view, and remove unused JavaScript.',
  'largest-contentful-paint':
    'largest-contentful-paint: look for render-blocking resources and a large or late hero image.',
}

/**
 * Explain a web budget verdict: each deciding metric with its aggregated value, every run's
 * value and the limit; how and where the page was measured; where the budget came from; and
 * what usually makes that metric slow.
 */
export function explainWebBudget(verdict: WebBudgetVerdict, result: WebResult): BudgetExplanation {
  const deciding = verdict.metrics.filter((m) => m.status === verdict.status)
  const headlines = deciding.map((m) => headline(verdict, m))
  const values = verdict.metrics.map((m) =>
    m.actual === null ? `${m.metric} not measured` : `${m.metric} ${formatWebValue(m.unit, m.actual)}`,
  )
  const context = [
    ...values,
    `${verdict.runs} ${verdict.runs === 1 ? 'run' : 'runs'}`,
    formatProfile(result.profile),
    result.url,
    `${result.tool.name} ${result.tool.version}`,
    result.browser.version,
  ]
  const limits = verdict.metrics.map(
    (m) => `${m.metric} ${BOUND_OP_TEXT[m.limit.op]} ${formatWebValue(m.unit, m.limit.value)}`,
  )
  return {
    headlines,
    received: `Received: ${context.join(' · ')}`,
    expected: `Expected: ${limits.join(', ')} (${describeSource(verdict.source)})`,
    advice: advice(verdict, deciding),
  }
}

function headline(verdict: WebBudgetVerdict, m: WebMetricVerdict): string {
  const upper = m.limit.op === '<' || m.limit.op === '<='
  const strict = m.limit.op === '<' || m.limit.op === '>' ? `${BOUND_OP_TEXT[m.limit.op]} ` : ''
  const budget = `its ${strict}${formatWebValue(m.unit, m.limit.value)} ${upper ? 'budget' : 'minimum'}`
  if (m.actual === null) {
    return `"${verdict.name}" ${m.metric} was not measured (${m.reason}), so this run cannot tell whether it is ${upper ? 'within' : 'above'} ${budget}.`
  }
  const measured = `"${verdict.name}" ${m.metric} is ${formatWebValue(m.unit, m.actual)}${runsText(verdict, m)}`
  if (m.status === 'pass') {
    const beyond =
      m.runsBeyond > 0
        ? `; ${m.runsBeyond} of ${m.runs.length} runs ${m.runsBeyond === 1 ? 'was' : 'were'} ${upper ? 'over' : 'under'} on ${m.runsBeyond === 1 ? 'its' : 'their'} own`
        : ''
    const headroom =
      m.margin !== null && Number.isFinite(m.margin) ? ` (${formatPercent(m.margin)} headroom)` : ''
    return `${measured}, ${upper ? 'within' : 'above'} ${budget}${headroom}${beyond}.`
  }
  // Past double the budget a ratio reads better than "160% over"; a zero limit has neither.
  if (upper && m.limit.value > 0 && m.actual >= 2 * m.limit.value) {
    return `${measured}, ${formatRatio(m.actual / m.limit.value)} ${budget}.`
  }
  if (m.margin === null || !Number.isFinite(m.margin))
    return `${measured}, ${upper ? 'over' : 'under'} ${budget}.`
  return `${measured}, ${formatPercent(-m.margin)} ${upper ? 'over' : 'under'} ${budget}.`
}

/** ` (median of 3 runs: 2.98 s, 3.12 s, 3.40 s)`; nothing for a single run. */
function runsText(verdict: WebBudgetVerdict, m: WebMetricVerdict): string {
  if (m.runs.length <= 1) return ''
  const values = m.runs.map((v) => (v === null ? '—' : formatWebValue(m.unit, v)))
  return ` (${verdict.aggregation} of ${m.runs.length} runs: ${values.join(', ')})`
}

function advice(verdict: WebBudgetVerdict, deciding: readonly WebMetricVerdict[]): string[] {
  const where = verdict.source.kind === 'inline' ? 'the inline budget' : describeSource(verdict.source)
  if (verdict.status === 'fail') {
    const hints = deciding
      .map((m) => METRIC_ADVICE[m.metric.replace(/\.score$/, '')])
      .filter((h) => h !== undefined)
    return [...new Set(hints), `Make the page faster; or, if the new cost is accepted, change ${where}.`]
  }
  if (verdict.status === 'inconclusive') {
    return [
      'A metric no run produced cannot pass: make sure the page shows content (LCP, FCP) and, for INP, that the interaction reaches an element with a handler (perf.vitals(page, { interact })).',
    ]
  }
  return []
}

/** The explanation as one message, in the same layout as bench budget messages. */
export { formatBudgetMessage as formatWebBudgetMessage } from '../budget/explain-budget.js'

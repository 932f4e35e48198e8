import { keysNaming } from '../budget/find-bench-budget.js'
import { formatPercent } from '../budget/format.js'
import { type EventContext, regressionEvent, type VerifyEvent } from '../log/verify-event.js'
import { formatWebValue } from '../web/format-web-value.js'
import { isGuardedMetric } from '../web/guarded-metrics.js'
import type { WebResult, WebUnit } from '../web/types.js'
import type { BaselineFile } from './baseline-file.js'
import { type BaselinePage, pageKey } from './baseline-pages.js'

/*
 * The regression guard for web pages. A page is loaded only a few times per run, so the bench
 * guard's interval from hundreds of batches has no counterpart here. The rule instead asks for two
 * things at once:
 *
 * 1. the aggregate (median) moved the bad way by more than the threshold, and by more than a
 *    floor per unit that keeps tiny absolute changes (TTFB from 3 to 5 ms on loopback) out; and
 * 2. the runs do not overlap: every run now is worse than every run of the baseline. Without a
 *    change that happens by chance with probability 1/C(n+m, n): 1 in 20 for 3 runs against 3,
 *    1 in 252 for 5 against 5 (the exact Mann–Whitney p-value of complete separation).
 *
 * Only the metrics people budget are guarded (guarded-metrics.ts), not every number Lighthouse
 * reports: a hundred metrics at 1 in 20 would always find something.
 */

/**
 * Smallest change that counts, per unit, whatever the threshold says: 10 ms of time, 0.01 of a
 * score or of CLS, one request. Sizes have no floor: they are exact.
 */
export const WEB_CHANGE_FLOORS: Readonly<Record<WebUnit, number>> = {
  ms: 10,
  score: 0.01,
  unitless: 0.01,
  count: 1,
  bytes: 0,
}

/** The verdict on one metric of one page against its baseline. */
export interface PageRegressionVerdict {
  /** The page's key in the baseline: `home [web-vitals, desktop]`. */
  page: string
  name: string
  metric: string
  unit: WebUnit
  status: 'regressed' | 'improved' | 'unchanged' | 'inconclusive'
  /** Aggregates now and in the baseline. */
  value: number
  baseline: number
  /** Relative change (value − baseline) / baseline; for scores, a drop is negative. */
  delta: number
  runs: number[]
  baselineRuns: number[]
  /** Chance of runs this separated without a change (exact, one-sided); 1 when they overlap. */
  pValue: number
  threshold: number
  /** Where a threshold of the page's own came from (`regression.pages["checkout*"].metrics.INP in package.json`); absent for the suite's. */
  thresholdSource?: string
  /** One sentence with the numbers. */
  reason: string
}

/** A page's thresholds of its own (regression.pages), as fractions. */
export interface PageThresholds {
  threshold?: number
  metrics?: Readonly<Record<string, number>>
}

/** Options of {@link checkPages} beyond the suite threshold. */
export interface PagesCheckOptions {
  /** Thresholds of their own by page name (* globs allowed): regression.pages. */
  pageThresholds?: Readonly<Record<string, PageThresholds>>
  /** The config file they came from, as reasons should name it ('package.json'). */
  configFile?: string
}

/** What the web guard found. */
export interface PagesCheck {
  verdicts: PageRegressionVerdict[]
  /** Pages measured now that the baseline does not have. */
  noBaseline: string[]
  /** Pages whose profile or tool version changed since the baseline: not compared. */
  changed: { page: string; why: string }[]
}

/**
 * Check each page's guarded metrics against the baseline. Pure.
 *
 * @param threshold - Relative change below which nothing counts (regression.threshold), for
 *   the metrics `options.pageThresholds` gives no threshold of their own.
 */
export function checkPages(
  results: readonly WebResult[],
  baseline: BaselineFile,
  threshold: number,
  options: PagesCheckOptions = {},
): PagesCheck {
  const check: PagesCheck = { verdicts: [], noBaseline: [], changed: [] }
  for (const result of results) {
    const key = pageKey(result)
    const stored = baseline.pages?.[key]
    if (stored === undefined) {
      check.noBaseline.push(key)
      continue
    }
    const why = incomparable(result, stored)
    if (why !== undefined) {
      check.changed.push({ page: key, why })
      continue
    }
    for (const [metric, series] of Object.entries(result.metrics)) {
      const before = stored.metrics[metric]
      if (!isGuardedMetric(metric) || before === undefined || before.unit !== series.unit) continue
      const own = pageThresholdFor(result.name, metric, options)
      check.verdicts.push(
        judge(
          key,
          result.name,
          metric,
          series.unit,
          series,
          before,
          own?.threshold ?? threshold,
          own?.source,
        ),
      )
    }
  }
  return check
}

/**
 * The threshold of its own of one metric of a page, and where it came from; undefined when
 * regression.pages gives none. The keys naming the page are read in order, the exact name first,
 * then globs from the most specific: the first that has a threshold for this metric (`metrics`)
 * gives it, else the first with a page-wide `threshold`. So `"*": { "threshold": "10%" }` still
 * covers the metrics `"home": { "metrics": { "LCP": "20%" } }` leaves out.
 */
export function pageThresholdFor(
  page: string,
  metric: string,
  options: PagesCheckOptions,
): { threshold: number; source: string } | undefined {
  const byName = options.pageThresholds ?? {}
  const keys = keysNaming(page, byName)
  const inFile = options.configFile === undefined ? '' : ` in ${options.configFile}`
  const where = (key: string) => `regression.pages[${JSON.stringify(key)}]`
  const forMetric = keys.find((key) => byName[key]!.metrics?.[metric] !== undefined)
  if (forMetric !== undefined)
    return {
      threshold: byName[forMetric]!.metrics![metric]!,
      source: `${where(forMetric)}.metrics.${metric}${inFile}`,
    }
  const forPage = keys.find((key) => byName[key]!.threshold !== undefined)
  if (forPage !== undefined)
    return { threshold: byName[forPage]!.threshold!, source: `${where(forPage)}.threshold${inFile}` }
  return undefined
}

function incomparable(result: WebResult, stored: BaselinePage): string | undefined {
  if (JSON.stringify(result.profile) !== JSON.stringify(stored.profile)) {
    return `its profile changed (${stored.profile.name} settings differ)`
  }
  const major = (v: string) => v.split('.')[0]
  if (major(result.tool.version) !== major(stored.tool.version)) {
    return `${result.tool.name} changed from ${stored.tool.version} to ${result.tool.version}, whose metrics are computed differently`
  }
  return undefined
}

function judge(
  page: string,
  name: string,
  metric: string,
  unit: WebUnit,
  now: { runs: (number | null)[]; value: number | null },
  before: { runs: (number | null)[]; value: number | null },
  threshold: number,
  thresholdSource: string | undefined,
): PageRegressionVerdict {
  const runs = now.runs.filter((v): v is number => v !== null)
  const baselineRuns = before.runs.filter((v): v is number => v !== null)
  const value = now.value ?? Number.NaN
  const base = before.value ?? Number.NaN
  const common = {
    page,
    name,
    metric,
    unit,
    value,
    baseline: base,
    runs,
    baselineRuns,
    threshold,
    ...(thresholdSource === undefined ? {} : { thresholdSource }),
  }
  if (runs.length === 0 || baselineRuns.length === 0 || !Number.isFinite(value) || !Number.isFinite(base)) {
    return {
      ...common,
      status: 'inconclusive',
      delta: Number.NaN,
      pValue: 1,
      reason: `"${name}" ${metric} has no value ${runs.length === 0 ? 'now' : 'in the baseline'}, so it was not compared.`,
    }
  }
  // Scores get better upwards; everything else (times, sizes, counts, CLS) downwards.
  const worse = unit === 'score' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b
  const change = Math.abs(value - base)
  const delta =
    base === 0 ? (value === 0 ? 0 : Math.sign(value) * Number.POSITIVE_INFINITY) : (value - base) / base
  const beyond = change > WEB_CHANGE_FLOORS[unit] && (base === 0 || Math.abs(delta) > threshold)
  const separatedWorse = runs.every((v) => baselineRuns.every((b) => worse(v, b)))
  const separatedBetter = runs.every((v) => baselineRuns.every((b) => worse(b, v)))
  const pValue =
    separatedWorse || separatedBetter ? 1 / binomial(runs.length + baselineRuns.length, runs.length) : 1
  const shown = `${formatWebValue(unit, value)} against ${formatWebValue(unit, base)} in the baseline (${deltaText(delta)}; runs now ${list(unit, runs)}, baseline ${list(unit, baselineRuns)})`
  if (beyond && worse(value, base) && separatedWorse) {
    return {
      ...common,
      status: 'regressed',
      delta,
      pValue,
      reason: `"${name}" ${metric} is ${shown}: every run is worse than every baseline run, and the change is beyond the ${formatPercent(threshold)} threshold${thresholdSource === undefined ? '' : ` (${thresholdSource})`}.`,
    }
  }
  if (beyond && worse(base, value) && separatedBetter) {
    return { ...common, status: 'improved', delta, pValue, reason: `"${name}" ${metric} is ${shown}.` }
  }
  return { ...common, status: 'unchanged', delta, pValue, reason: `"${name}" ${metric} is ${shown}.` }
}

function deltaText(delta: number): string {
  if (!Number.isFinite(delta)) return delta > 0 ? 'up from 0' : 'down to 0'
  return `${delta >= 0 ? '+' : '−'}${formatPercent(Math.abs(delta))}`
}

function list(unit: WebUnit, values: readonly number[]): string {
  return values.map((v) => formatWebValue(unit, v)).join(', ')
}

function binomial(n: number, k: number): number {
  let result = 1
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i
  return result
}

/** The [VERIFY] `regression` event of a page metric: aggregates now and in the baseline. */
export function pageRegressionEvent(v: PageRegressionVerdict, context: EventContext): VerifyEvent {
  return regressionEvent(
    {
      // The page key, not just its name: the same page is measured by two tools and profiles.
      name: v.page,
      metric: v.metric,
      unit: v.unit,
      value: v.value,
      baseline: v.baseline,
      delta: v.delta,
      // No interval from a handful of page loads: the run's own spread, relative to the baseline.
      interval: [Math.min(...v.runs) / v.baseline - 1, Math.max(...v.runs) / v.baseline - 1],
      verdict: v.status,
      threshold: v.threshold,
      confidence: 1 - v.pValue,
      pValue: v.pValue,
    },
    context,
  )
}

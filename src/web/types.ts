import type { Environment } from '../env/types.js'

/**
 * Web metrics share one shape whichever tool measured them: a page was loaded `runs` times, each
 * metric has one value per run (null where that run could not produce it) and one aggregated
 * value that budgets are checked against. Vitals and Lighthouse results, their budgets, the
 * baseline and the [VERIFY] log all build on this.
 */

/** The Web Vitals perfgate collects in the page (web-vitals library, plus TBT from long tasks). */
export const VITAL_NAMES = ['LCP', 'FCP', 'CLS', 'INP', 'TTFB', 'TBT'] as const
export type VitalName = (typeof VITAL_NAMES)[number]

/**
 * Unit of a web metric's values. `ms` for times (the unit browsers and Lighthouse report in),
 * `score` for 0–1 Lighthouse scores, `bytes` for sizes, `count` for request counts, `unitless` for
 * CLS and the like.
 */
export type WebUnit = 'ms' | 'score' | 'bytes' | 'count' | 'unitless'

/** How the runs' values become the one value a budget is checked against. */
export const WEB_AGGREGATIONS = ['median', 'mean', 'min', 'max', 'p75'] as const
export type WebAggregation = (typeof WEB_AGGREGATIONS)[number]

/** Runs of a page when none are configured: medians of 3 (see docs/accuracy.md for why). */
export const DEFAULT_WEB_RUNS = 3
/** Aggregation when none is configured. */
export const DEFAULT_WEB_AGGREGATION: WebAggregation = 'median'

/** Network conditions applied through the DevTools protocol; null in a profile means unthrottled. */
export interface NetworkConditions {
  /** Added round-trip latency per request, ms. */
  latencyMs: number
  /** Download throughput, kilobits per second. */
  downloadKbps: number
  /** Upload throughput, kilobits per second. */
  uploadKbps: number
}

/**
 * A device and network profile. The same page's LCP differs tenfold between profiles, so the
 * profile is recorded with every value and a baseline is only compared within one profile.
 */
export interface WebProfile {
  /** "desktop", "mobile", or a custom name. */
  name: string
  viewport: { width: number; height: number }
  deviceScaleFactor: number
  /** Emulate a touch device with a mobile viewport meta behaviour. */
  mobile: boolean
  /** CPU slowdown factor through `Emulation.setCPUThrottlingRate`; 1 = none. */
  cpuSlowdown: number
  network: NetworkConditions | null
}

/** One metric across the runs of a page. */
export interface WebMetricSeries {
  unit: WebUnit
  /** One value per run, in run order; null where that run did not produce the metric. */
  runs: (number | null)[]
  /** The runs' non-null values aggregated (see WebResult.aggregation); null when no run had one. */
  value: number | null
  /** Why some or all runs have no value, e.g. "INP needs an interaction; none happened". */
  missing?: string
}

/** What measured a page. */
export interface WebTool {
  name: 'web-vitals' | 'lighthouse'
  version: string
}

/** The browser a page was measured in. */
export interface WebBrowser {
  /** Product string from the browser, e.g. "Chrome/156.0.8078.79" (Chromium says Chrome). */
  version: string
  executablePath: string
}

/** The result of measuring one page with one tool: every metric, every run. */
export interface WebResult {
  kind: 'web'
  /** Name of the page in reports: the budget's name, or the URL. */
  name: string
  url: string
  tool: WebTool
  browser: WebBrowser
  profile: WebProfile
  aggregation: WebAggregation
  /** How many times the page was loaded. */
  runs: number
  /**
   * Metrics by key. Vitals: "LCP", "FCP", "CLS", "INP", "TTFB", "TBT". Lighthouse: category ids
   * ("performance", unit score), audit ids with a numeric value ("largest-contentful-paint", ms),
   * audit scores ("largest-contentful-paint.score"), and resource summaries
   * ("resource-summary.script.size" in bytes, "resource-summary.script.count").
   */
  metrics: Record<string, WebMetricSeries>
  env: Environment
  /** ISO time the first run started. */
  startedAt: string
  /** Wall time of all runs, ms. */
  durationMs: number
}

/*
 * The page metrics the web regression guard checks against a baseline: the vitals, Lighthouse's
 * category scores and core timings, and resource sizes. Not every number Lighthouse reports: a
 * hundred metrics at 1 in 20 would always find something. The config validates per-metric
 * thresholds (regression.pages) against the same list.
 */

/** Metrics the web guard checks: the vitals, Lighthouse's category scores and core timings, and resource sizes. */
export function isGuardedMetric(key: string): boolean {
  return GUARDED.has(key) || RESOURCE_SUMMARY.test(key) || CATEGORY.test(key)
}

const GUARDED = new Set([
  'LCP',
  'FCP',
  'CLS',
  'INP',
  'TTFB',
  'TBT',
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
  'interactive',
])
// Lighthouse category ids: performance, accessibility, best-practices, seo (no dots, no digits).
const CATEGORY = /^(performance|accessibility|best-practices|seo|pwa)$/
const RESOURCE_SUMMARY = /^resource-summary\.[a-z-]+\.(size|count)$/

/** The guarded metrics as a config error lists them. */
export const GUARDED_METRIC_NAMES = `a metric the web guard checks: ${[...GUARDED].join(', ')}, a Lighthouse category (performance, accessibility, best-practices, seo, pwa) or resource-summary.<type>.size / .count`

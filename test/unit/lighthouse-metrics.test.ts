import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type LighthouseReport,
  lighthouseMetrics,
  summarizeRequests,
} from '../../src/web/lighthouse-metrics.js'

/*
 * Real Lighthouse 12.8.2 results, trimmed (test/fixtures/lighthouse/generate-fixture.ts wrote
 * them): a page with a stylesheet, two scripts, an image from a second host and an inline data:
 * image, audited in Chromium 156 with the desktop and mobile presets.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/lighthouse')
function fixture(preset: 'desktop' | 'mobile'): LighthouseReport {
  return JSON.parse(readFileSync(join(FIXTURES, `${preset}.lhr.json`), 'utf8')) as LighthouseReport
}

/** The resource summary keys only ("resource-summary.score" is the audit's own score). */
function summaryOf<T>(metrics: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(metrics).filter(([key]) => /^resource-summary\.[^.]+\.(size|count)$/.test(key)),
  )
}

describe('lighthouseMetrics', () => {
  const lhr = fixture('desktop')
  const metrics = lighthouseMetrics(lhr)

  it('gives each category its score', () => {
    expect(metrics.performance).toEqual({ unit: 'score', value: lhr.categories?.performance?.score })
  })

  it('gives each audit with a numeric value that value, in its unit', () => {
    expect(metrics['largest-contentful-paint']).toEqual({
      unit: 'ms',
      value: lhr.audits?.['largest-contentful-paint']?.numericValue,
    })
    expect(metrics['largest-contentful-paint']!.value).toBeGreaterThan(0)
    expect(metrics['cumulative-layout-shift']).toEqual({ unit: 'unitless', value: 0 })
    expect(metrics['total-byte-weight']?.unit).toBe('bytes')
    expect(metrics['dom-size']).toEqual({ unit: 'count', value: lhr.audits?.['dom-size']?.numericValue })
  })

  it('lists the numeric audits of a real desktop run with their units', () => {
    const numeric = Object.entries(metrics)
      .filter(([key]) => !key.endsWith('.score') && !(key in summaryOf(metrics)) && key !== 'performance')
      .map(([key, metric]) => `${key} (${metric.unit})`)
    expect(numeric).toMatchInlineSnapshot(`
      [
        "first-contentful-paint (ms)",
        "largest-contentful-paint (ms)",
        "speed-index (ms)",
        "total-blocking-time (ms)",
        "max-potential-fid (ms)",
        "cumulative-layout-shift (unitless)",
        "server-response-time (ms)",
        "interactive (ms)",
        "redirects (ms)",
        "mainthread-work-breakdown (ms)",
        "bootup-time (ms)",
        "uses-rel-preconnect (ms)",
        "network-rtt (ms)",
        "network-server-latency (ms)",
        "metrics (ms)",
        "uses-long-cache-ttl (bytes)",
        "total-byte-weight (bytes)",
        "offscreen-images (ms)",
        "render-blocking-resources (ms)",
        "unminified-css (ms)",
        "unminified-javascript (ms)",
        "unused-css-rules (ms)",
        "unused-javascript (ms)",
        "modern-image-formats (ms)",
        "uses-optimized-images (ms)",
        "uses-text-compression (ms)",
        "uses-responsive-images (ms)",
        "efficient-animated-content (ms)",
        "duplicated-javascript (ms)",
        "legacy-javascript (ms)",
        "dom-size (count)",
        "uses-http2 (ms)",
      ]
    `)
  })

  it('gives every audit a score key, null where Lighthouse gave none, saying why', () => {
    const audits = Object.keys(lhr.audits ?? {})
    expect(audits.length).toBeGreaterThan(50)
    for (const id of audits) expect(metrics[`${id}.score`]?.unit).toBe('score')
    expect(metrics['largest-contentful-paint.score']).toEqual({ unit: 'score', value: 1 })
    expect(metrics['first-meaningful-paint.score']).toEqual({
      unit: 'score',
      value: null,
      missing: '"first-meaningful-paint" does not apply to this page',
    })
  })

  it('sums requests by resource type from the resource-summary audit', () => {
    const summary = summaryOf(metrics)
    expect(summary['resource-summary.script.count']).toEqual({ unit: 'count', value: 2 })
    expect(summary['resource-summary.script.size']).toEqual({ unit: 'bytes', value: 400 })
    // The data: image is not a network request and favicon.ico is left out, as Lighthouse does.
    expect(summary['resource-summary.image.count']?.value).toBe(1)
    expect(summary['resource-summary.total.count']?.value).toBe(5)
    expect(summary['resource-summary.third-party.count']?.value).toBe(1)
    expect(Object.keys(summary)).toHaveLength(18)
  })

  it('derives the same summary from network-requests when the resource-summary audit is gone', () => {
    const { 'resource-summary': _dropped, ...audits } = lhr.audits ?? {}
    const derived = lighthouseMetrics({ ...lhr, audits })
    expect(summaryOf(derived)).toEqual(summaryOf(metrics))
  })

  it('leaves third-party out of a derived summary when the result lists no entities', () => {
    const items = lhr.audits?.['network-requests']?.details?.items ?? []
    const rows = summarizeRequests(items, undefined)
    expect(rows.map((row) => row.resourceType)).not.toContain('third-party')
    expect(rows.find((row) => row.resourceType === 'total')).toEqual({
      resourceType: 'total',
      transferSize: 1558,
      requestCount: 5,
    })
  })

  it('reads a mobile result the same way', () => {
    const mobile = lighthouseMetrics(fixture('mobile'))
    expect(mobile.performance?.unit).toBe('score')
    expect(mobile['largest-contentful-paint']?.unit).toBe('ms')
    // Simulated on a slow phone, the same page paints later than on desktop.
    expect(mobile['largest-contentful-paint']!.value!).toBeGreaterThan(
      metrics['largest-contentful-paint']!.value!,
    )
  })

  it('keeps a category without a score as null, and maps units Lighthouse does not use to unitless', () => {
    const odd = lighthouseMetrics({
      categories: { performance: { score: null } },
      audits: { 'made-up': { score: 0.5, numericValue: 3, numericUnit: 'furlong' } },
    })
    expect(odd).toEqual({
      performance: {
        unit: 'score',
        value: null,
        missing: 'Lighthouse gave the "performance" category no score',
      },
      'made-up': { unit: 'unitless', value: 3 },
      'made-up.score': { unit: 'score', value: 0.5 },
    })
  })

  it('says why an audit that errored has no score', () => {
    const errored = lighthouseMetrics({
      audits: { 'bf-cache': { score: null, scoreDisplayMode: 'error', errorMessage: 'Protocol timeout' } },
    })
    expect(errored['bf-cache.score']?.missing).toBe('"bf-cache" failed: Protocol timeout')
  })

  it('gives nothing for an empty result', () => {
    expect(lighthouseMetrics({})).toEqual({})
  })
})

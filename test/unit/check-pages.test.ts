import { describe, expect, it } from 'vitest'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import { checkPages, type PagesCheckOptions, pageThresholdFor } from '../../src/baseline/check-pages.js'
import { isGuardedMetric } from '../../src/web/guarded-metrics.js'
import type { WebUnit } from '../../src/web/types.js'
import { DESKTOP, webResult } from '../fixtures/web-results.js'

type Metrics = Record<string, { unit: WebUnit; runs: (number | null)[] }>

function check(
  before: Metrics,
  now: Metrics,
  tool: 'web-vitals' | 'lighthouse' = 'web-vitals',
  options: PagesCheckOptions = {},
) {
  const baseline = baselineFromResults('web', [], undefined, { webResults: [webResult(tool, before)] })
  return checkPages([webResult(tool, now)], baseline, 0.05, options)
}

describe('checkPages', () => {
  it('calls a metric regressed only when every run is worse than every baseline run and the median moved beyond the threshold', () => {
    const { verdicts } = check(
      { LCP: { unit: 'ms', runs: [1000, 1040, 980] }, FCP: { unit: 'ms', runs: [400, 410, 390] } },
      { LCP: { unit: 'ms', runs: [1300, 1280, 1350] }, FCP: { unit: 'ms', runs: [395, 420, 405] } },
    )
    expect(verdicts.map((v) => [v.metric, v.status])).toEqual([
      ['LCP', 'regressed'],
      ['FCP', 'unchanged'],
    ])
    const lcp = verdicts[0]!
    // 3 runs against 3, completely separated: 1 / C(6, 3).
    expect(lcp.pValue).toBeCloseTo(1 / 20, 10)
    expect(lcp.reason).toMatchInlineSnapshot(
      `""home" LCP is 1.30 s against 1.00 s in the baseline (+30%; runs now 1.30 s, 1.28 s, 1.35 s, baseline 1.00 s, 1.04 s, 980 ms): every run is worse than every baseline run, and the change is beyond the 5% threshold."`,
    )
  })

  it('does not call a separated change under the threshold or the unit floor a regression', () => {
    const { verdicts } = check(
      { LCP: { unit: 'ms', runs: [1000, 1001, 1002] }, TTFB: { unit: 'ms', runs: [2, 3, 2.5] } },
      { LCP: { unit: 'ms', runs: [1030, 1031, 1032] }, TTFB: { unit: 'ms', runs: [6, 7, 8] } },
    )
    // +3% is under 5%; TTFB tripled but by 4.5 ms, under the 10 ms floor.
    expect(verdicts.map((v) => v.status)).toEqual(['unchanged', 'unchanged'])
  })

  it('does not call overlapping runs a regression, however far the median moved', () => {
    const { verdicts } = check(
      { TBT: { unit: 'ms', runs: [100, 400, 120] } },
      { TBT: { unit: 'ms', runs: [300, 350, 90] } },
    )
    expect(verdicts[0]).toMatchObject({ status: 'unchanged', pValue: 1 })
  })

  it("judges a page by its own thresholds (regression.pages), a metric's before the page's, and says where they came from", () => {
    // LCP +25%, CLS +30%, FCP +12%: every run worse than every baseline run.
    const before: Metrics = {
      LCP: { unit: 'ms', runs: [1000, 1040, 980] },
      CLS: { unit: 'unitless', runs: [0.1, 0.1, 0.1] },
      FCP: { unit: 'ms', runs: [400, 410, 390] },
    }
    const now: Metrics = {
      LCP: { unit: 'ms', runs: [1250, 1260, 1240] },
      CLS: { unit: 'unitless', runs: [0.13, 0.13, 0.13] },
      FCP: { unit: 'ms', runs: [448, 450, 452] },
    }
    const statuses = (options: PagesCheckOptions) =>
      Object.fromEntries(check(before, now, 'web-vitals', options).verdicts.map((v) => [v.metric, v.status]))
    expect(statuses({})).toEqual({ LCP: 'regressed', CLS: 'regressed', FCP: 'regressed' })
    // The page's 20% covers FCP (+12%); LCP's own 30% covers it (+25%); CLS (+30%) is past 20%.
    const options: PagesCheckOptions = {
      pageThresholds: { 'ho*': { threshold: 0.2, metrics: { LCP: 0.3 } } },
      configFile: 'package.json',
    }
    expect(statuses(options)).toEqual({ LCP: 'unchanged', CLS: 'regressed', FCP: 'unchanged' })
    const cls = check(before, now, 'web-vitals', options).verdicts.find((v) => v.metric === 'CLS')!
    expect(cls.threshold).toBe(0.2)
    expect(cls.reason).toContain(
      'beyond the 20% threshold (regression.pages["ho*"].threshold in package.json).',
    )
    // A metric's own threshold wins over a page-wide one, whichever key gives it; among keys the
    // exact name comes first, then the most specific glob. A page no key names keeps the suite's.
    const layered = {
      pageThresholds: {
        '*': { threshold: 0.1 },
        'ho*': { threshold: 0.5, metrics: { INP: 0.6 } },
        home: { metrics: { CLS: 0.4, INP: 0.25 } },
      },
    }
    expect(pageThresholdFor('home', 'CLS', layered)).toEqual({
      threshold: 0.4,
      source: 'regression.pages["home"].metrics.CLS',
    })
    expect(pageThresholdFor('home', 'INP', layered)?.threshold).toBe(0.25)
    expect(pageThresholdFor('home', 'FCP', layered)).toEqual({
      threshold: 0.5,
      source: 'regression.pages["ho*"].threshold',
    })
    expect(pageThresholdFor('hotel', 'INP', layered)?.threshold).toBe(0.6)
    expect(pageThresholdFor('checkout', 'CLS', layered)?.threshold).toBe(0.1)
    const both = { pageThresholds: { home: { metrics: { CLS: 0.4 } } } }
    expect(pageThresholdFor('checkout', 'CLS', both)).toBeUndefined()
  })

  it('reads a lower score as worse, and a higher one as an improvement', () => {
    const { verdicts } = check(
      {
        performance: { unit: 'score', runs: [0.95, 0.96, 0.94] },
        seo: { unit: 'score', runs: [0.7, 0.7, 0.7] },
      },
      {
        performance: { unit: 'score', runs: [0.8, 0.82, 0.81] },
        seo: { unit: 'score', runs: [0.9, 0.9, 0.9] },
      },
      'lighthouse',
    )
    expect(verdicts.map((v) => [v.metric, v.status])).toEqual([
      ['performance', 'regressed'],
      ['seo', 'improved'],
    ])
  })

  it('guards only the metrics people budget, not every number Lighthouse reports', () => {
    expect(
      ['LCP', 'performance', 'total-blocking-time', 'resource-summary.script.size'].map(isGuardedMetric),
    ).toEqual([true, true, true, true])
    expect(
      ['dom-size', 'largest-contentful-paint.score', 'mainthread-work-breakdown'].map(isGuardedMetric),
    ).toEqual([false, false, false])
  })

  it('lists new pages, and does not compare across profiles or tool majors', () => {
    const baseline = baselineFromResults('web', [], undefined, {
      webResults: [webResult('web-vitals', { LCP: { unit: 'ms', runs: [1000] } })],
    })
    const mobile = webResult(
      'web-vitals',
      { LCP: { unit: 'ms', runs: [3000] } },
      { profile: { ...DESKTOP, cpuSlowdown: 4 } },
    )
    const newer = webResult(
      'web-vitals',
      { LCP: { unit: 'ms', runs: [3000] } },
      { tool: { name: 'web-vitals', version: '7.0.0' } },
    )
    const other = webResult('web-vitals', { LCP: { unit: 'ms', runs: [3000] } }, { name: 'pricing' })
    expect(checkPages([mobile], baseline, 0.05).changed[0]!.why).toMatchInlineSnapshot(
      `"its profile changed (desktop settings differ)"`,
    )
    expect(checkPages([newer], baseline, 0.05).changed[0]!.why).toMatchInlineSnapshot(
      `"web-vitals changed from 6.2.3 to 7.0.0, whose metrics are computed differently"`,
    )
    expect(checkPages([other], baseline, 0.05).noBaseline).toEqual(['pricing [web-vitals, desktop]'])
  })
})

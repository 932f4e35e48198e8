import { describe, expect, it } from 'vitest'
import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { parseConfig } from '../../src/config/load-config.js'
import { isPerfgateError } from '../../src/errors.js'
import { evaluateWebBudget, lighthouseLimits, vitalsLimits } from '../../src/web/evaluate-web-budget.js'
import { explainWebBudget } from '../../src/web/explain-web-budget.js'
import { formatWebValue } from '../../src/web/format-web-value.js'
import { parseLighthouseBudget, parseVitalsBudget } from '../../src/web/parse-web-budget.js'
import { slowVitals, webResult } from '../fixtures/web-results.js'

function message(result = slowVitals(), budget: unknown = { LCP: '2.5s', TBT: '200ms', CLS: 0.1 }) {
  const verdict = evaluateWebBudget(result, vitalsLimits(parseVitalsBudget(budget, 'toMeetBudget()')))
  return { verdict, text: formatBudgetMessage(explainWebBudget(verdict, result)) }
}

function lighthouse() {
  return webResult('lighthouse', {
    performance: { unit: 'score', runs: [0.71, 0.74, 0.69] },
    'largest-contentful-paint': { unit: 'ms', runs: [2400, 2600, 2500] },
    'largest-contentful-paint.score': { unit: 'score', runs: [0.8, 0.78, 0.79] },
    'total-blocking-time': { unit: 'ms', runs: [150, 180, 170] },
    'resource-summary.script.size': { unit: 'bytes', runs: [163_000, 163_000, 163_000] },
    'resource-summary.script.count': { unit: 'count', runs: [4, 4, 4] },
  })
}

describe('vitals budgets', () => {
  it('fails on the median of the runs, with every run, the limit and what to look at', () => {
    const { verdict, text } = message()
    expect(verdict.status).toBe('fail')
    expect(verdict.metrics.map((m) => [m.metric, m.status, m.actual])).toEqual([
      ['LCP', 'fail', 3120],
      ['CLS', 'pass', 0],
      ['TBT', 'fail', 512],
    ])
    expect(text).toMatchInlineSnapshot(`
      ""home" LCP is 3.12 s (median of 3 runs: 3.12 s, 2.98 s, 3.40 s), 25% over its 2.50 s budget.
      "home" TBT is 512 ms (median of 3 runs: 512 ms, 498 ms, 530 ms), 2.56× its 200 ms budget.

      Received: LCP 3.12 s · CLS 0 · TBT 512 ms · 3 runs · desktop (1350×940, CPU 1×, 40 ms RTT, 10.0 Mbps) · http://127.0.0.1:4173/ · web-vitals 6.2.3 · Chrome/156.0.8078.79
      Expected: LCP ≤ 2.50 s, CLS ≤ 0.1, TBT ≤ 200 ms (inline)

      LCP: the largest element painted late. Look for render-blocking scripts and styles in <head>, a large or lazily loaded hero image (compress it, give it fetchpriority="high"), and slow server responses.
      TBT: long tasks kept the main thread busy. Split long scripts, defer work that is not needed for the first view, and remove unused JavaScript.
      Make the page faster; or, if the new cost is accepted, change the inline budget."
    `)
  })

  it('passes a median within the limit but says how many runs were over on their own', () => {
    const result = webResult('web-vitals', { LCP: { unit: 'ms', runs: [2100, 2700, 2200] } })
    const { verdict, text } = message(result, { LCP: '2.5s' })
    expect(verdict.status).toBe('pass')
    expect(verdict.metrics[0]!.runsBeyond).toBe(1)
    expect(text.split('\n')[0]).toMatchInlineSnapshot(
      `""home" LCP is 2.20 s (median of 3 runs: 2.10 s, 2.70 s, 2.20 s), within its 2.50 s budget (12% headroom); 1 of 3 runs was over on its own."`,
    )
  })

  it('is inconclusive, never a pass, when no run produced a budgeted metric', () => {
    const result = webResult('web-vitals', {
      LCP: { unit: 'ms', runs: [900, 950, 920] },
      INP: { unit: 'ms', runs: [null, null, null], missing: 'no interaction happened (interact: false)' },
    })
    const { verdict, text } = message(result, { LCP: '2.5s', INP: '200ms' })
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.metrics[1]).toMatchObject({ status: 'inconclusive', actual: null })
    expect(text).toMatchInlineSnapshot(`
      ""home" INP was not measured (no interaction happened (interact: false)), so this run cannot tell whether it is within its 200 ms budget.

      Received: LCP 920 ms · INP not measured · 3 runs · desktop (1350×940, CPU 1×, 40 ms RTT, 10.0 Mbps) · http://127.0.0.1:4173/ · web-vitals 6.2.3 · Chrome/156.0.8078.79
      Expected: LCP ≤ 2.50 s, INP ≤ 200 ms (inline)

      A metric no run produced cannot pass: make sure the page shows content (LCP, FCP) and, for INP, that the interaction reaches an element with a handler (perf.vitals(page, { interact }))."
    `)
  })

  it('checks a zero limit without dividing by it', () => {
    const result = webResult('web-vitals', { CLS: { unit: 'unitless', runs: [0.02, 0.03, 0.02] } })
    const { verdict, text } = message(result, { CLS: 0 })
    expect(verdict.status).toBe('fail')
    expect(text.split('\n')[0]).toMatchInlineSnapshot(
      `""home" CLS is 0.02 (median of 3 runs: 0.02, 0.03, 0.02), over its 0 budget."`,
    )
  })

  it('rejects an unknown vital and a wrong unit with the key and an example', () => {
    let thrown: unknown
    try {
      parseVitalsBudget({ LPC: '2.5s', CLS: '0.1s' }, 'toMeetBudget()')
    } catch (error) {
      thrown = error
    }
    expect(isPerfgateError(thrown, 'WEB_BUDGET_INVALID')).toBe(true)
    expect((thrown as Error).message).toMatchInlineSnapshot(`
      "perfgate: Invalid web budget in toMeetBudget():
      ✖ Expected a layout shift score (a number like 0.1), received "0.1s"
        → at CLS
      ✖ Unknown key "LPC". Did you mean "LCP"?
        → at the budget
      A Web Vitals budget limits LCP, FCP, INP, TTFB and TBT from above with durations ("2.5s", "200ms") and CLS with a number, e.g. { LCP: "2.5s", CLS: 0.1, INP: "200ms" }."
    `)
  })
})

describe('Lighthouse budgets', () => {
  it('reads a number as a minimum score and a duration or size as a maximum value', () => {
    const result = lighthouse()
    const budget = parseLighthouseBudget(
      {
        performance: 0.9,
        'largest-contentful-paint': 0.75,
        'total-blocking-time': '200ms',
        'resource-summary.script.size': '150 kB',
      },
      'toMeetBudget()',
    )
    const verdict = evaluateWebBudget(result, lighthouseLimits(budget, result, 'toMeetBudget()'))
    expect(verdict.metrics.map((m) => [m.metric, m.limit.op, m.limit.value, m.status])).toEqual([
      ['performance', '>=', 0.9, 'fail'],
      ['largest-contentful-paint.score', '>=', 0.75, 'pass'],
      ['total-blocking-time', '<=', 200, 'pass'],
      ['resource-summary.script.size', '<=', 150_000, 'fail'],
    ])
    expect(formatBudgetMessage(explainWebBudget(verdict, result))).toMatchInlineSnapshot(`
      ""home" performance is 0.71 (median of 3 runs: 0.71, 0.74, 0.69), 21% under its 0.90 minimum.
      "home" resource-summary.script.size is 163 kB (median of 3 runs: 163 kB, 163 kB, 163 kB), 8.7% over its 150 kB budget.

      Received: performance 0.71 · largest-contentful-paint.score 0.79 · total-blocking-time 170 ms · resource-summary.script.size 163 kB · 3 runs · desktop (1350×940, CPU 1×, 40 ms RTT, 10.0 Mbps) · http://127.0.0.1:4173/ · lighthouse 12.8.2 · Chrome/156.0.8078.79
      Expected: performance ≥ 0.90, largest-contentful-paint.score ≥ 0.75, total-blocking-time ≤ 200 ms, resource-summary.script.size ≤ 150 kB (inline)

      performance: the Lighthouse score is built from FCP, LCP, TBT, CLS and Speed Index; fix the metric with the largest deficit (see the metric values above and the report).
      Make the page faster; or, if the new cost is accepted, change the inline budget."
    `)
  })

  it('names a key Lighthouse did not report, suggests the near one, and refuses a unit that does not fit', () => {
    const result = lighthouse()
    const budget = parseLighthouseBudget(
      { perfomance: 0.9, 'resource-summary.script.count': '10 kB', 'total-blocking-time': 0.9 },
      'toMeetBudget()',
    )
    let thrown: unknown
    try {
      lighthouseLimits(budget, result, 'toMeetBudget()')
    } catch (error) {
      thrown = error
    }
    expect(isPerfgateError(thrown, 'WEB_BUDGET_INVALID')).toBe(true)
    expect((thrown as Error).message).toMatchInlineSnapshot(`
      "perfgate: Invalid web budget in toMeetBudget():
      ✖ Lighthouse reported no score (a category or an audit) named "perfomance"; did you mean "performance"?
        → at "perfomance"
      ✖ "resource-summary.script.count" is measured in a count, so a size like "10 kB" cannot limit it
        → at "resource-summary.script.count"
      ✖ Lighthouse reported no score (a category or an audit) named "total-blocking-time"
        → at "total-blocking-time"
      Lighthouse targets are keyed by category ("performance"), audit ("total-blocking-time", "largest-contentful-paint") or resource summary ("resource-summary.script.size", "resource-summary.total.count"): a number from 0 to 1 is a minimum score, a duration or size a maximum value."
    `)
  })
})

describe('web budgets in package.json', () => {
  it('take aggregation, a custom profile and a wait timeout, and reject an unknown profile', () => {
    const config = parseConfig(
      {
        budgets: {
          web: [
            {
              url: 'http://127.0.0.1:4173/',
              aggregation: 'p75',
              profile: { name: 'tablet', width: 768, height: 1024, cpuSlowdown: 2, latency: '80ms' },
              waitTimeout: '30s',
            },
          ],
        },
      },
      'package.json',
    )
    const web = config.budgets.web[0]!
    expect(web.aggregation).toBe('p75')
    expect(web.profile).toMatchObject({ name: 'tablet', width: 768, cpuSlowdown: 2, latency: { ns: 80e6 } })
    expect(web.waitTimeout?.ns).toBe(30e9)
    expect(() =>
      parseConfig(
        { budgets: { web: [{ url: 'http://127.0.0.1:4173/', profile: 'phone' }] } },
        'package.json',
      ),
    ).toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a profile: "desktop", "mobile", or { "name": "tablet", "width": 768, "height": 1024 }, received "phone"
        → at budgets.web[0].profile
      Fix it in the "perfgate" section of package.json.]
    `)
  })
})

describe('formatWebValue', () => {
  it('shows each unit as people write budgets', () => {
    expect(
      [
        formatWebValue('ms', 2460),
        formatWebValue('ms', 48.3),
        formatWebValue('score', 0.873),
        formatWebValue('bytes', 163_000),
        formatWebValue('count', 4),
        formatWebValue('unitless', 0.10234),
      ].join(' | '),
    ).toBe('2.46 s | 48.3 ms | 0.87 | 163 kB | 4 | 0.102')
  })
})

import { expect, test } from 'perfgate/playwright'

/*
 * The site's two pages, measured in Chromium with perfgate's `perf` fixture. Each perf.vitals()
 * loads the page 3 times (fresh context each time, Lighthouse's desktop profile: 10 Mbit/s,
 * 40 ms round trips) and gives the median of every Web Vital; perf.lighthouse() runs a
 * Lighthouse audit in the same browser. Both are recorded for perfgate's Playwright reporter,
 * which prints a table of pages and writes the run as the candidate baseline.
 */

test.describe('home', () => {
  test('meets its Web Vitals budget', async ({ page, perf }) => {
    await page.goto('/')
    const vitals = await perf.vitals(page, { name: 'home' })
    expect(vitals).toMeetBudget({ LCP: '2.5s', CLS: 0.1, TBT: '200ms', INP: '200ms' })
  })

  test('scores 0.9 or more in Lighthouse', async ({ page, perf }) => {
    await page.goto('/')
    // One audit keeps the example quick (about 7 s); use 3 or more to gate a real site.
    const report = await perf.lighthouse(page, { name: 'home', runs: 1, preset: 'desktop' })
    expect(report).toMeetBudget({ performance: 0.9 })
  })
})

test.describe('slow', () => {
  // This page is meant to fail: a render-blocking script, a second of work after the first
  // paint and a 4.8 MB hero image (see site/slow.html). `.not` turns the failure into a pass,
  // so the suite stays green while the reporter still records how far over budget it is.
  test('is over its LCP and TBT budget', async ({ page, perf }) => {
    await page.goto('/slow.html')
    const vitals = await perf.vitals(page, { name: 'slow' })
    expect(vitals).not.toMeetBudget({ LCP: '2.5s', TBT: '200ms' })
  })
})

import { test as base, expect as baseExpect } from '@playwright/test'
import { perfgateError } from '../../src/errors.js'
import { chromiumArgs } from '../../src/web/browser-flags.js'
import { freePort } from '../../src/web/check-web-budgets.js'
import { findChromium } from '../../src/web/find-chromium.js'
import { Perf } from './perf-fixture.js'
import { toMeetBudget } from './to-meet-budget.js'

/*
 * perfgate for Playwright Test:
 *
 *   import { test, expect } from 'perfgate/playwright'
 *   test('home is fast', async ({ page, perf }) => {
 *     await page.goto('http://127.0.0.1:4173/')
 *     expect(await perf.vitals(page)).toMeetBudget({ LCP: '2.5s', CLS: 0.1 })
 *     expect(await perf.lighthouse(page)).toMeetBudget({ performance: 0.9 })
 *   })
 *
 * The browser is Chromium, found as findChromium() says (an explicit launchOptions.executablePath,
 * PERFGATE_CHROME or CHROME_PATH, Playwright's own, then the system's), launched with the flags
 * that work offline and as root, and with a DevTools port so Lighthouse audits the same browser.
 */

export type { PerfLighthouseOptions, PerfVitalsOptions } from './perf-fixture.js'
export { Perf } from './perf-fixture.js'
export type { WebBudgetInput, WebMeetBudgetOptions } from './to-meet-budget.js'

interface PerfWorkerFixtures {
  /** The DevTools port of the worker's Chromium, for Lighthouse. */
  perfDebuggingPort: number
  /** The Chromium executable the worker launched. */
  perfExecutablePath: string
}

/** Playwright's `test` with a `perf` fixture and a Chromium that perfgate can measure in. */
export const test = base.extend<{ perf: Perf }, PerfWorkerFixtures>({
  perfExecutablePath: [
    async ({ launchOptions }, use) => {
      const explicit = launchOptions.executablePath
      await use(findChromium(explicit === undefined ? {} : { executablePath: explicit }).executablePath)
    },
    { scope: 'worker' },
  ],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the fixtures argument to be destructured.
  perfDebuggingPort: [async ({}, use) => use(await freePort()), { scope: 'worker' }],
  browser: [
    async (
      { playwright, browserName, headless, launchOptions, perfDebuggingPort, perfExecutablePath },
      use,
    ) => {
      if (browserName !== 'chromium') {
        throw perfgateError('WEB_OPTIONS_INVALID', {
          fn: 'perfgate/playwright',
          problem: `the project uses ${browserName}, but Web Vitals and Lighthouse are measured in Chromium`,
          fix: 'Run perf tests in a project with browserName "chromium" (the default).',
        })
      }
      const browser = await playwright.chromium.launch({
        ...launchOptions,
        headless,
        executablePath: perfExecutablePath,
        args: chromiumArgs({ debuggingPort: perfDebuggingPort, extra: launchOptions.args ?? [] }),
      })
      await use(browser)
      await browser.close()
    },
    { scope: 'worker' },
  ],
  perf: async ({ browser, perfDebuggingPort, perfExecutablePath }, use, testInfo) => {
    await use(new Perf(browser, perfDebuggingPort, perfExecutablePath, testInfo))
  },
})

/** Playwright's `expect` with `toMeetBudget` for web results. */
export const expect = baseExpect.extend({ toMeetBudget })

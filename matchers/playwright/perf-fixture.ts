import type { Browser, Page, TestInfo } from '@playwright/test'
import { perfgateError } from '../../src/errors.js'
import { type CollectVitalsOptions, collectVitals } from '../../src/web/collect-vitals.js'
import { type RunLighthouseOptions, runLighthouse } from '../../src/web/run-lighthouse.js'
import type { WebResult } from '../../src/web/types.js'
import { attachRecord } from './records.js'

/** Options of `perf.vitals()`: collectVitals' options, and the URL when it is not the page's. */
export interface PerfVitalsOptions extends Omit<CollectVitalsOptions, 'executablePath' | 'env'> {
  /** Page to measure. @default the page's current URL */
  url?: string
}

/** Options of `perf.lighthouse()`. */
export type PerfLighthouseOptions = Omit<RunLighthouseOptions, 'onRun'>

/**
 * The `perf` fixture: measures pages in the test's Chromium and records each result for
 * perfgate's Playwright reporter (baseline candidate and [VERIFY] log).
 */
export class Perf {
  readonly #browser: Browser
  readonly #debuggingPort: number
  readonly #executablePath: string
  readonly #testInfo: TestInfo

  constructor(browser: Browser, debuggingPort: number, executablePath: string, testInfo: TestInfo) {
    this.#browser = browser
    this.#debuggingPort = debuggingPort
    this.#executablePath = executablePath
    this.#testInfo = testInfo
  }

  /**
   * Web Vitals of a page: LCP, FCP, CLS, INP (after a real click), TTFB and TBT, each final before
   * it is read. The page's URL (or `options.url`) is loaded `runs` times (3 by default), each in
   * a fresh context of this browser carrying the page's cookies, and aggregated (median).
   */
  async vitals(page: Page, options: PerfVitalsOptions = {}): Promise<WebResult> {
    const { url = page.url(), ...rest } = options
    if (!/^https?:\/\//.test(url)) {
      throw perfgateError('WEB_OPTIONS_INVALID', {
        fn: 'perf.vitals()',
        problem: `the page is at ${JSON.stringify(url)}, not at a web address`,
        fix: 'Navigate first (await page.goto(url)), or pass the page to measure: perf.vitals(page, { url: "http://127.0.0.1:4173/" }).',
      })
    }
    const result = await collectVitals(page, url, { ...rest, executablePath: this.#executablePath })
    await attachRecord(this.#testInfo, { kind: 'web', result })
    return result
  }

  /**
   * Lighthouse on a URL (or a page's current URL), in this same Chromium through its debugging
   * port: `runs` audits (3 by default) with the "desktop" or "mobile" preset, aggregated (median),
   * every run's values kept.
   */
  async lighthouse(target: string | Page, options: PerfLighthouseOptions = {}): Promise<WebResult> {
    const url = typeof target === 'string' ? target : target.url()
    const measured = await runLighthouse({ url, port: this.#debuggingPort }, options)
    // Lighthouse knows the browser's version, not which executable the fixture launched.
    const result: WebResult = {
      ...measured,
      browser: { ...measured.browser, executablePath: this.#executablePath },
    }
    await attachRecord(this.#testInfo, { kind: 'web', result })
    return result
  }

  /** The browser this fixture measures in. */
  get browser(): Browser {
    return this.#browser
  }
}

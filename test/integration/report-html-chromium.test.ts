import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderHtmlReport } from '../../src/report/html.js'
import {
  htmlInput,
  SLOWING_MEDIANS_NS,
  syntheticBaseline,
  syntheticHistory,
  timesAround,
} from '../fixtures/run-reports.js'

/*
 * The HTML report in a real Chromium: it must render without errors, fetch nothing, show a
 * hostile bench name as text, and draw every chart at a real size. Set
 * PERFGATE_UPDATE_SCREENSHOT=1 to rewrite docs/img/html-report.png from this page.
 */

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOT = resolve(import.meta.dirname, '../../docs/img/html-report.png')
const HOSTILE = '<img src=x onerror=alert(1)>'

/** Three benches: one with a baseline and five runs of history, one without a baseline, one hostile name. */
async function renderFixture(): Promise<string> {
  const baseline = syntheticBaseline('main', { 'sort 10k': timesAround(2.0e6, 120, 11) })
  const runs = await syntheticHistory(
    5,
    (k) => [
      {
        name: 'sort 10k',
        perCallNs: timesAround(SLOWING_MEDIANS_NS[k]!, 120, 20 + k),
        budget: { p95: '3ms' },
      },
      { name: 'parse json', perCallNs: timesAround(80e3, 120, 30 + k), budget: { p95: '70us' } },
      { name: HOSTILE, perCallNs: timesAround(500, 120, 40 + k) },
    ],
    baseline,
  )
  return renderHtmlReport(htmlInput(runs, baseline))
}

describe('the HTML report in Chromium', () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The HTML report test needs Debian's Chromium at ${CHROMIUM}, which is missing. Install it: apt-get install -y chromium`,
      )
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    dir = mkdtempSync(join(tmpdir(), 'perfgate-html-'))
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('renders cleanly, fetches nothing, shows the hostile name as text and draws every chart', async () => {
    const file = join(dir, 'report.html')
    writeFileSync(file, await renderFixture())
    const url = pathToFileURL(file).href

    const page = await browser.newPage({ viewport: { width: 1100, height: 1500 } })
    const problems: string[] = []
    const requests: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    page.on('request', (request) => requests.push(request.url()))
    await page.goto(url, { waitUntil: 'load' })

    expect(problems).toEqual([])
    expect(requests).toEqual([url])

    // The name is text in the heading, the summary and the unguarded line; no element came of it.
    expect(await page.locator('img').count()).toBe(0)
    const headings = await page.locator('section.bench h2 .name').allTextContents()
    expect(headings).toEqual(['sort 10k', 'parse json', HOSTILE])
    expect(await page.getByText(HOSTILE, { exact: true }).count()).toBeGreaterThanOrEqual(3)

    const sections = page.locator('section.bench')
    expect(await sections.count()).toBe(3)
    for (let i = 0; i < 3; i++) {
      const charts = sections.nth(i).locator('svg.chart')
      expect(await charts.count()).toBe(2)
      for (let j = 0; j < 2; j++) {
        const box = await charts.nth(j).boundingBox()
        expect(box?.width).toBeGreaterThan(200)
        expect(box?.height).toBeGreaterThan(80)
      }
    }
    // The bench with a history: five points, each with an error bar that has a real height.
    const points = sections.nth(0).locator('figure.history circle.dot')
    expect(await points.count()).toBe(5)
    const bar = await sections.nth(0).locator('figure.history path.error-bar').first().boundingBox()
    expect(bar?.height).toBeGreaterThan(1)

    if (process.env.PERFGATE_UPDATE_SCREENSHOT === '1') {
      mkdirSync(dirname(SCREENSHOT), { recursive: true })
      await page.screenshot({ path: SCREENSHOT, fullPage: true })
    }
    await page.close()
  }, 20_000)
})

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import type { VerifyEvent } from '../../src/log/verify-event.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { runsFromEvents } from '../../src/report/run-report.js'

export const CHROMIUM = '/usr/bin/chromium'

/**
 * Render `perfgate report`'s HTML for these events, open it in Debian's Chromium and hand the
 * page to `check`, with every page error and dialog (an injected script running) collected in
 * `problems`. Cleans up the browser and the temp folder whatever `check` does.
 */
export async function withReportInChromium(
  events: readonly VerifyEvent[],
  generatedAt: string,
  check: (page: Page, problems: readonly string[]) => Promise<void>,
): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `This test needs Debian's Chromium at ${CHROMIUM}. Install it: apt-get install -y chromium`,
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-report-html-'))
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  try {
    const file = join(dir, 'report.html')
    writeFileSync(file, renderHtmlReport({ runs: runsFromEvents(events), generatedAt }))
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    await check(page, problems)
    await page.close()
  } finally {
    await browser.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

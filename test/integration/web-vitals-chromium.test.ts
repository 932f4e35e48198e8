import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { chromiumArgs } from '../../src/web/browser-flags.js'
import { collectVitals } from '../../src/web/collect-vitals.js'
import { findChromium } from '../../src/web/find-chromium.js'
import { applyProfile, WEB_PROFILES } from '../../src/web/profiles.js'
import type { WebProfile, WebResult } from '../../src/web/types.js'

/*
 * Web Vitals in a real Chromium on pages served from 127.0.0.1. Each page has one deliberate
 * property (a layout shift, a slow click handler, blocking scripts) and the assertions check the
 * metric it drives with generous margins: the machine is a loaded 2-core VM, so no assertion
 * depends on a tight timing.
 */

/** The same fixed amount of work in the calibration and in the busy page, so CPU slowdown scales it. */
const WORK = 'let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1000003; window.__sink = x'

/** Time the busy page's post-paint task is sized to take unthrottled, ms. */
const BUSY_TASK_MS = 400

const PAGES: Record<string, (query: URLSearchParams) => string> = {
  '/fast': () => '<!doctype html><title>fast</title><h1>A fast page</h1><p>Some text to paint.</p>',
  // A block inserted above the text after first paint pushes everything down: a layout shift.
  '/shift': () => `<!doctype html><title>shift</title>
    <h1>A page that shifts</h1><p style="font-size:40px">Text that moves down.</p>
    <script>setTimeout(() => {
      const block = document.createElement('div'); block.style.height = '400px'
      document.body.prepend(block)
    }, 150)</script>`,
  '/slow-click': () => `<!doctype html><title>slow click</title><h1>Click me anywhere</h1>
    <script>document.addEventListener('click', () => {
      const start = performance.now(); while (performance.now() - start < 150) {}
    })</script>`,
  // A render-blocking script delays FCP by 300 ms (wall clock, so CPU slowdown does not change
  // it); after load, a fixed amount of work blocks the main thread, which CPU slowdown stretches.
  '/busy': (query) => `<!doctype html><title>busy</title>
    <script>{ const start = performance.now(); while (performance.now() - start < 300) {} }</script>
    <h1>A busy page</h1><p>Painted only after the blocking script.</p>
    <script>addEventListener('load', () => setTimeout(() => { const n = ${Number(query.get('n'))}; ${WORK} }, 100))</script>`,
  // A long-cacheable script: a run that reused another's cache would not ask for it again.
  '/cached': () =>
    '<!doctype html><title>cached</title><script src="/cached.js"></script><h1>Cached script</h1>',
  '/link-in-middle': () => `<!doctype html><title>link</title>
    <a href="/fast" style="position:fixed;inset:30%;display:block;background:#ddd">Leaves the page</a><p>text</p>`,
}

describe('collectVitals in Chromium', () => {
  let browser: Browser
  let server: Server
  let origin: string
  let page: Page
  let busyIterations: number
  let cachedScriptRequests = 0
  const executablePath = findChromium().executablePath

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      if (url.pathname === '/cached.js') {
        cachedScriptRequests++
        response.writeHead(200, {
          'content-type': 'text/javascript',
          'cache-control': 'public, max-age=3600',
        })
        response.end('window.cachedScriptRan = true')
        return
      }
      const render = PAGES[url.pathname]
      response.writeHead(render ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
      response.end(render ? render(url.searchParams) : '<!doctype html><h1>Not found</h1>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({ executablePath, args: chromiumArgs() })
    page = await browser.newPage()
    busyIterations = await calibrate(page, BUSY_TASK_MS)
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  const measure = (path: string, options: Parameters<typeof collectVitals>[2] = {}) =>
    collectVitals(page, `${origin}${path}`, { runs: 1, executablePath, ...options })

  let fast: WebResult
  it('a fast page has every vital: LCP under 1 s, no layout shift, a small INP', async () => {
    fast = await measure('/fast', { runs: 2 })
    expect(fast).toMatchObject({
      kind: 'web',
      url: `${origin}/fast`,
      name: `${origin}/fast`,
      tool: { name: 'web-vitals', version: '6.2.3' },
      browser: { version: expect.stringMatching(/^Chrome\/\d+\./), executablePath },
      profile: { name: 'desktop', cpuSlowdown: 1 },
      aggregation: 'median',
      runs: 2,
    })
    for (const name of ['LCP', 'FCP', 'CLS', 'INP', 'TTFB', 'TBT']) {
      const series = fast.metrics[name]
      expect(series?.runs, name).toHaveLength(2)
      expect(
        series?.runs.every((v) => v !== null && v >= 0),
        `${name}: ${JSON.stringify(series)}`,
      ).toBe(true)
      expect(series?.missing, name).toBeUndefined()
    }
    expect(fast.metrics.LCP?.value).toBeLessThan(1000)
    expect(fast.metrics.FCP?.value).toBeLessThanOrEqual(fast.metrics.LCP?.value ?? 0)
    expect(fast.metrics.CLS).toMatchObject({ unit: 'unitless', value: 0 })
    // The click does nothing, so INP is the first input's short duration (fallback below 16 ms).
    expect(fast.metrics.INP?.value).toBeLessThan(100)
    expect(fast.metrics.TBT?.value).toBe(0)
  })

  it('a layout shift after first paint gives CLS above 0.05', async () => {
    const result = await measure('/shift')
    expect(result.metrics.CLS?.value).toBeGreaterThan(0.05)
  })

  it('a click handler that busy-waits 150 ms gives INP of at least 100 ms', async () => {
    const result = await measure('/slow-click')
    expect(result.metrics.INP?.value).toBeGreaterThanOrEqual(100)
    // The handler's long task comes from our click, not from loading: it stays out of TBT.
    expect(result.metrics.TBT?.value).toBeLessThan(100)
  })

  let busyDesktop: WebResult
  it('blocking scripts delay FCP and add to TBT', async () => {
    busyDesktop = await measure(`/busy?n=${busyIterations}`)
    const { FCP, TBT } = busyDesktop.metrics
    expect(TBT?.value).toBeGreaterThanOrEqual(200)
    // The 300 ms render-blocking wait comes before any paint.
    expect(FCP?.value).toBeGreaterThanOrEqual(300)
    expect(FCP?.value).toBeGreaterThan(fast.metrics.FCP?.value ?? Number.POSITIVE_INFINITY)
  })

  it('the mobile profile (4x CPU slowdown) stretches the same work into a much larger TBT', async () => {
    const mobile = await measure(`/busy?n=${busyIterations}`, { profile: 'mobile' })
    expect(mobile.profile).toMatchObject({ name: 'mobile', cpuSlowdown: 4, mobile: true })
    // 4x the work time minus 50 ms would be about 5x the desktop TBT; 2x leaves room for noise.
    expect(mobile.metrics.TBT?.value).toBeGreaterThan(2 * (busyDesktop.metrics.TBT?.value ?? 0))
    // Slow 4G's 562.5 ms latency (150 ms on desktop) holds back the document's body. Not its
    // headers: DevTools throttling leaves responseStart, and so TTFB, unchanged.
    expect(mobile.metrics.FCP?.value).toBeGreaterThan((busyDesktop.metrics.FCP?.value ?? 0) + 250)
  }, 30_000)

  it("applyProfile's emulation reaches the page: the phone's screen, touch and slower CPU", async () => {
    const context = await browser.newContext()
    try {
      const measurePage = async (profile: WebProfile) => {
        const tab = await context.newPage()
        await applyProfile(tab, profile)
        await tab.goto(`${origin}/fast`)
        const n = Math.round(busyIterations / 4)
        const seen = (await tab.evaluate(`(() => {
          const n = ${n}; const start = performance.now(); ${WORK}; const workMs = performance.now() - start
          return { width: screen.width, dpr: devicePixelRatio, coarse: matchMedia('(pointer: coarse)').matches, workMs }
        })()`)) as { width: number; dpr: number; coarse: boolean; workMs: number }
        await tab.close()
        return seen
      }
      // screen.width, not innerWidth: a mobile browser lays out a page without a viewport meta tag
      // (like /fast) 980 px wide, and the emulation does the same.
      const desktop = await measurePage(WEB_PROFILES.desktop)
      const mobile = await measurePage(WEB_PROFILES.mobile)
      expect(desktop).toMatchObject({ width: 1350, dpr: 1, coarse: false })
      expect(mobile).toMatchObject({ width: 412, dpr: 1.75, coarse: true })
      expect(mobile.workMs).toBeGreaterThan(2 * desktop.workMs)
    } finally {
      await context.close()
    }
  })

  it('interact: false leaves INP missing with the reason', async () => {
    const result = await measure('/fast', { interact: false })
    expect(result.metrics.INP).toEqual({
      unit: 'ms',
      runs: [null],
      value: null,
      missing: 'INP needs an interaction; interact: false skipped it',
    })
    expect(result.metrics.LCP?.value).not.toBeNull()
  })

  it('the default click avoids a link in the middle of the page', async () => {
    const result = await measure('/link-in-middle')
    expect(result.metrics.INP?.value).not.toBeNull()
  })

  it('a custom interaction is measured', async () => {
    const result = await measure('/slow-click', { interact: (p) => p.click('h1') })
    expect(result.metrics.INP?.value).toBeGreaterThanOrEqual(100)
  })

  it('an interaction that loads another page is WEB_PAGE_FAILED', async () => {
    const error = await measure('/link-in-middle', { interact: (p) => p.click('a') }).catch((e: unknown) => e)
    expect(isPerfgateError(error, 'WEB_PAGE_FAILED')).toBe(true)
    expect((error as Error).message).toContain('the interaction loaded another page')
  })

  it('every run loads cold: a fresh context per run, or a fresh tab without cache in a persistent context', async () => {
    cachedScriptRequests = 0
    await measure('/cached', { runs: 2, interact: false })
    expect(cachedScriptRequests).toBe(2)

    const userDataDir = mkdtempSync(join(tmpdir(), 'perfgate-vitals-'))
    const persistent = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args: chromiumArgs(),
    })
    try {
      const callerPage = persistent.pages()[0] ?? (await persistent.newPage())
      cachedScriptRequests = 0
      const result = await collectVitals(callerPage, `${origin}/cached`, { runs: 2, interact: false })
      expect(cachedScriptRequests).toBe(2)
      expect(result.metrics.FCP?.runs.every((v) => v !== null)).toBe(true)
      // The caller's own tab is left as it was.
      expect(callerPage.isClosed()).toBe(false)
      expect(callerPage.url()).toBe('about:blank')
    } finally {
      await persistent.close()
      rmSync(userDataDir, { recursive: true, force: true })
    }
  })

  it('refuses options it cannot honour before opening anything', async () => {
    const untouched = {} as Page
    await expect(collectVitals(untouched, '/fast')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: collectVitals() has an invalid option: the URL "/fast" is not absolute. Pass a full URL such as "http://127.0.0.1:4173/".]`,
    )
    await expect(
      collectVitals(untouched, `${origin}/fast`, { runs: 0 }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: collectVitals() has an invalid option: runs is 0. Pass a whole number of runs of 1 or more (default 3).]`,
    )
    await expect(collectVitals(untouched, `${origin}/fast`, { profile: 'tablet' })).rejects.toThrow(
      'collectVitals() has an invalid option: profile is "tablet"',
    )
  })

  it('an error status or an unreachable server is WEB_PAGE_FAILED', async () => {
    const notFound = await measure('/missing').catch((error: unknown) => error)
    expect(isPerfgateError(notFound, 'WEB_PAGE_FAILED')).toBe(true)
    expect((notFound as Error).message).toContain('the server answered 404 Not Found')

    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`
    await new Promise((resolve) => closed.close(resolve))
    const refused = await collectVitals(page, deadUrl, { runs: 1 }).catch((error: unknown) => error)
    expect(isPerfgateError(refused, 'WEB_PAGE_FAILED')).toBe(true)
    expect((refused as Error).message).toContain('ERR_CONNECTION_REFUSED')
    expect((refused as Error).cause).toBeInstanceOf(Error)
  })
})

/**
 * Iterations of WORK that take about `targetMs` in this browser, unthrottled. Measured rather than
 * fixed, so the busy page blocks for about as long on a fast machine as on a slow one.
 */
async function calibrate(page: Page, targetMs: number): Promise<number> {
  await page.setContent('<p>calibration</p>')
  const n = 2e7
  let bestMs = Number.POSITIVE_INFINITY
  // The best of a few rounds: the first includes compiling, later ones may be slowed by neighbours.
  for (let round = 0; round < 4; round++) {
    const ms = (await page.evaluate(
      `(() => { const n = ${n}; const start = performance.now(); ${WORK}; return performance.now() - start })()`,
    )) as number
    bestMs = Math.min(bestMs, ms)
  }
  return Math.round((n / bestMs) * targetMs)
}

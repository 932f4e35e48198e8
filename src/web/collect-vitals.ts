import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BrowserContext, CDPSession, Page } from 'playwright-core'
import { captureEnvironment } from '../env/capture-environment.js'
import type { Environment } from '../env/types.js'
import { perfgateError, reasonOf } from '../errors.js'
import { metricSeries } from './aggregate-runs.js'
import { applyProfile, resolveProfile } from './profiles.js'
import {
  DEFAULT_WEB_AGGREGATION,
  DEFAULT_WEB_RUNS,
  VITAL_NAMES,
  type VitalName,
  WEB_AGGREGATIONS,
  type WebAggregation,
  type WebMetricSeries,
  type WebProfile,
  type WebResult,
} from './types.js'

/*
 * How a run makes every metric final before it is read, in headless Chromium:
 *
 *  1. A fresh page loads the URL with web-vitals injected before any page script runs, every
 *     metric registered with reportAllChanges so each new value reaches Node at once (through a
 *     DevTools binding, which keeps working while the page is torn down).
 *  2. After the load event, wait until the page is quiet: FCP painted and no new LCP candidate,
 *     layout shift, long task or finished request for quietMs.
 *  3. Interact, because INP needs an interaction: a real click (DevTools input, so the events are
 *     trusted) on a spot that is no link or form control, or the user's own interact(page). A
 *     trusted input also ends LCP, as it does for a real user.
 *  4. Hide the page, which is when web-vitals reports CLS and INP for good and flushes entries it
 *     has not processed yet. Headless Chromium never hides a page by itself: bringing another tab
 *     to the front, minimising the window and Page.setWebLifecycleState("frozen") all leave
 *     document.visibilityState "visible". Closing the page does hide it for real (a trusted
 *     visibilitychange during unload), so each run closes its page and takes the values that
 *     arrive until the page's last message.
 */

/** How long one run may take to load and settle before perfgate gives up waiting. */
export const DEFAULT_VITALS_TIMEOUT_MS = 30_000
/** Quiet time after the load event that counts as "done loading" (no new LCP, shift, long task, request). */
export const DEFAULT_VITALS_QUIET_MS = 500
/**
 * Shortest interaction the page reports to INP. web-vitals ignores shorter event timing entries
 * (its default is 40 ms; 16 is the least the Event Timing API accepts) and falls back to the
 * first input's duration, so a fast click still gives a small INP instead of none.
 */
export const INP_DURATION_THRESHOLD_MS = 16
/** A page that is quiet but has painted nothing contentful for this long is given up on. */
const NO_PAINT_GIVE_UP_MS = 5_000
/** How long to wait for the interaction to show up as INP before hiding the page anyway. */
const INTERACTION_SETTLE_MS = 1_000
/** How long to wait for the closing page's last message. */
const HIDE_TIMEOUT_MS = 5_000
/** The interval at which the page checks whether it is quiet. */
const QUIET_CHECK_MS = 50
/** Recorded as the browser's path when the caller does not say which executable it launched. */
export const UNKNOWN_EXECUTABLE = 'unknown'

/** Options of collectVitals. */
export interface CollectVitalsOptions {
  /** How many times to load the page, each in a fresh browser context. @default DEFAULT_WEB_RUNS */
  runs?: number
  /** Device and network profile: "desktop", "mobile" or a custom profile. @default "desktop" */
  profile?: string | WebProfile
  /** How the runs' values become one. @default DEFAULT_WEB_AGGREGATION */
  aggregation?: WebAggregation
  /** Name of the page in reports. @default the URL */
  name?: string
  /**
   * The interaction INP is measured on, run once the page is quiet. The default clicks the
   * middle of the viewport, or another spot when a link or form control is there (a click must
   * not navigate away). `false` skips it: INP is then reported missing.
   */
  interact?: ((page: Page) => Promise<void>) | false
  /** Longest a run may take to load and settle, ms. @default DEFAULT_VITALS_TIMEOUT_MS */
  timeoutMs?: number
  /** Quiet time after load that counts as settled, ms. @default DEFAULT_VITALS_QUIET_MS */
  quietMs?: number
  /** The browser's executable, recorded in the result (Playwright does not tell). @default "unknown" */
  executablePath?: string
  /** The environment recorded with the result. @default captureEnvironment() */
  env?: Environment
}

/** What the page script sends to Node. `doc` tells documents apart when a page redirects. */
type PageMessage =
  | { doc: string; type: 'start' }
  | { doc: string; type: 'metric'; name: VitalName; value: number | null }
  | { doc: string; type: 'hidden' }

/** One run's values; absent where the page produced none. */
type RunValues = Partial<Record<VitalName, number>>

/** Why a run lacks INP, when it does. */
type InteractionOutcome = 'done' | 'skipped' | 'no-target'

interface RunOutcome {
  values: RunValues
  interaction: InteractionOutcome
  painted: boolean
  /** Whether the page's last message (sent once hidden) arrived; TBT is computed only then. */
  hidden: boolean
}

const BINDING = '__perfgateVitals'
const PAGE_API = '__perfgateVitalsPage'

/**
 * Measure a page's Web Vitals in Chromium with the web-vitals library: LCP, FCP, CLS, INP and
 * TTFB, plus TBT from long tasks. The page is loaded `runs` times, each run in a fresh context of
 * `page`'s browser (so no run profits from another's cache) carrying over `page`'s cookies and
 * local storage; a page from a persistent context gets a fresh tab in that context with the
 * HTTP cache disabled instead. `page` itself is left untouched. `url` must be absolute.
 *
 * TBT sums the blocking part (beyond 50 ms) of long tasks from FCP until the interaction (or
 * until the page is hidden, without one), clipped at both ends as Lighthouse does. Lighthouse
 * ends its window at Time to Interactive instead, so on pages still busy after settling the two
 * differ.
 *
 * Throws WEB_OPTIONS_INVALID for bad options or a page that is not Chromium's, and
 * WEB_PAGE_FAILED when a run cannot load the page, gets an HTTP error status, or the interaction
 * navigates away.
 */
export async function collectVitals(
  page: Page,
  url: string,
  options: CollectVitalsOptions = {},
): Promise<WebResult> {
  const settings = checkOptions(url, options)
  const profile = resolveProfile(options.profile, 'collectVitals()')
  const source = webVitalsSource()
  const startedAt = new Date()
  const startMs = performance.now()
  const outcomes: RunOutcome[] = []
  let browserVersion = 'unknown'
  for (let run = 1; run <= settings.runs; run++) {
    const { outcome, product } = await measureRun(page, url, profile, source.script, run, settings)
    outcomes.push(outcome)
    browserVersion = product ?? browserVersion
  }
  return {
    kind: 'web',
    name: options.name ?? url,
    url,
    tool: { name: 'web-vitals', version: source.version },
    browser: { version: browserVersion, executablePath: options.executablePath ?? UNKNOWN_EXECUTABLE },
    profile,
    aggregation: settings.aggregation,
    runs: settings.runs,
    metrics: vitalSeries(outcomes, settings),
    env: options.env ?? captureEnvironment(),
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - startMs,
  }
}

interface Settings {
  runs: number
  aggregation: WebAggregation
  timeoutMs: number
  quietMs: number
  interact: ((page: Page) => Promise<void>) | false | undefined
}

function checkOptions(url: string, options: CollectVitalsOptions): Settings {
  const fn = 'collectVitals()'
  const { runs = DEFAULT_WEB_RUNS, aggregation = DEFAULT_WEB_AGGREGATION } = options
  const { timeoutMs = DEFAULT_VITALS_TIMEOUT_MS, quietMs = DEFAULT_VITALS_QUIET_MS, interact } = options
  const invalid = (problem: string, fix: string) => perfgateError('WEB_OPTIONS_INVALID', { fn, problem, fix })
  if (!URL.canParse(url)) {
    // A fresh context has no baseURL, so "/" cannot be resolved as a Playwright test would.
    throw invalid(
      `the URL ${JSON.stringify(url)} is not absolute`,
      'Pass a full URL such as "http://127.0.0.1:4173/".',
    )
  }
  if (!Number.isInteger(runs) || runs < 1) {
    throw invalid(
      `runs is ${String(runs)}`,
      `Pass a whole number of runs of 1 or more (default ${DEFAULT_WEB_RUNS}).`,
    )
  }
  if (!WEB_AGGREGATIONS.includes(aggregation)) {
    throw invalid(
      `aggregation is ${JSON.stringify(aggregation)}`,
      `Use one of ${WEB_AGGREGATIONS.join(', ')}.`,
    )
  }
  for (const [key, value] of [
    ['timeoutMs', timeoutMs],
    ['quietMs', quietMs],
  ] as const) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw invalid(`${key} is ${String(value)}`, `Pass a number of milliseconds above 0.`)
    }
  }
  if (interact !== undefined && interact !== false && typeof interact !== 'function') {
    throw invalid(
      `interact is ${typeof interact}`,
      'Pass an async function (page) => { await page.click("…") }, or false to skip the interaction (INP is then missing).',
    )
  }
  return { runs, aggregation, timeoutMs, quietMs, interact }
}

/** One load of the page in a fresh tab, from navigation to the hidden page's last message. */
async function measureRun(
  callerPage: Page,
  url: string,
  profile: WebProfile,
  script: string,
  run: number,
  settings: Settings,
): Promise<{ outcome: RunOutcome; product: string | undefined }> {
  const failed = (reason: string, cause?: unknown) =>
    perfgateError('WEB_PAGE_FAILED', { url, run, runs: settings.runs, reason }, cause)
  const { page, context, freshContext } = await openRunPage(callerPage, profile)
  try {
    let session: CDPSession
    try {
      session = await applyProfile(page, profile)
    } catch (error) {
      throw perfgateError(
        'WEB_OPTIONS_INVALID',
        {
          fn: 'collectVitals()',
          problem: `the page's browser does not speak the Chromium DevTools protocol (${reasonOf(error)})`,
          fix: 'Measure Web Vitals in Chromium or Chrome: use the chromium project of your Playwright config.',
        },
        error,
      )
    }
    if (!freshContext) {
      // The tab shares its context's HTTP cache with earlier runs: bypass it so every run loads cold.
      await session.send('Network.enable')
      await session.send('Network.setCacheDisabled', { cacheDisabled: true })
    }
    const product = await session
      .send('Browser.getVersion')
      .then((v) => v.product)
      .catch(() => undefined)

    const inbox = new Inbox()
    session.on('Runtime.bindingCalled', (event) => {
      if (event.name === BINDING) inbox.receive(event.payload)
    })
    await session.send('Runtime.enable')
    await session.send('Runtime.addBinding', { name: BINDING })
    await page.addInitScript({ content: script })
    // A beforeunload prompt would keep the page open when it is closed to hide it.
    page.on('dialog', (dialog) => void dialog.accept().catch(() => {}))

    const deadline = Date.now() + settings.timeoutMs
    const response = await page
      .goto(url, { waitUntil: 'load', timeout: settings.timeoutMs })
      .catch((error: unknown) => {
        throw failed(firstLine(reasonOf(error)), error)
      })
    if (response !== null && response.status() >= 400) {
      throw failed(`the server answered ${response.status()} ${response.statusText()}`.trimEnd())
    }

    const remainingMs = Math.max(0, deadline - Date.now())
    const settled = await withTimeout(
      page.evaluate(
        `window.${PAGE_API}.waitQuiet(${settings.quietMs}, ${remainingMs}, ${NO_PAINT_GIVE_UP_MS})`,
      ),
      remainingMs + 5_000,
    ).catch((error: unknown) => {
      // The page navigated again (a script redirect) while it was settling.
      throw failed(firstLine(reasonOf(error)), error)
    })
    if (settled === undefined) {
      throw failed(
        `the page's main thread stayed busy for more than ${settings.timeoutMs} ms after the load event`,
      )
    }
    const painted = (settled as { painted: boolean }).painted

    const loadedDoc = inbox.doc
    const interaction = await interact(page, settings.interact, inbox)
    if (inbox.doc !== loadedDoc) {
      throw failed(
        `the interaction loaded another page (${page.url()}), so INP could not be measured on this one; pass interact to choose what to do, or interact: false`,
      )
    }

    // Closing the page is what hides it for real (see the comment at the top).
    await page.close({ runBeforeUnload: true })
    await inbox.until((box) => box.hidden, HIDE_TIMEOUT_MS)
    return { outcome: { values: { ...inbox.values }, interaction, painted, hidden: inbox.hidden }, product }
  } finally {
    if (freshContext) await context.close().catch(() => {})
    else if (!page.isClosed()) await page.close().catch(() => {})
  }
}

/**
 * The tab a run loads the page in: a fresh context of the caller's browser carrying the caller's
 * cookies and local storage, or a new tab in the caller's context when it has no browser object
 * (a persistent context).
 */
async function openRunPage(
  callerPage: Page,
  profile: WebProfile,
): Promise<{ page: Page; context: BrowserContext; freshContext: boolean }> {
  const callerContext = callerPage.context()
  const browser = callerContext.browser()
  if (browser === null) {
    return { page: await callerContext.newPage(), context: callerContext, freshContext: false }
  }
  const context = await browser.newContext({
    storageState: await callerContext.storageState(),
    viewport: profile.viewport,
    deviceScaleFactor: profile.deviceScaleFactor,
    isMobile: profile.mobile,
    hasTouch: profile.mobile,
  })
  return { page: await context.newPage(), context, freshContext: true }
}

async function interact(page: Page, custom: Settings['interact'], inbox: Inbox): Promise<InteractionOutcome> {
  if (custom === false) return 'skipped'
  let point: ClickPoint | null = null
  if (custom === undefined) {
    point = (await page.evaluate(`window.${PAGE_API}.clickPoint()`)) as ClickPoint | null
    if (point === null) return 'no-target'
  }
  // TBT ends here: the long tasks our own interaction causes are not the page's loading cost.
  await page.evaluate(`window.${PAGE_API}.markInteraction()`)
  const before = inbox.count('INP')
  if (point !== null) await page.mouse.click(point.x, point.y)
  else if (custom !== undefined) await custom(page)
  // Event timing entries arrive after the next frame, and web-vitals handles them when idle.
  await inbox.until((box) => box.count('INP') > before, INTERACTION_SETTLE_MS)
  return 'done'
}

/** Where the default interaction clicks, in CSS pixels from the viewport's top left. */
interface ClickPoint {
  x: number
  y: number
}

/** Messages from the page, with waiting for a condition on them. */
class Inbox {
  doc: string | undefined
  values: RunValues = {}
  hidden = false
  private readonly reports = new Map<VitalName, number>()
  private readonly waiters = new Set<() => void>()

  receive(payload: string): void {
    let message: PageMessage
    try {
      message = JSON.parse(payload) as PageMessage
    } catch {
      return
    }
    if (message.doc !== this.doc) {
      // A redirect or reload started another document: its metrics start over.
      this.doc = message.doc
      this.values = {}
      this.hidden = false
    }
    if (message.type === 'metric') {
      if (message.value === null || !Number.isFinite(message.value)) delete this.values[message.name]
      else this.values[message.name] = message.value
      this.reports.set(message.name, this.count(message.name) + 1)
    } else if (message.type === 'hidden') {
      this.hidden = true
    }
    for (const wake of this.waiters) wake()
  }

  count(name: VitalName): number {
    return this.reports.get(name) ?? 0
  }

  /** Resolve once `done(this)` holds, or after `timeoutMs` either way. */
  until(done: (box: Inbox) => boolean, timeoutMs: number): Promise<void> {
    if (done(this)) return Promise.resolve()
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve()
      }
      const check = () => {
        if (done(this)) finish()
      }
      const timer = setTimeout(finish, timeoutMs)
      this.waiters.add(check)
    })
  }
}

function vitalSeries(outcomes: readonly RunOutcome[], settings: Settings): Record<string, WebMetricSeries> {
  const metrics: Record<string, WebMetricSeries> = {}
  for (const name of VITAL_NAMES) {
    const runs = outcomes.map((o) => o.values[name] ?? null)
    const reasons = new Set<string>()
    outcomes.forEach((o, i) => {
      if (o.values[name] === undefined) reasons.add(missingReason(name, o, settings, i + 1))
    })
    const missing = reasons.size === 0 ? undefined : [...reasons].join('; ')
    metrics[name] = metricSeries(name === 'CLS' ? 'unitless' : 'ms', runs, settings.aggregation, missing)
  }
  return metrics
}

function missingReason(name: VitalName, outcome: RunOutcome, settings: Settings, run: number): string {
  const unpainted = `nothing contentful was painted in run ${run}`
  switch (name) {
    case 'INP':
      if (outcome.interaction === 'skipped') return 'INP needs an interaction; interact: false skipped it'
      if (outcome.interaction === 'no-target') {
        return `INP needs an interaction; run ${run} found no spot to click that is not a link or form control (pass interact to choose one)`
      }
      return `INP needs an interaction; the one in run ${run} produced no event timing entry (INP counts clicks, taps and key presses)`
    case 'FCP':
      return `${unpainted} (waited up to ${settings.timeoutMs} ms)`
    case 'LCP':
      return outcome.painted ? `the browser reported no LCP candidate in run ${run}` : unpainted
    case 'CLS':
      return `CLS is reported once something contentful is painted; ${unpainted}`
    case 'TBT':
      if (!outcome.hidden)
        return `the page in run ${run} closed without sending its last report, which carries TBT`
      return `TBT starts at FCP; ${unpainted}`
    case 'TTFB':
      return `the navigation in run ${run} recorded no response start`
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text
}

let cachedSource: { script: string; version: string } | undefined

/**
 * web-vitals' browser build and version, read from the installed package at run time. A static
 * import would make the bundler inline the module build for Node, and the package's exports map
 * does not expose the IIFE file or package.json, so both are found next to its main entry.
 */
function webVitalsSource(): { script: string; version: string } {
  if (cachedSource !== undefined) return cachedSource
  const require = createRequire(import.meta.url)
  const distDir = dirname(require.resolve('web-vitals'))
  // The source map comment would point at a file the page cannot load.
  const iife = readFileSync(join(distDir, 'web-vitals.iife.js'), 'utf8').replace(
    /^\/\/# sourceMappingURL=.*$/m,
    '',
  )
  const manifest = JSON.parse(readFileSync(join(distDir, '..', 'package.json'), 'utf8')) as {
    version: string
  }
  cachedSource = { script: pageScript(iife), version: manifest.version }
  return cachedSource
}

/**
 * The script injected before the page's own: web-vitals (kept out of the page's globals), the
 * observers that tell when the page is quiet, TBT, and the functions Node calls. Plain JavaScript
 * in a string, since a function's source would carry whatever a transpiler or coverage tool
 * added to it.
 */
function pageScript(webVitalsIife: string): string {
  return `;(() => {
  // Frames have their own documents and metrics; only the page itself is measured.
  if (window.top !== window || window.${PAGE_API}) return
  const binding = globalThis.${BINDING}
  ${webVitalsIife}
  const doc = performance.timeOrigin + ':' + Math.random()
  // Taken now, before page scripts could replace it.
  const stringify = JSON.stringify
  const send = (message) => {
    try { binding(stringify({ doc, ...message })) } catch {}
  }

  let lastActivityMs = 0
  let interactionAtMs
  const longTasks = []
  const observers = []
  const observe = (type, onEntry) => {
    try {
      const po = new PerformanceObserver((list) => { for (const entry of list.getEntries()) onEntry(entry) })
      po.observe({ type, buffered: true })
      observers.push([po, onEntry])
    } catch {}
  }
  const activity = () => { lastActivityMs = performance.now() }
  observe('largest-contentful-paint', activity)
  observe('layout-shift', activity)
  observe('resource', activity)
  observe('longtask', (entry) => {
    longTasks.push({ startTime: entry.startTime, duration: entry.duration })
    activity()
  })
  // Entries already recorded but not yet handed to the observers' callbacks.
  const drain = () => { for (const [po, onEntry] of observers) for (const entry of po.takeRecords()) onEntry(entry) }
  const fcpMs = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime

  // Lighthouse's clipping: only the part of a task after FCP (and before the interaction) counts,
  // and only beyond 50 ms.
  const totalBlockingTime = () => {
    drain()
    const start = fcpMs()
    if (start === undefined) return null
    const end = interactionAtMs ?? performance.now()
    let sum = 0
    for (const task of longTasks) {
      const clipped = Math.min(task.startTime + task.duration, end) - Math.max(task.startTime, start)
      if (clipped > 50) sum += clipped - 50
    }
    return sum
  }

  const options = { reportAllChanges: true, durationThreshold: ${INP_DURATION_THRESHOLD_MS} }
  for (const name of ['TTFB', 'FCP', 'LCP', 'CLS', 'INP']) {
    webVitals['on' + name]((metric) => send({ type: 'metric', name, value: metric.value }), options)
  }
  // Bubble phase on window: runs after web-vitals' capture-phase listeners have reported.
  addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') return
    send({ type: 'metric', name: 'TBT', value: totalBlockingTime() })
    send({ type: 'hidden' })
  })

  const INTERACTIVE = 'a[href], area[href], button, input, select, textarea, label, summary, details, iframe, embed, object, video, audio, [contenteditable]:not([contenteditable="false"]), [role="button"], [role="link"], [role="menuitem"], [role="tab"], [role="checkbox"], [role="switch"]'
  Object.defineProperty(window, '${PAGE_API}', {
    value: {
      waitQuiet: (quietMs, timeoutMs, noPaintGiveUpMs) => new Promise((resolve) => {
        const startMs = performance.now()
        const check = () => {
          drain()
          const now = performance.now()
          const painted = fcpMs() !== undefined
          const quietFor = now - lastActivityMs
          if (painted && quietFor >= quietMs) return resolve({ settled: true, painted })
          if (!painted && quietFor >= noPaintGiveUpMs) return resolve({ settled: true, painted })
          if (now - startMs >= timeoutMs) return resolve({ settled: false, painted })
          setTimeout(check, ${QUIET_CHECK_MS})
        }
        // At least one check a task later, so a long task that just ended has been reported.
        setTimeout(check, ${QUIET_CHECK_MS})
      }),
      clickPoint: () => {
        const spots = [[0.5, 0.5]]
        for (const fy of [0.25, 0.75, 0.1, 0.9]) for (const fx of [0.25, 0.75, 0.1, 0.9, 0.5]) spots.push([fx, fy])
        for (const [fx, fy] of spots) {
          const x = Math.round(innerWidth * fx)
          const y = Math.round(innerHeight * fy)
          const element = document.elementFromPoint(x, y)
          if (element && !element.closest(INTERACTIVE)) return { x, y }
        }
        return null
      },
      markInteraction: () => {
        drain()
        interactionAtMs = performance.now()
      },
    },
  })
  send({ type: 'start' })
})()
`
}

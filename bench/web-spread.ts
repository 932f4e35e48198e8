/**
 * How far a page's Web Vitals and Lighthouse score move from one `perfgate check` to the next, and
 * how much the median of 1, 3 or 5 runs narrows that: the figures behind the default number of
 * runs per page (DEFAULT_WEB_RUNS in src/web/types.ts, issue 5).
 *
 *   node --import tsx bench/web-spread.ts [options]
 *
 * Two pages are served by this script from 127.0.0.1 (node:http, port 0):
 *
 * - "fast": text and a small inline image, nothing else to load or run;
 * - "heavy": a 300 ms render-blocking script in <head>, 400 ms of main-thread work in four 100 ms
 *   tasks started after the first contentful paint, and a ~1 MB image as the LCP element.
 *
 * The heavy page's work is a fixed number of loop iterations, calibrated once in the launched
 * Chromium to take those times on this machine, not a busy-wait on the clock: real code runs
 * longer on a loaded or throttled CPU (the mobile profile slows it 4×), and that is part of the
 * spread being measured.
 *
 * A trial is what one check does: a fresh Chromium (each `perfgate check` launches its own), and
 * per page collectVitals() with 5 runs, then runLighthouse() with 5 runs, the pages in alternating
 * order from trial to trial so drift within a trial lands on both equally. For k = 1, 3, 5 the
 * trial's value is the median of its first k runs, computed with aggregateRuns(), the function
 * perfgate aggregates with: exactly what a k-run check in that browser would have reported. Across
 * the trials: mean, SD, coefficient of variation and range of LCP, FCP and TBT; Lighthouse's
 * performance score (median, range, trials off the majority score) and the CV of its LCP and TBT;
 * wall time per run.
 *
 * Prints Markdown to stdout and progress to stderr; `--json <file>` keeps every run's values.
 */
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type Browser, chromium } from 'playwright-core'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { aggregateRuns } from '../src/web/aggregate-runs.js'
import { chromiumArgs } from '../src/web/browser-flags.js'
import { freePort } from '../src/web/check-web-budgets.js'
import { collectVitals } from '../src/web/collect-vitals.js'
import { findChromium } from '../src/web/find-chromium.js'
import { type LoadedLighthouse, loadLighthouse } from '../src/web/load-lighthouse.js'
import { WEB_PROFILES, type WebProfileName } from '../src/web/profiles.js'
import { runLighthouse } from '../src/web/run-lighthouse.js'
import { DEFAULT_WEB_RUNS } from '../src/web/types.js'
import { markdownTable } from './table.js'

const PAGE_NAMES = ['fast', 'heavy'] as const
type PageName = (typeof PAGE_NAMES)[number]
const TOOLS = ['vitals', 'lighthouse'] as const
type Tool = (typeof TOOLS)[number]
const PROFILES = ['desktop', 'mobile'] as const satisfies readonly WebProfileName[]
/** The vitals whose spread is reported. CLS and INP are left out: both pages hold them near 0 by design. */
const SPREAD_VITALS = ['LCP', 'FCP', 'TBT'] as const
type SpreadVital = (typeof SPREAD_VITALS)[number]
/** Lighthouse metrics kept per run: the score, and the two metrics that move it most on these pages. */
const LIGHTHOUSE_KEYS = {
  performance: 'performance',
  LCP: 'largest-contentful-paint',
  TBT: 'total-blocking-time',
} as const
type LighthouseKey = keyof typeof LIGHTHOUSE_KEYS

/** Runs each tool makes per page per trial; every smaller k is a prefix of these. */
const RUNS_PER_TRIAL = 5
/** The run counts compared: what a check with `runs: k` would report. */
const KS = [1, 3, 5] as const
const DEFAULT_TRIALS = 10
const DEFAULT_PROFILE: WebProfileName = 'desktop'
/**
 * Pages Lighthouse audits by default: both. 10 trials × 5 runs × 2 pages is 100 audits, ~11 min of
 * the ~14 min a default run takes here (88 s per trial, measured while the machine was busy); `--lighthouse-pages heavy` halves that.
 */
const DEFAULT_LIGHTHOUSE_PAGES: readonly PageName[] = PAGE_NAMES

/** The heavy page's work, in milliseconds of the calibrated loop on this machine (unthrottled). */
const BLOCKING_SCRIPT_MS = 300
const AFTER_PAINT_TASKS = 4
const AFTER_PAINT_TASK_MS = 100
/** A task blocks input for the part of it beyond this (the long-task threshold TBT counts from). */
const LONG_TASK_MS = 50
/** How far the heavy page's measured TBT may be from its nominal before the output warns. */
const TBT_TOLERANCE = 0.5
/** The heavy page's LCP image: an uncompressed 24-bit BMP, 640 × 520 pixels ≈ 1.0 MB. */
const HERO = { width: 640, height: 520 }
/** Loop iterations per calibration pass; ~20–60 ms on a current CPU, long enough for the JIT to settle. */
const CALIBRATION_ITERATIONS = 30_000_000
const CALIBRATION_PASSES = 9

/**
 * The suggested default is the smallest k meeting both on every page. A budget set 10% above a
 * page's typical LCP fails from noise alone in ~2% of checks when the checked value's CV is 5%
 * (10% is 2 SD); Lighthouse reports whole points and budgets are set in them, so a score that
 * wanders over more than 5 points between checks of an unchanged page makes any budget near it flip.
 */
const TARGET_LCP_CV = 0.05
const TARGET_SCORE_RANGE_POINTS = 5

const HELP = `Usage: node --import tsx bench/web-spread.ts [options]

Spread of a page's Web Vitals and Lighthouse performance score across repeated checks, for the
median of 1, 3 and 5 runs. Each trial launches a fresh Chromium and measures a fast and a heavy
page (served from 127.0.0.1 by this script) ${RUNS_PER_TRIAL} times with each tool.

Options:
  --trials <n>                  trials (default ${DEFAULT_TRIALS})
  --profile <desktop|mobile>    vitals profile and Lighthouse preset (default ${DEFAULT_PROFILE})
  --only <vitals|lighthouse>    measure one tool only (default both)
  --lighthouse-pages <list>     pages Lighthouse audits: fast, heavy or fast,heavy (default ${DEFAULT_LIGHTHOUSE_PAGES.join(',')})
  --iterations-per-ms <n>       the heavy page's loop speed instead of calibrating it (the header of
                                an earlier run prints it): the same page in runs to compare
  --json <file>                 write every run's values there
  --help                        this text

A full default run takes ~14 minutes on a 2-core machine (desktop; ~88 s per trial, of which ~67 s
is Lighthouse: --lighthouse-pages heavy saves ~34 s per trial); --profile mobile ~20 minutes (~118 s
per trial, the heavy page's 1 MB image taking ~6.5 s per load). Run it on a quiet machine: other
processes using the CPU are exactly the noise it measures.
`

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    trials: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
    'lighthouse-pages': { type: 'string' },
    'iterations-per-ms': { type: 'string' },
    json: { type: 'string' },
  },
})

function fail(message: string): never {
  console.error(`web-spread: ${message}`)
  process.exit(2)
}

function positiveInteger(text: string | undefined, fallback: number, option: string): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) fail(`${option} takes a whole number above 0, received "${text}".`)
  return n
}

function oneOf<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  option: string,
): T | undefined {
  if (text === undefined) return undefined
  if (!(allowed as readonly string[]).includes(text)) {
    fail(`${option} takes one of ${allowed.join(', ')}, received "${text}".`)
  }
  return text as T
}

function pageList(text: string | undefined): readonly PageName[] {
  if (text === undefined) return DEFAULT_LIGHTHOUSE_PAGES
  const names = text.split(',').map((name) => name.trim())
  for (const name of names) oneOf(name, PAGE_NAMES, '--lighthouse-pages')
  return PAGE_NAMES.filter((name) => names.includes(name))
}

// ---------------------------------------------------------------------------------------------
// The pages

/** The heavy page's CPU work: a linear congruential generator, which no JIT can skip or vectorise. */
const WORK_SOURCE =
  'function work(n) { let x = 1; for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0; return x }'

/**
 * Loop iterations per millisecond in this Chromium, unthrottled, from the fastest of several
 * passes: a busy neighbour only ever slows a pass, so the fastest is the least disturbed (a
 * median taken under load made the heavy page half as heavy in a smoke run).
 */
async function calibrate(browser: Browser): Promise<number> {
  const page = await browser.newPage()
  try {
    const times = (await page.evaluate(
      `(() => { ${WORK_SOURCE}; const ms = []; for (let r = 0; r < ${CALIBRATION_PASSES}; r++) { const t = performance.now(); globalThis.__sink = work(${CALIBRATION_ITERATIONS}); ms.push(performance.now() - t) } return ms })()`,
    )) as number[]
    return CALIBRATION_ITERATIONS / Math.min(...times)
  } finally {
    await page.close()
  }
}

interface Asset {
  type: string
  body: Buffer
}

const HEAD = (title: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="A page of perfgate's web-spread benchmark.">
  <!-- No favicon request: a 404 in one run and not another would be noise of our own making. -->
  <link rel="icon" href="data:,">
  <title>${title}</title>`

const STYLE = `<style>
    body { font: 18px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1d2433; }
    img { display: block; max-width: 100%; height: auto; }
  </style>`

const TEXT = `<p>
    perfgate measures this page again and again to see how far its numbers move between runs
    when nothing about the page changes. The spread of those numbers decides how many runs a
    check needs before its median can be trusted against a budget.
  </p>`

/** A 96 × 64 SVG logo, inline: no request, so the fast page's LCP is its paint, not a download. */
const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="64"><rect width="96" height="64" rx="8" fill="#2f6fde"/><path d="M16 44 L36 24 L52 38 L64 28 L80 44 Z" fill="#fff"/></svg>',
)}`

/** Every path the server answers, with the heavy page's work scaled to `iterationsPerMs`. */
function site(iterationsPerMs: number): Map<string, Asset> {
  const html = (text: string): Asset => ({ type: 'text/html; charset=utf-8', body: Buffer.from(text) })
  const js = (text: string): Asset => ({ type: 'text/javascript; charset=utf-8', body: Buffer.from(text) })
  const iterations = (ms: number) => Math.round(ms * iterationsPerMs)
  return new Map([
    [
      '/fast.html',
      html(`${HEAD('Fast page · perfgate web-spread')}
  ${STYLE}
</head>
<body>
  <h1>A fast page</h1>
  <img src="${LOGO}" width="96" height="64" alt="Logo">
  ${TEXT}
</body>
</html>
`),
    ],
    [
      '/heavy.html',
      html(`${HEAD('Heavy page · perfgate web-spread')}
  <script src="/blocking.js"></script>
  <script src="/after-paint.js" defer></script>
  ${STYLE}
</head>
<body>
  <h1>A heavy page</h1>
  <img src="/hero.bmp" width="${HERO.width}" height="${HERO.height}" alt="A large, unoptimised image">
  ${TEXT}
</body>
</html>
`),
    ],
    // Without async or defer in <head>: nothing paints until it has run.
    ['/blocking.js', js(`${WORK_SOURCE}\nglobalThis.__sink = work(${iterations(BLOCKING_SCRIPT_MS)})\n`)],
    [
      '/after-paint.js',
      // Tasks of 100 ms one after the other, from the first contentful paint on, like a framework
      // hydrating the page: each blocks input for 50 ms beyond the long-task threshold, so TBT ≈ 200 ms.
      js(`${WORK_SOURCE}
function runTasks(left) {
  if (left === 0) return
  globalThis.__sink = work(${iterations(AFTER_PAINT_TASK_MS)})
  setTimeout(() => runTasks(left - 1), 0)
}
new PerformanceObserver((list, observer) => {
  if (list.getEntriesByName('first-contentful-paint').length === 0) return
  observer.disconnect()
  setTimeout(() => runTasks(${AFTER_PAINT_TASKS}), 0)
}).observe({ type: 'paint', buffered: true })
`),
    ],
    ['/hero.bmp', { type: 'image/bmp', body: heroBmp() }],
  ])
}

/**
 * An uncompressed 24-bit BMP, made here so the repository holds no binary file. Gradient plus
 * noise, so it is what it looks like: a photo-sized image nothing along the way can shrink.
 */
let heroBytes: Buffer | undefined
function heroBmp(): Buffer {
  if (heroBytes !== undefined) return heroBytes
  const { width, height } = HERO
  const rowBytes = Math.ceil((width * 3) / 4) * 4
  const pixelBytes = rowBytes * height
  const bytes = Buffer.alloc(54 + pixelBytes)
  bytes.write('BM', 0, 'ascii')
  bytes.writeUInt32LE(bytes.length, 2)
  bytes.writeUInt32LE(54, 10) // pixel data offset
  bytes.writeUInt32LE(40, 14) // BITMAPINFOHEADER size
  bytes.writeInt32LE(width, 18)
  bytes.writeInt32LE(height, 22) // positive: rows stored bottom-up
  bytes.writeUInt16LE(1, 26) // colour planes
  bytes.writeUInt16LE(24, 28) // bits per pixel
  bytes.writeUInt32LE(pixelBytes, 34)
  let seed = 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      const noise = seed % 24
      const at = 54 + y * rowBytes + x * 3
      bytes[at] = (200 - (y * 120) / height + noise) & 0xff
      bytes[at + 1] = (90 + (x * 100) / width + noise) & 0xff
      bytes[at + 2] = (40 + (y * 150) / height + noise) & 0xff
    }
  }
  heroBytes = bytes
  return bytes
}

async function serve(assets: Map<string, Asset>): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const asset = assets.get(pathname)
    // no-store: every run fetches everything again, as a first visit does.
    const headers = { 'cache-control': 'no-store' }
    if (asset === undefined) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      response.end('Not found\n')
      return
    }
    response.writeHead(200, { ...headers, 'content-type': asset.type, 'content-length': asset.body.length })
    response.end(request.method === 'HEAD' ? undefined : asset.body)
  })
  await new Promise<void>((done, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', done)
  })
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('the page server has no port')
  return { origin: `http://127.0.0.1:${address.port}`, server }
}

// ---------------------------------------------------------------------------------------------
// Trials

type Outcome<T> = { status: 'ok'; data: T } | { status: 'failed'; error: string }

interface VitalsRuns {
  runs: Record<SpreadVital, (number | null)[]>
  /** collectVitals' own median of all runs, to check the prefix medians against. */
  median: Record<SpreadVital, number | null>
  /** Wall time of the whole collectVitals() call. */
  durationMs: number
  /** web-vitals' version, as collectVitals() read it from the installed package. */
  webVitals: string
}

interface LighthouseRuns {
  runs: Record<LighthouseKey, (number | null)[]>
  /** Wall time of each audit. */
  runMs: number[]
}

interface PageTrial {
  vitals?: Outcome<VitalsRuns>
  lighthouse?: Outcome<LighthouseRuns>
}

interface TrialRecord {
  trial: number
  startedAt: string
  order: PageName[]
  loadBefore: number
  loadAfter: number
  wallMs: number
  browser: string
  pages: Partial<Record<PageName, PageTrial>>
}

interface Settings {
  trials: number
  profile: WebProfileName
  tools: readonly Tool[]
  lighthousePages: readonly PageName[]
  executablePath: string
  origin: string
  lighthouse: LoadedLighthouse | undefined
}

const progress = (line: string) => console.error(`web-spread: ${line}`)

async function runTrial(settings: Settings, trial: number): Promise<TrialRecord> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const loadBefore = loadavg()[0] ?? 0
  // Alternate the page order each trial so a browser warming up (or the machine drifting) over
  // a trial weighs on both pages alike.
  const order: PageName[] = trial % 2 === 1 ? [...PAGE_NAMES] : [...PAGE_NAMES].reverse()
  const port = await freePort()
  const browser = await chromium.launch({
    executablePath: settings.executablePath,
    args: chromiumArgs({ debuggingPort: port }),
  })
  const pages: Partial<Record<PageName, PageTrial>> = {}
  try {
    for (const name of order) {
      const url = `${settings.origin}/${name}.html`
      const record: PageTrial = {}
      pages[name] = record
      if (settings.tools.includes('vitals')) {
        record.vitals = await attempt(() => vitalsOf(browser, url, name, settings))
        report(trial, settings.trials, name, 'vitals', record.vitals)
      }
      if (settings.tools.includes('lighthouse') && settings.lighthousePages.includes(name)) {
        record.lighthouse = await attempt(() => lighthouseOf(port, url, name, settings, trial))
        report(trial, settings.trials, name, 'Lighthouse', record.lighthouse)
      }
    }
    return {
      trial,
      startedAt,
      order,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
      wallMs: performance.now() - started,
      browser: browser.version(),
      pages,
    }
  } finally {
    await browser.close()
  }
}

/** A failed check is one more outcome to count, not the end of a quarter-hour's figures. */
async function attempt<T>(measure: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { status: 'ok', data: await measure() }
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) }
  }
}

function report(trial: number, trials: number, page: PageName, tool: string, outcome: Outcome<unknown>) {
  const what = `trial ${trial}/${trials}, ${page} page, ${tool}`
  if (outcome.status === 'failed') progress(`${what}: FAILED ${outcome.error.split('\n')[0]}`)
}

async function vitalsOf(
  browser: Browser,
  url: string,
  name: PageName,
  settings: Settings,
): Promise<VitalsRuns> {
  const page = await browser.newPage()
  try {
    const result = await collectVitals(page, url, {
      runs: RUNS_PER_TRIAL,
      profile: settings.profile,
      aggregation: 'median',
      executablePath: settings.executablePath,
      name,
    })
    const pick = <T>(f: (key: SpreadVital) => T) =>
      Object.fromEntries(SPREAD_VITALS.map((key) => [key, f(key)])) as Record<SpreadVital, T>
    const vitals: VitalsRuns = {
      runs: pick((key) => result.metrics[key]?.runs ?? Array(RUNS_PER_TRIAL).fill(null)),
      median: pick((key) => result.metrics[key]?.value ?? null),
      durationMs: result.durationMs,
      webVitals: result.tool.version,
    }
    progress(
      `${name} page, vitals: LCP ${vitals.runs.LCP.map(formatMsValue).join(' ')} (${(result.durationMs / 1000).toFixed(1)} s)`,
    )
    return vitals
  } finally {
    await page.close()
  }
}

async function lighthouseOf(
  port: number,
  url: string,
  name: PageName,
  settings: Settings,
  trial: number,
): Promise<LighthouseRuns> {
  const runMs: number[] = []
  const result = await runLighthouse(
    { url, port },
    {
      runs: RUNS_PER_TRIAL,
      preset: settings.profile,
      aggregation: 'median',
      executablePath: settings.executablePath,
      name,
      ...(settings.lighthouse === undefined ? {} : { lighthouse: settings.lighthouse }),
      onRun: (run, runs, ms) => {
        runMs.push(ms)
        progress(
          `trial ${trial}/${settings.trials}, ${name} page, Lighthouse ${run}/${runs} (${(ms / 1000).toFixed(1)} s)`,
        )
      },
    },
  )
  const runs = Object.fromEntries(
    Object.entries(LIGHTHOUSE_KEYS).map(([key, id]) => [
      key,
      result.metrics[id]?.runs ?? Array(RUNS_PER_TRIAL).fill(null),
    ]),
  ) as Record<LighthouseKey, (number | null)[]>
  progress(`${name} page, Lighthouse: score ${runs.performance.map(formatScore).join(' ')}`)
  return { runs, runMs }
}

// ---------------------------------------------------------------------------------------------
// Statistics

function medianOf(values: readonly number[]): number {
  return aggregateRuns(values, 'median') ?? Number.NaN
}

/** One metric's k-run values across trials. */
interface Spread {
  /** Trials with a value. */
  n: number
  /** Trials whose k runs had no value at all (or that failed). */
  missing: number
  mean: number
  /** Sample SD (n − 1). */
  sd: number
  /** SD / mean; NaN when the mean is 0 (a TBT of 0 has no relative spread). */
  cv: number
  min: number
  max: number
  median: number
}

function spreadOf(values: readonly (number | null)[]): Spread {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v))
  const n = present.length
  const mean = n === 0 ? Number.NaN : present.reduce((sum, v) => sum + v, 0) / n
  const sd = n < 2 ? Number.NaN : Math.sqrt(present.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1))
  return {
    n,
    missing: values.length - n,
    mean,
    sd,
    cv: mean === 0 ? Number.NaN : sd / mean,
    min: n === 0 ? Number.NaN : Math.min(...present),
    max: n === 0 ? Number.NaN : Math.max(...present),
    median: medianOf(present),
  }
}

/** Each trial's median of its first k runs (null for a trial that failed or had no value). */
function prefixMedians(perTrial: readonly ((number | null)[] | undefined)[], k: number): (number | null)[] {
  return perTrial.map((runs) => (runs === undefined ? null : aggregateRuns(runs.slice(0, k), 'median')))
}

/** Lighthouse's displayed score (whole points) per trial, the most common one, and the trials off it. */
function scoreAgreement(scores: readonly (number | null)[]): { majority: number; off: number; n: number } {
  const points = scores.filter((s): s is number => s !== null).map((s) => Math.round(s * 100))
  const counts = new Map<number, number>()
  for (const p of points) counts.set(p, (counts.get(p) ?? 0) + 1)
  const middle = medianOf(points)
  let majority = Number.NaN
  let best = 0
  for (const [p, count] of counts) {
    // On a tie, the score nearer the median is the one the others are said to differ from.
    if (count > best || (count === best && Math.abs(p - middle) < Math.abs(majority - middle))) {
      majority = p
      best = count
    }
  }
  return { majority, off: points.length - best, n: points.length }
}

function vitalsSeries(trials: readonly TrialRecord[], page: PageName, key: SpreadVital) {
  return trials.map((t) => {
    const v = t.pages[page]?.vitals
    return v?.status === 'ok' ? v.data.runs[key] : undefined
  })
}

function lighthouseSeries(trials: readonly TrialRecord[], page: PageName, key: LighthouseKey) {
  return trials.map((t) => {
    const l = t.pages[page]?.lighthouse
    return l?.status === 'ok' ? l.data.runs[key] : undefined
  })
}

function failures(trials: readonly TrialRecord[], page: PageName, tool: Tool): number {
  return trials.filter((t) => t.pages[page]?.[tool]?.status === 'failed').length
}

// ---------------------------------------------------------------------------------------------
// Formatting

const dash = '–'
const finite = (x: number) => Number.isFinite(x)
const formatMsValue = (x: number | null) => (x === null ? dash : `${Math.round(x)}`)
const formatMs = (x: number) => (finite(x) ? `${Math.round(x)} ms` : dash)
const formatPercent = (x: number) => (finite(x) ? `${(x * 100).toFixed(1)}%` : dash)
const formatScore = (x: number | null) => (x === null ? dash : `${Math.round(x * 100)}`)
const formatRangeMs = (s: Spread) => (s.n === 0 ? dash : `${Math.round(s.min)}–${Math.round(s.max)} ms`)
const formatSeconds = (ms: number) => (finite(ms) ? `${(ms / 1000).toFixed(1)} s` : dash)

function vitalsTable(trials: readonly TrialRecord[], pages: readonly PageName[], key: SpreadVital): string {
  const rows = pages.flatMap((page) =>
    KS.map((k) => {
      const s = spreadOf(prefixMedians(vitalsSeries(trials, page, key), k))
      return [page, k, formatMs(s.mean), formatMs(s.sd), formatPercent(s.cv), formatRangeMs(s), s.missing]
    }),
  )
  return markdownTable(['page', 'runs (k)', 'mean', 'SD', 'CV', 'min–max', 'trials without'], rows)
}

function lighthouseTable(trials: readonly TrialRecord[], pages: readonly PageName[]): string {
  const rows = pages.flatMap((page) =>
    KS.map((k) => {
      const scores = prefixMedians(lighthouseSeries(trials, page, 'performance'), k)
      const score = spreadOf(scores)
      const agreement = scoreAgreement(scores)
      const lcp = spreadOf(prefixMedians(lighthouseSeries(trials, page, 'LCP'), k))
      const tbt = spreadOf(prefixMedians(lighthouseSeries(trials, page, 'TBT'), k))
      return [
        page,
        k,
        formatScore(finite(score.median) ? score.median : null),
        score.n === 0 ? dash : `${formatScore(score.min)}–${formatScore(score.max)}`,
        score.n === 0 ? dash : `${agreement.off}/${agreement.n} (majority ${agreement.majority})`,
        formatMs(lcp.mean),
        formatPercent(lcp.cv),
        formatMs(tbt.mean),
        formatPercent(tbt.cv),
      ]
    }),
  )
  return markdownTable(
    [
      'page',
      'runs (k)',
      'score median',
      'score min–max',
      'trials ≠ majority score',
      'LCP mean',
      'LCP CV',
      'TBT mean',
      'TBT CV',
    ],
    rows,
  )
}

/** Mean of each run position across trials: does a fresh browser's first run differ from the rest? */
function positionTable(trials: readonly TrialRecord[], settings: Settings): string {
  const rows: (string | number)[][] = []
  const positions = Array.from({ length: RUNS_PER_TRIAL }, (_, i) => i)
  const byPosition = (series: readonly ((number | null)[] | undefined)[]) =>
    positions.map((i) => spreadOf(series.map((runs) => runs?.[i] ?? null)).mean)
  for (const page of PAGE_NAMES) {
    if (settings.tools.includes('vitals')) {
      for (const key of ['LCP', 'TBT'] as const) {
        rows.push([page, `vitals ${key}`, ...byPosition(vitalsSeries(trials, page, key)).map(formatMs)])
      }
    }
    if (settings.tools.includes('lighthouse') && settings.lighthousePages.includes(page)) {
      const scores = byPosition(lighthouseSeries(trials, page, 'performance'))
      rows.push([page, 'Lighthouse score', ...scores.map((s) => (finite(s) ? (s * 100).toFixed(1) : dash))])
      rows.push([page, 'Lighthouse LCP', ...byPosition(lighthouseSeries(trials, page, 'LCP')).map(formatMs)])
    }
  }
  return markdownTable(['page', 'metric', ...positions.map((i) => `run ${i + 1}`)], rows)
}

function wallTimeTable(trials: readonly TrialRecord[], settings: Settings): string {
  const rows: (string | number)[][] = []
  for (const page of PAGE_NAMES) {
    if (settings.tools.includes('vitals')) {
      const perRun = trials.flatMap((t) => {
        const v = t.pages[page]?.vitals
        return v?.status === 'ok' ? [v.data.durationMs / RUNS_PER_TRIAL] : []
      })
      rows.push(wallRow(page, 'vitals (mean of a 5-run call)', perRun))
    }
    if (settings.tools.includes('lighthouse') && settings.lighthousePages.includes(page)) {
      const perRun = trials.flatMap((t) => {
        const l = t.pages[page]?.lighthouse
        return l?.status === 'ok' ? l.data.runMs : []
      })
      rows.push(wallRow(page, 'Lighthouse', perRun))
    }
  }
  return markdownTable(
    ['page', 'tool', 'per run, median', 'per run, max', ...KS.map((k) => `${k} run${k === 1 ? '' : 's'}`)],
    rows,
  )
}

function wallRow(page: PageName, tool: string, perRunMs: readonly number[]): (string | number)[] {
  const median = medianOf(perRunMs)
  const max = perRunMs.length === 0 ? Number.NaN : Math.max(...perRunMs)
  return [page, tool, formatSeconds(median), formatSeconds(max), ...KS.map((k) => formatSeconds(k * median))]
}

/** The smallest k meeting both targets on every measured page, with the figures that decided it. */
function suggestion(trials: readonly TrialRecord[], settings: Settings): string[] {
  const lines: string[] = []
  const verdicts = KS.map((k) => {
    const problems: string[] = []
    if (settings.tools.includes('vitals')) {
      for (const page of PAGE_NAMES) {
        const s = spreadOf(prefixMedians(vitalsSeries(trials, page, 'LCP'), k))
        if (!(s.cv <= TARGET_LCP_CV)) problems.push(`${page} LCP CV ${formatPercent(s.cv)}`)
      }
    }
    if (settings.tools.includes('lighthouse')) {
      for (const page of settings.lighthousePages) {
        const s = spreadOf(prefixMedians(lighthouseSeries(trials, page, 'performance'), k))
        const points = Math.round(s.max * 100) - Math.round(s.min * 100)
        if (!(points <= TARGET_SCORE_RANGE_POINTS)) problems.push(`${page} score range ${points} points`)
      }
    }
    return { k, problems }
  })
  lines.push(
    `Rule: the smallest k whose median keeps the vitals LCP CV ≤ ${formatPercent(TARGET_LCP_CV)} and the Lighthouse score range ≤ ${TARGET_SCORE_RANGE_POINTS} points on every page measured.`,
    '',
  )
  for (const { k, problems } of verdicts) {
    lines.push(`- k = ${k}: ${problems.length === 0 ? 'meets both' : problems.join(', ')}`)
  }
  const chosen = verdicts.find((v) => v.problems.length === 0)
  lines.push(
    '',
    trials.length < 2
      ? '**No suggestion: a spread across trials needs at least 2 trials.**'
      : chosen === undefined
        ? `**Suggested default: none of ${KS.join(', ')} meets the rule here.**`
        : `**Suggested default: ${chosen.k} run${chosen.k === 1 ? '' : 's'}** (perfgate's current DEFAULT_WEB_RUNS: ${DEFAULT_WEB_RUNS}).`,
  )
  if (trials.length > 1) {
    // The SD of n normal values is itself uncertain by about 1/√(2(n−1)) of its size.
    lines.push(
      '',
      `With ${trials.length} trials a CV is known to about ±${formatPercent(1 / Math.sqrt(2 * (trials.length - 1)))} of itself (1 SE), so CVs closer than that do not differ.`,
    )
  }
  return lines
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const trials = positiveInteger(values.trials, DEFAULT_TRIALS, '--trials')
  const profile = oneOf(values.profile, PROFILES, '--profile') ?? DEFAULT_PROFILE
  const only = oneOf(values.only, TOOLS, '--only')
  const tools: readonly Tool[] = only === undefined ? TOOLS : [only]
  const lighthousePages = pageList(values['lighthouse-pages'])
  const command = ['node --import tsx bench/web-spread.ts', ...process.argv.slice(2)].join(' ')

  const started = performance.now()
  const startedAt = new Date()
  const loadBefore = loadavg()
  const envBefore = captureEnvironment()
  const { executablePath } = findChromium()
  const lighthouse = tools.includes('lighthouse') ? await loadLighthouse() : undefined

  const pinned = values['iterations-per-ms']
  if (pinned !== undefined && !(Number(pinned) > 0)) {
    fail(`--iterations-per-ms takes a number above 0, received "${pinned}".`)
  }
  progress(pinned === undefined ? 'calibrating the heavy page’s work in Chromium …' : 'starting Chromium …')
  const calibration = await chromium.launch({ executablePath, args: chromiumArgs() })
  let iterationsPerMs: number
  let chromiumVersion: string
  try {
    iterationsPerMs = pinned === undefined ? await calibrate(calibration) : Number(pinned)
    chromiumVersion = calibration.version()
  } finally {
    await calibration.close()
  }
  const { origin, server } = await serve(site(iterationsPerMs))
  const settings: Settings = { trials, profile, tools, lighthousePages, executablePath, origin, lighthouse }

  const records: TrialRecord[] = []
  try {
    for (let trial = 1; trial <= trials; trial++) {
      progress(`trial ${trial}/${trials} …`)
      const record = await runTrial(settings, trial)
      records.push(record)
      const left = ((trials - trial) * (performance.now() - started)) / trial
      progress(
        `trial ${trial}/${trials} took ${formatSeconds(record.wallMs)} (load ${record.loadBefore.toFixed(2)} → ${record.loadAfter.toFixed(2)}); ~${(left / 60_000).toFixed(1)} min left`,
      )
    }
  } finally {
    server.close()
  }

  const wallMs = performance.now() - started
  const loadAfter = loadavg()
  const webVitalsVersion =
    records
      .flatMap((r) => Object.values(r.pages))
      .map((p) => (p.vitals?.status === 'ok' ? p.vitals.data.webVitals : undefined))
      .find((v) => v !== undefined) ?? 'not run'
  const perTrialMs = medianOf(records.map((r) => r.wallMs))

  const out: string[] = []
  out.push(
    `# Web spread: ${trials} trial${trials === 1 ? '' : 's'}, ${profile} profile`,
    '',
    `\`${command}\``,
    '',
    `- Date: ${startedAt.toISOString()} · took ${(wallMs / 60_000).toFixed(1)} min (${formatSeconds(perTrialMs)} per trial, median)`,
    `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} cores · ${formatEnvironmentLine(envBefore)}`,
    `- Load average (1/5/15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}; 1-min load at trial starts ${formatRangeOf(records.map((r) => r.loadBefore))}, at trial ends ${formatRangeOf(records.map((r) => r.loadAfter))}`,
    `- Node ${process.versions.node} · Chromium ${chromiumVersion} (${executablePath}) · Lighthouse ${lighthouse?.version ?? 'not run'} · web-vitals ${webVitalsVersion}`,
    `- Each trial: a fresh Chromium; per page ${tools.includes('vitals') ? `collectVitals() × ${RUNS_PER_TRIAL} runs` : ''}${tools.length === 2 ? ', then ' : ''}${tools.includes('lighthouse') ? `runLighthouse() × ${RUNS_PER_TRIAL} runs (${profile} preset; pages: ${lighthousePages.join(', ')})` : ''}. k runs = median of the trial's first k runs (aggregateRuns, as a check with \`runs: k\` reports).`,
    `- Heavy page: ${BLOCKING_SCRIPT_MS} ms render-blocking script, ${AFTER_PAINT_TASKS} × ${AFTER_PAINT_TASK_MS} ms tasks after FCP (${pinned === undefined ? 'calibrated' : 'given'}: ${Math.round(iterationsPerMs)} loop iterations per ms, unthrottled), ${HERO.width}×${HERO.height} BMP of ${(heroBmp().length / 1e6).toFixed(2)} MB as LCP element. Fast page: text and a 96×64 inline SVG.`,
  )
  const failed = PAGE_NAMES.flatMap((page) =>
    TOOLS.map((tool) => [page, tool, failures(records, page, tool)] as const).filter(([, , n]) => n > 0),
  )
  if (failed.length > 0) {
    out.push(
      `- **Failed:** ${failed.map(([page, tool, n]) => `${page} ${tool} in ${n} trial${n === 1 ? '' : 's'}`).join(', ')} (left out; see stderr)`,
    )
  }

  if (tools.includes('vitals')) {
    for (const key of SPREAD_VITALS) {
      out.push('', `## Vitals ${key} (${profile}), median of k runs, across trials`, '')
      out.push(vitalsTable(records, PAGE_NAMES, key))
    }
    const mismatch = records.some((r) =>
      PAGE_NAMES.some((page) => {
        const v = r.pages[page]?.vitals
        return (
          v?.status === 'ok' &&
          SPREAD_VITALS.some((key) => aggregateRuns(v.data.runs[key], 'median') !== v.data.median[key])
        )
      }),
    )
    if (mismatch) out.push('', '**Check failed:** a 5-run median here differs from collectVitals’ own value.')
    out.push(...heavyWorkNote(records, profile))
  }
  if (tools.includes('lighthouse')) {
    out.push(
      '',
      `## Lighthouse (${profile} preset), median of k runs, across trials`,
      '',
      'Scores in whole points as Lighthouse shows them; "≠ majority": trials whose score differs from the most common one.',
      '',
      lighthouseTable(records, lighthousePages),
    )
  }
  out.push('', '## Mean by run position (a fresh browser per trial)', '', positionTable(records, settings))
  out.push(
    '',
    '## Wall time per run, and per page for a check of k runs',
    '',
    wallTimeTable(records, settings),
  )
  out.push('', '## Suggested default', '', ...suggestion(records, settings))
  console.log(out.join('\n'))

  if (values.json !== undefined) {
    await writeFile(
      values.json,
      `${JSON.stringify(
        {
          command,
          startedAt: startedAt.toISOString(),
          wallMs,
          env: { start: envBefore, end: captureEnvironment() },
          settings: {
            trials,
            profile,
            tools,
            lighthousePages,
            runsPerTrial: RUNS_PER_TRIAL,
            ks: KS,
            chromium: { executablePath, version: chromiumVersion },
            lighthouse: lighthouse?.version ?? null,
            webVitals: webVitalsVersion,
            heavyPage: {
              blockingScriptMs: BLOCKING_SCRIPT_MS,
              afterPaintTasks: AFTER_PAINT_TASKS,
              afterPaintTaskMs: AFTER_PAINT_TASK_MS,
              iterationsPerMs,
              heroBytes: heroBmp().length,
            },
          },
          trials: records,
        },
        null,
        1,
      )}\n`,
    )
    progress(`wrote ${relative(process.cwd(), resolve(values.json))}`)
  }
  progress(`done in ${(wallMs / 60_000).toFixed(1)} min`)
}

/**
 * A warning when the heavy page's TBT is far from what its calibrated tasks should give: the
 * calibration was disturbed, so the page was lighter or heavier than described.
 */
function heavyWorkNote(trials: readonly TrialRecord[], profile: WebProfileName): string[] {
  const taskMs = AFTER_PAINT_TASK_MS * WEB_PROFILES[profile].cpuSlowdown
  const expected = AFTER_PAINT_TASKS * Math.max(0, taskMs - LONG_TASK_MS)
  const measured = spreadOf(prefixMedians(vitalsSeries(trials, 'heavy', 'TBT'), RUNS_PER_TRIAL)).median
  if (!finite(measured) || Math.abs(measured - expected) <= expected * TBT_TOLERANCE) return []
  return [
    '',
    `**⚠ The heavy page's TBT is ${formatMs(measured)} (median of trials), not the ~${formatMs(expected)} its ${AFTER_PAINT_TASKS} × ${formatMs(taskMs)} tasks should block for:** the calibration ran at another CPU speed than the trials (a busy machine?). Its figures describe a ${measured < expected ? 'lighter' : 'heavier'} page than the one described above; re-run on a quiet machine, or pin the speed with --iterations-per-ms.`,
  ]
}

function formatRangeOf(xs: readonly number[]): string {
  return xs.length === 0 ? dash : `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`
}

if (values.help) {
  console.log(HELP)
} else {
  await main()
}

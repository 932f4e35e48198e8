import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError, reasonOf } from '../errors.js'
import { metricSeries } from './aggregate-runs.js'
import {
  type LighthouseMetric,
  type LighthouseReport,
  type LighthouseSettings,
  lighthouseMetrics,
} from './lighthouse-metrics.js'
import { type LighthouseFlags, type LoadedLighthouse, loadLighthouse } from './load-lighthouse.js'
import { DEFAULT_WEB_PROFILE } from './profiles.js'
import {
  DEFAULT_WEB_AGGREGATION,
  DEFAULT_WEB_RUNS,
  WEB_AGGREGATIONS,
  type WebAggregation,
  type WebMetricSeries,
  type WebProfile,
  type WebResult,
} from './types.js'

/** Lighthouse's two presets: its default (mobile) config and its desktop config. */
export const LIGHTHOUSE_PRESETS = ['desktop', 'mobile'] as const
export type LighthousePreset = (typeof LIGHTHOUSE_PRESETS)[number]
/**
 * Preset when none is given: desktop, perfgate's default profile (DEFAULT_WEB_PROFILE), so a page's
 * vitals and Lighthouse results describe the same device. Lighthouse's own CLI defaults to mobile.
 */
export const DEFAULT_LIGHTHOUSE_PRESET: LighthousePreset = DEFAULT_WEB_PROFILE
/** Categories audited when none are given. Each extra category costs run time; budgets mostly need this one. */
export const DEFAULT_LIGHTHOUSE_CATEGORIES: readonly string[] = ['performance']
/** Host of the DevTools port when none is given: Chromium binds its remote-debugging port there. */
export const DEFAULT_DEVTOOLS_HOST = '127.0.0.1'
/** How long the browser may take to answer on its DevTools port before perfgate says nobody is there. */
export const DEVTOOLS_VERSION_TIMEOUT_MS = 5_000

/** The page to audit and the Chromium to audit it in, reached through its remote-debugging port. */
export interface LighthouseTarget {
  url: string
  /** The `--remote-debugging-port` of a running Chromium. */
  port: number
  /** @default DEFAULT_DEVTOOLS_HOST */
  hostname?: string
}

/** How runLighthouse audits a page. */
export interface RunLighthouseOptions {
  /** Times the page is audited; every run's values are kept. @default DEFAULT_WEB_RUNS */
  runs?: number
  /** @default DEFAULT_LIGHTHOUSE_PRESET */
  preset?: LighthousePreset
  /** How the runs' values become the one checked against a budget. @default DEFAULT_WEB_AGGREGATION */
  aggregation?: WebAggregation
  /** Name of the page in reports. @default the URL */
  name?: string
  /** Lighthouse categories to audit. @default DEFAULT_LIGHTHOUSE_CATEGORIES */
  onlyCategories?: readonly string[]
  /**
   * Keep each run's full Lighthouse result in `reports` (0.2–1 MB each), e.g. to write Lighthouse's
   * own HTML report. Off by default: the metrics already carry every value a budget can use.
   * @default false
   */
  keepReports?: boolean
  /** Called after each run, e.g. to show "Lighthouse 2/3 … 6.1 s". */
  onRun?: (run: number, runs: number, durationMs: number) => void
  /** Lighthouse, already loaded. @default await loadLighthouse() */
  lighthouse?: LoadedLighthouse
  /** Where the audited browser's executable is, for the record. @default "unknown" */
  executablePath?: string
}

/** A page audited by Lighthouse: the web result, and the full Lighthouse results when kept. */
export interface LighthouseWebResult extends WebResult {
  tool: { name: 'lighthouse'; version: string }
  /** Each run's Lighthouse result, in run order, when `keepReports` was set; else empty. */
  reports: LighthouseReport[]
}

/**
 * Audit `target.url` with Lighthouse `runs` times in the Chromium listening on `target.port`, and
 * return every metric of every run (see lighthouseMetrics for the keys) with its aggregate.
 *
 * Runs are sequential: two audits at once in one browser would slow each other. A run that throws,
 * returns nothing, or reports a `runtimeError` (the page did not load) fails the whole call with
 * LIGHTHOUSE_FAILED naming the URL and run; a run's value is never silently dropped.
 */
export async function runLighthouse(
  target: LighthouseTarget,
  options: RunLighthouseOptions = {},
): Promise<LighthouseWebResult> {
  const runs = options.runs ?? DEFAULT_WEB_RUNS
  const preset = options.preset ?? DEFAULT_LIGHTHOUSE_PRESET
  const aggregation = options.aggregation ?? DEFAULT_WEB_AGGREGATION
  const onlyCategories = [...(options.onlyCategories ?? DEFAULT_LIGHTHOUSE_CATEGORIES)]
  const hostname = target.hostname ?? DEFAULT_DEVTOOLS_HOST
  validate(target, { runs, preset, aggregation, onlyCategories })

  const lh = options.lighthouse ?? (await loadLighthouse())
  const browserVersion = await readBrowserVersion(target, hostname, runs)
  const env = captureEnvironment()
  const startedAt = new Date()
  const started = performance.now()

  const flags: LighthouseFlags = {
    port: target.port,
    hostname,
    output: 'json',
    logLevel: 'error',
    onlyCategories,
  }
  const perRun: Record<string, LighthouseMetric>[] = []
  const reports: LighthouseReport[] = []
  let first: LighthouseReport | undefined
  for (let run = 1; run <= runs; run++) {
    const runStarted = performance.now()
    const lhr = await auditOnce(lh, target.url, flags, preset, run, runs)
    first ??= lhr
    perRun.push(lighthouseMetrics(lhr))
    if (options.keepReports) reports.push(lhr)
    options.onRun?.(run, runs, performance.now() - runStarted)
  }

  return {
    kind: 'web',
    name: options.name ?? target.url,
    url: target.url,
    tool: { name: 'lighthouse', version: first?.lighthouseVersion ?? lh.version },
    browser: {
      version: browserVersion ?? productFromUserAgent(first?.environment?.hostUserAgent ?? first?.userAgent),
      executablePath: options.executablePath ?? 'unknown',
    },
    profile: lighthouseProfile(first?.configSettings, preset),
    aggregation,
    runs,
    metrics: combineRuns(perRun, aggregation),
    env,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    reports,
  }
}

/**
 * The device and network Lighthouse emulated, read from the settings it reports
 * (`lhr.configSettings`) rather than assumed from the preset, named after the preset.
 *
 * With Lighthouse's default "simulate" throttling the page loads unthrottled and the metrics are
 * computed for the profile's round-trip time and throughput (one figure for both directions); with
 * "devtools" throttling they are applied through the DevTools protocol; with "provided" there is none.
 */
export function lighthouseProfile(settings: LighthouseSettings | undefined, name: string): WebProfile {
  const screen = settings?.screenEmulation
  const throttling = settings?.throttling ?? {}
  const method = settings?.throttlingMethod
  const network: WebProfile['network'] =
    method === 'simulate'
      ? {
          latencyMs: throttling.rttMs ?? 0,
          downloadKbps: throttling.throughputKbps ?? 0,
          uploadKbps: throttling.throughputKbps ?? 0,
        }
      : method === 'devtools'
        ? {
            latencyMs: throttling.requestLatencyMs ?? 0,
            downloadKbps: throttling.downloadThroughputKbps ?? 0,
            uploadKbps: throttling.uploadThroughputKbps ?? 0,
          }
        : null
  return {
    name,
    viewport: { width: screen?.width ?? 0, height: screen?.height ?? 0 },
    deviceScaleFactor: screen?.deviceScaleFactor ?? 1,
    mobile: screen?.mobile ?? settings?.formFactor === 'mobile',
    cpuSlowdown: method === 'provided' ? 1 : (throttling.cpuSlowdownMultiplier ?? 1),
    network,
  }
}

async function auditOnce(
  lh: LoadedLighthouse,
  url: string,
  flags: LighthouseFlags,
  preset: LighthousePreset,
  run: number,
  runs: number,
): Promise<LighthouseReport> {
  let result: Awaited<ReturnType<LoadedLighthouse['lighthouse']>>
  try {
    result = await lh.lighthouse(url, flags, lh.configs[preset])
  } catch (error) {
    throw perfgateError('LIGHTHOUSE_FAILED', { url, run, runs, reason: reasonOf(error) }, error)
  }
  const lhr = result?.lhr
  if (!lhr) {
    throw perfgateError('LIGHTHOUSE_FAILED', { url, run, runs, reason: 'Lighthouse returned no result' })
  }
  if (lhr.runtimeError) {
    const { code = 'UNKNOWN', message = 'no message' } = lhr.runtimeError
    // Lighthouse reports a page that did not load in the result instead of throwing; keep its
    // code on the cause so a caller can tell ERRORED_DOCUMENT_REQUEST from NO_FCP.
    const cause = Object.assign(new Error(message), { code })
    throw perfgateError(
      'LIGHTHOUSE_FAILED',
      { url, run, runs, reason: `${code}: ${reasonOf(message)}` },
      cause,
    )
  }
  return lhr
}

/** Every metric any run produced, in first-seen order, with one value per run (null where a run lacks it). */
function combineRuns(
  perRun: readonly Record<string, LighthouseMetric>[],
  aggregation: WebAggregation,
): Record<string, WebMetricSeries> {
  const keys = new Set(perRun.flatMap((metrics) => Object.keys(metrics)))
  const combined: Record<string, WebMetricSeries> = {}
  for (const key of keys) {
    const found = perRun.map((metrics) => metrics[key])
    const unit = found.find((m) => m !== undefined)?.unit ?? 'unitless'
    const reasons = new Set<string>()
    found.forEach((metric, i) => {
      if (metric === undefined) reasons.add(`absent from run ${i + 1}`)
      else if (metric.value === null && metric.missing) reasons.add(metric.missing)
    })
    const missing = reasons.size > 0 ? [...reasons].join('; ') : undefined
    combined[key] = metricSeries(
      unit,
      found.map((m) => m?.value ?? null),
      aggregation,
      missing,
    )
  }
  return combined
}

/**
 * The browser's product string ("Chrome/156.0.8078.79") from its DevTools endpoint. Asking first
 * also turns "nothing listens on that port" into a clear error before Lighthouse's own, which
 * speaks of WebSocket URLs.
 */
async function readBrowserVersion(
  target: LighthouseTarget,
  hostname: string,
  runs: number,
): Promise<string | undefined> {
  const endpoint = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${target.port}/json/version`
  let response: Response
  try {
    response = await fetch(endpoint, { signal: AbortSignal.timeout(DEVTOOLS_VERSION_TIMEOUT_MS) })
  } catch (error) {
    const why = reasonOf((error as { cause?: unknown }).cause ?? error)
    throw perfgateError(
      'LIGHTHOUSE_FAILED',
      {
        url: target.url,
        run: 1,
        runs,
        reason: `no browser answers on DevTools port ${hostname}:${target.port} (${why}); start Chromium with --remote-debugging-port=${target.port}`,
      },
      error,
    )
  }
  try {
    const body = (await response.json()) as { Browser?: unknown }
    return typeof body.Browser === 'string' ? body.Browser : undefined
  } catch {
    // Something answered that is not a DevTools endpoint; let Lighthouse say what it makes of it.
    return undefined
  }
}

/** "Chrome/156.0.0.0" from a user agent, the fallback when the DevTools endpoint gave no product. */
function productFromUserAgent(userAgent: string | undefined): string {
  const match = userAgent?.match(/(?:Headless)?Chrome\/([\d.]+)/)
  return match ? `Chrome/${match[1]}` : 'unknown'
}

function validate(
  target: LighthouseTarget,
  o: { runs: number; preset: string; aggregation: string; onlyCategories: readonly unknown[] },
): void {
  const invalid = (problem: string, fix: string) =>
    perfgateError('WEB_OPTIONS_INVALID', { fn: 'runLighthouse()', problem, fix })
  let url: URL | undefined
  try {
    url = new URL(target.url)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(
      `url is ${JSON.stringify(target.url)}`,
      'Pass the http(s) URL of the page, e.g. "http://127.0.0.1:4173/".',
    )
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw invalid(
      `port is ${String(target.port)}`,
      'Pass the remote-debugging port of a running Chromium (launched with --remote-debugging-port=<port>).',
    )
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) {
    throw invalid(
      `runs is ${String(o.runs)}`,
      `Pass a whole number of runs of at least 1 (default ${DEFAULT_WEB_RUNS}).`,
    )
  }
  if (!(LIGHTHOUSE_PRESETS as readonly string[]).includes(o.preset)) {
    throw invalid(
      `preset is ${JSON.stringify(o.preset)}`,
      `Use one of ${LIGHTHOUSE_PRESETS.map((p) => `"${p}"`).join(', ')}.`,
    )
  }
  if (!(WEB_AGGREGATIONS as readonly string[]).includes(o.aggregation)) {
    throw invalid(
      `aggregation is ${JSON.stringify(o.aggregation)}`,
      `Use one of ${WEB_AGGREGATIONS.map((a) => `"${a}"`).join(', ')}.`,
    )
  }
  if (o.onlyCategories.length === 0 || o.onlyCategories.some((c) => typeof c !== 'string' || c === '')) {
    throw invalid(
      `onlyCategories is ${JSON.stringify(o.onlyCategories)}`,
      'Pass Lighthouse category ids, e.g. ["performance"] or ["performance", "accessibility"].',
    )
  }
}

import { parseDuration } from '../budget/parse-duration.js'
import { HTTP_METHODS } from '../config/schema.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { isPerfgateError, perfgateError, reasonOf } from '../errors.js'
import { probeUrl } from '../server/wait-for-url.js'
import { LatencyHistogram, latencySummary } from './latency-histogram.js'
import { type AutocannonResult, type LoadedAutocannon, loadAutocannon } from './load-autocannon.js'
import type { HttpMethod, LoadTestResult } from './types.js'

/** Concurrent connections when none are given: autocannon's own default. */
export const DEFAULT_CONNECTIONS = 10
/** How long a load test runs when neither `duration` nor `amount` is given. */
export const DEFAULT_LOAD_DURATION = '5s'
/** How long one request may wait for its response before it counts as a timeout: autocannon's default. */
export const DEFAULT_REQUEST_TIMEOUT = '10s'
/** The shortest request timeout autocannon accepts (it refuses less than 1 s). */
export const MIN_REQUEST_TIMEOUT_NS = 1e9

// autocannon checks every sampleInt whether the run is over; its default of 1 s would add up to a
// second of idle time to a run of `amount` requests. Its per-interval statistics are not used.
const SAMPLE_INTERVAL_MS = 100
// How long the check before the run may take to see a connection. A hanging endpoint is a
// legitimate target (its requests count as timeouts), so only a refused connection stops the run.
const PROBE_TIMEOUT_MS = 1_000

/** One response as it arrived, for {@link LoadTestOptions.onResponse}. */
export interface LoadResponse {
  statusCode: number
  /** Time from sending the request to the end of its response, ns. */
  latencyNs: number
  /** Bytes of the response, headers and body. */
  bytes: number
}

/** Options of {@link loadTest}. */
export interface LoadTestOptions {
  /** The http:// or https:// endpoint to load: your own server on loopback or staging, never someone else's. */
  url: string
  /** Name in reports and messages. @default `${method} ${url}` */
  name?: string
  /** Concurrent connections, each sending its next request when the last one is answered. @default DEFAULT_CONNECTIONS */
  connections?: number
  /** How long to load the endpoint, e.g. "5s". Not with `amount`. @default DEFAULT_LOAD_DURATION */
  duration?: string | number
  /** Send this many requests, then stop (at least `connections`). Not with `duration`. */
  amount?: number
  /** @default 'GET' */
  method?: HttpMethod
  headers?: Record<string, string>
  /** Request body, sent as is with every request. */
  body?: string
  /** How long a request may wait for its response, e.g. "2s"; at least 1s. @default DEFAULT_REQUEST_TIMEOUT */
  timeout?: string | number
  /**
   * Called with every response. perfgate keeps latencies in a bounded histogram; this hook is for
   * checks of your own (and for tests that compare percentiles with the raw times).
   */
  onResponse?: (response: LoadResponse) => void
  /** Project folder: where autocannon is looked up first, and where git is read for the environment. @default process.cwd() */
  cwd?: string
  /** Environment variables, for the environment capture (CI detection). @default process.env */
  env?: NodeJS.ProcessEnv
  /** A loaded autocannon, for tests. @default loadAutocannon({ cwd }) */
  autocannon?: LoadedAutocannon
}

/** Options after validation, in the units perfgate computes with. */
export interface ResolvedLoadOptions {
  url: string
  name: string
  connections: number
  stop: { durationNs: number } | { amount: number }
  method: HttpMethod
  headers: Record<string, string> | undefined
  body: string | undefined
  timeoutNs: number
}

/**
 * Load an HTTP endpoint with autocannon and measure it: latency percentiles from every response's
 * own time, requests per second, throughput, errors by kind and the error rate, with the
 * environment it ran in.
 *
 * Latencies go into a fixed-resolution histogram (see latency-histogram.ts), so memory stays
 * bounded on long runs and every percentile is within 0.1% of the exact one; autocannon's own
 * histogram has 1 ms resolution and no p95, and is not used.
 *
 * Before the run, one GET checks that something accepts connections at `url`: a refused
 * connection ends here with HTTP_LOAD_FAILED rather than as a run of nothing but errors.
 *
 * @throws PerfgateError HTTP_OPTIONS_INVALID for an invalid option (what, and how to write it);
 * PEER_MISSING when autocannon is not installed; HTTP_LOAD_FAILED when nothing listens at `url`
 * or autocannon fails.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const resolved = resolveLoadOptions(options)
  const cwd = options.cwd ?? process.cwd()
  const { autocannon, version } = options.autocannon ?? loadAutocannon({ cwd })

  const probe = await probeUrl(resolved.url, { timeoutMs: PROBE_TIMEOUT_MS })
  if (probe.status === 'failed' && !probe.reason.startsWith('no response within')) {
    throw perfgateError('HTTP_LOAD_FAILED', {
      url: resolved.url,
      reason: `nothing answered (${probe.reason})`,
    })
  }
  // Captured before the load: the load average then describes the machine, not the test's own load.
  const env = captureEnvironment({ cwd, ...(options.env === undefined ? {} : { env: options.env }) })

  const histogram = new LatencyHistogram()
  let bytes = 0
  let responses = 0
  const start = process.hrtime.bigint()
  let last = start
  const outcome = await new Promise<AutocannonResult>((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(
        isPerfgateError(error)
          ? error
          : perfgateError('HTTP_LOAD_FAILED', { url: resolved.url, reason: reasonOf(error) }, error),
      )
    try {
      const instance = autocannon(
        {
          url: resolved.url,
          connections: resolved.connections,
          ...('amount' in resolved.stop
            ? { amount: resolved.stop.amount }
            : { duration: resolved.stop.durationNs / 1e9 }),
          timeout: resolved.timeoutNs / 1e9,
          method: resolved.method,
          ...(resolved.headers === undefined ? {} : { headers: resolved.headers }),
          ...(resolved.body === undefined ? {} : { body: resolved.body }),
          sampleInt: SAMPLE_INTERVAL_MS,
        },
        (error, result) => (error ? fail(error) : resolve(result)),
      )
      instance.on('response', (_client, statusCode, resBytes, ms) => {
        last = process.hrtime.bigint()
        const latencyNs = ms * 1e6
        histogram.record(latencyNs)
        responses++
        bytes += resBytes
        options.onResponse?.({ statusCode, latencyNs, bytes: resBytes })
      })
      instance.on('reqError', () => {
        last = process.hrtime.bigint()
      })
    } catch (error) {
      fail(error)
    }
  })
  const elapsedNs = Number(last - start)
  return buildResult(resolved, outcome, {
    histogram,
    responses,
    bytes,
    elapsedNs,
    version,
    env,
  })
}

/** What loadTest collected, before it becomes a result. */
interface Collected {
  histogram: LatencyHistogram
  responses: number
  bytes: number
  elapsedNs: number
  version: string
  env: LoadTestResult['env']
}

function buildResult(o: ResolvedLoadOptions, outcome: AutocannonResult, c: Collected): LoadTestResult {
  const data = c.histogram.toData()
  const statusCodes: Record<string, number> = {}
  for (const [code, { count }] of Object.entries(outcome.statusCodeStats ?? {})) statusCodes[code] = count
  // autocannon counts a timeout as an error too; here each request has one reason.
  const timeouts = outcome.timeouts
  const connection = Math.max(0, outcome.errors - outcome.timeouts)
  const requests = c.responses + connection + timeouts
  const failed = connection + timeouts + outcome.non2xx
  const seconds = c.elapsedNs / 1e9
  return {
    kind: 'http-load',
    name: o.name,
    url: o.url,
    method: o.method,
    connections: o.connections,
    stop: o.stop,
    timeoutNs: o.timeoutNs,
    elapsedNs: c.elapsedNs,
    requests,
    responses: c.responses,
    rps: seconds > 0 ? c.responses / seconds : 0,
    bytes: c.bytes,
    throughputBytesPerSec: seconds > 0 ? c.bytes / seconds : 0,
    latency: latencySummary(data),
    errors: { connection, timeouts, non2xx: outcome.non2xx, statusCodes },
    errorRate: requests === 0 ? 0 : failed / requests,
    tool: { name: 'autocannon', version: c.version },
    env: c.env,
  }
}

/**
 * Validate loadTest's options and put them in perfgate's units. Pure.
 *
 * @param fn - How the caller is named in errors, e.g. `loadTest()` or `budgets.http[0]`.
 * @throws PerfgateError HTTP_OPTIONS_INVALID naming the option, what was received and what to write.
 */
export function resolveLoadOptions(options: LoadTestOptions, fn = 'loadTest()'): ResolvedLoadOptions {
  const invalid = (problem: string, fix: string, cause?: unknown) =>
    perfgateError('HTTP_OPTIONS_INVALID', { fn, problem, fix }, cause)
  if (typeof options !== 'object' || options === null) {
    throw invalid(
      `it takes an options object, received ${typeof options}`,
      "Write loadTest({ url: 'http://127.0.0.1:3000/', duration: '5s' }).",
    )
  }
  const url = checkUrl(options.url, invalid)
  const method = options.method ?? 'GET'
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw invalid(
      `"method" must be one of ${HTTP_METHODS.join(', ')}, received ${JSON.stringify(method)}`,
      'Write the method in capitals, e.g. method: "POST".',
    )
  }
  const connections = options.connections ?? DEFAULT_CONNECTIONS
  if (!(Number.isInteger(connections) && connections >= 1)) {
    throw invalid(
      `"connections" must be a whole number of 1 or more, received ${JSON.stringify(connections)}`,
      'Write e.g. connections: 10.',
    )
  }
  if (options.duration !== undefined && options.amount !== undefined) {
    throw invalid(
      `both "duration" (${JSON.stringify(options.duration)}) and "amount" (${JSON.stringify(options.amount)}) are set`,
      'A run ends after a duration or after a number of requests: keep one of them.',
    )
  }
  let stop: ResolvedLoadOptions['stop']
  if (options.amount !== undefined) {
    const amount = options.amount
    if (!(Number.isInteger(amount) && amount >= 1)) {
      throw invalid(
        `"amount" must be a whole number of requests, 1 or more, received ${JSON.stringify(amount)}`,
        'Write e.g. amount: 5000.',
      )
    }
    if (amount < connections) {
      throw invalid(
        `"amount" (${amount}) is smaller than "connections" (${connections}), so some connections would send nothing`,
        `Send at least one request per connection: raise amount to ${connections} or more, or lower connections.`,
      )
    }
    stop = { amount }
  } else {
    const durationNs = duration(options.duration ?? DEFAULT_LOAD_DURATION, 'duration', invalid)
    stop = { durationNs }
  }
  const timeoutNs = duration(options.timeout ?? DEFAULT_REQUEST_TIMEOUT, 'timeout', invalid)
  if (timeoutNs < MIN_REQUEST_TIMEOUT_NS) {
    throw invalid(
      `"timeout" must be at least 1s (autocannon's shortest), received ${JSON.stringify(options.timeout)}`,
      'Write e.g. timeout: "1s".',
    )
  }
  const headers = options.headers
  if (
    headers !== undefined &&
    (typeof headers !== 'object' ||
      headers === null ||
      Array.isArray(headers) ||
      Object.values(headers).some((v) => typeof v !== 'string'))
  ) {
    throw invalid(
      '"headers" must be an object of header names to string values',
      'Write e.g. headers: { "content-type": "application/json" }.',
    )
  }
  if (options.body !== undefined && typeof options.body !== 'string') {
    throw invalid(
      `"body" must be a string, received ${typeof options.body}`,
      'Send JSON as text: body: JSON.stringify({ name: "x" }).',
    )
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw invalid('"name" must be a non-empty string', 'Write e.g. name: "GET /users", or leave it out.')
  }
  return {
    url,
    name: options.name ?? `${method} ${url}`,
    connections,
    stop,
    method: method as HttpMethod,
    headers,
    body: options.body,
    timeoutNs,
  }
}

type Invalid = (problem: string, fix: string, cause?: unknown) => Error

function checkUrl(input: unknown, invalid: Invalid): string {
  const fix =
    'Write an absolute URL of your own server on loopback or staging, e.g. url: "http://127.0.0.1:3000/api/users".'
  if (typeof input !== 'string' || input === '') {
    throw invalid(
      `"url" must be an absolute http(s) URL, received ${JSON.stringify(input) ?? 'undefined'}`,
      fix,
    )
  }
  let parsed: URL
  try {
    parsed = new URL(input)
  } catch (error) {
    throw invalid(`"url" is not an absolute URL: ${JSON.stringify(input)}`, fix, error)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`"url" must use http: or https:, received ${JSON.stringify(input)}`, fix)
  }
  return input
}

function duration(input: string | number, key: string, invalid: Invalid): number {
  let ns: number
  try {
    ns = parseDuration(input)
  } catch (error) {
    throw invalid(
      `"${key}" must be a duration like "5s" or "500ms" (a bare number means ms), received ${JSON.stringify(input)}`,
      `Write e.g. ${key}: "5s".`,
      error,
    )
  }
  if (ns <= 0) {
    throw invalid(
      `"${key}" must be longer than 0, received ${JSON.stringify(input)}`,
      `Write e.g. ${key}: "5s".`,
    )
  }
  return ns
}

import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { setTimeout as sleep } from 'node:timers/promises'
import { reasonOf } from '../errors.js'

/**
 * Waiting for a URL to answer: the polling half of starting a user's server. The loop is pure
 * apart from its two outside dependencies, the clock and the probe (one HTTP GET), which are
 * passed in so unit tests can run it with fakes in no time.
 */

/** Pause between two tries. Refused connections cost next to nothing, so polling fast is cheap. */
export const DEFAULT_POLL_INTERVAL_MS = 100

/**
 * How long one try may wait for a response (its status line). Short against the whole wait, yet
 * long enough for a dev server that compiles the page on its first request. A long value does
 * not delay noticing a server that answers; it only delays retrying one that hangs, where a retry
 * would hang too.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000

/**
 * Statuses below this mean "up". A 404, 401 or 3xx still comes from a server that accepted the
 * connection and ran its request handler, which is all "up" means here: `waitFor` defaults to the
 * budget URL, and for an API that may well be a route GET does not serve (404, 405), so waiting
 * for a 2xx would turn a started server into a timeout. A wrong page shows up in the measurement
 * itself. 5xx keeps waiting: proxies and dev servers answer 502/503 while the app behind them is
 * still starting.
 */
export const UP_BELOW_STATUS = 500

/** What one try found: the response's status, or why there was none. */
export type ProbeOutcome = { status: 'answered'; statusCode: number } | { status: 'failed'; reason: string }

/**
 * One try: GET `url`, settle on the status line (or failure) within `timeoutMs`, and stop early
 * when `signal` aborts. Never rejects.
 */
export type ProbeUrl = (
  url: string,
  options: { timeoutMs: number; signal?: AbortSignal },
) => Promise<ProbeOutcome>

/** The time source of the wait; `sleep` must resolve early (not reject) when `signal` aborts. */
export interface WaitClock {
  /** Milliseconds on a monotonic scale. */
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Options of {@link waitForUrl}. */
export interface WaitForUrlOptions {
  /** The http:// or https:// URL that must answer. */
  url: string
  /** Give up after this long; the last try starts before it passes. */
  timeoutMs: number
  /** Pause between tries. @default DEFAULT_POLL_INTERVAL_MS */
  intervalMs?: number
  /** Longest wait for one response. @default DEFAULT_REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number
  /** Stop waiting (result `aborted`), e.g. because the server's process has exited. */
  signal?: AbortSignal
  /** One HTTP GET. @default probeUrl */
  probe?: ProbeUrl
  /** @default systemClock */
  clock?: WaitClock
}

/** How a wait ended; `tries` counts the probes made, `elapsedMs` is measured on the clock. */
export type WaitForUrlResult =
  | { status: 'up'; url: string; statusCode: number; tries: number; elapsedMs: number }
  | {
      status: 'timeout'
      url: string
      tries: number
      elapsedMs: number
      /** For an error message: `no answer after 60 s (last try: connect ECONNREFUSED 127.0.0.1:4173)`. */
      reason: string
    }
  | { status: 'aborted'; url: string; tries: number; elapsedMs: number }

/** The real clock: `performance.now()` and an abortable timer. */
export const systemClock: WaitClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    sleep(ms, undefined, signal === undefined ? undefined : { signal }).catch((error: unknown) => {
      // An aborted sleep ends the wait early; the caller looks at the signal, not at an error.
      if (!signal?.aborted) throw error
    }),
}

/**
 * Poll `url` with GET requests until one answers with a status below {@link UP_BELOW_STATUS}, the
 * timeout passes, or `signal` aborts. Never rejects for network errors: they are what waiting is
 * for. The timeout's `reason` names what the last try saw, so "connection refused" (nothing
 * listening) reads differently from "status 503" (listening, not ready).
 */
export async function waitForUrl(options: WaitForUrlOptions): Promise<WaitForUrlResult> {
  const {
    url,
    timeoutMs,
    intervalMs = DEFAULT_POLL_INTERVAL_MS,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    signal,
    probe = probeUrl,
    clock = systemClock,
  } = options
  const startMs = clock.now()
  const deadlineMs = startMs + timeoutMs
  let tries = 0
  for (;;) {
    if (signal?.aborted) return { status: 'aborted', url, tries, elapsedMs: clock.now() - startMs }
    tries++
    // A try near the deadline still gets one interval, so the wait overshoots by at most that.
    const tryTimeoutMs = Math.min(requestTimeoutMs, Math.max(deadlineMs - clock.now(), intervalMs))
    const outcome = await probe(
      url,
      signal === undefined ? { timeoutMs: tryTimeoutMs } : { timeoutMs: tryTimeoutMs, signal },
    )
    const elapsedMs = clock.now() - startMs
    if (outcome.status === 'answered' && outcome.statusCode < UP_BELOW_STATUS) {
      return { status: 'up', url, statusCode: outcome.statusCode, tries, elapsedMs }
    }
    if (signal?.aborted) return { status: 'aborted', url, tries, elapsedMs }
    const remainingMs = deadlineMs - clock.now()
    if (remainingMs <= 0) {
      const last =
        outcome.status === 'answered'
          ? `last answer: status ${outcome.statusCode}`
          : `last try: ${outcome.reason}`
      return {
        status: 'timeout',
        url,
        tries,
        elapsedMs,
        reason: `no answer after ${formatSeconds(timeoutMs)} (${last})`,
      }
    }
    await clock.sleep(Math.min(intervalMs, remainingMs), signal)
  }
}

/**
 * The default {@link ProbeUrl}: one GET with node:http or node:https. It settles on the status
 * line and then drops the connection, so a large or endless body (a streaming endpoint) costs
 * nothing; redirects are not followed, a 3xx already says the server is up. No agent: Node 20's
 * global agent keeps sockets alive, which would hold a connection to the server between tries.
 */
export const probeUrl: ProbeUrl = (url, { timeoutMs, signal }) =>
  new Promise((resolve) => {
    let settled = false
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      req.destroy()
      resolve(outcome)
    }
    const onAbort = () => settle({ status: 'failed', reason: 'aborted' })
    let req: ReturnType<typeof httpRequest>
    try {
      const request = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest
      req = request(url, { method: 'GET', agent: false, headers: { connection: 'close' } })
    } catch (error) {
      resolve({ status: 'failed', reason: reasonOf(error) })
      return
    }
    // A timer, not the socket's idle timeout: that one restarts on every byte and ignores DNS.
    const timer = setTimeout(
      () => settle({ status: 'failed', reason: `no response within ${formatSeconds(timeoutMs)}` }),
      timeoutMs,
    )
    req.on('response', (res) => {
      // The body is never read; an error from dropping the connection is expected and ignored.
      res.on('error', () => {})
      settle({ status: 'answered', statusCode: res.statusCode ?? 0 })
    })
    req.on('error', (error) => settle({ status: 'failed', reason: networkReason(error) }))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    req.end()
  })

/** Seconds as people write them in a message: `60 s`, `1.5 s`, `0.25 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`
}

// Node reports a failed connection to a name with several addresses (localhost: ::1 and
// 127.0.0.1) as an AggregateError with an empty message; its parts say what happened.
function networkReason(error: Error): string {
  if (error.message) return reasonOf(error)
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((part: unknown) => reasonOf(part)).join('; ')
  }
  const code = (error as NodeJS.ErrnoException).code
  return code ?? (reasonOf(error) || 'connection failed')
}

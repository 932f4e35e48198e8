import type { HTTP_METHODS } from '../config/schema.js'
import type { Environment } from '../env/types.js'
import type { LatencyHistogramData } from './latency-histogram.js'

/** An HTTP method a load test may use. */
export type HttpMethod = (typeof HTTP_METHODS)[number]

/**
 * Latency of the responses of a load test, in nanoseconds like every duration in perfgate's
 * results. Every response counts, whatever its status (as in autocannon 9): a fast 500 is still
 * an answer, and `errorRate` is the budget that catches it. Requests that got no response (a
 * connection error, a timeout) have no latency.
 *
 * Percentiles are type-7 sample quantiles (as `quantile()` in src/stats) of the recorded
 * latencies, read from a fixed-resolution histogram: each is within 0.1% of the exact value
 * (HISTOGRAM_RELATIVE_ERROR). Null when no response came back.
 */
export interface LoadLatency {
  /** Responses timed. */
  samples: number
  minNs: number | null
  meanNs: number | null
  p50Ns: number | null
  p90Ns: number | null
  p95Ns: number | null
  p99Ns: number | null
  maxNs: number | null
  /** Every latency, bucketed; budgets compute percentile intervals from it. */
  histogram: LatencyHistogramData
}

/** What went wrong, by kind. A request counts once: a timeout is not also a connection error. */
export interface LoadErrors {
  /** Requests that got no response because of a connection error (refused, reset, closed). */
  connection: number
  /** Requests that got no response within the timeout. */
  timeouts: number
  /** Responses whose status was not 2xx. */
  non2xx: number
  /** Responses by status code, e.g. `{ "200": 9980, "503": 20 }`. */
  statusCodes: Record<string, number>
}

/** The result of {@link loadTest}: plain JSON, so it can be recorded, logged and compared. */
export interface LoadTestResult {
  /** Brand: tells a load test result from a bench result. */
  kind: 'http-load'
  /** The name in reports: the `name` option, else `${method} ${url}`. */
  name: string
  url: string
  method: HttpMethod
  connections: number
  /** What ended the run: a duration (ns), or a number of requests. */
  stop: { durationNs: number } | { amount: number }
  /** Timeout per request, ns. */
  timeoutNs: number
  /** Wall time from the first request to the last response or error, ns. */
  elapsedNs: number
  /** Requests that ended: responses (any status) plus requests that got none (errors, timeouts). */
  requests: number
  /** Responses of any status. */
  responses: number
  /** Responses per second over `elapsedNs`. */
  rps: number
  /** Response bytes (headers and body) received. */
  bytes: number
  /** Response bytes per second over `elapsedNs`. */
  throughputBytesPerSec: number
  latency: LoadLatency
  errors: LoadErrors
  /** Failed requests (connection errors, timeouts, non-2xx) over all `requests`; 0 when none ended. */
  errorRate: number
  /** Tool that generated the load. */
  tool: { name: 'autocannon'; version: string }
  env: Environment
}

/** Whether `value` is a {@link LoadTestResult}, for the matchers' dispatch on what they receive. */
export function isLoadTestResult(value: unknown): value is LoadTestResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<LoadTestResult>
  return (
    v.kind === 'http-load' &&
    typeof v.requests === 'number' &&
    typeof v.latency === 'object' &&
    v.latency !== null &&
    typeof v.errors === 'object'
  )
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { HISTOGRAM_RELATIVE_ERROR } from '../../src/http/latency-histogram.js'
import { type LoadResponse, loadTest } from '../../src/http/load-test.js'
import { quantile } from '../../src/stats/quantile.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

/*
 * Real autocannon against a real server on 127.0.0.1. No timed assertions that a loaded 2-core
 * machine could break: only properties that hold however slow the machine is (a 50 ms delay is
 * at least 50 ms; a fast endpoint answers faster than that delay).
 */

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})

afterAll(async () => {
  await server.close()
})

describe('loadTest', () => {
  it('counts every request of an amount and computes its percentiles from the per-response times', async () => {
    const seen: LoadResponse[] = []
    const result = await loadTest({
      url: `${server.origin}/fast`,
      connections: 4,
      amount: 2000,
      onResponse: (r) => seen.push(r),
    })
    expect(result.kind).toBe('http-load')
    expect(result.name).toBe(`GET ${server.origin}/fast`)
    expect(result.responses).toBe(2000)
    expect(result.requests).toBe(2000)
    expect(result.errors).toEqual({ connection: 0, timeouts: 0, non2xx: 0, statusCodes: { '200': 2000 } })
    expect(result.errorRate).toBe(0)
    expect(result.tool.name).toBe('autocannon')
    expect(result.env.runtime.name).toBe('node')

    // An independent computation from the same per-response times: exact type-7 quantiles.
    expect(seen).toHaveLength(2000)
    const sorted = sortSamples(seen.map((r) => r.latencyNs))
    const { latency } = result
    expect(latency.samples).toBe(2000)
    expect(latency.minNs).toBe(sorted[0])
    expect(latency.maxNs).toBe(sorted[sorted.length - 1])
    expect(latency.meanNs).toBeCloseTo(sorted.reduce((a, b) => a + b, 0) / sorted.length, 3)
    for (const [key, p] of [
      ['p50Ns', 0.5],
      ['p90Ns', 0.9],
      ['p95Ns', 0.95],
      ['p99Ns', 0.99],
    ] as const) {
      const exact = quantile(sorted, p)
      // Within the histogram's resolution (and the 0.5 ns rounding of its exact low buckets).
      expect(Math.abs(latency[key]! - exact), key).toBeLessThanOrEqual(exact * HISTOGRAM_RELATIVE_ERROR + 1)
    }
    expect(latency.p50Ns!).toBeLessThanOrEqual(latency.p90Ns!)
    expect(latency.p90Ns!).toBeLessThanOrEqual(latency.p95Ns!)
    expect(latency.p95Ns!).toBeLessThanOrEqual(latency.p99Ns!)

    // rps and throughput are the counts over the run's own elapsed time.
    expect(result.bytes).toBe(seen.reduce((a, r) => a + r.bytes, 0))
    expect(result.bytes).toBeGreaterThan(2000 * 2)
    expect(result.elapsedNs).toBeGreaterThan(0)
    expect(result.rps).toBeCloseTo(2000 / (result.elapsedNs / 1e9), 6)
    expect(result.throughputBytesPerSec).toBeCloseTo(result.bytes / (result.elapsedNs / 1e9), 6)
  })

  it('measures a 50 ms delay as at least 50 ms, and a fast endpoint far below it', async () => {
    const slow = await loadTest({ url: `${server.origin}/delay/50`, connections: 4, amount: 80 })
    const fast = await loadTest({ url: `${server.origin}/fast`, connections: 4, amount: 400 })
    // Node's timers count whole milliseconds from the event loop's cached clock, so a 50 ms
    // setTimeout can fire up to 1 ms early by a fine clock: at least 49 ms, never 50 ms exactly.
    expect(slow.latency.minNs!).toBeGreaterThanOrEqual(49e6)
    expect(slow.latency.p50Ns!).toBeGreaterThanOrEqual(49e6)
    expect(fast.latency.p95Ns!).toBeLessThan(slow.latency.p50Ns!)
  })

  it('loads for a duration', async () => {
    const result = await loadTest({ url: `${server.origin}/fast`, connections: 2, duration: '300ms' })
    expect(result.stop).toEqual({ durationNs: 300e6 })
    expect(result.responses).toBeGreaterThan(0)
    // The run stops at the first check after 300 ms (every 100 ms), never before.
    expect(result.elapsedNs).toBeGreaterThanOrEqual(250e6)
  })

  it('counts 500s as non-2xx responses, with their latencies and an error rate of 1', async () => {
    const result = await loadTest({ url: `${server.origin}/status/500`, connections: 2, amount: 100 })
    expect(result.responses).toBe(100)
    expect(result.errors).toEqual({ connection: 0, timeouts: 0, non2xx: 100, statusCodes: { '500': 100 } })
    expect(result.errorRate).toBe(1)
    expect(result.latency.samples).toBe(100)
  })

  it('counts requests that never get an answer as timeouts, with no latency', async () => {
    const result = await loadTest({
      url: `${server.origin}/hang`,
      connections: 2,
      duration: '1500ms',
      timeout: '1s',
    })
    expect(result.responses).toBe(0)
    // Two connections, each timing out after 1 s, within a run of 1.5 s.
    expect(result.errors.timeouts).toBeGreaterThanOrEqual(2)
    expect(result.requests).toBe(result.errors.timeouts + result.errors.connection)
    expect(result.errorRate).toBe(1)
    expect(result.latency).toMatchObject({ samples: 0, p50Ns: null, p95Ns: null, minNs: null, meanNs: null })
    expect(result.rps).toBe(0)
  })

  it('sends the method, headers and body', async () => {
    const result = await loadTest({
      url: `${server.origin}/only-json-post`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      connections: 2,
      amount: 20,
    })
    expect(result.errors.statusCodes).toEqual({ '201': 20 })
    expect(result.method).toBe('POST')
  })

  it('refuses to load an address where nothing listens', async () => {
    const gone = await startTestServer()
    await gone.close()
    const error = await loadTest({ url: `${gone.origin}/`, amount: 10 }).catch((e: unknown) => e)
    expect(isPerfgateError(error, 'HTTP_LOAD_FAILED')).toBe(true)
    expect((error as Error).message.replace(/:\d+/g, ':<port>')).toMatchInlineSnapshot(
      `"perfgate: The load test of http://127.0.0.1:<port>/ could not run: nothing answered (connect ECONNREFUSED 127.0.0.1:<port>). Check that the server is up and answers on that address (curl -I http://127.0.0.1:<port>/)."`,
    )
  })
})

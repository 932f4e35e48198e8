import { describe, expect, it } from 'vitest'
import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { httpBudgetSchema } from '../../src/config/schema.js'
import { isPerfgateError } from '../../src/errors.js'
import { evaluateHttpBudget, httpLimits } from '../../src/http/evaluate-http-budget.js'
import { explainHttpBudget } from '../../src/http/explain-http-budget.js'
import {
  bucketOf,
  bucketRange,
  HISTOGRAM_RELATIVE_ERROR,
  histogramQuantile,
  LatencyHistogram,
  valueAtRank,
} from '../../src/http/latency-histogram.js'
import { loadAutocannon } from '../../src/http/load-autocannon.js'
import { resolveLoadOptions } from '../../src/http/load-test.js'
import { quantile } from '../../src/stats/quantile.js'
import { sortSamples } from '../../src/stats/sorted-samples.js'
import { loadResult, spread } from '../fixtures/http-results.js'

const CONFIG = { kind: 'config', file: 'package.json', key: 'budgets.http[0]' } as const

describe('latency histogram', () => {
  it('puts every value in the bucket whose range holds it', () => {
    for (const v of [0, 1, 1023, 1024, 1025, 2047, 2048, 123_456, 5e6, 52_345_678, 1e9, 3.6e12]) {
      const [lo, hi] = bucketRange(bucketOf(v))
      expect(lo <= v && v < hi, `${v} in [${lo}, ${hi})`).toBe(true)
      // Below 1024 ns a bucket is one nanosecond; above, at most 1/512 of its values wide (half
      // of that is the reported error).
      if (v < 1024) expect(hi - lo).toBe(1)
      else expect((hi - lo) / lo).toBeLessThanOrEqual(2 * HISTOGRAM_RELATIVE_ERROR)
    }
  })

  it('gives percentiles within its resolution of the exact type-7 quantiles', () => {
    // A skewed, heavy-tailed sample like real latencies: 0.2 ms to ~2 s.
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const values = Array.from({ length: 5000 }, () => 2e5 * Math.exp(9 * random() ** 3))
    const histogram = new LatencyHistogram()
    for (const v of values) histogram.record(v)
    const data = histogram.toData()
    const sorted = sortSamples(values)
    for (const p of [0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = quantile(sorted, p)
      expect(Math.abs(histogramQuantile(data, p)! - exact), `p=${p}`).toBeLessThanOrEqual(
        exact * HISTOGRAM_RELATIVE_ERROR,
      )
    }
    expect(valueAtRank(data, 0)).toBe(sorted[0])
    expect(valueAtRank(data, 4999)).toBe(sorted[4999])
    expect(data.buckets.length).toBeLessThan(5000)
  })

  it('is empty without values', () => {
    const data = new LatencyHistogram().toData()
    expect(histogramQuantile(data, 0.95)).toBeNull()
    expect(data).toMatchObject({ count: 0, minNs: 0, maxNs: 0, buckets: [] })
  })
})

describe('evaluateHttpBudget', () => {
  // 1000 responses from 10 to 30 ms: p95 is 29 ms, and the interval is a fraction of a ms wide.
  const steady = loadResult({ latenciesMs: spread(1000, 10, 30) })

  it('passes a percentile whose whole interval is within the limit, and fails one beyond it', () => {
    expect(evaluateHttpBudget(steady, { p95: '200ms' }).status).toBe('pass')
    const over = evaluateHttpBudget(steady, { p95: '20ms' })
    expect(over.status).toBe('fail')
    const [m] = over.metrics
    expect(m).toMatchObject({
      metric: 'p95',
      unit: 'ns',
      limit: { op: '<=', value: 20e6 },
      limitText: '20ms',
    })
    expect(m!.actual).toBeCloseTo(29e6, -5)
    expect(m!.interval![0]).toBeGreaterThan(20e6)
    expect(m!.margin).toBeLessThan(0)
  })

  it('is inconclusive when the interval straddles the limit', () => {
    const verdict = evaluateHttpBudget(steady, { p95: '29ms' })
    expect(verdict.status).toBe('inconclusive')
    expect(verdict.metrics[0]!.settleFactor).toBeGreaterThan(1)
  })

  it('fails a clear miss with too few responses, and leaves an unbounded pass inconclusive', () => {
    const few = loadResult({ latenciesMs: spread(10, 50, 55) })
    // Ten responses of 50 ms or more: the p95 is over 20 ms beyond reasonable doubt.
    expect(evaluateHttpBudget(few, { p95: '20ms' }).status).toBe('fail')
    const unbounded = evaluateHttpBudget(few, { p95: '200ms' })
    expect(unbounded.status).toBe('inconclusive')
    expect(unbounded.metrics[0]).toMatchObject({
      samplesNeeded: 72,
      interval: [expect.any(Number), Infinity],
    })
  })

  it('judges errorRate and rps on the counts of the run', () => {
    const flaky = loadResult({ latenciesMs: spread(1000, 10, 30), statusCodes: { '200': 995, '503': 5 } })
    expect(flaky.errorRate).toBe(0.005)
    const verdict = evaluateHttpBudget(flaky, { errorRate: '< 0.1%', rps: '>= 1000' })
    expect(verdict.metrics.map((m) => [m.metric, m.status, m.actual])).toEqual([
      ['errorRate', 'fail', 0.005],
      ['rps', 'fail', 200],
    ])
    expect(evaluateHttpBudget(flaky, { errorRate: '1%', rps: 100 }).status).toBe('pass')
    // A bare errorRate is an upper limit, a bare rps a minimum.
    expect(httpLimits({ errorRate: '1%', rps: 100 }, 'test').map((l) => l.bound)).toEqual([
      { op: '<=', value: 0.01 },
      { op: '>=', value: 100 },
    ])
  })

  it('cannot pass a latency when no response came back, and fails its error rate', () => {
    const dead = loadResult({ latenciesMs: [], timeouts: 20 })
    const verdict = evaluateHttpBudget(dead, { p95: '200ms', errorRate: '< 1%' })
    expect(verdict.status).toBe('fail')
    expect(verdict.metrics[0]).toMatchObject({
      status: 'inconclusive',
      actual: null,
      reason: 'no response came back (20 timeouts)',
    })
    expect(verdict.metrics[1]).toMatchObject({ status: 'fail', actual: 1 })
  })

  it('reports limits in a fixed order: latency, errors, throughput', () => {
    const verdict = evaluateHttpBudget(steady, { rps: '>= 1', errorRate: '0%', p99: '1s', p50: '1s' })
    expect(verdict.metrics.map((m) => m.metric)).toEqual(['p50', 'p99', 'errorRate', 'rps'])
    expect(verdict.status).toBe('pass')
  })

  it('takes a parsed budgets.http entry, ignoring its load settings', () => {
    const entry = httpBudgetSchema.parse({
      url: 'http://127.0.0.1:3000/users',
      connections: 10,
      duration: '5s',
      p95: '200ms',
      errorRate: '< 0.1%',
    })
    const verdict = evaluateHttpBudget(steady, entry, CONFIG)
    expect(verdict.metrics.map((m) => [m.metric, m.limitText])).toEqual([
      ['p95', '200ms'],
      ['errorRate', '< 0.1%'],
    ])
    expect(verdict.source).toEqual(CONFIG)
  })

  it('refuses a budget it cannot read, saying where and what to write', () => {
    const problem = (budget: unknown) => {
      try {
        evaluateHttpBudget(steady, budget as never)
      } catch (error) {
        expect(isPerfgateError(error, 'HTTP_BUDGET_INVALID')).toBe(true)
        return (error as Error).message
      }
      throw new Error('expected an error')
    }
    expect(problem({ p95: 'fast' })).toMatchInlineSnapshot(`
      "perfgate: Invalid HTTP budget in the inline budget:
      ✖ Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast"
        → at p95
      An HTTP budget limits p50, p90, p95 and p99 latency from above with durations ("200ms"), errorRate with a percentage ("< 0.1%") and rps with a bound (">= 1000"), e.g. { p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }."
    `)
    expect(problem({ p59: '200ms' })).toMatchInlineSnapshot(`
      "perfgate: Invalid HTTP budget in the inline budget:
      ✖ Unknown key "p59". Did you mean "p95"?
        → at the budget
      An HTTP budget limits p50, p90, p95 and p99 latency from above with durations ("200ms"), errorRate with a percentage ("< 0.1%") and rps with a bound (">= 1000"), e.g. { p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }."
    `)
    expect(problem({})).toMatchInlineSnapshot(`
      "perfgate: Invalid HTTP budget in the inline budget:
      ✖ The budget is empty: it limits nothing, so it would always pass
        → at the budget
      An HTTP budget limits p50, p90, p95 and p99 latency from above with durations ("200ms"), errorRate with a percentage ("< 0.1%") and rps with a bound (">= 1000"), e.g. { p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }."
    `)
  })
})

describe('explainHttpBudget', () => {
  it('explains a failure: the values, the budget and its key, the requests and failures, what to do', () => {
    const slow = loadResult({
      latenciesMs: spread(1000, 50, 60),
      statusCodes: { '200': 990, '503': 8, '500': 2 },
      timeouts: 3,
    })
    const verdict = evaluateHttpBudget(slow, { p95: '20ms', errorRate: '< 0.1%' }, CONFIG)
    expect(formatBudgetMessage(explainHttpBudget(verdict, slow))).toMatchInlineSnapshot(`
      ""GET /users" p95 is 59.5 ms (95% CI 59.3–59.7 ms), 2.97× its 20.0 ms budget.
      "GET /users" errorRate is 1.3%, 13.0× its < 0.1% budget.

      Received: p95 59.5 ms · errorRate 1.3% · p50 55.0 ms · p99 59.9 ms · 1,003 requests in 5.00 s over 10 connections · 13 failed: 8 × 503, 2 × 500, 3 timeouts · 30.0 kB/s · autocannon 9.0.0 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p95 ≤ 20.0 ms, errorRate < 0.1% (perfgate.budgets.http[0] in package.json)

      p95: the endpoint answers slowly under 10 connections. Profile a request on the server (node --cpu-prof) for synchronous work, slow queries or missing caches; if one connection is fast and many are slow, requests are queueing (CPU saturated, a lock, a small pool).
      errorRate: 13 failed: 8 × 503, 2 × 500, 3 timeouts. Non-2xx statuses come from the server's handlers (look in its log); timeouts mean no answer within 10.0 s (the server is overloaded or stuck); connection errors mean it refused or dropped connections (listen backlog, file-descriptor limit, a crash).
      Make it faster; or, if the new cost is accepted, change p95 and errorRate in perfgate.budgets.http[0] in package.json."
    `)
  })

  it('explains an unsettled verdict with how many requests would settle it', () => {
    const few = loadResult({ latenciesMs: spread(30, 10, 12), elapsedMs: 1000 })
    const verdict = evaluateHttpBudget(few, { p99: '200ms' })
    expect(formatBudgetMessage(explainHttpBudget(verdict, few))).toMatchInlineSnapshot(`
      ""GET /users" p99 is 12.0 ms (95% CI 11.9 ms–∞): 30 responses cannot bound p99 at 95% confidence, so this run cannot tell whether it is within its 200 ms budget.

      Received: p99 12.0 ms · p50 11.0 ms · p95 11.9 ms · 30 requests in 1.00 s over 10 connections · no failures · 4.50 kB/s · autocannon 9.0.0 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: p99 ≤ 200 ms (inline)

      p99 needs at least 368 responses for an interval at 95% confidence; this run had 30. Raise "amount" or "duration"."
    `)
  })

  it('reads a pass with its headroom', () => {
    const fast = loadResult({ latenciesMs: spread(1000, 1, 3) })
    const verdict = evaluateHttpBudget(fast, { p95: '200ms', rps: '>= 100' })
    expect(explainHttpBudget(verdict, fast).headlines).toMatchInlineSnapshot(`
      [
        ""GET /users" p95 is 2.90 ms (95% CI 2.87–2.93 ms), within its 200 ms budget (99% headroom).",
        ""GET /users" rps is 200 req/s, above its 100 req/s minimum (100% headroom).",
      ]
    `)
  })
})

describe('loadTest options', () => {
  const problem = (options: unknown) => {
    try {
      resolveLoadOptions(options as never)
    } catch (error) {
      expect(isPerfgateError(error, 'HTTP_OPTIONS_INVALID')).toBe(true)
      return (error as Error).message
    }
    throw new Error('expected an error')
  }

  it('refuses what it cannot run, naming the option and the fix', () => {
    expect(problem({ url: 'localhost:3000/users' })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "url" must use http: or https:, received "localhost:3000/users". Write an absolute URL of your own server on loopback or staging, e.g. url: "http://127.0.0.1:3000/api/users"."`,
    )
    expect(problem({ url: 'ftp://127.0.0.1/' })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "url" must use http: or https:, received "ftp://127.0.0.1/". Write an absolute URL of your own server on loopback or staging, e.g. url: "http://127.0.0.1:3000/api/users"."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', duration: '5s', amount: 100 })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: both "duration" ("5s") and "amount" (100) are set. A run ends after a duration or after a number of requests: keep one of them."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', amount: 5, connections: 10 })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "amount" (5) is smaller than "connections" (10), so some connections would send nothing. Send at least one request per connection: raise amount to 10 or more, or lower connections."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', connections: 0 })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "connections" must be a whole number of 1 or more, received 0. Write e.g. connections: 10."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', duration: 'long' })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "duration" must be a duration like "5s" or "500ms" (a bare number means ms), received "long". Write e.g. duration: "5s"."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', timeout: '200ms' })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "timeout" must be at least 1s (autocannon's shortest), received "200ms". Write e.g. timeout: "1s"."`,
    )
    expect(problem({ url: 'http://127.0.0.1:3000/', method: 'get' })).toMatchInlineSnapshot(
      `"perfgate: loadTest() has an invalid option: "method" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, received "get". Write the method in capitals, e.g. method: "POST"."`,
    )
  })

  it('fills in the defaults, in ns', () => {
    expect(resolveLoadOptions({ url: 'http://127.0.0.1:3000/' })).toEqual({
      url: 'http://127.0.0.1:3000/',
      name: 'GET http://127.0.0.1:3000/',
      connections: 10,
      stop: { durationNs: 5e9 },
      method: 'GET',
      headers: undefined,
      body: undefined,
      timeoutNs: 10e9,
    })
  })
})

describe('loadAutocannon', () => {
  it('names the install command when autocannon is not installed', () => {
    const notFound = Object.assign(new Error("Cannot find module 'autocannon'"), { code: 'MODULE_NOT_FOUND' })
    const error = (() => {
      try {
        loadAutocannon({
          requireFrom: () => {
            throw notFound
          },
        })
      } catch (e) {
        return e as Error
      }
    })()
    expect(isPerfgateError(error, 'PEER_MISSING')).toBe(true)
    expect(error?.message).toMatchInlineSnapshot(
      `"perfgate: HTTP load tests (loadTest, budgets.http) need the "autocannon" package. Install it: pnpm add -D autocannon"`,
    )
  })

  it('loads the installed one with its version', () => {
    const loaded = loadAutocannon()
    expect(typeof loaded.autocannon).toBe('function')
    expect(loaded.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})

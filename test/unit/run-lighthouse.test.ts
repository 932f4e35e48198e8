import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import type { LighthouseReport } from '../../src/web/lighthouse-metrics.js'
import type { LighthouseFlags, LoadedLighthouse } from '../../src/web/load-lighthouse.js'
import { lighthouseProfile, type RunLighthouseOptions, runLighthouse } from '../../src/web/run-lighthouse.js'

/*
 * runLighthouse with a stand-in for Lighthouse that returns the real trimmed results of
 * test/fixtures/lighthouse, so runs, aggregation and failures can be checked in milliseconds. The
 * browser's DevTools endpoint is a real HTTP server answering /json/version as Chromium does.
 * test/integration/lighthouse-chromium.test.ts runs the real thing.
 */

const FIXTURES = join(import.meta.dirname, '../fixtures/lighthouse')
const DESKTOP = JSON.parse(readFileSync(join(FIXTURES, 'desktop.lhr.json'), 'utf8')) as LighthouseReport
const MOBILE = JSON.parse(readFileSync(join(FIXTURES, 'mobile.lhr.json'), 'utf8')) as LighthouseReport
const URL = 'http://127.0.0.1:4173/'
const DESKTOP_CONFIG = { extends: 'lighthouse:default', settings: { formFactor: 'desktop' } }

/** The fixture with its LCP replaced, as one run of a page whose LCP varies. */
function withLcp(lhr: LighthouseReport, lcpMs: number): LighthouseReport {
  const audits = structuredClone(lhr.audits ?? {})
  audits['largest-contentful-paint'] = { ...audits['largest-contentful-paint'], numericValue: lcpMs }
  return { ...lhr, audits }
}

interface Call {
  url: string
  flags: LighthouseFlags | undefined
  config: unknown
}

/** A Lighthouse that answers each call with the next of `results` (a function to throw). */
function fakeLighthouse(results: (LighthouseReport | undefined | (() => never))[]): {
  lighthouse: LoadedLighthouse
  calls: Call[]
} {
  const calls: Call[] = []
  const lighthouse: LoadedLighthouse = {
    version: '12.8.2',
    configs: { desktop: DESKTOP_CONFIG, mobile: undefined },
    lighthouse: async (url, flags, config) => {
      calls.push({ url, flags, config })
      const next = results[calls.length - 1]
      if (typeof next === 'function') next()
      return next === undefined ? undefined : { lhr: next as LighthouseReport }
    },
  }
  return { lighthouse, calls }
}

/** For a promise that must reject: fail the test if it resolves. */
function unexpected(): never {
  throw new Error('expected runLighthouse to throw')
}

describe('runLighthouse', () => {
  let devtools: Server
  let port: number

  beforeAll(async () => {
    devtools = createServer((req, res) => {
      if (req.url !== '/json/version') return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Browser: 'Chrome/156.0.8078.79', 'Protocol-Version': '1.3' }))
    })
    await new Promise<void>((resolve) => devtools.listen(0, '127.0.0.1', resolve))
    port = (devtools.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => devtools.close(() => resolve())))

  const run = (lighthouse: LoadedLighthouse, options: RunLighthouseOptions = {}) =>
    runLighthouse({ url: URL, port }, { lighthouse, ...options })

  it('keeps every run of every metric and aggregates them (median by default)', async () => {
    const { lighthouse, calls } = fakeLighthouse([
      withLcp(DESKTOP, 300),
      withLcp(DESKTOP, 500),
      withLcp(DESKTOP, 400),
    ])
    const progress: [number, number][] = []
    const result = await run(lighthouse, {
      preset: 'desktop',
      name: 'home',
      onRun: (i, runs, ms) => {
        expect(ms).toBeGreaterThanOrEqual(0)
        progress.push([i, runs])
      },
    })

    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
    expect(result.metrics['largest-contentful-paint']).toEqual({
      unit: 'ms',
      runs: [300, 500, 400],
      value: 400,
    })
    expect(result.metrics.performance).toEqual({ unit: 'score', runs: [1, 1, 1], value: 1 })
    expect(result.metrics['resource-summary.script.count']).toEqual({
      unit: 'count',
      runs: [2, 2, 2],
      value: 2,
    })
    expect(result).toMatchObject({
      kind: 'web',
      name: 'home',
      url: URL,
      tool: { name: 'lighthouse', version: '12.8.2' },
      browser: { version: 'Chrome/156.0.8078.79', executablePath: 'unknown' },
      aggregation: 'median',
      runs: 3,
      reports: [],
    })
    expect(result.env.runtime.name).toBe('node')
    expect(Number.isNaN(Date.parse(result.startedAt))).toBe(false)

    // Each run attaches to the browser on the given port with the preset's config.
    expect(calls).toHaveLength(3)
    expect(calls[0]).toEqual({
      url: URL,
      flags: {
        port,
        hostname: '127.0.0.1',
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
      },
      config: DESKTOP_CONFIG,
    })
  })

  it('records the profile Lighthouse reports it emulated, named after the preset', async () => {
    const { lighthouse, calls } = fakeLighthouse([MOBILE])
    const result = await run(lighthouse, { runs: 1, preset: 'mobile', aggregation: 'p75', keepReports: true })
    expect(calls[0]?.config).toBeUndefined()
    expect(result.profile).toEqual({
      name: 'mobile',
      viewport: { width: 412, height: 823 },
      deviceScaleFactor: 1.75,
      mobile: true,
      cpuSlowdown: 4,
      network: { latencyMs: 150, downloadKbps: 1638.4, uploadKbps: 1638.4 },
    })
    expect(result.aggregation).toBe('p75')
    expect(result.reports).toEqual([MOBILE])
  })

  it('keeps a metric one run lacks as null in that run, saying so', async () => {
    const { 'largest-contentful-paint': _dropped, ...audits } = DESKTOP.audits ?? {}
    const { lighthouse } = fakeLighthouse([DESKTOP, { ...DESKTOP, audits }])
    const result = await run(lighthouse, { runs: 2, preset: 'desktop' })
    const lcp = result.metrics['largest-contentful-paint']
    expect(lcp?.runs).toEqual([DESKTOP.audits?.['largest-contentful-paint']?.numericValue, null])
    expect(lcp?.value).toBe(lcp?.runs[0])
    expect(lcp?.missing).toBe('absent from run 2')
    expect(result.metrics['first-meaningful-paint.score']).toEqual({
      unit: 'score',
      runs: [null, null],
      value: null,
      missing: '"first-meaningful-paint" does not apply to this page',
    })
  })

  it('fails with the URL, the run and the code when Lighthouse reports a runtime error', async () => {
    const failed: LighthouseReport = {
      ...DESKTOP,
      runtimeError: {
        code: 'ERRORED_DOCUMENT_REQUEST',
        message:
          'Lighthouse was unable to reliably load the page you requested. Make sure you are testing the correct URL and that the server is properly responding to all requests. (Status code: 500)',
      },
    }
    const { lighthouse, calls } = fakeLighthouse([DESKTOP, failed, DESKTOP])
    const error = await run(lighthouse).then(unexpected, (e: Error) => e)
    expect(calls).toHaveLength(2)
    expect(isPerfgateError(error, 'LIGHTHOUSE_FAILED')).toBe(true)
    expect((error as Error).message).toMatchInlineSnapshot(
      `"perfgate: Lighthouse could not audit http://127.0.0.1:4173/ (run 2 of 3): ERRORED_DOCUMENT_REQUEST: Lighthouse was unable to reliably load the page you requested. Make sure you are testing the correct URL and that the server is properly responding to all requests. (Status code: 500). Check that the page loads in the browser; Lighthouse's own error is attached as cause."`,
    )
    expect(((error as Error).cause as { code?: string }).code).toBe('ERRORED_DOCUMENT_REQUEST')
  })

  it('fails with the cause when Lighthouse throws or returns nothing', async () => {
    const boom = new Error('Protocol error (Page.navigate): Target closed')
    const thrown = await run(
      fakeLighthouse([
        () => {
          throw boom
        },
      ]).lighthouse,
    ).then(unexpected, (e: Error) => e)
    expect(thrown.message).toContain('(run 1 of 3): Protocol error (Page.navigate): Target closed.')
    expect(thrown.cause).toBe(boom)

    const empty = await run(fakeLighthouse([undefined]).lighthouse, { runs: 1 }).then(
      unexpected,
      (e: Error) => e,
    )
    expect(empty.message).toContain('(run 1 of 1): Lighthouse returned no result.')
  })

  it('says so when no browser listens on the DevTools port, before running Lighthouse', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const freePort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))

    const { lighthouse, calls } = fakeLighthouse([DESKTOP])
    const error = await runLighthouse({ url: URL, port: freePort }, { lighthouse }).then(
      unexpected,
      (e: Error) => e,
    )
    expect(calls).toHaveLength(0)
    expect(isPerfgateError(error, 'LIGHTHOUSE_FAILED')).toBe(true)
    expect(error.message.replaceAll(String(freePort), '<port>')).toMatchInlineSnapshot(
      `"perfgate: Lighthouse could not audit http://127.0.0.1:4173/ (run 1 of 3): no browser answers on DevTools port 127.0.0.1:<port> (connect ECONNREFUSED 127.0.0.1:<port>); start Chromium with --remote-debugging-port=<port>. Check that the page loads in the browser; Lighthouse's own error is attached as cause."`,
    )
  })

  it.each([
    [{ runs: 0 }, 'runs is 0. Pass a whole number of runs of at least 1 (default 3).'],
    [{ runs: 1.5 }, 'runs is 1.5.'],
    [{ preset: 'tablet' }, 'preset is "tablet". Use one of "desktop", "mobile".'],
    [{ aggregation: 'p95' }, 'aggregation is "p95". Use one of "median", "mean", "min", "max", "p75".'],
    [{ onlyCategories: [] }, 'onlyCategories is []. Pass Lighthouse category ids'],
  ])('refuses the invalid option %o', async (options, message) => {
    const { lighthouse, calls } = fakeLighthouse([])
    const error = await run(lighthouse, options as RunLighthouseOptions).then(unexpected, (e: Error) => e)
    expect(isPerfgateError(error, 'WEB_OPTIONS_INVALID')).toBe(true)
    expect(error.message).toContain(`runLighthouse() has an invalid option: ${message}`)
    expect(calls).toHaveLength(0)
  })

  it('refuses a target that is not an http(s) page and a Chromium port', async () => {
    const { lighthouse } = fakeLighthouse([])
    const badUrl = await runLighthouse({ url: 'file:///tmp/index.html', port }, { lighthouse }).then(
      unexpected,
      (e: Error) => e,
    )
    expect(badUrl.message).toContain('url is "file:///tmp/index.html". Pass the http(s) URL of the page')
    const badPort = await runLighthouse({ url: URL, port: 0 }, { lighthouse }).then(
      unexpected,
      (e: Error) => e,
    )
    expect(badPort.message).toContain('port is 0. Pass the remote-debugging port of a running Chromium')
  })
})

describe('lighthouseProfile', () => {
  it("reads Lighthouse's desktop emulation and simulated throttling", () => {
    expect(lighthouseProfile(DESKTOP.configSettings, 'desktop')).toEqual({
      name: 'desktop',
      viewport: { width: 1350, height: 940 },
      deviceScaleFactor: 1,
      mobile: false,
      cpuSlowdown: 1,
      network: { latencyMs: 40, downloadKbps: 10240, uploadKbps: 10240 },
    })
  })

  it('reads devtools throttling as applied, and provided as none', () => {
    const settings = { ...MOBILE.configSettings }
    expect(lighthouseProfile({ ...settings, throttlingMethod: 'devtools' }, 'mobile').network).toEqual({
      latencyMs: 562.5,
      downloadKbps: 1474.5600000000002,
      uploadKbps: 675,
    })
    const provided = lighthouseProfile({ ...settings, throttlingMethod: 'provided' }, 'mobile')
    expect(provided.network).toBeNull()
    expect(provided.cpuSlowdown).toBe(1)
  })
})

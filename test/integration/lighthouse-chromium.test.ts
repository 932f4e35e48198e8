import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../src/web/browser-flags.js'
import { findChromium } from '../../src/web/find-chromium.js'
import { loadLighthouse } from '../../src/web/load-lighthouse.js'
import { type LighthouseWebResult, runLighthouse } from '../../src/web/run-lighthouse.js'

/*
 * One real Lighthouse run set (2 runs, desktop preset, ~6 s each on the 2-core VM) in a real
 * Chromium, on a page served from 127.0.0.1 with a known number of scripts. Assertions are about
 * what the page is, not how fast it was: the machine is shared and noisy.
 */

const LOAD_LIGHTHOUSE = join(import.meta.dirname, '../../src/web/load-lighthouse.ts')
const SCRIPTS = 3
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>lighthouse fixture</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Lighthouse fixture</h1><p>Text for the largest contentful paint.</p>
${Array.from({ length: SCRIPTS }, (_, i) => `<script src="/script-${i}.js"></script>`).join('\n')}
</body></html>`

describe('runLighthouse in Chromium', () => {
  let server: Server
  let url: string
  let profileDir: string
  let context: BrowserContext
  let debuggingPort: number
  let result: LighthouseWebResult
  const progress: { run: number; runs: number; ms: number }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
      if (req.url === '/style.css')
        return void res.writeHead(200, { 'content-type': 'text/css' }).end('h1{color:#234}')
      if (req.url?.startsWith('/script-')) {
        return void res
          .writeHead(200, { 'content-type': 'text/javascript' })
          .end('document.body.dataset.n += "."')
      }
      res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

    // Port 0 lets Chromium pick a free debugging port, which it writes to DevToolsActivePort in
    // its profile: no race with other processes for a fixed port.
    profileDir = mkdtempSync(join(tmpdir(), 'perfgate-lighthouse-'))
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: findChromium().executablePath,
      args: chromiumArgs({ debuggingPort: 0 }),
    })
    debuggingPort = await readDevToolsPort(profileDir)

    result = await runLighthouse(
      { url, port: debuggingPort },
      { runs: 2, preset: 'desktop', onRun: (run, runs, ms) => progress.push({ run, runs, ms }) },
    )
  }, 90_000)

  afterAll(async () => {
    await context?.close()
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    if (profileDir) rmSync(profileDir, { recursive: true, force: true })
  })

  it('keeps both runs of the performance score, each between 0 and 1', () => {
    const performance = result.metrics.performance
    expect(performance?.unit).toBe('score')
    expect(performance?.runs).toHaveLength(2)
    for (const score of performance?.runs ?? []) {
      expect(score).toBeGreaterThanOrEqual(0)
      expect(score).toBeLessThanOrEqual(1)
    }
    expect(performance?.value).toBeGreaterThanOrEqual(0)
  })

  it('measures the largest contentful paint in ms', () => {
    const lcp = result.metrics['largest-contentful-paint']
    expect(lcp?.unit).toBe('ms')
    expect(lcp?.runs.every((ms) => ms !== null && ms > 0)).toBe(true)
  })

  it("counts the page's scripts", () => {
    expect(result.metrics['resource-summary.script.count']).toEqual({
      unit: 'count',
      runs: [SCRIPTS, SCRIPTS],
      value: SCRIPTS,
    })
    expect(result.metrics['resource-summary.script.size']?.value).toBeGreaterThan(0)
  })

  it('records the tool, browser and profile, and reports progress per run', async () => {
    expect(result.tool).toEqual({ name: 'lighthouse', version: (await loadLighthouse()).version })
    expect(result.browser.version).toMatch(/^Chrome\/\d+\.\d+\.\d+\.\d+$/)
    expect(result.profile).toMatchObject({
      name: 'desktop',
      viewport: { width: 1350, height: 940 },
      mobile: false,
    })
    expect(result.runs).toBe(2)
    expect(result.reports).toEqual([])
    expect(progress.map(({ run, runs }) => `${run}/${runs}`)).toEqual(['1/2', '2/2'])
    for (const { ms } of progress) expect(ms).toBeGreaterThan(0)
    expect(result.durationMs).toBeGreaterThanOrEqual(progress[0]!.ms + progress[1]!.ms)
  })
})

/** The port Chromium chose, from the file it writes once its DevTools server listens. */
async function readDevToolsPort(dir: string): Promise<number> {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      const port = Number(readFileSync(join(dir, 'DevToolsActivePort'), 'utf8').split('\n')[0])
      if (port > 0) return port
    } catch {
      // Not written yet.
    }
    if (Date.now() > deadline) throw new Error(`Chromium wrote no DevToolsActivePort in ${dir} within 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('loadLighthouse without Lighthouse installed', () => {
  it('names the install command when Node cannot find the package', () => {
    // The injected loader imports a module outside this repository that imports Lighthouse: Node
    // resolves it from there, finds no node_modules/lighthouse, and throws its real "Cannot find
    // package" error. It runs in a plain Node process, since Vitest's module runner would resolve
    // the import from this repository instead.
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-no-lighthouse-'))
    try {
      const outside = join(dir, 'import-lighthouse.mjs')
      writeFileSync(outside, "export { default } from 'lighthouse'\n")
      const script = `
        import { loadLighthouse } from ${JSON.stringify(pathToFileURL(LOAD_LIGHTHOUSE).href)}
        const error = await loadLighthouse({ importModule: () => import(process.argv[1]) }).catch((e) => e)
        console.log(JSON.stringify({ code: error.code, message: error.message, cause: error.cause?.code }))`
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, pathToFileURL(outside).href],
        { encoding: 'utf8' },
      )
      const { code, message, cause } = JSON.parse(output) as { code: string; message: string; cause: string }
      expect(code).toBe('LIGHTHOUSE_MISSING')
      expect(message).toContain(
        'perfgate: Lighthouse budgets need the "lighthouse" package. Install it: pnpm add -D',
      )
      expect(cause).toBe('ERR_MODULE_NOT_FOUND')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

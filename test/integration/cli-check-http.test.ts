import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { parseEventLine } from '../../src/log/verify-event.js'
import { probeUrl } from '../../src/server/wait-for-url.js'
import { freePort } from '../../src/web/check-web-budgets.js'
import { type CliProject, cliProject } from '../helpers/cli-project.js'

/*
 * `perfgate check` on HTTP budgets, for real: the server under test is started by the budget's
 * "command", loaded with autocannon on 127.0.0.1, and stopped afterwards.
 */

const SERVER = fileURLToPath(new URL('../fixtures/servers/http-api.mjs', import.meta.url))

let project: CliProject | undefined

afterEach(async () => {
  await project?.remove()
  project = undefined
})

async function apiProject(path: string, limits: Record<string, string>) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}${path}`
  project = await cliProject({
    budgets: {
      http: [
        {
          name: `GET ${path}`,
          url,
          command: `node ${JSON.stringify(SERVER)} ${port}`,
          connections: 4,
          amount: 400,
          ...limits,
        },
      ],
    },
  })
  return { project, url }
}

describe('perfgate check with HTTP budgets', () => {
  it('passes a fast endpoint, logs it, and stops the server it started', async () => {
    const { project, url } = await apiProject('/fast', { p95: '40ms', errorRate: '< 1%' })
    const { code, stdout, stderr } = await project.run(['check'])
    expect(stderr).toContain('load test')
    expect(code, stdout).toBe(0)
    expect(stdout).toMatch(/GET \/fast\s+p95\s+.*≤ 40\.0 ms\s+400 in .*✓ pass/)
    expect(stdout).toMatch(/GET \/fast\s+errorRate\s+0%\s+< 1%\s+400 in .*✓ pass/)
    // The command's server is gone: nothing answers on its port any more.
    expect((await probeUrl(url, { timeoutMs: 1000 })).status).toBe('failed')

    const events = (await project.read('logs/perfgate.jsonl'))
      .trim()
      .split('\n')
      .map((line, i) => parseEventLine(line, `line ${i + 1}`))
    expect(events.map((e) => e.type)).toEqual(['run-start', 'http', 'http-budget', 'http-budget', 'run-end'])
    expect(events[1]).toMatchObject({ type: 'http', name: 'GET /fast', requests: 400, responses: 400 })
    expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 0 })
  })

  it('fails an endpoint with a 50 ms delay against a 20 ms p95 budget, saying why', async () => {
    const { project } = await apiProject('/slow', { p95: '20ms' })
    const { code, stdout } = await project.run(['check', '--only', 'http', '--no-log'])
    expect(code).toBe(1)
    expect(stdout).toMatch(/✗ "GET \/slow" p95 is [\d.]+ ms \(95% CI .*\), [\d.]+× its 20\.0 ms budget\./)
    expect(stdout).toContain('Expected: p95 ≤ 20.0 ms (perfgate.budgets.http[0] in package.json)')
    expect(stdout).toContain('change perfgate.budgets.http[0].p95 in package.json')
    expect(stdout).toContain('400 requests in')
  })
})

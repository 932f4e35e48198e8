import { afterEach, describe, expect, it } from 'vitest'
import { type CliProject, cliProject } from '../helpers/cli-project.js'

/*
 * `perfgate check` before it measures anything: the refusals that must come before a browser is
 * launched. Real measurements are in test/integration/playwright-web.test.ts.
 */

let project: CliProject | undefined

afterEach(async () => {
  await project?.remove()
  project = undefined
})

const WEB = {
  budgets: {
    web: [
      { name: 'home', url: 'http://127.0.0.1:4173/', vitals: { LCP: '2.5s' } },
      { url: 'http://127.0.0.1:4173/pricing', vitals: { LCP: '2.5s' } },
    ],
  },
}

describe('perfgate check', () => {
  it('says where to add budgets when there are none', async () => {
    project = await cliProject({})
    const { code, stdout, stderr } = await project.run(['check'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatchInlineSnapshot(`
      "perfgate: there are no size or web or http budgets to check in package.json. Add some under "perfgate": { "budgets": { "size": [{ "path": "dist/index.js", "gzip": "10 kB" }], "web": [{ "url": "http://127.0.0.1:4173/", "vitals": { "LCP": "2.5s" } }], "http": [{ "url": "http://127.0.0.1:3000/api", "p95": "200ms", "errorRate": "< 0.1%" }] } }.
      "
    `)
  })

  it('names the budgets there are when --page names none of them', async () => {
    project = await cliProject(WEB)
    const { code, stderr } = await project.run(['check', '--page', 'hom'])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: No web budget is called "hom". The web budgets are: "home", "http://127.0.0.1:4173/pricing"."`,
    )
  })

  it('refuses a --runs that is not a whole number', async () => {
    project = await cliProject(WEB)
    const { code, stderr } = await project.run(['check', '--runs', '2.5'])
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Option "--runs" must be a whole number of 1 or more, received "2.5". Write e.g. --runs 5."`,
    )
  })

  it('is listed in perfgate --help', async () => {
    project = await cliProject({})
    const { stdout } = await project.run(['--help'])
    expect(stdout).toContain('check')
    expect(stdout).toContain('Measure every size, web and HTTP budget in package.json')
  })
})

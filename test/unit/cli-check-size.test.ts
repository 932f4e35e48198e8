import { afterEach, describe, expect, it } from 'vitest'
import { parseBaseline, serializeBaseline } from '../../src/baseline/baseline-file.js'
import { mergeRunInto } from '../../src/baseline/baseline-pages.js'
import { parseEventLine } from '../../src/log/verify-event.js'
import { type CliProject, cliProject, syntheticFile } from '../helpers/cli-project.js'

/*
 * `perfgate check` with size budgets, end to end on real files with the real size-limit: exit
 * codes, the table, explained failures, the growth rule against an accepted baseline, and what is
 * written to the candidate, the baseline and the [VERIFY] log.
 */

let project: CliProject | undefined

afterEach(async () => {
  await project?.remove()
  project = undefined
})

/** 300 bytes of text: gzip makes it 44 bytes; raw bytes are what limits below are about. */
const ENTRY = `export const a = ${JSON.stringify('x'.repeat(300))}\n`

async function sizeProject(size: unknown[]): Promise<CliProject> {
  const p = await cliProject({ budgets: { size } })
  await p.write('dist/index.js', ENTRY)
  await p.write('dist/chunk.js', 'export const b = 2\n')
  return p
}

describe('perfgate check with size budgets', () => {
  it('passes budgets the files meet, with a table, and writes the sizes to the candidate', async () => {
    project = await sizeProject([
      { path: 'dist/*.js', limit: '1 kB' },
      { name: 'entry', path: 'dist/index.js', gzip: '100 B' },
    ])
    const { code, stdout } = await project.run(['check', '--no-log'])
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 4).join('\n')).toMatchInlineSnapshot(`
      "Size       Metric  Measured  Limit      vs baseline  Verdict
      ─────────  ──────  ────────  ─────────  ───────────  ───────
      dist/*.js  raw     339 B     ≤ 1.00 kB  —            ✓ pass
      entry      gzip    44 B      ≤ 100 B    —            ✓ pass"
    `)
    expect(stdout).toContain('no baseline "default" yet')
    const candidate = parseBaseline(await project.read('.perfgate/candidates/default.json'), 'candidate')
    expect(candidate.sizes?.['dist/*.js']).toMatchObject({
      files: ['dist/chunk.js', 'dist/index.js'],
      rawBytes: 339,
    })
    expect(candidate.sizes?.entry).toMatchObject({ rawBytes: 320, gzipBytes: 44, tool: 'size-limit 12.1.0' })
  })

  it('fails a file over its limit with the numbers and the key to change', async () => {
    project = await sizeProject([{ path: 'dist/index.js', limit: '300 B' }])
    const { code, stdout } = await project.run(['check', '--no-log'])
    expect(code).toBe(1)
    expect(stdout).toContain('✗ "dist/index.js" raw is 320 B, 20 B (6.7%) over its 300 B budget.')
    expect(stdout).toContain('If the size is intended, raise perfgate.budgets.size[0].limit in package.json.')
  })

  it('fails growth over the accepted baseline under the limit, until the growth is accepted', async () => {
    project = await sizeProject([{ path: 'dist/index.js', limit: '10 kB' }])
    expect((await project.run(['check', '--update', '--no-log'])).code).toBe(0)
    expect((await project.run(['check', '--no-log'])).code).toBe(0)

    await project.write('dist/index.js', `${ENTRY}// one more line\n`)
    const grown = await project.run(['check', '--no-log'])
    expect(grown.code).toBe(1)
    expect(grown.stdout).toContain(
      `✗ "dist/index.js" raw is 337 B: it grew by 17 B (+5.3%) over the baseline's 320 B, more than the 0 B its allowedGrowth of 0% permits.`,
    )
    expect(grown.stdout).toContain('npx perfgate check --only size --update')

    expect((await project.run(['check', '--update', '--no-log'])).code).toBe(0)
    expect((await project.run(['check', '--no-log'])).code).toBe(0)
  })

  it('allows growth within allowedGrowth', async () => {
    project = await sizeProject([{ path: 'dist/index.js', limit: '10 kB', allowedGrowth: '10%' }])
    await project.run(['check', '--update', '--no-log'])
    await project.write('dist/index.js', `${ENTRY}// one more line\n`)
    // 17 bytes over 320: 5.3%, within 10% (32 bytes).
    expect((await project.run(['check', '--no-log'])).code).toBe(0)
  })

  it("keeps the baseline's benches when it accepts sizes, and the sizes when benches are written", async () => {
    project = await sizeProject([{ path: 'dist/index.js', limit: '10 kB' }])
    await project.write(
      '.perfgate/baselines/default.json',
      serializeBaseline(syntheticFile('default', { 'sort 10k': { centerNs: 2e6 } })),
    )
    expect((await project.run(['check', '--update', '--no-log'])).code).toBe(0)
    const accepted = parseBaseline(await project.read('.perfgate/baselines/default.json'), 'baseline')
    expect(Object.keys(accepted.benches)).toEqual(['sort 10k'])
    expect(Object.keys(accepted.sizes ?? {})).toEqual(['dist/index.js'])
    // A Vitest run of benches (the reporter merges the same way) keeps the sizes.
    const afterBenches = mergeRunInto(accepted, syntheticFile('default', { parse: { centerNs: 1e5 } }))
    expect(Object.keys(afterBenches.benches)).toEqual(['parse'])
    expect(afterBenches.sizes).toEqual(accepted.sizes)
  })

  it('fails a glob that matches nothing instead of passing it', async () => {
    project = await sizeProject([{ path: 'build/*.js', gzip: '10 kB' }])
    const { code, stderr } = await project.run(['check', '--no-log'])
    expect(code).toBe(1)
    expect(stderr).toContain('No file matches "build/*.js"')
    expect(stderr).toContain('(perfgate.budgets.size[0] in package.json)')
  })

  it('logs a size event per guarded metric', async () => {
    project = await sizeProject([{ name: 'entry', path: 'dist/index.js', limit: '10 kB', gzip: '100 B' }])
    expect((await project.run(['check'])).code).toBe(0)
    const lines = (await project.read('logs/perfgate.jsonl')).trim().split('\n')
    const events = lines.map((line, i) => parseEventLine(line, `log:${i + 1}`))
    const sizes = events.filter((e) => e.type === 'size')
    expect(sizes.map((e) => [e.name, e.metric, e.value, e.verdict, e.budget?.text])).toEqual([
      ['entry', 'raw', 320, 'pass', '10 kB'],
      ['entry', 'gzip', 44, 'pass', '100 B'],
    ])
    expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 0, counts: { pass: 2 } })
  })

  it('checks only the kinds --only names, and refuses a kind it does not know', async () => {
    project = await sizeProject([{ path: 'dist/index.js', limit: '10 kB' }])
    const unknown = await project.run(['check', '--only', 'size,bundle'])
    expect(unknown.code).toBe(2)
    // The list grows as kinds are added (http); size and web lead it.
    expect(unknown.stderr.split('\n')[0]).toMatch(
      /^perfgate: Option "--only" names no kind of budget called "bundle"\. The kinds are: size, web(, [a-z]+)*; write e\.g\. --only size\.$/,
    )
    const web = await project.run(['check', '--only', 'web'])
    expect(web.code).toBe(1)
    expect(web.stderr).toContain('there are no web budgets to check in package.json')
  })
})

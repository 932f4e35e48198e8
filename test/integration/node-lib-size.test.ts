import { execFileSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { run } from '../../src/cli/run.js'

/*
 * examples/node-lib's size budget: its real build meets it, and growth over the accepted
 * baseline fails even far under the limit. The example is built (its own `build` script, esbuild)
 * and its package.json copied into a temp folder, so baselines and logs stay out of the repo.
 */

const EXAMPLE = join(import.meta.dirname, '../../examples/node-lib')
let dir: string

async function check(...args: string[]) {
  let out = ''
  const code = await run(['check', '--only', 'size', '--no-log', ...args], {
    stdout: (s) => {
      out += s
    },
    stderr: (s) => {
      out += s
    },
    cwd: dir,
    env: {},
  })
  return { code, out }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfgate-node-lib-size-'))
  cpSync(join(EXAMPLE, 'package.json'), join(dir, 'package.json'))
  cpSync(join(EXAMPLE, 'src'), join(dir, 'src'), { recursive: true })
  // The example's own build command, with the example's esbuild, writing into the copy.
  execFileSync(
    join(EXAMPLE, 'node_modules/.bin/esbuild'),
    [
      'src/sort.ts',
      'src/parse.ts',
      '--bundle',
      '--minify',
      '--format=esm',
      '--platform=node',
      '--outdir=dist',
    ],
    { cwd: dir, stdio: 'pipe' },
  )
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

it('meets its size budget as built, and fails when the build grows over the accepted baseline', async () => {
  const first = await check('--update')
  expect(first.code, first.out).toBe(0)
  expect(first.out).toMatch(/library {2}raw .* ✓ pass/)

  // A dozen bytes more: far under the 650 B limit, but growth over the baseline, which is 0% by default.
  appendFileSync(join(dir, 'dist/sort.js'), 'export const x=1;\n')
  const grown = await check()
  expect(grown.code).toBe(1)
  expect(grown.out).toMatch(
    /✗ "library" raw is \d+ B: it grew by 18 B \(\+[\d.]+%\) over the baseline's \d+ B/,
  )
})

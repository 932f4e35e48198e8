import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { run } from '../../src/cli/run.js'

/*
 * perfgate guards its own bundle: `perfgate check --only size` on the built dist, with the size
 * budgets of perfgate's own package.json. It runs on a copy (package.json and dist) in a temp
 * folder, so the check's candidate and log land there and not in the repository.
 */

const REPO = join(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'perfgate-own-bundle-'))

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

it("meets perfgate's own size budgets in package.json", async () => {
  if (!existsSync(join(REPO, 'dist/index.js'))) {
    throw new Error('perfgate is not built: run `pnpm build` before this test (`pnpm test` does).')
  }
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { perfgate?: unknown }
  expect(pkg.perfgate).toMatchObject({ budgets: { size: [expect.objectContaining({ path: 'dist/*.js' })] } })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'perfgate-copy', perfgate: pkg.perfgate }))
  cpSync(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') })

  let stdout = ''
  let stderr = ''
  const code = await run(['check', '--only', 'size', '--no-log'], {
    stdout: (s) => {
      stdout += s
    },
    stderr: (s) => {
      stderr += s
    },
    cwd: dir,
    env: {},
  })
  // On failure the check's own explanation is the message: the file, its size, the limit, the key.
  expect(`${stdout}${stderr}`, `${stdout}${stderr}`).toContain('dist (all JS)')
  expect(code, `${stdout}${stderr}`).toBe(0)
})

import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { perfgateBase } from '../../matchers/vitest/base-plugin.js'
import type { BaseCode } from '../../src/baseline/base-checkout.js'
import { git } from '../helpers/git.js'

const SHIM = '/perfgate/dist/vitest-base-shim.js'

interface ResolvedId {
  id: string
  external?: boolean | string
  moduleSideEffects?: boolean
}

/** A stand-in for Vite's plugin context: resolve() records what it was asked and answers `answer`. */
function fakeContext(answer: ResolvedId | null | undefined) {
  const calls: unknown[][] = []
  return {
    calls,
    async resolve(source: string, importer?: string, options?: { skipSelf?: boolean }) {
      calls.push([source, importer, options])
      return answer
    },
  }
}

function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, 'export {}\n')
}

describe('perfgateBase resolveId, given a checkout by PERFGATE_BASE_CODE', () => {
  let top: string
  let code: BaseCode
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    top = realpathSync(mkdtempSync(join(tmpdir(), 'perfgate-base-plugin-')))
    code = {
      ref: 'origin/main',
      commit: '3f2c1ab0000000000000000000000000000000ff',
      dir: join(top, 'checkout'),
      repoRoot: join(top, 'repo'),
    }
    touch(join(code.repoRoot, 'perf', 'sort.perf.ts'))
    touch(join(code.repoRoot, 'src', 'lib.ts'))
    touch(join(code.repoRoot, 'src', 'new.ts'))
    touch(join(code.repoRoot, 'node_modules', 'lodash', 'index.js'))
    touch(join(code.dir, 'perf', 'sort.perf.ts'))
    touch(join(code.dir, 'src', 'lib.ts'))
    // The base has no src/new.ts. A node_modules here would be a leftover: never used.
    touch(join(code.dir, 'node_modules', 'lodash', 'index.js'))
    // Set as the main process does for its workers; no git involved.
    env = { PERFGATE_BASE_CODE: JSON.stringify(code) }
  })

  afterEach(() => {
    rmSync(top, { recursive: true, force: true })
  })

  function plugin() {
    const made = perfgateBase(env, SHIM)
    made.config({})
    return made
  }

  const baseFile = () => join(code.dir, 'perf', 'sort.perf.ts')
  const headFile = () => join(code.repoRoot, 'perf', 'sort.perf.ts')

  it('gives a base file the shim for vitest', async () => {
    const context = fakeContext(null)
    expect(await plugin().resolveId.call(context, 'vitest', baseFile())).toBe(SHIM)
    expect(context.calls).toEqual([])
  })

  it('leaves the imports of working-tree files alone, vitest included', async () => {
    const context = fakeContext({ id: join(code.repoRoot, 'src', 'lib.ts') })
    expect(await plugin().resolveId.call(context, 'vitest', headFile())).toBeUndefined()
    expect(await plugin().resolveId.call(context, '@/lib', headFile())).toBeUndefined()
    expect(await plugin().resolveId.call(context, 'vitest', undefined)).toBeUndefined()
    expect(context.calls).toEqual([])
  })

  it('leaves relative, absolute and virtual imports of a base file to Vite, which keeps them in the checkout', async () => {
    const context = fakeContext({ id: join(code.repoRoot, 'src', 'lib.ts') })
    const made = plugin()
    expect(await made.resolveId.call(context, './helpers.js', baseFile())).toBeUndefined()
    expect(await made.resolveId.call(context, '../src/lib.js', baseFile())).toBeUndefined()
    expect(await made.resolveId.call(context, join(code.dir, 'src', 'lib.ts'), baseFile())).toBeUndefined()
    expect(await made.resolveId.call(context, '\0virtual:thing', baseFile())).toBeUndefined()
    expect(context.calls).toEqual([])
  })

  it('resolves a bare import of a base file as the working-tree file would, and keeps a dependency as it lands', async () => {
    const dependency = { id: join(code.repoRoot, 'node_modules', 'lodash', 'index.js') }
    const context = fakeContext(dependency)
    expect(await plugin().resolveId.call(context, 'lodash', baseFile())).toEqual(dependency)
    // Asked from the head's copy of the importer: the checkout has no node_modules of its own.
    expect(context.calls).toEqual([['lodash', headFile(), { skipSelf: true }]])
  })

  it("sends an import that resolves into the working tree (an alias) to the base's copy", async () => {
    const context = fakeContext({ id: join(code.repoRoot, 'src', 'lib.ts'), moduleSideEffects: false })
    expect(await plugin().resolveId.call(context, '@/lib', baseFile())).toEqual({
      id: join(code.dir, 'src', 'lib.ts'),
      moduleSideEffects: false,
    })
    expect(context.calls).toEqual([['@/lib', headFile(), { skipSelf: true }]])
  })

  it('keeps the working-tree file when the base has no copy of it', async () => {
    const resolved = { id: join(code.repoRoot, 'src', 'new.ts') }
    expect(await plugin().resolveId.call(fakeContext(resolved), '@/new', baseFile())).toEqual(resolved)
  })

  it('keeps a resolution outside the repository', async () => {
    const resolved = { id: join(top, 'elsewhere', 'shared.js') }
    expect(await plugin().resolveId.call(fakeContext(resolved), 'shared', baseFile())).toEqual(resolved)
  })

  it('passes an external resolution through, and an unresolved import as not handled', async () => {
    // Even an external id naming a working-tree file the base has: Vite does not load externals.
    const external = { id: join(code.repoRoot, 'src', 'lib.ts'), external: true }
    expect(await plugin().resolveId.call(fakeContext(external), '@/lib', baseFile())).toEqual(external)
    expect(await plugin().resolveId.call(fakeContext(null), 'missing', baseFile())).toBeUndefined()
    expect(await plugin().resolveId.call(fakeContext(undefined), 'missing', baseFile())).toBeUndefined()
  })

  it('uses the inherited checkout even when PERFGATE_BASE_REF is set too, without checking out again', async () => {
    // A ref git could not check out here (no repository at all): config() must not try.
    env.PERFGATE_BASE_REF = 'no-such-ref'
    const made = perfgateBase(env, SHIM)
    expect(() => made.config({ root: top })).not.toThrow()
    expect(await made.resolveId.call(fakeContext(null), 'vitest', baseFile())).toBe(SHIM)
    expect(JSON.parse(env.PERFGATE_BASE_CODE!)).toEqual(code)
  })
})

describe('perfgateBase without a base', () => {
  it('does nothing without PERFGATE_BASE_REF and PERFGATE_BASE_CODE, or with a blank ref', async () => {
    for (const env of [{}, { PERFGATE_BASE_REF: '' }, { PERFGATE_BASE_REF: '  ' }] as NodeJS.ProcessEnv[]) {
      const made = perfgateBase(env, SHIM)
      // A root that is no repository: a checkout attempt would throw.
      made.config({ root: tmpdir() })
      expect(env.PERFGATE_BASE_CODE).toBeUndefined()
      const context = fakeContext({ id: '/somewhere/else.js' })
      expect(await made.resolveId.call(context, 'vitest', join(tmpdir(), 'a', 'b.ts'))).toBeUndefined()
      expect(context.calls).toEqual([])
    }
  })
})

describe('perfgateBase with PERFGATE_BASE_REF and real git', () => {
  let repo: string
  let baseDir: string

  beforeEach(() => {
    repo = realpathSync(mkdtempSync(join(tmpdir(), 'perfgate-base-plugin-repo-')))
    baseDir = realpathSync(mkdtempSync(join(tmpdir(), 'perfgate-base-plugin-dir-')))
    git(repo, 'init', '--quiet')
    git(repo, 'config', 'commit.gpgsign', 'false')
    writeFileSync(join(repo, 'lib.js'), "export const side = 'base'\n")
    git(repo, 'add', '.')
    git(repo, 'commit', '--quiet', '-m', 'base')
    writeFileSync(join(repo, 'lib.js'), "export const side = 'head'\n")
    git(repo, 'commit', '--quiet', '-am', 'head')
  })

  afterEach(() => {
    rmSync(repo, { recursive: true, force: true })
    rmSync(baseDir, { recursive: true, force: true })
  })

  it('checks out the ref in config() and hands the checkout to the workers', async () => {
    const env: NodeJS.ProcessEnv = { PERFGATE_BASE_REF: ' HEAD~1 ', PERFGATE_BASE_DIR: baseDir }
    const made = perfgateBase(env, SHIM)
    made.config({ root: repo })
    expect(env.PERFGATE_BASE_CODE).toBeDefined()
    const code = JSON.parse(env.PERFGATE_BASE_CODE!) as BaseCode
    expect(code.ref).toBe('HEAD~1')
    expect(code.commit).toBe(git(repo, 'rev-parse', 'HEAD~1'))
    expect(code.repoRoot).toBe(repo)
    expect(code.dir.startsWith(baseDir)).toBe(true)
    expect(readFileSync(join(code.dir, 'lib.js'), 'utf8')).toBe("export const side = 'base'\n")
    // The plugin now treats the checkout's files as base files.
    expect(await made.resolveId.call(fakeContext(null), 'vitest', join(code.dir, 'lib.js'))).toBe(SHIM)
    expect(readFileSync(join(repo, 'lib.js'), 'utf8')).toBe("export const side = 'head'\n")
  })
})

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type BaseCode,
  baseCodeFromEnv,
  baseLabel,
  basePathOf,
  checkoutBase,
  headPathOf,
  isInside,
} from '../../src/baseline/base-checkout.js'
import { PerfgateError } from '../../src/errors.js'
import { git } from '../helpers/git.js'

/** A fresh temp folder, by its real path: git reports the top level with symlinks resolved. */
function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)))
}

/**
 * A repository of two commits: the base, where `lib.js` says 'base', then a head where it says
 * 'head' and `added.js` appears. A subfolder `pkg` holds a project of its own.
 */
function twoCommits(dir: string): void {
  git(dir, 'init', '--quiet')
  git(dir, 'config', 'commit.gpgsign', 'false')
  mkdirSync(join(dir, 'pkg'))
  writeFileSync(join(dir, 'lib.js'), "export const side = 'base'\n")
  writeFileSync(join(dir, 'pkg', 'index.js'), 'export {}\n')
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'base')
  writeFileSync(join(dir, 'lib.js'), "export const side = 'head'\n")
  writeFileSync(join(dir, 'added.js'), 'export {}\n')
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'head')
}

/** What `fn` throws, as a PerfgateError. */
function thrown(fn: () => unknown): PerfgateError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(PerfgateError)
    return error as PerfgateError
  }
  throw new Error('expected a throw')
}

describe('checkoutBase with real git', () => {
  let repo: string
  let baseDir: string
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    repo = tempDir('perfgate-base-repo-')
    baseDir = tempDir('perfgate-base-dir-')
    // Never the shared temp folder: every test gets its own place for checkouts.
    env = { PERFGATE_BASE_DIR: baseDir }
    twoCommits(repo)
  })

  afterEach(() => {
    rmSync(repo, { recursive: true, force: true })
    rmSync(baseDir, { recursive: true, force: true })
  })

  /** The folder checkouts of `repo` go to: one per repository, named by the hash of its top level. */
  function perRepoDir(): string {
    return join(baseDir, createHash('sha256').update(repo).digest('hex').slice(0, 12))
  }

  it('checks out the base commit beside the working tree, which it leaves alone', () => {
    const code = checkoutBase('HEAD~1', repo, env)
    const commit = git(repo, 'rev-parse', 'HEAD~1')
    expect(code).toEqual({
      ref: 'HEAD~1',
      commit,
      dir: join(perRepoDir(), commit.slice(0, 12)),
      repoRoot: repo,
    })
    // The file the head changed reads as in the base, and the head's new file is not there.
    expect(readFileSync(join(code.dir, 'lib.js'), 'utf8')).toBe("export const side = 'base'\n")
    expect(existsSync(join(code.dir, 'added.js'))).toBe(false)
    expect(git(code.dir, 'rev-parse', 'HEAD')).toBe(commit)
    // The working tree is untouched: still the head, nothing modified or added.
    expect(readFileSync(join(repo, 'lib.js'), 'utf8')).toBe("export const side = 'head'\n")
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('')
  })

  it('reuses the checkout of the same commit instead of making it again', () => {
    const first = checkoutBase('HEAD~1', repo, env)
    // A file only a fresh checkout would lose.
    writeFileSync(join(first.dir, 'marker.txt'), 'still here')
    const second = checkoutBase('HEAD~1', repo, env)
    expect(second).toEqual(first)
    expect(readFileSync(join(second.dir, 'marker.txt'), 'utf8')).toBe('still here')
  })

  it('keeps only the latest base: checking out another commit removes the older checkout', () => {
    const older = checkoutBase('HEAD~1', repo, env)
    const newer = checkoutBase('HEAD', repo, env)
    expect(newer.commit).toBe(git(repo, 'rev-parse', 'HEAD'))
    expect(newer.dir).not.toBe(older.dir)
    expect(existsSync(older.dir)).toBe(false)
    expect(readdirSync(perRepoDir())).toEqual([newer.commit.slice(0, 12)])
    expect(readFileSync(join(newer.dir, 'lib.js'), 'utf8')).toBe("export const side = 'head'\n")
    // git forgot the removed worktree too: the main one and the newer checkout remain.
    const worktrees = git(repo, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
    expect(worktrees).toEqual([`worktree ${repo}`, `worktree ${newer.dir}`])
  })

  it('makes the checkout again over a broken leftover of the same commit', () => {
    const commit = git(repo, 'rev-parse', 'HEAD~1')
    const dir = join(perRepoDir(), commit.slice(0, 12))
    // A folder where the checkout should be, but no worktree in it (an interrupted run).
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'junk.txt'), 'left over')
    const code = checkoutBase('HEAD~1', repo, env)
    expect(code.dir).toBe(dir)
    expect(existsSync(join(dir, 'junk.txt'))).toBe(false)
    expect(readFileSync(join(dir, 'lib.js'), 'utf8')).toBe("export const side = 'base'\n")
  })

  it('mirrors the top level of the repository when the project is a subfolder of it', () => {
    const fromSubfolder = checkoutBase('HEAD~1', join(repo, 'pkg'), env)
    expect(fromSubfolder.repoRoot).toBe(repo)
    expect(existsSync(join(fromSubfolder.dir, 'pkg', 'index.js'))).toBe(true)
    // Same repository, same place: the top level reuses what the subfolder made.
    expect(checkoutBase('HEAD~1', repo, env).dir).toBe(fromSubfolder.dir)
  })

  it('names an unknown ref, with the fetch a shallow CI clone needs', () => {
    const error = thrown(() => checkoutBase('origin/main', repo, env))
    expect(error.code).toBe('BASE_REF_UNKNOWN')
    expect(error.message).toContain(`names no commit in ${repo}`)
    expect(error.message).toContain('git fetch --depth=1 origin main')
    // Nothing was made for it.
    expect(readdirSync(baseDir)).toEqual([])
  })

  it('gives a relative ref a fetch hint that is a command, not "origin HEAD~5"', () => {
    const error = thrown(() => checkoutBase('HEAD~5', repo, env))
    expect(error.code).toBe('BASE_REF_UNKNOWN')
    expect(error.message).toContain('git fetch --depth=1 origin <base branch>')
  })

  it('says git is missing, not that the folder is no repository, when there is no git', () => {
    vi.stubEnv('PATH', '')
    try {
      const error = thrown(() => checkoutBase('origin/main', repo, env))
      expect(error.code).toBe('BASE_GIT_MISSING')
      expect(error.message).toContain('there is no git on the PATH')
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('says so when the base folder cannot be made', () => {
    // A file where the folder for checkouts should go.
    const blocked = join(baseDir, 'a-file')
    writeFileSync(blocked, '')
    const error = thrown(() => checkoutBase('HEAD~1', repo, { PERFGATE_BASE_DIR: blocked }))
    expect(error.code).toBe('BASE_CHECKOUT_FAILED')
    expect(error.message).toContain(
      `Could not check out "HEAD~1" (${git(repo, 'rev-parse', 'HEAD~1').slice(0, 12)})`,
    )
    expect(error.message).toContain('Set PERFGATE_BASE_DIR to a writable folder')
  })
})

describe('checkoutBase outside a git repository', () => {
  let outside: string

  beforeEach(() => {
    outside = tempDir('perfgate-base-outside-')
    // git must not find a repository above the temp folder, whatever this machine has there.
    vi.stubEnv('GIT_CEILING_DIRECTORIES', dirname(outside))
  })

  afterEach(() => {
    vi.unstubAllEnvs()
    rmSync(outside, { recursive: true, force: true })
  })

  it('says the folder is not in a git repository', () => {
    // The premise: git itself finds no repository there.
    expect(() =>
      execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: outside, stdio: 'pipe' }),
    ).toThrow()
    const error = thrown(() => checkoutBase('origin/main', outside, { PERFGATE_BASE_DIR: outside }))
    expect(error.code).toBe('BASE_NOT_GIT')
    expect(error.message).toContain(`${outside} is not in a git repository`)
    expect(error.message).toContain('not a git repository')
    expect(readdirSync(outside)).toEqual([])
  })
})

describe('basePathOf and headPathOf', () => {
  const repoRoot = join(tmpdir(), 'work', 'repo')
  const code: BaseCode = {
    ref: 'origin/main',
    commit: '3f2c1ab0000000000000000000000000000000ff',
    dir: join(tmpdir(), 'perfgate-base', 'abc', '3f2c1ab00000'),
    repoRoot,
  }

  it('maps a working-tree file to the base copy and back', () => {
    const head = join(repoRoot, 'src', 'lib', 'sort.ts')
    const base = join(code.dir, 'src', 'lib', 'sort.ts')
    expect(basePathOf(code, head)).toBe(base)
    expect(headPathOf(code, base)).toBe(head)
  })

  it('keeps a name that merely starts with two dots inside the repository', () => {
    expect(basePathOf(code, join(repoRoot, '..data', 'a.json'))).toBe(join(code.dir, '..data', 'a.json'))
  })

  it('has no base copy for a file outside the repository, or in a sibling folder with the same prefix', () => {
    expect(basePathOf(code, join(tmpdir(), 'work', 'other', 'a.ts'))).toBeUndefined()
    expect(basePathOf(code, `${repoRoot}-copy/a.ts`)).toBeUndefined()
  })

  it('has no base copy for a file in node_modules, at the top or in a workspace package', () => {
    expect(basePathOf(code, join(repoRoot, 'node_modules', 'lodash', 'index.js'))).toBeUndefined()
    expect(basePathOf(code, join(repoRoot, 'packages', 'a', 'node_modules', 'x', 'index.js'))).toBeUndefined()
    // A name that only contains the word is an ordinary file.
    expect(basePathOf(code, join(repoRoot, 'src', 'node_modules.ts'))).toBe(
      join(code.dir, 'src', 'node_modules.ts'),
    )
  })

  it('has no base copy for a file already in the checkout, when the checkout lies inside the repository', () => {
    // PERFGATE_BASE_DIR may point into the project (a CI cache folder, say).
    const inside: BaseCode = { ...code, dir: join(repoRoot, '.perfgate-base', 'abc', '3f2c1ab00000') }
    expect(basePathOf(inside, join(inside.dir, 'src', 'a.ts'))).toBeUndefined()
    expect(headPathOf(inside, join(inside.dir, 'src', 'a.ts'))).toBe(join(repoRoot, 'src', 'a.ts'))
  })

  it('has no working-tree file for a path outside the checkout', () => {
    expect(headPathOf(code, join(repoRoot, 'src', 'a.ts'))).toBeUndefined()
    expect(headPathOf(code, `${code.dir}0/src/a.ts`)).toBeUndefined()
  })

  it('counts a folder as inside itself', () => {
    expect(isInside(repoRoot, repoRoot)).toBe(true)
    expect(isInside(dirname(repoRoot), repoRoot)).toBe(false)
  })
})

describe('baseCodeFromEnv', () => {
  const code: BaseCode = {
    ref: 'origin/main',
    commit: '3f2c1ab0000000000000000000000000000000ff',
    dir: '/tmp/perfgate-base/abc/3f2c1ab00000',
    repoRoot: '/work/repo',
  }

  it('reads back the checkout the plugin wrote', () => {
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: JSON.stringify(code) })).toEqual(code)
  })

  it('keeps only the four fields', () => {
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: JSON.stringify({ ...code, extra: 1 }) })).toStrictEqual(code)
  })

  it('ignores an unset, empty or malformed value', () => {
    expect(baseCodeFromEnv({})).toBeUndefined()
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: '' })).toBeUndefined()
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: '{not json' })).toBeUndefined()
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: 'null' })).toBeUndefined()
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: JSON.stringify({ ...code, dir: 42 }) })).toBeUndefined()
    const { repoRoot: _, ...withoutRoot } = code
    expect(baseCodeFromEnv({ PERFGATE_BASE_CODE: JSON.stringify(withoutRoot) })).toBeUndefined()
  })
})

describe('baseLabel', () => {
  const commit = '3f2c1ab9d00000000000000000000000000000ff'

  it('gives the ref and its short commit', () => {
    expect(baseLabel({ ref: 'origin/main', commit })).toBe('origin/main (3f2c1ab)')
  })

  it('gives the short commit alone when the ref is the commit', () => {
    expect(baseLabel({ ref: commit, commit })).toBe('3f2c1ab')
    expect(baseLabel({ ref: '3f2c1ab9d', commit })).toBe('3f2c1ab')
  })
})

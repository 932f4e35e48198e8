import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { perfgateError, reasonOf } from '../errors.js'

/*
 * The code of a base ref (origin/main, say), checked out beside the working tree, so that a perf
 * test can time the base's version of its function in the same process as the head's, in
 * alternating rounds (docs/baselines.md, "Comparing with the base branch in one process"). On a
 * shared machine that is the comparison that stays right: processes land several percent apart,
 * and a stored baseline's process is not this one (docs/accuracy.md).
 *
 * The checkout is a detached git worktree outside the project (in the temp folder), so that the
 * project's own tools (tsc, linters, Vitest's include globs) never see a second copy of its files.
 * Its bare imports are resolved from the working tree (perfgate's Vite plugin does that): the base
 * code runs with the head's dependencies.
 */

/** The git ref to compare with, e.g. `origin/main`; perf tests then time both versions. */
export const BASE_REF_ENV = 'PERFGATE_BASE_REF'

/** Where base checkouts go; the temp folder unless set. */
export const BASE_DIR_ENV = 'PERFGATE_BASE_DIR'

/** Set by perfgate for its workers and re-measurement processes: the checkout, as JSON. */
export const BASE_CODE_ENV = 'PERFGATE_BASE_CODE'

/** A base ref checked out beside the working tree. */
export interface BaseCode {
  /** The ref as given (`origin/main`). */
  ref: string
  /** The commit it named when checked out. */
  commit: string
  /** The checkout: the repository's top level at `commit`. */
  dir: string
  /** The working tree's top level, which `dir` mirrors. */
  repoRoot: string
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

function gitStderr(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr
  const text = typeof stderr === 'string' ? stderr.trim() : ''
  return text === '' ? reasonOf(error) : text
}

/**
 * Check out `ref` of the repository holding `projectRoot` as a detached worktree, or reuse the
 * one already there for the same commit (a re-measurement process, the next run). Throws a
 * PerfgateError that says how to fix it when the folder is not in a git repository, the ref is
 * unknown (a shallow CI clone), or git cannot make the worktree.
 */
export function checkoutBase(
  ref: string,
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): BaseCode {
  let repoRoot: string
  try {
    repoRoot = git(projectRoot, ['rev-parse', '--show-toplevel'])
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT')
      throw perfgateError('BASE_GIT_MISSING', { ref }, error)
    throw perfgateError('BASE_NOT_GIT', { ref, root: projectRoot, reason: gitStderr(error) })
  }
  let commit: string
  try {
    commit = git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  } catch {
    throw perfgateError('BASE_REF_UNKNOWN', { ref, repo: repoRoot })
  }
  const parent = baseParentDir(repoRoot, env)
  const dir = join(parent, commit.slice(0, 12))
  if (existsSync(join(dir, '.git'))) {
    try {
      if (git(dir, ['rev-parse', 'HEAD']) === commit) return { ref, commit, dir, repoRoot }
    } catch {
      // A broken leftover: made again below.
    }
  }
  try {
    mkdirSync(parent, { recursive: true })
    // Only the latest base is kept: an older one would only fill the disk.
    for (const old of readdirSync(parent)) rmSync(join(parent, old), { recursive: true, force: true })
    git(repoRoot, ['worktree', 'prune'])
    git(repoRoot, ['worktree', 'add', '--detach', '--force', dir, commit])
  } catch (error) {
    throw perfgateError('BASE_CHECKOUT_FAILED', { ref, commit, dir, reason: gitStderr(error) })
  }
  return { ref, commit, dir, repoRoot }
}

/** One folder per repository, so that two projects on a machine never remove each other's base. */
function baseParentDir(repoRoot: string, env: NodeJS.ProcessEnv): string {
  const chosen = env[BASE_DIR_ENV]
  const top = chosen !== undefined && chosen !== '' ? resolve(chosen) : join(tmpdir(), 'perfgate-base')
  const id = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)
  return join(top, id)
}

/** Whether `path` lies inside `dir` (or is it). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** The base's copy of a working-tree file, or undefined for a file outside the repository or in node_modules. */
export function basePathOf(code: BaseCode, headPath: string): string | undefined {
  if (!isInside(headPath, code.repoRoot) || isInside(headPath, code.dir)) return undefined
  const rel = relative(code.repoRoot, headPath)
  if (rel.split(sep).includes('node_modules')) return undefined
  return join(code.dir, rel)
}

/** The working tree's file a base file mirrors, or undefined for a file outside the checkout. */
export function headPathOf(code: BaseCode, basePath: string): string | undefined {
  if (!isInside(basePath, code.dir)) return undefined
  return join(code.repoRoot, relative(code.dir, basePath))
}

/** The base checkout this process was given (by perfgate's Vite plugin), if any. */
export function baseCodeFromEnv(env: NodeJS.ProcessEnv = process.env): BaseCode | undefined {
  const text = env[BASE_CODE_ENV]
  if (text === undefined || text === '') return undefined
  try {
    const value = JSON.parse(text) as Partial<BaseCode>
    const { ref, commit, dir, repoRoot } = value
    if (
      typeof ref === 'string' &&
      typeof commit === 'string' &&
      typeof dir === 'string' &&
      typeof repoRoot === 'string'
    )
      return { ref, commit, dir, repoRoot }
  } catch {
    // Not ours: ignored like an unset variable.
  }
  return undefined
}

/** The ref as people read it: `origin/main (3f2c1ab)`. */
export function baseLabel(code: Pick<BaseCode, 'ref' | 'commit'>): string {
  const short = code.commit.slice(0, 7)
  return code.ref.startsWith(short) ? short : `${code.ref} (${short})`
}

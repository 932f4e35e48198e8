import { execFileSync } from 'node:child_process'

/** Runs git with `args` in `cwd` and returns its stdout; undefined when git fails or is missing. */
export type RunGit = (args: string[], cwd: string) => string | undefined

/** How long one git call may take before it is abandoned (a huge repo must not stall a bench). */
export const GIT_TIMEOUT_MS = 2_000

/**
 * One call answers commit, branch and dirtiness together, so the three describe the same moment
 * and only one process is spawned. `--no-optional-locks` keeps status from rewriting the index,
 * which would race with a user's own git commands.
 */
export const GIT_STATUS_ARGS: readonly string[] = [
  '--no-optional-locks',
  'status',
  '--porcelain=v2',
  '--branch',
]

export const defaultRunGit: RunGit = (args, cwd) => {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: GIT_TIMEOUT_MS,
      windowsHide: true,
    })
  } catch {
    return undefined
  }
}

export interface GitInfo {
  commit: string
  branch: string | null
  dirty: boolean
}

/**
 * Commit, branch and dirtiness of the work tree at `cwd`, or null when it is not a git work tree,
 * git is missing or slow, or the repository has no commit yet. Never throws.
 */
export function readGit(runGit: RunGit, cwd: string): GitInfo | null {
  let output: string | undefined
  try {
    output = runGit([...GIT_STATUS_ARGS], cwd)
  } catch {
    return null
  }
  return typeof output === 'string' ? parseGitStatus(output) : null
}

/** Parse `git status --porcelain=v2 --branch`; null when it names no commit. */
export function parseGitStatus(output: string): GitInfo | null {
  let commit: string | null = null
  let branch: string | null = null
  let dirty = false
  for (const line of output.split('\n')) {
    if (line.startsWith('# branch.oid ')) {
      const oid = line.slice('# branch.oid '.length).trim()
      // "(initial)" in a repository without commits.
      if (/^[0-9a-f]{7,64}$/i.test(oid)) commit = oid.toLowerCase()
    } else if (line.startsWith('# branch.head ')) {
      const head = line.slice('# branch.head '.length).trim()
      if (head !== '(detached)' && head !== '') branch = head
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      dirty = true
    }
  }
  return commit === null ? null : { commit, branch, dirty }
}

import { execFileSync } from 'node:child_process'

// Commits made in temp repositories need an identity; the machine's git config may have none.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'perfgate test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'perfgate test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
}

/** Run git in `dir` (with a committer identity) and return its trimmed stdout; throws on failure. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' }).trim()
}

import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/*
 * Why a launcher: Node gives no child's resource usage (child_process reports an exit code only,
 * and process.resourceUsage() is the calling process's own). Reading /proc/<pid> while the child
 * runs races its exit and misses the last peak; GNU time is often not installed and prints CPU in
 * 10 ms steps. The kernel's own figures for exactly one child come from wait4(2), which Python's
 * standard library exposes (os.wait4, Linux and macOS). So the launcher below spawns the command,
 * times it from spawn to exit with a monotonic clock (its own start-up is outside the timing),
 * reaps it with wait4 and writes one JSON line to fd 3. Where no python3 is found, perfgate times
 * the command from Node and reports CPU time and peak RSS as unavailable, never as guesses.
 */

/** Environment variable naming the Python 3 interpreter the launcher runs on (default: python3 on PATH). */
export const PYTHON_ENV = 'PERFGATE_PYTHON'

/**
 * The launcher: `python3 -c LAUNCHER_SCRIPT '<argv as JSON>'`. Writes to fd 3
 * `{"wallNs","userUs","systemUs","maxRssBytes","exitCode","signal"}`, or `{"spawnError","errno"}`.
 *
 * - fd 3 is made non-inheritable so the command cannot hold the result pipe open;
 * - SIGPIPE and SIGXFSZ, which Python ignores, are reset to their defaults in the child (an
 *   ignored signal is inherited across exec, and `yes | head` would then behave differently);
 * - ru_maxrss is in kilobytes on Linux and in bytes on macOS.
 */
export const LAUNCHER_SCRIPT = `
import json, os, signal, sys, time
os.set_inheritable(3, False)
out = os.fdopen(3, 'w')
argv = json.loads(sys.argv[1])
try:
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
except OSError as error:
    out.write(json.dumps({'spawnError': error.strerror or str(error), 'errno': error.errno}))
    sys.exit(0)
_, status, usage = os.wait4(pid, 0)
end = time.perf_counter_ns()
scale = 1 if sys.platform == 'darwin' else 1024
out.write(json.dumps({
    'wallNs': end - start,
    'userUs': round(usage.ru_utime * 1e6),
    'systemUs': round(usage.ru_stime * 1e6),
    'maxRssBytes': usage.ru_maxrss * scale,
    'exitCode': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    'signal': signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else None,
}))
`

/** What the launcher reports about one run. */
export type LauncherReport =
  | {
      wallNs: number
      userUs: number
      systemUs: number
      maxRssBytes: number
      exitCode: number | null
      signal: string | null
    }
  | { spawnError: string; errno: number }

/** Where the launcher can run, or why it cannot. */
export type LauncherChoice = { ok: true; python: string } | { ok: false; reason: string }

/**
 * Find the Python 3 interpreter for the launcher: $PERFGATE_PYTHON, else `python3` on PATH.
 * Windows has no wait4, so the launcher is not used there.
 */
export function chooseLauncher(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): LauncherChoice {
  if (platform === 'win32') {
    return {
      ok: false,
      reason: 'Windows has no wait4(2), which reads a child process’s CPU time and peak RSS',
    }
  }
  const explicit = env[PYTHON_ENV]
  if (explicit !== undefined && explicit !== '') {
    return isExecutable(explicit)
      ? { ok: true, python: explicit }
      : { ok: false, reason: `${PYTHON_ENV}=${explicit} is not an executable file` }
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, 'python3')
    if (isExecutable(candidate)) return { ok: true, python: candidate }
  }
  return {
    ok: false,
    reason: `no python3 on PATH to read the kernel's resource usage of the command (install python3, or name one with ${PYTHON_ENV})`,
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Parse the launcher's line; undefined when it is not a report (the launcher itself failed). */
export function parseLauncherReport(text: string): LauncherReport | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  if (json === null || typeof json !== 'object') return undefined
  const r = json as Record<string, unknown>
  if (typeof r.spawnError === 'string' && typeof r.errno === 'number') {
    return { spawnError: r.spawnError, errno: r.errno }
  }
  const numbers = ['wallNs', 'userUs', 'systemUs', 'maxRssBytes'] as const
  if (!numbers.every((key) => typeof r[key] === 'number' && Number.isFinite(r[key]))) return undefined
  return {
    wallNs: r.wallNs as number,
    userUs: r.userUs as number,
    systemUs: r.systemUs as number,
    maxRssBytes: r.maxRssBytes as number,
    exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
    signal: typeof r.signal === 'string' ? r.signal : null,
  }
}

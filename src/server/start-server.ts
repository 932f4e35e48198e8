import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { stripVTControlCharacters } from 'node:util'
import { perfgateError, reasonOf } from '../errors.js'
import { probeUrl, waitForUrl } from './wait-for-url.js'

/**
 * Starting the user's server for a run and stopping it afterwards (`command` and `waitFor` in a
 * web or HTTP budget). The command runs in a shell, so it is written as in a terminal
 * ("pnpm preview"), and in a process group of its own, so stopping it reaches the real server:
 * `pnpm preview` is a shell running pnpm running a shell running vite, and signalling only the
 * first would leave the server holding the port.
 */

/**
 * How long the server may take to answer `waitFor` ("waitTimeout" in a budget). Generous because
 * a cold `pnpm preview` or `next start` on a busy CI machine can take tens of seconds, and a wait
 * that is too long costs nothing when the server is fine.
 */
export const DEFAULT_SERVER_TIMEOUT_MS = 60_000

/** How long a stopped server may take to exit after SIGTERM before it gets SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 5_000

/** Lines of the server's output kept for error messages (stdout and stderr together). */
export const SERVER_OUTPUT_LINES = 40

// Characters kept of one output line: a minified stack or a progress bar must not fill memory.
const OUTPUT_LINE_CHARS = 500
// How long the first try may take, made before the command starts: an answer means another server.
const ALREADY_RUNNING_PROBE_MS = 1_000
// How often stop() looks whether the process group is gone.
const STOP_POLL_MS = 25
// After SIGKILL the kernel ends the processes at once; this only bounds a wait on a stuck one.
const KILL_WAIT_MS = 2_000
// How long to wait for the last output after the process exits (a pipe may hold a final chunk).
const OUTPUT_DRAIN_MS = 500

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Shell command that starts the server and keeps running while it serves, e.g. "pnpm preview". */
  command: string
  /** Folder the command runs in, usually the project root. */
  cwd: string
  /** The http:// or https:// URL that must answer before the server counts as up. */
  waitFor: string
  /** Give up when `waitFor` has not answered after this long. @default DEFAULT_SERVER_TIMEOUT_MS */
  timeoutMs?: number
  /**
   * Variables added to (and overriding) this process's environment for the command; a variable
   * set to undefined is left out.
   */
  env?: Record<string, string | undefined>
  /** Called with each chunk the command prints, e.g. to show it with --verbose. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void
  /** How long the server may take to exit after SIGTERM before SIGKILL. @default DEFAULT_STOP_GRACE_MS */
  stopGraceMs?: number
}

/** A server started by {@link startServer}. Call `stop()` when the run is over, also after errors. */
export interface RunningServer {
  /** The `waitFor` URL that answered. */
  readonly url: string
  /** Pid of the shell running the command; on POSIX also the id of its process group. */
  readonly pid: number
  /** The last {@link SERVER_OUTPUT_LINES} lines of stdout and stderr, without colour codes. */
  output(): string
  /**
   * Stop the command and everything it started: SIGTERM to its process group, SIGKILL to what is
   * left after the grace period (on Windows, `taskkill /T /F`, which has no gentle form for a
   * console program). Resolves when the processes have exited; calling it again returns the same
   * promise.
   */
  stop(): Promise<void>
}

/**
 * Start `command`, wait until `waitFor` answers (an HTTP GET with any status below 500, see
 * UP_BELOW_STATUS), and return the running server.
 *
 * Refuses with SERVER_ALREADY_RUNNING when `waitFor` answers before the command starts: the
 * command would then fail to bind its port, or worse, bind another, and the results would
 * describe a server nobody asked for. Rejects with SERVER_START_FAILED, after stopping what it
 * started, when the command exits before answering (a server command must keep running: perfgate
 * stops it afterwards), or when the timeout passes; the error carries the command's last output.
 *
 * Until `stop()`, the server is also stopped when this process gets SIGINT, SIGTERM or SIGHUP, or
 * exits. The command runs in its own process group, which a terminal's Ctrl-C does not reach, so
 * without this a Ctrl-C would leave the server running. On a signal, the servers are stopped and
 * the signal is raised again if nothing else handles it, so the process still ends as it would
 * have; on a plain exit only a synchronous SIGTERM can be sent. SIGKILL of this process cannot be
 * caught; the server then keeps running.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const {
    command,
    cwd,
    waitFor,
    timeoutMs = DEFAULT_SERVER_TIMEOUT_MS,
    env,
    onOutput,
    stopGraceMs = DEFAULT_STOP_GRACE_MS,
  } = options
  const url = checkOptions(options)

  const before = await probeUrl(waitFor, { timeoutMs: ALREADY_RUNNING_PROBE_MS })
  if (before.status === 'answered') {
    // Any status, 5xx included: something is listening on that port, and it is not ours.
    const port = url.port || (url.protocol === 'https:' ? '443' : '80')
    throw perfgateError('SERVER_ALREADY_RUNNING', {
      command,
      url: waitFor,
      statusCode: before.statusCode,
      port,
    })
  }

  const tail = createOutputTail(SERVER_OUTPUT_LINES)
  const child = spawn(command, {
    cwd,
    env: { ...process.env, ...env },
    shell: true,
    // POSIX: a new process group (and session) led by the shell, so one kill(-pid) reaches all.
    // Windows: a detached child gets a console window of its own; taskkill /T finds the tree.
    detached: process.platform !== 'win32',
    windowsHide: true,
    // stdin stays an open pipe: some servers (esbuild's serve, watchers) exit when stdin closes.
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const ended = watchProcess(child)
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8')
    child[stream].on('data', (text: string) => {
      tail.write(stream, text)
      onOutput?.(text, stream)
    })
  }
  // Writing to a server that has exited must not crash perfgate with EPIPE.
  child.stdin.on('error', () => {})

  const server = runningServer(child, ended, waitFor, tail, stopGraceMs)
  const failed = (reason: string, cause?: unknown) =>
    server
      .stop()
      .then(() => waitAtMost(ended.closed, OUTPUT_DRAIN_MS))
      .then(() => {
        throw perfgateError(
          'SERVER_START_FAILED',
          { command, url: waitFor, reason, output: tail.text() },
          cause,
        )
      })

  const stopWaiting = new AbortController()
  const exitedEarly = ended.exited.then((exit) => {
    stopWaiting.abort()
    return exit
  })
  const waited = await waitForUrl({ url: waitFor, timeoutMs, signal: stopWaiting.signal })
  if (waited.status === 'up') return server
  if (waited.status === 'timeout') return failed(waited.reason)
  const exit = await exitedEarly
  return failed(exitReason(exit), exit.error)
}

/** How the command's process ended. */
type ProcessEnd = { code: number | null; signal: NodeJS.Signals | null; error?: Error }

interface WatchedProcess {
  /** Resolves once, when the process has exited or could not be started. */
  exited: Promise<ProcessEnd>
  /** Resolves when its stdout and stderr have closed too (later, if a grandchild holds them). */
  closed: Promise<void>
  /** Whether `exited` has resolved. */
  hasExited(): boolean
}

function watchProcess(child: ChildProcess): WatchedProcess {
  let done = false
  const exited = new Promise<ProcessEnd>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true
      resolve({ code, signal })
    })
    // A spawn failure (no shell, bad cwd) comes as 'error' without 'exit'.
    child.once('error', (error) => {
      done = true
      resolve({ code: null, signal: null, error })
    })
  })
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve())
    child.once('error', () => resolve())
  })
  return { exited, closed, hasExited: () => done }
}

function exitReason({ code, signal, error }: ProcessEnd): string {
  if (error) return `it could not be started: ${reasonOf(error)}`
  if (signal) return `it was ended by ${signal}`
  if (code === 0) {
    return 'it exited with code 0, but a server command must keep running while perfgate measures (perfgate stops it afterwards)'
  }
  return `it exited with code ${code}`
}

function runningServer(
  child: ChildProcess,
  ended: WatchedProcess,
  url: string,
  tail: OutputTail,
  stopGraceMs: number,
): RunningServer {
  const pid = child.pid ?? 0
  let stopping: Promise<void> | undefined
  const unregister = stopOnParentExit(
    () => stopTreeNow(pid),
    () => stop(),
  )
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister()
      // stdin: the open pipe we kept would otherwise keep a well-behaved server waiting.
      child.stdin?.end()
      if (pid === 0) return
      if (process.platform === 'win32') await stopWindowsTree(pid, ended)
      else await stopProcessGroup(pid, ended, stopGraceMs)
    })()
    return stopping
  }
  return { url, pid, output: () => tail.text(), stop }
}

async function stopProcessGroup(pgid: number, ended: WatchedProcess, graceMs: number): Promise<void> {
  const gone = async () => ended.hasExited() && !(await groupAlive(pgid))
  if (await gone()) return
  signalTree(pgid, 'SIGTERM')
  if (await pollUntil(gone, graceMs)) return
  signalTree(pgid, 'SIGKILL')
  await pollUntil(gone, KILL_WAIT_MS)
}

async function stopWindowsTree(pid: number, ended: WatchedProcess): Promise<void> {
  if (ended.hasExited()) return
  // /T: the whole tree (cmd.exe, pnpm, node); /F: console programs ignore a polite close request.
  const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
  await new Promise<void>((resolve) => {
    killer.once('exit', () => resolve())
    killer.once('error', () => resolve())
  })
  await waitAtMost(ended.exited, KILL_WAIT_MS)
}

/** From an 'exit' listener, which cannot wait: SIGTERM the group, or on Windows kill the tree. */
function stopTreeNow(pid: number): void {
  if (pid === 0) return
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
  } else {
    signalTree(pid, 'SIGTERM')
  }
}

/** Send `signal` to the command's whole tree; quiet when it is already gone. */
function signalTree(pid: number, signal: NodeJS.Signals): void {
  if (pid === 0) return
  try {
    if (process.platform === 'win32') process.kill(pid, signal)
    else process.kill(-pid, signal)
  } catch {
    // ESRCH: nothing left to signal. EPERM cannot happen for our own children.
  }
}

/**
 * Whether any process of group `pgid` is still running. kill(-pgid, 0) alone would count zombies:
 * when the shell dies first, its children are re-parented to PID 1, and in a container whose PID 1
 * is not an init (Docker without --init) nobody reaps them, so stop() would wait out its grace
 * period on processes that have already exited. On Linux, /proc tells zombies apart.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  if (process.platform === 'linux') {
    const live = await liveGroupMembersFromProc(pgid)
    if (live !== undefined) return live
  }
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function liveGroupMembersFromProc(pgid: number): Promise<boolean | undefined> {
  let entries: string[]
  try {
    entries = await readdir('/proc')
  } catch {
    return undefined
  }
  const states = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map((entry) => readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')),
  )
  return states.some((stat) => {
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[2] === String(pgid) && fields[0] !== 'Z' && fields[0] !== 'X'
  })
}

async function pollUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadlineMs = performance.now() + timeoutMs
  for (;;) {
    if (await done()) return true
    if (performance.now() >= deadlineMs) return false
    await sleep(STOP_POLL_MS)
  }
}

async function waitAtMost(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  const timeout = new AbortController()
  await Promise.race([promise, sleep(timeoutMs, undefined, { signal: timeout.signal }).catch(() => {})])
  timeout.abort()
}

// Servers to stop when this process is interrupted or exits. One set of listeners for all of them.
const running = new Set<{ stopNow: () => void; stop: () => Promise<void> }>()
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function stopOnParentExit(stopNow: () => void, stop: () => Promise<void>): () => void {
  const entry = { stopNow, stop }
  if (running.size === 0) listenForExit(true)
  running.add(entry)
  return () => {
    if (!running.delete(entry)) return
    if (running.size === 0) listenForExit(false)
  }
}

function listenForExit(on: boolean): void {
  for (const signal of EXIT_SIGNALS) {
    if (on) process.on(signal, onSignal)
    else process.off(signal, onSignal)
  }
  if (on) process.on('exit', onExit)
  else process.off('exit', onExit)
}

function onSignal(signal: NodeJS.Signals): void {
  const servers = [...running]
  void Promise.allSettled(servers.map((server) => server.stop())).then(() => {
    // Our listener replaced Node's default (exit on the signal); when no one else listens, restore
    // the default and raise the signal again, so the exit status still says how we ended (130).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
  // stop() removes the listeners once the last server is stopping; the re-raise then hits the
  // default. So does a second Ctrl-C during the grace period: it ends perfgate at once, and the
  // servers, which already have their SIGTERM, end on their own (or linger if they ignore it).
}

function onExit(): void {
  // 'exit' listeners must be synchronous: send SIGTERM and let the servers end on their own.
  for (const server of running) server.stopNow()
}

/** The last lines of a process's output, bounded in lines and in characters per line. */
interface OutputTail {
  write(stream: 'stdout' | 'stderr', text: string): void
  text(): string
}

function createOutputTail(maxLines: number): OutputTail {
  const lines: string[] = []
  // Each stream's unfinished line; stdout and stderr interleave, so they are assembled apart.
  const partial = { stdout: '', stderr: '' }
  const clean = (line: string) => {
    // A carriage return redraws the line (progress bars): keep what the terminal would show last.
    const shown = stripVTControlCharacters(line.slice(line.lastIndexOf('\r') + 1))
    return shown.length > OUTPUT_LINE_CHARS ? `${shown.slice(0, OUTPUT_LINE_CHARS)}…` : shown
  }
  const push = (line: string) => {
    lines.push(clean(line))
    if (lines.length > maxLines) lines.shift()
  }
  return {
    write(stream, text) {
      const parts = (partial[stream] + text).split(/\r?\n/)
      partial[stream] = (parts.pop() ?? '').slice(-OUTPUT_LINE_CHARS * 4)
      for (const line of parts) push(line)
    },
    text() {
      const pending = [partial.stdout, partial.stderr].filter((line) => line !== '').map(clean)
      return [...lines, ...pending].slice(-maxLines).join('\n').trimEnd()
    },
  }
}

/** The URL `waitFor` as a URL object; throws SERVER_OPTIONS_INVALID for a bad option. */
function checkOptions(options: StartServerOptions): URL {
  const { command, cwd, waitFor, timeoutMs, stopGraceMs } = options
  if (typeof command !== 'string' || command.trim() === '') {
    throw perfgateError('SERVER_OPTIONS_INVALID', {
      problem: `command must be a shell command, received ${JSON.stringify(command)}`,
      fix: 'Pass the command that starts the server, e.g. "pnpm preview".',
    })
  }
  // Checked here because a missing cwd makes spawn report the shell as missing ("spawn /bin/sh ENOENT").
  if (!isFolder(cwd)) {
    throw perfgateError('SERVER_OPTIONS_INVALID', {
      problem: `cwd must be an existing folder, received ${JSON.stringify(cwd)}`,
      fix: 'Pass the folder the command runs in, usually the project root.',
    })
  }
  let url: URL | undefined
  try {
    url = new URL(waitFor)
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw perfgateError('SERVER_OPTIONS_INVALID', {
      problem: `waitFor must be an http:// or https:// URL, received ${JSON.stringify(waitFor)}`,
      fix: 'Pass the address the server answers on, e.g. "http://127.0.0.1:4173/".',
    })
  }
  for (const [name, value] of [
    ['timeoutMs', timeoutMs],
    ['stopGraceMs', stopGraceMs],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw perfgateError('SERVER_OPTIONS_INVALID', {
        problem: `${name} must be a positive number of milliseconds, received ${value}`,
        fix: 'Pass a number of milliseconds such as 30000, or leave the option out for its default.',
      })
    }
  }
  return url
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

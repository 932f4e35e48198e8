import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { LAUNCHER_SCRIPT, parseLauncherReport } from './rusage-launcher.js'
import type { CommandRun } from './types.js'

/** Bytes of a failing command's stderr kept for its error message (the end, where errors are). */
export const STDERR_TAIL_BYTES = 2048

/** One run to make. */
export interface RunOnceInput {
  argv: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  timeoutNs: number
  /** Python interpreter for the wait4 launcher; absent: Node spawns and times the command itself. */
  python?: string
}

/** How one run ended. */
export type RunOnceOutcome =
  | { status: 'ok'; run: CommandRun }
  /** `outcome` completes "failed in run 3 of 10: …", e.g. "exit code 2" or "killed by SIGSEGV". */
  | {
      status: 'failed'
      outcome: string
      stderr: string
      exitCode: number | null
      signal: string | null
      cause?: Error
    }
  | { status: 'timeout'; stderr: string }

/**
 * Spawn the command once, with stdin empty and stdout discarded (as hyperfine does: printing is
 * not what is timed), stderr kept for error messages, and time it from spawn to exit.
 *
 * The command gets its own process group, so a timeout kills the command and everything it
 * started, not only the shell or the launcher in front of it.
 */
export function runCommandOnce(input: RunOnceInput): Promise<RunOnceOutcome> {
  const { python } = input
  const [file, ...args] =
    python === undefined ? input.argv : [python, '-c', LAUNCHER_SCRIPT, JSON.stringify(input.argv)]
  return new Promise((resolve) => {
    const stderr = tailKeeper()
    const report: Buffer[] = []
    let timedOut = false
    let spawnError: Error | undefined
    let exitAt = 0n
    const startedAt = process.hrtime.bigint()
    const child = spawn(file!, args, {
      cwd: input.cwd,
      env: input.env,
      stdio: python === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsVerbatimArguments:
        process.platform === 'win32' && file !== undefined && /cmd(\.exe)?$/i.test(file),
    })
    child.once('exit', () => {
      exitAt = process.hrtime.bigint()
    })
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    const reportStream = child.stdio[3] as Readable | null | undefined
    reportStream?.on('data', (chunk: Buffer) => report.push(chunk))
    const timer = setTimeout(
      () => {
        timedOut = true
        killGroup(child.pid)
      },
      Math.ceil(input.timeoutNs / 1e6),
    )
    child.once('error', (error) => {
      spawnError = error
    })
    // 'close' comes after 'exit' once every stdio stream has ended, so stderr and the report are whole.
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      const tail = stderr.text()
      if (timedOut) return resolve({ status: 'timeout', stderr: tail })
      if (spawnError !== undefined) {
        return resolve({
          status: 'failed',
          outcome: `it could not start (${spawnError.message})`,
          stderr: tail,
          exitCode: null,
          signal: null,
          cause: spawnError,
        })
      }
      if (python === undefined) {
        if (code !== 0) {
          return resolve({
            status: 'failed',
            outcome: exitText(code, signal),
            stderr: tail,
            exitCode: code,
            signal,
          })
        }
        return resolve({
          status: 'ok',
          run: {
            wallNs: Number((exitAt || process.hrtime.bigint()) - startedAt),
            cpuNs: null,
            userNs: null,
            systemNs: null,
            peakRssBytes: null,
          },
        })
      }
      const parsed = parseLauncherReport(Buffer.concat(report).toString('utf8'))
      if (parsed === undefined) {
        return resolve({
          status: 'failed',
          outcome: `perfgate's resource launcher (${python}) ended with ${exitText(code, signal)} without a report; set PERFGATE_PYTHON to a working Python 3.8+, or pass resources: false`,
          stderr: tail,
          exitCode: null,
          signal: null,
        })
      }
      if ('spawnError' in parsed) {
        return resolve({
          status: 'failed',
          outcome: `it could not start (${parsed.spawnError}, errno ${parsed.errno})`,
          stderr: tail,
          exitCode: null,
          signal: null,
        })
      }
      if (parsed.exitCode !== 0) {
        return resolve({
          status: 'failed',
          outcome: exitText(parsed.exitCode, parsed.signal),
          stderr: tail,
          exitCode: parsed.exitCode,
          signal: parsed.signal,
        })
      }
      const userNs = parsed.userUs * 1000
      const systemNs = parsed.systemUs * 1000
      resolve({
        status: 'ok',
        run: {
          wallNs: parsed.wallNs,
          cpuNs: userNs + systemNs,
          userNs,
          systemNs,
          peakRssBytes: parsed.maxRssBytes,
        },
      })
    })
  })
}

function exitText(code: number | null, signal: string | null): string {
  if (signal !== null) return `killed by ${signal}`
  return `exit code ${code ?? 'unknown'}`
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    // A negative pid signals the whole process group (the command was spawned detached: its own group).
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/** Keeps the last STDERR_TAIL_BYTES of a stream. */
function tailKeeper() {
  let kept = Buffer.alloc(0)
  return {
    push(chunk: Buffer) {
      kept = Buffer.concat([kept, chunk])
      if (kept.length > STDERR_TAIL_BYTES * 2) kept = kept.subarray(kept.length - STDERR_TAIL_BYTES)
    },
    text(): string {
      const tail = kept.length > STDERR_TAIL_BYTES ? kept.subarray(kept.length - STDERR_TAIL_BYTES) : kept
      return tail.toString('utf8').trimEnd()
    },
  }
}

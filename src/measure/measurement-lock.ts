import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * One timed section at a time on this machine. Vitest runs test files in parallel worker
 * processes; two benches timing at once on a 2-core machine slow each other down and both report
 * the damage as the code's cost. Every timed section (a whole bench() or compare(), warm-up
 * included) runs inside `withMeasurementLock`, which serialises:
 *
 * - within a process, with a FIFO queue kept on `globalThis`, so duplicated copies of this module
 *   (bundled chunks, two installs) share one queue;
 * - across processes, with a lock file created atomically (`open(..., 'wx')`) in a per-user folder
 *   under the system temp folder. Its holder refreshes the file's mtime every second; waiters poll
 *   with backoff and take over a lock whose holder has died or stopped beating.
 *
 * The lock exists to protect measurements, so it never costs one: when the folder cannot be used,
 * perfgate warns once and measures without the cross-process part.
 */

/**
 * A lock whose heartbeat (the lock file's mtime) is older than this is presumed dead and taken
 * over. The holder beats every LOCK_HEARTBEAT_MS, so 30 beats must be missed: a beat needs an
 * event-loop turn, and bench() and compare() yield only every few tens of milliseconds, while a
 * loaded CI machine, a long GC or a slow synchronous setup can starve the loop for seconds. A
 * crashed holder on this host is detected at once by its dead pid, so the long wait only applies
 * to holders on another host (a shared folder) or a pid reused by an unrelated process.
 */
export const LOCK_STALE_MS = 30_000

/** How often a holder refreshes its lock file's mtime (at most staleMs / 4 for short staleMs). */
export const LOCK_HEARTBEAT_MS = 1_000

/** Environment variable naming the folder that holds the lock (default: a per-user temp folder). */
export const LOCK_DIR_ENV = 'PERFGATE_LOCK_DIR'

/** Environment variable that turns the cross-process lock off: `off`, `0` or `false`. */
export const LOCK_ENV = 'PERFGATE_LOCK'

/** Name of the lock file inside the lock folder; it holds a `LockOwner` as JSON. */
export const MEASUREMENT_LOCK_FILE = 'measurement.lock'

/** Only one waiter at a time may remove a stale lock; this file says which one (see clearIfStale). */
const TAKEOVER_FILE = 'measurement.lock.takeover'

// Poll fast at first (a bench often ends moments after we arrive) and slowly later, so that a
// waiter blocked behind a 1 s bench costs ~10 wake-ups a second, not hundreds.
const POLL_FIRST_MS = 5
const POLL_MAX_MS = 100

export interface MeasurementLockOptions {
  /**
   * Folder holding the lock.
   * @default process.env.PERFGATE_LOCK_DIR, else join(os.tmpdir(), `perfgate-${uid or 'user'}`)
   */
  dir?: string
  /** What holds the lock, shown to waiters in logs/errors (e.g. 'bench "sort 10k"'). */
  label?: string
  /**
   * A holder whose heartbeat is older than this is presumed dead and its lock is taken over.
   * @default LOCK_STALE_MS
   */
  staleMs?: number
  /**
   * Called once per process with a human sentence when the lock cannot be used at all (dir
   * unwritable…); measurement then goes on without the cross-process lock.
   * @default console.warn
   */
  warn?: (message: string) => void
}

/** How long a call waited for other holders (in this process or others) before running. */
export interface LockTiming {
  /** 0 when the lock was free on arrival. */
  waitedNs: number
}

/** What a lock file says about its holder. */
export interface LockOwner {
  pid: number
  hostname: string
  label: string | null
  /** ISO timestamp of when the lock was taken. */
  acquiredAt: string
  /** Tells this holding apart from an earlier one by the same pid, so release removes only its own. */
  token: string
}

/**
 * Run `fn` while no other timed section runs, in this process or (through a lock file) any other
 * process of this user on this machine, and report how long it waited.
 *
 * Calls in one process run in call order. A call made from inside `fn` (same async flow) runs at
 * once, since the flow already holds the lock. `fn`'s result or error passes through unchanged,
 * and the lock is released either way.
 *
 * ```ts
 * const { value, waitedNs } = await withMeasurementLock(() => timeBatches(), { label: 'bench "sort 10k"' })
 * ```
 */
export async function withMeasurementLock<T>(
  fn: () => Promise<T> | T,
  options: MeasurementLockOptions = {},
): Promise<LockTiming & { value: T }> {
  const state = sharedState()
  const outer = state.flow.getStore()
  // fn: () => Promise<T> | T settles to T; TypeScript only knows Awaited<T>.
  if (outer !== undefined && !outer.released) return { value: (await fn()) as T, waitedNs: 0 }

  const arrivedNs = process.hrtime.bigint()
  let contended = state.queued > 0
  state.queued++
  // Everything up to here is synchronous, so calls join the queue in call order (FIFO).
  const previous = state.tail
  let endTurn = () => {}
  state.tail = new Promise<void>((resolve) => {
    endTurn = resolve
  })
  try {
    await previous
    const crossProcess = measurementLockDisabled() ? undefined : await acquireFileLock(options, state)
    contended ||= crossProcess?.contended ?? false
    const waitedNs = contended ? Number(process.hrtime.bigint() - arrivedNs) : 0
    const holding: Holding = { released: false }
    try {
      const value = (await state.flow.run(holding, fn)) as T
      return { value, waitedNs }
    } finally {
      // A timer or promise started inside fn keeps this flow's store; once released, its calls
      // must queue like anyone else's instead of slipping in as "reentrant".
      holding.released = true
      crossProcess?.release()
    }
  } finally {
    state.queued--
    endTurn()
  }
}

/** True when `PERFGATE_LOCK` (or `PERFGATE_LOCK_DIR`) is `off`, `0` or `false`: sections are then serialised only within a process. */
export function measurementLockDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  // PERFGATE_LOCK_DIR=off as well, like PERFGATE_CACHE_DIR=off turns the calibration cache off.
  return [env[LOCK_ENV], env[LOCK_DIR_ENV]].some((raw) => {
    const value = raw?.trim().toLowerCase()
    return value === 'off' || value === '0' || value === 'false'
  })
}

/**
 * The default lock folder: `$PERFGATE_LOCK_DIR` when set, else `perfgate-<uid>` in the system temp
 * folder. Per user, because the temp folder is shared: one user can neither block another's
 * measurements nor squat the folder another user needs.
 */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[LOCK_DIR_ENV]?.trim()
  if (configured) return configured
  return join(tmpdir(), `perfgate-${process.getuid?.() ?? 'user'}`)
}

interface Holding {
  released: boolean
}

interface SharedState {
  /** Settles when the last call queued in this process has finished. */
  tail: Promise<void>
  /** Calls running or waiting in this process: more than 0 on arrival means we will wait. */
  queued: number
  /** Marks the async flow that holds the lock, for reentrancy. */
  flow: AsyncLocalStorage<Holding>
  /** The "lock unusable" warning is given once per process, not once per bench. */
  warned: boolean
  /** Lock files this process holds (file → token), removed on exit. */
  held: Map<string, string>
  exitHooked: boolean
}

const STATE_KEY = Symbol.for('perfgate.measurement-lock')

function sharedState(): SharedState {
  const global = globalThis as { [STATE_KEY]?: SharedState }
  global[STATE_KEY] ??= {
    tail: Promise.resolve(),
    queued: 0,
    flow: new AsyncLocalStorage<Holding>(),
    warned: false,
    held: new Map(),
    exitHooked: false,
  }
  return global[STATE_KEY]
}

interface FileLock {
  contended: boolean
  release(): void
}

/** Take the lock file, waiting for other holders; on any file-system failure, warn and go without. */
async function acquireFileLock(options: MeasurementLockOptions, state: SharedState): Promise<FileLock> {
  const dir = options.dir ?? defaultLockDir()
  const file = join(dir, MEASUREMENT_LOCK_FILE)
  const staleMs = options.staleMs ?? LOCK_STALE_MS
  const owner = ownerInfo(options.label ?? null)
  let contended = false
  try {
    await mkdir(dir, { recursive: true })
    let delayMs = POLL_FIRST_MS
    while (!(await tryCreate(file, owner))) {
      contended = true
      if (await clearIfStale(dir, file, staleMs)) continue
      await sleep(jittered(delayMs))
      delayMs = Math.min(delayMs * 2, POLL_MAX_MS)
    }
  } catch (error) {
    if (!state.warned) {
      state.warned = true
      ;(options.warn ?? console.warn)(unusableMessage(dir, error))
    }
    return { contended, release: () => {} }
  }

  state.held.set(file, owner.token)
  hookExit(state)
  const heartbeat = setInterval(
    () => {
      const now = new Date()
      // A missed beat is harmless: a takeover needs many in a row.
      utimes(file, now, now).catch(() => {})
    },
    Math.max(10, Math.min(LOCK_HEARTBEAT_MS, staleMs / 4)),
  )
  // The heartbeat must not keep a finished process alive.
  heartbeat.unref()
  return {
    contended,
    release() {
      clearInterval(heartbeat)
      state.held.delete(file)
      // Synchronous so the next holder in this process cannot start before the file is gone.
      removeIfOwnedSync(file, owner.token)
    },
  }
}

function ownerInfo(label: string | null): LockOwner {
  return { pid: process.pid, hostname: hostname(), label, acquiredAt: '', token: randomUUID() }
}

/** Create `file` only if it does not exist (atomic), holding the owner as JSON. False when taken. */
async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(file, 'wx')
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    // The folder vanished (a temp cleaner): recreate it and let the caller retry at once.
    if (errorCode(error) === 'ENOENT') {
      await mkdir(join(file, '..'), { recursive: true })
      return false
    }
    throw error
  }
  try {
    // Waiters may read the file before this write lands; they then judge it by its mtime alone.
    await handle.writeFile(`${JSON.stringify({ ...owner, acquiredAt: new Date().toISOString() })}\n`)
    await handle.close()
    return true
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(file).catch(() => {})
    throw error
  }
}

interface SeenLock {
  mtimeMs: number
  owner: LockOwner | undefined
}

/** The lock as it is now, or undefined when there is none. */
async function inspect(file: string): Promise<SeenLock | undefined> {
  try {
    const [stats, text] = await Promise.all([stat(file), readFile(file, 'utf8')])
    return { mtimeMs: stats.mtimeMs, owner: parseOwner(text) }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Stale: its heartbeat is older than staleMs, or its holder is a process on this host that no
 * longer exists. The same pid as ours is left to the heartbeat: it may be another worker thread
 * of this process, which has its own queue but shares the pid.
 */
function isStale(seen: SeenLock, nowMs: number, staleMs: number): boolean {
  if (nowMs - seen.mtimeMs > staleMs) return true
  const owner = seen.owner
  if (owner === undefined || owner.hostname !== hostname() || owner.pid === process.pid) return false
  return !isAlive(owner.pid)
}

function isAlive(pid: number): boolean {
  try {
    // Signal 0 checks existence without signalling.
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) !== 'ESRCH'
  }
}

/**
 * Remove the lock if it is stale. True when there is no lock any more (the caller retries at once).
 *
 * Two waiters may judge the same dead lock stale; if both removed it, the slower one could remove
 * the fresh lock the faster one has just created. So removal happens only while holding a
 * takeover file that one waiter at a time can create, and the lock is judged again under it: a
 * fresh lock has a recent mtime and a live pid, so it survives. (A takeover file orphaned by a
 * crash in those few microseconds is itself cleared by the same staleness rule.)
 */
async function clearIfStale(dir: string, file: string, staleMs: number): Promise<boolean> {
  const seen = await inspect(file)
  if (seen === undefined) return true
  if (!isStale(seen, Date.now(), staleMs)) return false

  const guard = join(dir, TAKEOVER_FILE)
  if (!(await tryCreate(guard, ownerInfo('takeover')))) {
    const guardSeen = await inspect(guard)
    if (guardSeen !== undefined && isStale(guardSeen, Date.now(), staleMs)) await removeIfExists(guard)
    return false
  }
  try {
    const again = await inspect(file)
    if (again !== undefined && isStale(again, Date.now(), staleMs)) await removeIfExists(file)
  } finally {
    await removeIfExists(guard)
  }
  return true
}

async function removeIfExists(file: string): Promise<void> {
  try {
    await unlink(file)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
}

/** Remove the lock only if it is still ours: after a takeover it belongs to someone else. */
function removeIfOwnedSync(file: string, token: string): void {
  try {
    if (parseOwner(readFileSync(file, 'utf8'))?.token === token) unlinkSync(file)
  } catch {
    // Already gone or unreadable: nothing of ours left to remove.
  }
}

/** Remove held locks when the process exits mid-measurement (process.exit() inside a bench). */
function hookExit(state: SharedState): void {
  if (state.exitHooked) return
  state.exitHooked = true
  // 'exit' listeners run after the event loop has stopped, so only synchronous calls work here.
  process.on('exit', () => {
    for (const [file, token] of state.held) removeIfOwnedSync(file, token)
  })
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null
    // process.kill(0 or a negative pid) signals a whole process group: accept real pids only.
    if (!value || !Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined
    if (typeof value.hostname !== 'string' || typeof value.token !== 'string') return undefined
    return value as LockOwner
  } catch {
    return undefined
  }
}

/** Between half and all of `delayMs`, so waiters that woke together do not poll in lockstep. */
function jittered(delayMs: number): number {
  return delayMs * (0.5 + Math.random() / 2)
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

function unusableMessage(dir: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error)
  return (
    `perfgate: cannot use the measurement lock in ${dir} (${reason}). ` +
    `Measurements still run one at a time within this process, but may overlap with other processes' and disturb each other. ` +
    `Set ${LOCK_DIR_ENV} to a writable folder, or ${LOCK_ENV}=off to measure without the lock.`
  )
}

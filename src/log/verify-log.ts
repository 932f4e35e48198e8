import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { DEFAULT_LOG_FILE } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import { checkEventLine, serializeEvent, type VerifyEvent } from './verify-event.js'

/** What starts an event echoed to stdout: `[VERIFY] {"v":1,…}`. */
export const VERIFY_ECHO_PREFIX = '[VERIFY]'

/**
 * Largest write appendEvents makes: a bigger batch is split at line boundaries. A single line
 * longer than this is still written whole, in one write of its own.
 */
export const MAX_APPEND_BYTES = 64 * 1024

/**
 * Whether appendEvents fsyncs after writing. Off: once `write` returns, the lines are in the
 * kernel's page cache and survive the process dying in any way (a crash, SIGKILL, a CI timeout);
 * only a kernel crash or power loss can lose them, and that loses the CI job too. fsync costs
 * far more than the append: 2,000 appends of a 400-byte line to ext4 on a cloud VM took ~2–6 µs
 * each without it and ~150–400 µs with it (60–190×), and it is disk I/O while other processes may
 * be timing benchmarks. Turn it on where a log must survive power loss.
 */
export const DEFAULT_FSYNC = false

export interface AppendEventsOptions {
  /**
   * Also print each line as `[VERIFY] {…}`: `true` to stdout, or a function that receives each
   * such line (without a line break). Printed after the lines are in the file.
   * @default false
   */
  echo?: boolean | ((line: string) => void)
  /** fsync the file after writing, so the lines survive power loss too. @default DEFAULT_FSYNC */
  fsync?: boolean
}

/**
 * Append events to a JSONL log, one line each, creating the file and its folder. Safe to call
 * from many processes at once on one file: lines never interleave or tear one another.
 *
 * Why: each batch of lines goes to the kernel in one `write` on a descriptor opened with
 * O_APPEND ('a'). O_APPEND moves the offset to the end of the file and writes there with no
 * modification in between (POSIX), so no appender overwrites another. On local file systems the
 * kernel also holds the file's lock for the whole `write` call (Linux: the inode's i_rwsem in
 * ext4, xfs, btrfs and tmpfs; macOS: the vnode lock in APFS and HFS+), so two writes land one
 * after the other, each contiguous. POSIX promises that only for pipes up to PIPE_BUF; for
 * regular files it is what these kernels do, and what syslog-style loggers rely on.
 *
 * Limits:
 * - A write can be cut short: a full disk or quota, or SIGKILL arriving while the kernel copies
 *   a large buffer (Linux checks for fatal signals between pages). The rest of the line is then
 *   lost, or written by a later call another process may have got in before. Writes are capped at
 *   MAX_APPEND_BYTES to keep that window small, and {@link readEvents} recovers the complete event
 *   that follows a torn one.
 * - NFS and SMB emulate O_APPEND on the client (it seeks to the size it last saw), so appends
 *   from two machines can overwrite each other. Keep the log on a local disk (a CI workspace is).
 * - Windows is not relied on here (appends there are atomic per WriteFile on NTFS in practice).
 *
 * @throws Error (VERIFY_LOG_UNWRITABLE) when the folder cannot be made or the file not written,
 * with the file system error as cause.
 */
export function appendEvents(
  file: string,
  events: readonly VerifyEvent[],
  options: AppendEventsOptions = {},
): void {
  if (events.length === 0) return
  const lines = events.map(serializeEvent)
  try {
    mkdirSync(dirname(file), { recursive: true })
    const fd = openSync(file, 'a')
    try {
      for (const chunk of packLines(lines)) writeWhole(fd, chunk)
      if (options.fsync ?? DEFAULT_FSYNC) fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    throw verifyLogUnwritable(file, error)
  }
  const { echo = false } = options
  if (echo === false) return
  const echoed = lines.map(formatEcho)
  if (echo === true) process.stdout.write(echoed.map((line) => `${line}\n`).join(''))
  else for (const line of echoed) echo(line)
}

/** A serialised event as it is echoed: `[VERIFY] {…}`. */
export function formatEcho(line: string): string {
  return `${VERIFY_ECHO_PREFIX} ${line}`
}

/**
 * Lines (without line breaks) packed into as few buffers of at most `maxBytes` as whole lines
 * allow, each line ending in '\n'. A line longer than `maxBytes` gets a buffer of its own.
 */
export function packLines(lines: readonly string[], maxBytes = MAX_APPEND_BYTES): Buffer[] {
  const chunks: Buffer[] = []
  let pending: Buffer[] = []
  let size = 0
  for (const line of lines) {
    const bytes = Buffer.from(`${line}\n`)
    if (size > 0 && size + bytes.length > maxBytes) {
      chunks.push(Buffer.concat(pending, size))
      pending = []
      size = 0
    }
    pending.push(bytes)
    size += bytes.length
  }
  if (size > 0) chunks.push(Buffer.concat(pending, size))
  return chunks
}

function writeWhole(fd: number, chunk: Buffer): void {
  // One write normally takes the whole chunk. A short one (see appendEvents) has its rest written
  // after it: the line may then be torn, but it is never silently dropped.
  let offset = 0
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset)
}

/** A line of a log that did not give an event. */
export interface LogProblem {
  /** `file:line`, 1-based. */
  where: string
  line: number
  /**
   * 'torn': an event cut short by a crash while it was written (the last line, without a line
   * break; or the remains of one that a later event was appended to). 'invalid': anything else.
   */
  kind: 'torn' | 'invalid'
  reason: string
}

export interface ReadEventsResult {
  events: VerifyEvent[]
  problems: LogProblem[]
}

// Every line perfgate writes starts with this; it is where a reader resynchronises after a tear.
const EVENT_START = '{"v":'

/**
 * Read a [VERIFY] log. Lines that are not events are skipped and reported in `problems`, never
 * thrown: after a crash the log is readable up to its last complete event. Blank lines are ignored.
 *
 * @throws Error (VERIFY_LOG_UNREADABLE) when the file cannot be read, with the error as cause.
 */
export function readEvents(file: string): ReadEventsResult {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw verifyLogUnreadable(file, error)
  }
  const events: VerifyEvent[] = []
  const problems: LogProblem[] = []
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    if (line.trim() === '') return
    const where = `${file}:${index + 1}`
    const checked = checkEventLine(line)
    if (checked.ok) {
      events.push(checked.event)
      return
    }
    // A torn event followed by a complete one on the same line: a write that was cut short, then
    // another appended after it. Keep the complete one.
    const recovered = recoverTail(line)
    if (recovered !== undefined) {
      events.push(recovered.event)
      problems.push({
        where,
        line: index + 1,
        kind: 'torn',
        reason: `begins with ${recovered.tornBytes} bytes of an event cut short while it was written; the complete event after them was kept`,
      })
      return
    }
    const last = index === lines.length - 1
    problems.push(
      last
        ? {
            where,
            line: index + 1,
            kind: 'torn',
            reason:
              'the last line is cut short (no line break at its end): a crash while it was written; skipped',
          }
        : { where, line: index + 1, kind: 'invalid', reason: checked.problems },
    )
  })
  return { events, problems }
}

function recoverTail(line: string): { event: VerifyEvent; tornBytes: number } | undefined {
  for (let at = line.indexOf(EVENT_START, 1); at > 0; at = line.indexOf(EVENT_START, at + 1)) {
    const checked = checkEventLine(line.slice(at))
    if (checked.ok) return { event: checked.event, tornBytes: Buffer.byteLength(line.slice(0, at)) }
  }
  return undefined
}

/**
 * A new run id: the time in milliseconds (base 36, fixed width) and 8 random hex digits, e.g.
 * `0m5eqsfpk-3fa9c01b`. Ids sort by start time (to the millisecond); two runs started in the same
 * millisecond differ by their random part.
 */
export function newRunId(nowMs: number = Date.now(), random: () => string = randomHex): string {
  return `${Math.floor(nowMs).toString(36).padStart(9, '0')}-${random()}`
}

function randomHex(): string {
  return randomBytes(4).toString('hex')
}

/** A file system error as a short reason. */
function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'the file does not exist'
    case 'EISDIR':
      return 'it is a folder'
    case 'ENOTDIR':
    case 'EEXIST': // from mkdir: a file stands where a folder of the path should be
      return 'a part of the path is a file, not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOSPC':
      return 'the disk is full'
    case 'EROFS':
      return 'the file system is read-only'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

function verifyLogUnreadable(file: string, cause: unknown): Error {
  return perfgateError(
    'VERIFY_LOG_UNREADABLE',
    { file, reason: describeFsError(cause), defaultFile: DEFAULT_LOG_FILE },
    cause,
  )
}

function verifyLogUnwritable(file: string, cause: unknown): Error {
  return perfgateError('VERIFY_LOG_UNWRITABLE', { file, reason: describeFsError(cause) }, cause)
}

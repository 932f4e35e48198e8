import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** A child process started with piped stdin and stdout. */
export type PipedChild = ChildProcessByStdio<Writable, Readable, null>

/** Resolves when the child prints `line` on stdout; rejects if it exits first. */
export function waitForLine(child: PipedChild, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.split('\n').includes(line)) {
        child.stdout.off('data', onData)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing "${line}"`)))
  })
}

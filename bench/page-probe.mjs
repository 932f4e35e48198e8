/**
 * Preloaded into a measuring child by bench/page-reuse.ts (`node --import ./bench/page-probe.mjs`).
 *
 * - PERFGATE_SPACER_MB=<n>: before anything else runs, allocate and touch a Buffer of a random
 *   size between 0 and n MiB, and keep it for the life of the process, so that the heap that
 *   follows lands on other physical pages than it would have.
 * - PERFGATE_PAGES_OUT=<file>: at exit, write the physical page frame numbers of the process's
 *   private anonymous memory (from /proc/self/pagemap; they read as 0 unless run as root).
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs'

const spacerMb = Number(process.env.PERFGATE_SPACER_MB ?? 0)
if (spacerMb > 0) {
  const bytes = Math.floor(Math.random() * spacerMb * 1024 * 1024)
  globalThis.__perfgateSpacer = Buffer.alloc(bytes, 1)
}

const pagesOut = process.env.PERFGATE_PAGES_OUT
if (pagesOut) {
  process.on('exit', () => {
    const maps = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .filter((line) => / rw-p 00000000 00:00 0/.test(line))
    const fd = openSync('/proc/self/pagemap', 'r')
    const entry = Buffer.alloc(8)
    const frames = []
    for (const line of maps) {
      const [start, end] = line
        .split(' ')[0]
        .split('-')
        .map((hex) => BigInt(`0x${hex}`))
      for (let address = start; address < end; address += 4096n) {
        readSync(fd, entry, 0, 8, Number((address / 4096n) * 8n))
        const value = entry.readBigUInt64LE(0)
        if (value & (1n << 63n)) frames.push(Number(value & ((1n << 55n) - 1n)))
      }
    }
    closeSync(fd)
    writeFileSync(pagesOut, JSON.stringify(frames))
  })
}

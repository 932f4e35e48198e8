/**
 * What an fsync costs per [VERIFY] log append, to justify DEFAULT_FSYNC = false.
 * Run: node --import tsx bench/log-append.ts [folder]   (default: a temp folder)
 * Prints a table: per-append time with and without fsync, over 2000 appends of one event line.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runStartEvent } from '../src/log/verify-event.js'
import { appendEvents } from '../src/log/verify-log.js'
import { ciRunner } from '../test/fixtures/environments.js'

const APPENDS = 2000
const folder = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'perfgate-log-append-'))
const event = runStartEvent({ runId: 'bench', ts: new Date(0).toISOString() }, ciRunner())

function perAppendUs(fsync: boolean): number {
  const file = join(folder, `${fsync ? 'fsync' : 'plain'}.jsonl`)
  const start = process.hrtime.bigint()
  for (let i = 0; i < APPENDS; i++) appendEvents(file, [event], { fsync })
  return Number(process.hrtime.bigint() - start) / APPENDS / 1e3
}

// Warm up the code paths and the file system once, then measure each mode.
perAppendUs(false)
const rows = [
  ['no fsync (default)', perAppendUs(false)],
  ['fsync after each append', perAppendUs(true)],
] as const
rmSync(folder, { recursive: true, force: true })
console.log(
  `${APPENDS} appends of a ${Buffer.byteLength(JSON.stringify(event))}-byte run-start line in ${folder}`,
)
console.log('| mode | µs per append |\n| --- | --- |')
for (const [mode, us] of rows) console.log(`| ${mode} | ${us.toFixed(1)} |`)

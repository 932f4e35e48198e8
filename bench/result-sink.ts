/**
 * Does bench() time the work a caller pays for, or less? With only the last result of a batch
 * kept, V8 may inline a small function into the timing loop and, by escape analysis, skip the
 * allocations of every call whose result nobody uses. bench() now uses every call's result
 * (src/measure/batch-runner.ts, ResultSink). This prints bench()'s median per call beside two
 * hand-written loops: one that keeps only the last result (what bench() did before), one that
 * stores every result in a ring of 16 (a caller that uses it).
 *
 *   node --import tsx bench/result-sink.ts [--reps 5]
 */
import { execSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { bench } from '../src/measure/bench.js'
import { compilePrivateLoop } from '../src/measure/private-loop.js'
import { createHandLoop, handLoopPerCallNs } from './hand-loop.js'
import { maxOf, median, minOf } from './numbers.js'
import { markdownTable } from './table.js'

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } })
const reps = Number(values.reps)

// Inputs live in `let` bindings: a `const` string would let V8 hoist a pure call out of any loop.
let x = 12_345.6
let text = 'perfgate measures what a caller pays for. '.repeat(4)
const workloads: [string, () => unknown][] = [
  ['empty function', () => {}],
  ['Math.sqrt of a variable', () => Math.sqrt(x)],
  ['object literal { a, b }', () => ({ a: 1, b: 2 })],
  ['array literal [1, 2, 3]', () => [1, 2, 3]],
  ['string slice', () => text.slice(3, 40)],
]

/** A hand loop that stores every result in a ring, so each call's result escapes. */
function createStoringLoop(fn: () => unknown): (calls: number) => number {
  const factory = compilePrivateLoop(
    ['fn', 'hrtime'],
    `const ring = new Array(16).fill(undefined)
     return function storingLoop(calls) {
       const start = hrtime()
       for (let i = 0; i < calls; i++) ring[i & 15] = fn()
       const elapsed = Number(hrtime() - start)
       storingLoop.ring = ring
       return elapsed
     }`,
  ) as (f: () => unknown, clock: () => bigint) => (calls: number) => number
  return factory(fn, process.hrtime.bigint)
}

const range = (xs: number[]) => `${median(xs).toFixed(2)} (${minOf(xs).toFixed(2)}–${maxOf(xs).toFixed(2)})`
const loadBefore = loadavg()[0]!
const started = Date.now()
const rows: string[][] = []
for (const [name, fn] of workloads) {
  const perfgate: number[] = []
  const lastOnly: number[] = []
  const storing: number[] = []
  for (let r = 0; r < reps; r++) {
    // Each loop is compiled for this function alone (new Function), as bench()'s own loops are.
    perfgate.push((await bench(name, fn, { time: 300, calibrationCache: false })).stats.medianNs)
    lastOnly.push(handLoopPerCallNs(createHandLoop(fn), { repetitions: 5, loopNs: 10e6 }).perCallNs)
    storing.push(handLoopPerCallNs(createStoringLoop(fn), { repetitions: 5, loopNs: 10e6 }).perCallNs)
  }
  rows.push([name, range(perfgate), range(lastOnly), range(storing)])
  x += 1
  text += ''
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
console.log(`## Results used or dropped: bench() against hand loops

Command: \`node --import tsx bench/result-sink.ts --reps ${reps}\`  
${new Date(started).toISOString()} · node ${process.version} · ${process.platform} ${process.arch} · ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} · git ${commit}  
Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after · ${((Date.now() - started) / 1000).toFixed(0)} s

Nanoseconds per call, median of ${reps} repetitions (range). "Last result only" is a loop that keeps the
last call's result (as bench() did before); "every result stored" stores each in a ring of 16.

${markdownTable(['function', 'bench()', 'hand loop, last result only', 'hand loop, every result stored'], rows)}`)

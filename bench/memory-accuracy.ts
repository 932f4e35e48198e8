/**
 * How exact is bench()'s heapPerCall, and how often does the leak rule behind toLeakMemory
 * (measureLeak) raise a false alarm or miss a real leak? The figures behind docs/memory.md.
 *
 *   node --import tsx bench/memory-accuracy.ts [--trials 10] [--reps 5] [--only heap|no-leak|leak]
 *   node --expose-gc --import tsx bench/memory-accuracy.ts    (GC through global.gc, not the V8 flag)
 *
 * 1. heapPerCall: functions whose allocation is known by construction (arrays of small integers,
 *    arrays of small objects, flat strings, typed arrays), each benched `--reps` times with
 *    `bench(name, fn, { memory: true })`. The expected bytes come from V8's object layout (x64,
 *    no pointer compression, as Node ships), and a hand measurement checks them: the heap delta
 *    of one call right after a forced GC, in windows that a PerformanceObserver shows no GC ran in.
 * 2. False alarms: non-leaking functions of different kinds, each checked `--trials` times with
 *    measureLeak() at its defaults (the core of `expect(fn).not.toLeakMemory()`): any 'leak' is a
 *    false alarm.
 * 3. Detection: functions that keep a known number of bytes per call in state that outlives the
 *    call (an array, a linked list, a Map), `--trials` checks each: caught, inconclusive, missed,
 *    and the fitted slope against the true size.
 * 4. Time per leak check (wall time, without waiting for the measurement lock).
 *
 * Every check gets fresh state (a new array, list, Map or cache), checks run trial by trial across
 * the functions so drift in the machine lands on all of them, and a forced GC follows each leak.
 * Prints Markdown to stdout and progress to stderr; ~4 min at the defaults on a 2-core VM.
 */
import { availableParallelism, cpus, loadavg } from 'node:os'
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import {
  bench,
  captureEnvironment,
  DEFAULT_LEAK_MIN_GROWTH_BYTES,
  DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL,
  formatEnvironmentLine,
  gcAccess,
  type LeakResult,
  measureLeak,
} from '../src/index.js'
import { compilePrivateLoop } from '../src/measure/private-loop.js'
import { formatNs, maxOf, median, minOf } from './numbers.js'
import { type Cell, markdownTable, type SectionContext, sectionHeading } from './table.js'

const SECTIONS = ['heap', 'no-leak', 'leak'] as const
type SectionId = (typeof SECTIONS)[number]

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    reps: { type: 'string', default: '5' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(
    'node --import tsx bench/memory-accuracy.ts [--trials 10] [--reps 5] [--only heap|no-leak|leak]\n' +
      '  --trials  leak checks per function (sections no-leak and leak)\n' +
      '  --reps    bench() runs per allocation case (section heap)',
  )
  process.exit(0)
}
const trials = positiveInteger(values.trials, '--trials')
const reps = positiveInteger(values.reps, '--reps')
if (values.only !== undefined && !(SECTIONS as readonly string[]).includes(values.only)) {
  fail(`unknown --only "${values.only}". Use one of: ${SECTIONS.join(', ')}.`)
}
const chosen: readonly SectionId[] = values.only === undefined ? SECTIONS : [values.only as SectionId]

const gc = gcAccess()
if (!gc.available) fail(`cannot force a GC here (${gc.reason}); run with node --expose-gc.`)
const collect = gc.collect

// ---------------------------------------------------------------------------------------------
// V8's object layout, for the expected sizes. Node ships V8 without pointer compression, so a
// tagged field (a pointer or a small integer) takes 8 bytes and objects are 8-byte aligned.

const POINTER_COMPRESSION = Boolean(
  (process.config.variables as Record<string, unknown>).v8_enable_pointer_compression,
)
const TAGGED = 8
const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8
/** JSArray: map, properties, elements, length. */
const JS_ARRAY = 4 * TAGGED
/** FixedArray of n tagged elements (small integers included): map, length, the elements. */
const fixedArray = (n: number) => 2 * TAGGED + n * TAGGED
/** An object literal's object with p properties, all in-object: map, properties, elements, fields. */
const jsObject = (p: number) => 3 * TAGGED + p * TAGGED
/** A flat one-byte string of n characters: map, 4-byte hash, 4-byte length, the bytes, padded. */
const oneByteString = (n: number) => align8(TAGGED + 4 + 4 + n)

/**
 * Sizes read at every call from a mutable object, so V8 cannot fold them into constants. The
 * leak nodes' arrays are sized so that a node (an object with 2 fields, an array and its store)
 * comes to exactly 128 and 1024 bytes.
 */
const sizes = {
  smallArray: 10,
  array: 1000,
  bigArray: 10_000,
  objects: 100,
  manyObjects: 1000,
  string: 1000,
  bigString: 100_000,
  floatsOnHeap: 8,
  floats: 1024,
  node128: (128 - jsObject(2) - JS_ARRAY - fixedArray(0)) / TAGGED,
  node1024: (1024 - jsObject(2) - JS_ARRAY - fixedArray(0)) / TAGGED,
  shortLivedNumbers: 100_000,
  closures: 50,
  churnedKeys: 1000,
  cacheEntries: 50_000,
}

function smallIntegers(n: number): number[] {
  const a = new Array<number>(n)
  for (let i = 0; i < a.length; i++) a[i] = i
  return a
}

interface LeakNode {
  next: LeakNode | null
  data: number[]
}
/** A node of 40 B (2 fields) holding an array of m small integers: 40 + 32 + 16 + 8m bytes. */
const node = (next: LeakNode | null, m: number): LeakNode => ({ next, data: smallIntegers(m) })

/** Lower-case letters, flat, so toUpperCase() makes a new flat one-byte string of the same length. */
const lowerCase = (n: number) =>
  'abcdefghijklmnopqrstuvwxyz'
    .repeat(Math.ceil(n / 26))
    .slice(0, n)
    .split('')
    .join('')
const text = lowerCase(sizes.string)
const bigText = lowerCase(sizes.bigString)
/** Results stored here escape, so the optimiser cannot drop the call that made them; 8 live at most. */
const ring: unknown[] = new Array(8).fill(null)
let ringAt = 0
const keep = (value: unknown) => {
  ringAt = (ringAt + 1) & 7
  ring[ringAt] = value
  return ringAt
}

// ---------------------------------------------------------------------------------------------
// 1. heapPerCall

interface AllocationCase {
  name: string
  /** Bytes allocated per call from V8's layout; null where only the hand measurement can tell. */
  expectedBytes: number | null
  derivation: string
  fn: () => unknown
}

const allocationCases: AllocationCase[] = [
  {
    name: `array of ${sizes.smallArray} small integers`,
    expectedBytes: JS_ARRAY + fixedArray(sizes.smallArray),
    derivation: `JSArray 32 + FixedArray 16 + 8 × ${sizes.smallArray}`,
    fn: () => smallIntegers(sizes.smallArray),
  },
  {
    name: `array of ${sizes.array} small integers`,
    expectedBytes: JS_ARRAY + fixedArray(sizes.array),
    derivation: `JSArray 32 + FixedArray 16 + 8 × ${sizes.array}`,
    fn: () => smallIntegers(sizes.array),
  },
  {
    name: `array of ${sizes.bigArray.toLocaleString('en-US')} small integers`,
    expectedBytes: JS_ARRAY + fixedArray(sizes.bigArray),
    derivation: `JSArray 32 + FixedArray 16 + 8 × ${sizes.bigArray}`,
    fn: () => smallIntegers(sizes.bigArray),
  },
  {
    name: `${sizes.objects} objects { i, j } in an array`,
    expectedBytes: JS_ARRAY + fixedArray(sizes.objects) + sizes.objects * jsObject(2),
    derivation: `48 + 8 × ${sizes.objects} + ${sizes.objects} × (24 + 2 × 8)`,
    fn: () => {
      const a = new Array<{ i: number; j: number }>(sizes.objects)
      for (let i = 0; i < a.length; i++) a[i] = { i, j: i }
      return a
    },
  },
  {
    name: `${sizes.manyObjects} objects { i } in an array`,
    expectedBytes: JS_ARRAY + fixedArray(sizes.manyObjects) + sizes.manyObjects * jsObject(1),
    derivation: `48 + 8 × ${sizes.manyObjects} + ${sizes.manyObjects} × (24 + 8)`,
    fn: () => {
      const a = new Array<{ i: number }>(sizes.manyObjects)
      for (let i = 0; i < a.length; i++) a[i] = { i }
      return a
    },
  },
  {
    name: 'leak node of 128 B, not kept',
    expectedBytes: 128,
    derivation: `object 40 + JSArray 32 + FixedArray 16 + 8 × ${sizes.node128}`,
    fn: () => node(null, sizes.node128),
  },
  {
    name: 'leak node of 1024 B, not kept',
    expectedBytes: 1024,
    derivation: `object 40 + JSArray 32 + FixedArray 16 + 8 × ${sizes.node1024}`,
    fn: () => node(null, sizes.node1024),
  },
  {
    name: 'String.fromCharCode of 20 codes',
    expectedBytes: oneByteString(20),
    derivation: 'one-byte string: 16 + 20, padded to 8',
    fn: () =>
      String.fromCharCode(
        97,
        98,
        99,
        100,
        101,
        102,
        103,
        104,
        105,
        106,
        107,
        108,
        109,
        110,
        111,
        112,
        113,
        114,
        115,
        116,
      ),
  },
  {
    name: `toUpperCase() of ${sizes.string} letters, kept`,
    expectedBytes: oneByteString(sizes.string),
    derivation: `one-byte string: 16 + ${sizes.string}`,
    fn: () => keep(text.toUpperCase()),
  },
  {
    name: `toUpperCase() of ${sizes.bigString.toLocaleString('en-US')} letters, kept`,
    expectedBytes: oneByteString(sizes.bigString),
    derivation: `one-byte string: 16 + ${sizes.bigString}`,
    fn: () => keep(bigText.toUpperCase()),
  },
  {
    name: `toUpperCase() of ${sizes.string} letters, only returned`,
    expectedBytes: oneByteString(sizes.string),
    derivation: 'as above; the result is not stored',
    fn: () => text.toUpperCase(),
  },
  {
    name: `new Float64Array(${sizes.floatsOnHeap})`,
    expectedBytes: null,
    derivation: `hand: headers + ${sizes.floatsOnHeap * 8} B of data, kept on the heap (≤ 64 B)`,
    fn: () => new Float64Array(sizes.floatsOnHeap),
  },
  {
    name: `new Float64Array(${sizes.floats})`,
    expectedBytes: null,
    derivation: `hand: headers only; the ${sizes.floats * 8} B of data are off the heap`,
    fn: () => new Float64Array(sizes.floats),
  },
]

/** Bench time of the heapPerCall cases: the memory batches stop once it has passed and 10 are recorded. */
const BENCH_TIME = '200ms'

/** Windows of one call that the hand measurement takes per case (those a GC ran in are dropped). */
const HAND_WINDOWS = 31
/** Warm-up of the hand loop, so the function runs optimised, as in bench(). */
const HAND_WARMUP_MS = 100

const handSink: { last: unknown } = { last: undefined }

/**
 * The hand measurement: after a forced GC the young generation is empty, so one call's
 * allocation shows as heap growth, byte for byte, unless a GC runs meanwhile; a PerformanceObserver
 * tells which windows had one. What reading the heap allocates is measured by an empty window
 * right before and subtracted. Its own loop (not perfgate's), compiled for this function alone.
 */
async function handBytesPerCall(fn: () => unknown): Promise<{ bytes: number; windows: number }> {
  const compile = compilePrivateLoop(
    ['fn', 'sink'],
    'return function handLoop(k) { let last; for (let i = 0; i < k; i++) last = fn(); sink.last = last }',
  ) as (f: () => unknown, s: typeof handSink) => (k: number) => void
  const run = compile(fn, handSink)
  const warmupEnd = performance.now() + HAND_WARMUP_MS
  for (let k = 1; performance.now() < warmupEnd; k = Math.min(k * 2, 256)) run(k)
  handSink.last = undefined

  const gcSpans: [number, number][] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcSpans.push([entry.startTime, entry.startTime + entry.duration])
  })
  observer.observe({ entryTypes: ['gc'] })
  const heapUsed = () => process.memoryUsage().heapUsed
  const windows: { start: number; end: number; bytes: number }[] = []
  for (let i = 0; i < HAND_WINDOWS; i++) {
    collect()
    const start = performance.now()
    const h0 = heapUsed()
    run(0)
    const h1 = heapUsed()
    const h2 = heapUsed()
    run(1)
    const h3 = heapUsed()
    const end = performance.now()
    handSink.last = undefined
    windows.push({ start, end, bytes: h3 - h2 - (h1 - h0) })
  }
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 20))
  observer.disconnect()
  const clean = windows.filter((w) => !gcSpans.some(([from, to]) => to > w.start && from < w.end))
  return { bytes: median(clean.map((w) => w.bytes)), windows: clean.length }
}

interface AllocationRow {
  name: string
  expected: number | null
  derivation: string
  hand: number
  handWindows: number
  reported: number[]
  widestInterval: number
  gcsPerBatch: number[]
  batchSize: number[]
}

async function runHeapSection(): Promise<{ markdown: string; rows: AllocationRow[] }> {
  const rows: AllocationRow[] = allocationCases.map((c) => ({
    name: c.name,
    expected: c.expectedBytes,
    derivation: c.derivation,
    hand: Number.NaN,
    handWindows: 0,
    reported: [],
    widestInterval: 0,
    gcsPerBatch: [],
    batchSize: [],
  }))
  for (const [i, c] of allocationCases.entries()) {
    const hand = await handBytesPerCall(c.fn)
    rows[i]!.hand = hand.bytes
    rows[i]!.handWindows = hand.windows
  }
  let lockWaitNs = 0
  const memoryWallNs: number[] = []
  // Repetition by repetition across the cases, so a slow stretch of the machine hits all of them.
  for (let rep = 1; rep <= reps; rep++) {
    for (const [i, c] of allocationCases.entries()) {
      const result = await bench(`memory-accuracy: ${c.name}`, c.fn, {
        memory: true,
        time: BENCH_TIME,
        calibrationCache: false,
      })
      const memory = result.memory!
      const row = rows[i]!
      row.reported.push(memory.heapPerCallBytes)
      const [lo, hi] = memory.heapPerCallIntervalBytes
      row.widestInterval = Math.max(row.widestInterval, hi - lo)
      row.gcsPerBatch.push(memory.gcsInBatches / memory.batches)
      row.batchSize.push(memory.batchSize)
      lockWaitNs += result.timing.lockWaitNs
      memoryWallNs.push(memory.wallNs)
      collect()
    }
    progress(`heapPerCall: repetition ${rep}/${reps} done`)
  }
  const table = markdownTable(
    [
      'function',
      'expected B/call',
      'how',
      'hand, 1 call after GC',
      `heapPerCall, median of ${reps}`,
      'min–max',
      'vs expected',
      '95% CI width, widest',
      'GCs per batch',
      'calls per batch',
    ],
    rows.map((row) => {
      const reported = median(row.reported)
      const reference = row.expected ?? row.hand
      return [
        row.name,
        row.expected === null ? `(${bytes(row.hand)})` : bytes(row.expected),
        row.derivation,
        `${bytes(row.hand)}${row.handWindows < HAND_WINDOWS ? ` (${row.handWindows} windows)` : ''}`,
        bytes(reported),
        `${bytes(minOf(row.reported))}–${bytes(maxOf(row.reported))}`,
        `${signedBytes(reported - reference)} (${signedPercent((reported - reference) / reference)})`,
        bytes(row.widestInterval),
        `${minOf(row.gcsPerBatch).toFixed(1)}–${maxOf(row.gcsPerBatch).toFixed(1)}`,
        rangeOf(row.batchSize),
      ]
    }),
  )
  const markdown = [
    `Each case: \`bench(name, fn, { memory: true, time: '${BENCH_TIME}' })\` × ${reps}, the repetitions interleaved across the cases. ` +
      `"Expected" is V8's object layout on x64 without pointer compression${POINTER_COMPRESSION ? ' (**this Node uses pointer compression: the layout column does not apply**)' : ''}; ` +
      `in parentheses where only the hand measurement can tell. "Hand": the median over ${HAND_WINDOWS} windows of one call each, ` +
      'right after a forced GC, of the growth of `heapUsed`, less that of an empty window; windows in which a PerformanceObserver saw a GC are dropped. ' +
      '"vs expected" compares the median heapPerCall with the expected bytes, or with the hand figure where the layout is not given.',
    '',
    table,
    '',
    `Memory batches took ${formatNs(median(memoryWallNs))} per bench (median; max ${formatNs(maxOf(memoryWallNs))}), after the timed batches. ` +
      `Waiting for the measurement lock (other benches on the machine): ${formatNs(lockWaitNs)} in all.`,
  ].join('\n')
  return { markdown, rows }
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Leak checks

interface LeakSubject {
  name: string
  what: string
  /** Bytes kept per call by state that outlives the call; 0 for the non-leaking ones. */
  retainedBytes: number
  /** Fresh state for one check: the function, and a note to read after the check. */
  make: () => { fn: () => unknown; note?: (result: LeakResult) => number | null }
}

const noLeakSubjects: LeakSubject[] = [
  {
    name: 'big short-lived array',
    what: `push ${sizes.shortLivedNumbers.toLocaleString('en-US')} doubles into a new array (~0.8 MB, grown in steps), return its length`,
    retainedBytes: 0,
    make: () => ({
      fn: () => {
        const a: number[] = []
        for (let i = 0; i < sizes.shortLivedNumbers; i++) a.push(i * 0.5)
        return a.length
      },
    }),
  },
  {
    name: 'many small objects',
    what: `${sizes.manyObjects} objects { i } in an array (40 kB), dropped`,
    retainedBytes: 0,
    make: () => ({
      fn: () => {
        const a = new Array<{ i: number }>(sizes.manyObjects)
        for (let i = 0; i < a.length; i++) a[i] = { i }
        return a.length
      },
    }),
  },
  {
    name: 'strings',
    what: 'JSON.stringify of an object with a fresh id and a template string, length returned',
    retainedBytes: 0,
    make: () => {
      let id = 0
      return {
        fn: () => {
          id++
          return JSON.stringify({ id, name: `item ${id}`, tags: ['a', 'b', 'c'] }).length
        },
      }
    },
  },
  {
    name: 'Map churn',
    what: `a Map that gets a new key and loses its oldest each call (${sizes.churnedKeys} keys live)`,
    retainedBytes: 0,
    make: () => {
      const map = new Map<number, { key: number }>()
      let key = 0
      return {
        fn: () => {
          map.set(key, { key })
          map.delete(key - sizes.churnedKeys)
          key++
          return map.size
        },
      }
    },
  },
  {
    name: 'closures',
    what: `${sizes.closures} closures over a loop variable, each called once, dropped`,
    retainedBytes: 0,
    make: () => ({
      fn: () => {
        const fns: (() => number)[] = []
        for (let i = 0; i < sizes.closures; i++) fns.push(() => i * 2)
        let sum = 0
        for (const f of fns) sum += f()
        return sum
      },
    }),
  },
  {
    name: 'bounded cache',
    what: `a Map cache of ${sizes.cacheEntries.toLocaleString('en-US')} entries (~9 MB) that fills, then only hits`,
    retainedBytes: 0,
    make: () => {
      const cache = new Map<number, LeakNode>()
      let calls = 0
      let fullAt: number | null = null
      return {
        fn: () => {
          const key = calls++ % sizes.cacheEntries
          let value = cache.get(key)
          if (value === undefined) {
            value = node(null, 8)
            cache.set(key, value)
            if (cache.size === sizes.cacheEntries) fullAt = calls
          }
          return value.data.length
        },
        // The measured round in which the cache became full (0: before the measured rounds).
        note: (result) => {
          if (fullAt === null) return null
          const beforeMeasured = calls - result.calls
          return Math.max(0, Math.ceil((fullAt - beforeMeasured) / result.callsPerRound))
        },
      }
    },
  },
  {
    name: 'async function',
    what: 'awaits once, builds 20 objects with strings, returns a count',
    retainedBytes: 0,
    make: () => ({
      fn: async () => {
        const parts: { i: number; s: string }[] = []
        for (let i = 0; i < 20; i++) parts.push({ i, s: `part ${i}` })
        await null
        return parts.length
      },
    }),
  },
]

const leakSubjects: LeakSubject[] = [
  {
    name: 'one number into an array',
    what: 'push(1) onto an array that outlives the calls: 8 B per element; V8 grows the store by 1.5× + 16 in steps',
    retainedBytes: TAGGED,
    make: () => {
      const kept: number[] = []
      return { fn: () => kept.push(1) }
    },
  },
  {
    name: 'Map entry',
    what: 'map.set(i, i) on a Map that outlives the calls: 3 fields of 8 B per entry + 1 bucket per 2 entries; the table doubles in steps',
    retainedBytes: 3 * TAGGED + TAGGED / 2,
    make: () => {
      const kept = new Map<number, number>()
      let i = 0
      return {
        fn: () => {
          i++
          return kept.set(i, i).size
        },
      }
    },
  },
  {
    name: 'object into an array',
    what: 'push({ i }) onto an array that outlives the calls: the object, 24 + 8 B, and its slot, 8 B (the store grows in steps)',
    retainedBytes: jsObject(1) + TAGGED,
    make: () => {
      const kept: { i: number }[] = []
      let i = 0
      return {
        fn: () => {
          i++
          return kept.push({ i })
        },
      }
    },
  },
  {
    name: 'list node { next }',
    what: 'prepend { next } to a linked list: an object of 1 field, 24 + 8 B',
    retainedBytes: jsObject(1),
    make: () => {
      let head: { next: unknown } | null = null
      return {
        fn: () => {
          head = { next: head }
          return head
        },
      }
    },
  },
  {
    name: 'list node of 128 B',
    what: `prepend { next, data } with ${sizes.node128} small integers: 40 + 32 + 16 + 8 × ${sizes.node128}`,
    retainedBytes: 128,
    make: () => {
      let head: LeakNode | null = null
      return {
        fn: () => {
          head = node(head, sizes.node128)
          return head
        },
      }
    },
  },
  {
    name: 'list node of 1024 B',
    what: `prepend { next, data } with ${sizes.node1024} small integers: 40 + 32 + 16 + 8 × ${sizes.node1024}`,
    retainedBytes: 1024,
    make: () => {
      let head: LeakNode | null = null
      return {
        fn: () => {
          head = node(head, sizes.node1024)
          return head
        },
      }
    },
  },
]

interface CheckRecord {
  status: LeakResult['status']
  slope: number
  interval: [number, number]
  floor: number
  wallNs: number
  lockWaitNs: number
  rounds: number
  callsPerRound: number
  stoppedEarly: LeakResult['stoppedEarly']
  /** Largest heap after GC minus the first reading. */
  growthBytes: number
  note: number | null
}

async function runLeakChecks(subjects: readonly LeakSubject[], label: string): Promise<CheckRecord[][]> {
  const records: CheckRecord[][] = subjects.map(() => [])
  for (let trial = 1; trial <= trials; trial++) {
    for (const [i, subject] of subjects.entries()) {
      const { fn, note } = subject.make()
      const result = await measureLeak(fn, { name: subject.name })
      const judgement = result.judgement!
      const first = result.points[0]!.heapBytes
      records[i]!.push({
        status: result.status,
        slope: judgement.slopeBytesPerCall,
        interval: judgement.slopeIntervalBytesPerCall,
        floor: judgement.floorBytesPerCall,
        wallNs: result.wallNs,
        lockWaitNs: result.lockWaitNs,
        rounds: result.rounds,
        callsPerRound: result.callsPerRound,
        stoppedEarly: result.stoppedEarly,
        growthBytes: Math.max(...result.points.map((p) => p.heapBytes)) - first,
        note: note?.(result) ?? null,
      })
      // What a leak kept is garbage now; collect it so the next check starts from a small heap.
      collect()
      progress(
        `${label} ${trial}/${trials} ${subject.name}: ${result.status}, ${judgement.slopeBytesPerCall.toFixed(2)} B/call ` +
          `[${judgement.slopeIntervalBytesPerCall.map((x) => x.toFixed(2)).join(', ')}] in ${formatNs(result.wallNs)}`,
      )
    }
  }
  return records
}

const count = (records: readonly CheckRecord[], status: LeakResult['status']) =>
  records.filter((r) => r.status === status).length

function timeCell(records: readonly CheckRecord[]): string {
  const ns = records.map((r) => r.wallNs)
  return `${formatNs(median(ns))} / ${formatNs(maxOf(ns))}`
}

async function runNoLeakSection(): Promise<{ markdown: string; records: CheckRecord[][] }> {
  const records = await runLeakChecks(noLeakSubjects, 'no-leak')
  const rows: Cell[][] = noLeakSubjects.map((subject, i) => {
    const r = records[i]!
    const widest = r.reduce<[number, number]>(
      (w, x) => (x.interval[1] - x.interval[0] > w[1] - w[0] ? x.interval : w),
      [0, 0],
    )
    const notes = r.map((x) => x.note).filter((x): x is number => x !== null)
    return [
      subject.name,
      subject.what + (notes.length > 0 ? `; full in measured round ${rangeOf(notes)} of 40` : ''),
      r.length,
      count(r, 'leak'),
      count(r, 'inconclusive'),
      count(r, 'no-leak'),
      `${bytes(median(r.map((x) => x.slope)))} (${bytes(minOf(r.map((x) => x.slope)))}–${bytes(maxOf(r.map((x) => x.slope)))})`,
      `${bytes(widest[0])}–${bytes(widest[1])}`,
      rangeOf(
        r.map((x) => x.floor),
        2,
      ),
      timeCell(r),
    ]
  })
  const all = records.flat()
  const markdown = [
    `Each function checked ${trials} times with \`measureLeak(fn)\` at its defaults (what \`expect(fn).not.toLeakMemory()\` runs): ` +
      `40 rounds, 1 s of calls, floor ${DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL} B per call or ${DEFAULT_LEAK_MIN_GROWTH_BYTES / 1000} kB over the fitted calls. ` +
      'None of them keeps anything past its call (beyond a bounded structure), so any "leak" is a false alarm. Slopes in bytes per call.',
    '',
    markdownTable(
      [
        'function',
        'what it does',
        'checks',
        'leak (false alarm)',
        'inconclusive',
        'no leak',
        'slope, median (min–max)',
        'widest 95% interval',
        'floor B/call',
        'time per check, median / max',
      ],
      rows,
    ),
    '',
    `**${count(all, 'leak')} false alarms and ${count(all, 'inconclusive')} inconclusive in ${all.length} checks.**`,
  ].join('\n')
  return { markdown, records }
}

async function runLeakSection(): Promise<{ markdown: string; records: CheckRecord[][] }> {
  const records = await runLeakChecks(leakSubjects, 'leak')
  const rows: Cell[][] = leakSubjects.map((subject, i) => {
    const r = records[i]!
    const slopes = r.map((x) => x.slope)
    const stopped = r.filter((x) => x.stoppedEarly !== null)
    return [
      subject.name,
      subject.what,
      bytes(subject.retainedBytes),
      r.length,
      count(r, 'leak'),
      count(r, 'inconclusive'),
      count(r, 'no-leak'),
      `${bytes(median(slopes))} (${bytes(minOf(slopes))}–${bytes(maxOf(slopes))})`,
      (median(slopes) / subject.retainedBytes).toFixed(3),
      `${bytes(minOf(r.map((x) => x.interval[0])))}–${bytes(maxOf(r.map((x) => x.interval[1])))}`,
      stopped.length === 0
        ? '0'
        : `${stopped.length} (${[...new Set(stopped.map((x) => x.stoppedEarly))].join(', ')})`,
      `${megabytes(median(r.map((x) => x.growthBytes)))} / ${megabytes(maxOf(r.map((x) => x.growthBytes)))}`,
      rangeOf(r.map((x) => x.callsPerRound)),
      timeCell(r),
    ]
  })
  const all = records.flat()
  const markdown = [
    `Each leak checked ${trials} times with \`measureLeak(fn)\` at its defaults, with fresh state each time: ` +
      "\"caught\" is 'leak', \"missed\" is 'no-leak'. The true size is what one call adds to state that outlives it, by V8's layout " +
      '(for the array and the Map, averaged over the steps in which V8 grows their stores). ' +
      'Heap growth: largest heap after GC during the check minus the first reading.',
    '',
    markdownTable(
      [
        'leak',
        'what it keeps',
        'true B/call',
        'checks',
        'caught',
        'inconclusive',
        'missed',
        'slope, median (min–max)',
        'slope ÷ true',
        'intervals span',
        'stopped early',
        'heap growth, median / max',
        'calls per round',
        'time per check, median / max',
      ],
      rows,
    ),
    '',
    `**${count(all, 'leak')} caught, ${count(all, 'inconclusive')} inconclusive, ${count(all, 'no-leak')} missed in ${all.length} checks.**`,
  ].join('\n')
  return { markdown, records }
}

function timeSection(groups: { label: string; records: CheckRecord[] }[]): string {
  const rows: Cell[][] = groups
    .filter((g) => g.records.length > 0)
    .map((g) => {
      const ns = g.records.map((r) => r.wallNs)
      return [
        g.label,
        g.records.length,
        formatNs(median(ns)),
        formatNs(maxOf(ns)),
        formatNs(minOf(ns)),
        formatNs(g.records.reduce((sum, r) => sum + r.lockWaitNs, 0)),
      ]
    })
  return [
    "Wall time of `measureLeak()` at its defaults (`time: '1s'`): warm-up, probe rounds, 40 measured rounds and their forced GCs; " +
      'waiting for the measurement lock is not included (shown apart).',
    '',
    markdownTable(['checks of', 'checks', 'median', 'max', 'min', 'lock wait, total'], rows),
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Formatting and plumbing

function bytes(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const digits = Math.abs(value) >= 1000 ? 1 : Math.abs(value) >= 10 ? 2 : 3
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} B`
}

const signedBytes = (value: number) => `${value >= 0 ? '+' : ''}${bytes(value)}`

function signedPercent(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  const digits = Math.abs(x) < 0.001 ? 3 : Math.abs(x) < 0.1 ? 2 : 1
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`
}

const megabytes = (value: number) => `${(value / 1e6).toFixed(1)} MB`

function rangeOf(xs: readonly number[], digits = 0): string {
  const lo = minOf(xs)
  const hi = maxOf(xs)
  const f = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: digits })
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`
}

function positiveInteger(raw: string | undefined, flag: string): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) fail(`${flag} takes a whole number of at least 1, received "${raw}".`)
  return n
}

function progress(message: string): void {
  process.stderr.write(`memory-accuracy: ${message}\n`)
}

function fail(message: string): never {
  console.error(`memory-accuracy: ${message}`)
  process.exit(2)
}

async function section(title: string, run: () => Promise<string>): Promise<string> {
  const loadBefore = loadavg()[0] ?? Number.NaN
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const machine = formatEnvironmentLine(captureEnvironment())
  const start = performance.now()
  const markdown = await run()
  const context: SectionContext = {
    date,
    machine,
    loadBefore,
    loadAfter: loadavg()[0] ?? Number.NaN,
    wallNs: (performance.now() - start) * 1e6,
  }
  return `${sectionHeading(title, context)}\n\n${markdown}`
}

// ---------------------------------------------------------------------------------------------
// Main

const command = [
  `node${process.execArgv.length > 0 ? ` ${process.execArgv.join(' ')}` : ''}`,
  'bench/memory-accuracy.ts',
  ...process.argv.slice(2),
].join(' ')
const startedAt = new Date()
const started = performance.now()
const loadBefore = loadavg()
const env = captureEnvironment()

const sections: string[] = []
let noLeakRecords: CheckRecord[][] = []
let leakRecords: CheckRecord[][] = []
if (chosen.includes('heap')) {
  progress('heapPerCall …')
  sections.push(
    await section('1. heapPerCall against known allocations', async () => (await runHeapSection()).markdown),
  )
}
if (chosen.includes('no-leak')) {
  progress('leak checks of functions that do not leak …')
  sections.push(
    await section('2. toLeakMemory on functions that do not leak', async () => {
      const out = await runNoLeakSection()
      noLeakRecords = out.records
      return out.markdown
    }),
  )
}
if (chosen.includes('leak')) {
  progress('leak checks of leaking functions …')
  sections.push(
    await section('3. toLeakMemory on real leaks', async () => {
      const out = await runLeakSection()
      leakRecords = out.records
      return out.markdown
    }),
  )
}
if (noLeakRecords.length + leakRecords.length > 0) {
  sections.push(
    [
      '## 4. Time per leak check',
      '',
      timeSection([
        { label: 'functions that do not leak', records: noLeakRecords.flat() },
        { label: 'leaks', records: leakRecords.flat() },
        { label: 'all', records: [...noLeakRecords.flat(), ...leakRecords.flat()] },
      ]),
    ].join('\n'),
  )
}

const loadAfter = loadavg()
const wallMs = performance.now() - started
console.log(
  [
    '# Memory accuracy: heapPerCall and toLeakMemory',
    '',
    `\`${command}\``,
    '',
    `- Date: ${startedAt.toISOString()} · took ${(wallMs / 60_000).toFixed(1)} min`,
    `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} cores · ${formatEnvironmentLine(env)}`,
    `- Load average (1/5/15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
    `- Node ${process.versions.node} · V8 ${process.versions.v8} · pointer compression ${POINTER_COMPRESSION ? 'on' : 'off'} · GC forced via ${gc.source} · ${trials} leak checks per function · ${reps} bench() runs per allocation case`,
    '',
    sections.join('\n\n'),
  ].join('\n'),
)
progress(`done in ${(wallMs / 60_000).toFixed(1)} min`)

/**
 * What a CPU profile costs and what it shows, for the figures in docs/profiles.md:
 *
 *   node --import tsx bench/profile-overhead.ts                 # ~2 min: 5 repetitions of everything
 *   node --import tsx bench/profile-overhead.ts --reps 15       # more repetitions
 *   node --import tsx bench/profile-overhead.ts --only cost     # one section: share, sampling, cost, after
 *
 * Four sections, each a Markdown table of medians and ranges over the repetitions:
 *
 * - share: how much of the profile of a cheap function is perfgate's calling loop and the bench's
 *   wrapper (why MIN_PROFILED_CALL_NS exists), from profileForFailure's own summary;
 * - sampling: how much slower a function runs while V8's profiler samples every 100 µs (why a
 *   profile never runs during timed batches), with captureCpuProfile at 100 µs against the same
 *   loop with the profiler started but sampling every second;
 * - cost: the wall time profileForFailure adds to a failing test (profile, hotspots, file);
 * - after: a bench measured right after a profile (which turns inlining off, deoptimises
 *   everything, then restores it) against the same bench measured twice with nothing between.
 *
 * Prints Markdown to stdout (progress to stderr). .cpuprofile files go to a temporary folder that
 * is removed at the end; batch sizes are remembered in memory only, not in node_modules/.cache.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  type BenchProfile,
  type BenchResult,
  bench,
  captureCpuProfile,
  captureEnvironment,
  DEFAULT_PROFILE_TIME_NS,
  DEFAULT_SAMPLING_INTERVAL_US,
  formatEnvironmentLine,
  MIN_PROFILED_CALL_NS,
  type ProfileWork,
  profileForFailure,
  withMeasurementLock,
} from '../src/index.js'
import { memoryCalibrationCache } from '../src/measure/calibration-cache.js'
import { collectGarbage, formatNs, maxOf, median, minOf } from './numbers.js'
import { type Cell, markdownTable, type SectionContext, sectionHeading } from './table.js'

const SECTIONS = ['share', 'sampling', 'cost', 'after'] as const
type Section = (typeof SECTIONS)[number]

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    only: { type: 'string' },
    time: { type: 'string', default: '500ms' },
  },
})
const reps = Number(values.reps)
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`profile-overhead: --reps takes a whole number of repetitions, received "${values.reps}".`)
  process.exit(2)
}
const only = values.only?.split(',').map((s) => s.trim())
const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s)) ?? []
if (unknown.length > 0) {
  console.error(
    `profile-overhead: unknown section "${unknown.join(', ')}". Use one of: ${SECTIONS.join(', ')}.`,
  )
  process.exit(2)
}
const chosen = SECTIONS.filter((s) => only === undefined || only.includes(s))

/**
 * Loop bounds, read from a mutable object at every call so V8 cannot fold a loop away (as in
 * workloads.ts; one iteration of the square-root loop ≈ 2.2 ns on the reference machine).
 */
const sizes = {
  share0: 0,
  share2: 2,
  share12: 12,
  share20: 20,
  share450: 450,
  sampling0: 0,
  sampling1: 1,
  sampling6: 6,
  sampling900: 900,
  cost44: 44,
  cost4800: 4800,
  cost450k: 450_000,
  after1: 1,
  after220: 220,
}

// Every function is its own literal, written out: closures of one literal share V8's compiled
// code and feedback, so one section's calls would change how another's function is optimised.

// share: a helper doing the work, called through a wrapper, as `bench('x', () => work(input))`.
function roots0(): number {
  let sum = 0
  for (let i = 0; i < sizes.share0; i++) sum += Math.sqrt(i)
  return sum
}
function roots2(): number {
  let sum = 0
  for (let i = 0; i < sizes.share2; i++) sum += Math.sqrt(i)
  return sum
}
function roots12(): number {
  let sum = 0
  for (let i = 0; i < sizes.share12; i++) sum += Math.sqrt(i)
  return sum
}
function roots20(): number {
  let sum = 0
  for (let i = 0; i < sizes.share20; i++) sum += Math.sqrt(i)
  return sum
}
function roots450(): number {
  let sum = 0
  for (let i = 0; i < sizes.share450; i++) sum += Math.sqrt(i)
  return sum
}
function callRoots0(): number {
  return roots0()
}
function callRoots2(): number {
  return roots2()
}
function callRoots12(): number {
  return roots12()
}
function callRoots20(): number {
  return roots20()
}
function callRoots450(): number {
  return roots450()
}

interface ShareSubject {
  n: number
  wrapper: () => number
  helper: () => number
}
const shareSubjects: ShareSubject[] = [
  { n: sizes.share0, wrapper: callRoots0, helper: roots0 },
  { n: sizes.share2, wrapper: callRoots2, helper: roots2 },
  { n: sizes.share12, wrapper: callRoots12, helper: roots12 },
  { n: sizes.share20, wrapper: callRoots20, helper: roots20 },
  { n: sizes.share450, wrapper: callRoots450, helper: roots450 },
]

interface Subject {
  n: number
  fn: () => number
}
const samplingSubjects: Subject[] = [
  {
    n: sizes.sampling0,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.sampling0; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.sampling1,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.sampling1; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.sampling6,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.sampling6; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.sampling900,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.sampling900; i++) sum += Math.sqrt(i)
      return sum
    },
  },
]
const costSubjects: Subject[] = [
  {
    n: sizes.cost44,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.cost44; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.cost4800,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.cost4800; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.cost450k,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.cost450k; i++) sum += Math.sqrt(i)
      return sum
    },
  },
]
const afterSubjects: Subject[] = [
  {
    n: sizes.after1,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.after1; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    n: sizes.after220,
    fn: () => {
      let sum = 0
      for (let i = 0; i < sizes.after220; i++) sum += Math.sqrt(i)
      return sum
    },
  },
]

// One in-memory cache for the run: a bench measured again gets the batch size it had, as it
// would in a project with the file cache, without writing these benches into node_modules/.cache.
const calibrationCache = memoryCalibrationCache()
const profileFolder = mkdtempSync(join(tmpdir(), 'perfgate-profile-overhead-'))

/** Time spent waiting for other processes' measurements (the machine-wide lock), per section. */
let lockWaitNs = 0

async function measure(name: string, fn: () => number): Promise<BenchResult> {
  collectGarbage()
  const result = await bench(name, fn, { time: values.time, profile: 'off', calibrationCache })
  lockWaitNs += result.timing.lockWaitNs
  return result
}

/**
 * Run under the measurement lock, as bench() and profileBench do, so that no other perfgate
 * process measures while this one profiles (nor the reverse). Calls inside join this hold.
 */
async function locked<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const { value, waitedNs } = await withMeasurementLock(fn, { label })
  lockWaitNs += waitedNs
  return value
}

function profiled(profile: BenchProfile | undefined): Extract<BenchProfile, { status: 'profiled' }> {
  if (profile?.status !== 'profiled') {
    throw new Error(
      `profile-overhead: no profile (${profile === undefined ? 'profiling is off' : profile.why})`,
    )
  }
  return profile
}

// ---- formatting -------------------------------------------------------------------------------

const percent = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`
const ratio = (x: number) => `${x.toFixed(2)}×`
const ms = (ns: number) => `${(ns / 1e6).toFixed(0)} ms`

/** `median (min–max)` of some values, each shown by `format`. */
function spread(xs: readonly number[], format: (x: number) => string): string {
  return `${format(median(xs))} (${format(minOf(xs))}–${format(maxOf(xs))})`
}

const loopLabel = (n: number) => `${n}-iteration loop`

// ---- the sections -----------------------------------------------------------------------------

interface SectionOutput {
  title: string
  markdown: string
}

/** share: the calling loop and the wrapper, as shares of the profile of a cheap function. */
async function runShare(): Promise<SectionOutput> {
  const rows: Cell[][] = []
  for (const subject of shareSubjects) {
    const name = `share ${subject.n}`
    const seen = { medianNs: [] as number[], profiledNs: [] as number[], loop: [] as number[] }
    const wrapper: number[] = []
    const helper: number[] = []
    const overhead: number[] = []
    for (let r = 0; r < reps; r++) {
      const result = await measure(name, subject.wrapper)
      // 'always': the matcher's path when a user asks for it; on failure, functions under
      // MIN_PROFILED_CALL_NS are not profiled at all, which is what this section is about.
      const p = profiled(await profileForFailure(result, 'always', { dir: profileFolder }))
      const shareOf = (fn: () => number) =>
        p.hotspots.find((h) => h.functionName === fn.name && h.origin === 'user')?.selfShare ?? 0
      seen.medianNs.push(result.stats.medianNs)
      seen.profiledNs.push(p.profiledNs / p.calls)
      seen.loop.push(p.harnessShare)
      wrapper.push(shareOf(subject.wrapper))
      helper.push(shareOf(subject.helper))
      overhead.push(p.harnessShare + shareOf(subject.wrapper))
      process.stderr.write(
        `share: ${name} rep ${r + 1}/${reps}: ${formatNs(result.stats.medianNs)}, loop + wrapper ${percent(overhead.at(-1)!)}\n`,
      )
    }
    rows.push([
      `\`${subject.wrapper.name}()\` → ${loopLabel(subject.n)}`,
      spread(seen.medianNs, formatNs),
      spread(seen.profiledNs, formatNs),
      spread(seen.loop, percent),
      spread(wrapper, percent),
      spread(overhead, percent),
      spread(helper, percent),
    ])
  }
  return {
    title: "1. perfgate's loop in the profile of a cheap function",
    markdown: [
      `Each repetition: \`bench()\` of a wrapper that calls a helper doing the work (as \`bench('x', () => work())\` does), then \`profileForFailure(result, 'always')\`, the matcher's own path (${ms(DEFAULT_PROFILE_TIME_NS)}, sampling every ${DEFAULT_SAMPLING_INTERVAL_US} µs, inlining off). Shares are of the profile's busy time, from its summary: "loop" is \`harnessShare\` (perfgate's calling loop), "wrapper" and "helper" the self time of those functions. "Per call, profiled" is the profile's wall time over its calls: slower than the bench because inlining is off. Functions under ${MIN_PROFILED_CALL_NS} ns per call (\`MIN_PROFILED_CALL_NS\`, by the bench's median) are not profiled on failure. Median (min–max) of ${reps} repetitions.`,
      '',
      markdownTable(
        [
          'bench (wrapper → helper)',
          'bench median per call',
          'per call, profiled',
          'loop',
          'wrapper',
          'loop + wrapper',
          'helper (the work)',
        ],
        rows,
      ),
    ].join('\n'),
  }
}

/** sampling: per-call time while the profiler samples every 100 µs, against almost never. */
async function runSampling(): Promise<SectionOutput> {
  // A 1 s interval is longer than the profile: the profiler is started and stopped just the same
  // (code events, the inspector session), but takes ~1 sample, so the difference is the sampling.
  const intervals = [DEFAULT_SAMPLING_INTERVAL_US, 1000, 1_000_000]
  const rows: Cell[][] = []
  for (const subject of samplingSubjects) {
    const name = `sampling ${subject.n}`
    const benchNs: number[] = []
    const perCall = new Map(intervals.map((us) => [us, [] as number[]]))
    const samples = new Map(intervals.map((us) => [us, [] as number[]]))
    const slowdown = new Map(intervals.map((us) => [us, [] as number[]]))
    for (let r = 0; r < reps; r++) {
      const result = await measure(name, subject.fn)
      benchNs.push(result.stats.medianNs)
      const work: ProfileWork = {
        fn: subject.fn,
        isAsync: false,
        batchSize: result.batchSize,
        hooks: {},
        perCallNs: result.stats.medianNs,
      }
      // Alternate the order each repetition so drift within a repetition cancels in the ratios.
      const order = r % 2 === 0 ? intervals : [...intervals].reverse()
      const thisRep = new Map<number, number>()
      await locked(name, async () => {
        for (const us of order) {
          collectGarbage()
          // Inlining stays on (exactAttribution: false), as in the timed batches.
          const captured = await captureCpuProfile(work, { samplingIntervalUs: us, exactAttribution: false })
          if (!captured.ok) throw new Error(`profile-overhead: ${captured.why}`)
          const ns = captured.profiledNs / captured.calls
          thisRep.set(us, ns)
          perCall.get(us)!.push(ns)
          samples.get(us)!.push(captured.profile.samples?.length ?? 0)
        }
      })
      const quiet = thisRep.get(1_000_000)!
      for (const us of intervals) slowdown.get(us)!.push(thisRep.get(us)! / quiet)
      process.stderr.write(
        `sampling: ${name} rep ${r + 1}/${reps}: ${ratio(slowdown.get(DEFAULT_SAMPLING_INTERVAL_US)!.at(-1)!)} at ${DEFAULT_SAMPLING_INTERVAL_US} µs\n`,
      )
    }
    rows.push([
      loopLabel(subject.n),
      spread(benchNs, formatNs),
      spread(perCall.get(1_000_000)!, formatNs),
      spread(perCall.get(1000)!, formatNs),
      spread(slowdown.get(1000)!, ratio),
      spread(perCall.get(DEFAULT_SAMPLING_INTERVAL_US)!, formatNs),
      spread(slowdown.get(DEFAULT_SAMPLING_INTERVAL_US)!, ratio),
      `${median(samples.get(DEFAULT_SAMPLING_INTERVAL_US)!).toFixed(0)} / ${median(samples.get(1_000_000)!).toFixed(0)}`,
    ])
  }
  return {
    title: '2. Timed under the profiler',
    markdown: [
      `Each repetition: \`bench()\` for the batch size, then \`captureCpuProfile\` of the same function in that batch size with inlining left on (as in the timed batches), ${ms(DEFAULT_PROFILE_TIME_NS)} each, sampling every 1 s (so ~1 sample: the profiler on, hardly sampling), every 1 ms (V8's default) and every ${DEFAULT_SAMPLING_INTERVAL_US} µs (perfgate's), in alternating order. Per call = the capture's wall time over its calls. Slowdown = per call at that interval / per call at 1 s, within the repetition. Median (min–max) of ${reps} repetitions.`,
      '',
      markdownTable(
        [
          'function',
          'bench median per call',
          'per call, 1 s sampling',
          'per call, 1 ms',
          'slowdown, 1 ms',
          `per call, ${DEFAULT_SAMPLING_INTERVAL_US} µs`,
          `slowdown, ${DEFAULT_SAMPLING_INTERVAL_US} µs`,
          `samples, ${DEFAULT_SAMPLING_INTERVAL_US} µs / 1 s`,
        ],
        rows,
      ),
    ].join('\n'),
  }
}

/** cost: the wall time a profile adds to a failing test. */
async function runCost(): Promise<SectionOutput> {
  const rows: Cell[][] = []
  for (const subject of costSubjects) {
    const name = `cost ${subject.n}`
    const benchNs: number[] = []
    const batch: number[] = []
    const wall: number[] = []
    const profiling: number[] = []
    const rest: number[] = []
    const kib: number[] = []
    for (let r = 0; r < reps; r++) {
      const result = await measure(name, subject.fn)
      collectGarbage()
      // What a failing toMeetBudget awaits before it answers: profile, hotspots, source maps, file.
      // Timed inside the lock (profileBench's own hold joins it), so a wait for another process's
      // measurement, which depends on that process and not on the profile, is left out.
      const { p, wallNs } = await locked(name, async () => {
        const start = process.hrtime.bigint()
        const p = profiled(await profileForFailure(result, 'on-failure', { dir: profileFolder }))
        return { p, wallNs: Number(process.hrtime.bigint() - start) }
      })
      benchNs.push(result.stats.medianNs)
      batch.push(result.batchSize * result.stats.medianNs)
      wall.push(wallNs)
      profiling.push(p.profiledNs)
      rest.push(wallNs - p.profiledNs)
      kib.push(p.file === null ? Number.NaN : statSync(p.file).size / 1024)
      process.stderr.write(`cost: ${name} rep ${r + 1}/${reps}: ${ms(wallNs)}\n`)
    }
    rows.push([
      loopLabel(subject.n),
      spread(benchNs, formatNs),
      formatNs(median(batch)),
      spread(wall, ms),
      spread(profiling, ms),
      spread(rest, ms),
      `${median(kib).toFixed(0)} KiB`,
    ])
  }
  return {
    title: '3. Time a profile adds to a failing test',
    markdown: [
      `Each repetition: \`bench()\` at ${values.time}, then the wall time of \`profileForFailure(result, 'on-failure')\`, which a failing \`toMeetBudget\` awaits: the measurement lock, inlining off and everything deoptimised, ${ms(DEFAULT_PROFILE_TIME_NS)} of profile (at least one batch), inlining restored, hotspots with source maps, the .cpuprofile written. "Profiler running" is the profile's own wall time; "the rest" is everything else. Median (min–max) of ${reps} repetitions.`,
      '',
      markdownTable(
        [
          'function',
          'bench median per call',
          'one batch',
          'added to the test',
          'profiler running',
          'the rest',
          '.cpuprofile size',
        ],
        rows,
      ),
    ].join('\n'),
  }
}

/** The run-to-run band docs/profiles.md gave for a bench measured twice on this machine. */
const NOISE_BAND = [0.8, 1.2] as const

/** after: a bench right after a profile, against a bench right after nothing. */
async function runAfter(): Promise<SectionOutput> {
  const rows: Cell[][] = []
  for (const subject of afterSubjects) {
    const name = `after ${subject.n}`
    const benchNs: number[] = []
    const afterProfile: number[] = []
    const control: number[] = []
    for (let r = 0; r < reps; r++) {
      // Each repetition has both arms, in alternating order, so drift falls on both alike.
      for (const arm of r % 2 === 0 ? ['profile', 'control'] : ['control', 'profile']) {
        // One hold for the arm: no other process's measurement between the two benches.
        const { before, after } = await locked(name, async () => {
          const before = await measure(name, subject.fn)
          if (arm === 'profile') profiled(await profileForFailure(before, 'always', { dir: profileFolder }))
          return { before, after: await measure(name, subject.fn) }
        })
        benchNs.push(before.stats.medianNs)
        const change = after.stats.medianNs / before.stats.medianNs
        ;(arm === 'profile' ? afterProfile : control).push(change)
        process.stderr.write(
          `after: ${name} rep ${r + 1}/${reps} ${arm}: ${formatNs(before.stats.medianNs)} → ${formatNs(after.stats.medianNs)} (${ratio(change)})\n`,
        )
      }
    }
    const outside = (xs: number[]) =>
      `${xs.filter((x) => x < NOISE_BAND[0] || x > NOISE_BAND[1]).length}/${xs.length}`
    rows.push([
      loopLabel(subject.n),
      spread(benchNs, formatNs),
      spread(afterProfile, ratio),
      spread(control, ratio),
      outside(afterProfile),
      outside(control),
    ])
  }
  return {
    title: '4. Benches measured right after a profile',
    markdown: [
      `Each repetition has two arms, in alternating order: \`bench()\`, then \`profileForFailure(result, 'always')\` (inlining off, everything deoptimised, ${ms(DEFAULT_PROFILE_TIME_NS)} of profile, inlining restored, everything deoptimised again), then \`bench()\` again; and \`bench()\` twice with nothing between. Both benches at ${values.time}, with the batch size of the first. The change is the second bench's median / the first's. Median (min–max) of ${reps} repetitions per arm.`,
      '',
      markdownTable(
        [
          'function',
          'bench median per call',
          'after a profile / before',
          'with nothing between / before',
          `after a profile: outside ${ratio(NOISE_BAND[0])}–${ratio(NOISE_BAND[1])}`,
          'with nothing between: outside',
        ],
        rows,
      ),
    ].join('\n'),
  }
}

const run: Record<Section, () => Promise<SectionOutput>> = {
  share: runShare,
  sampling: runSampling,
  cost: runCost,
  after: runAfter,
}

// ---- main -------------------------------------------------------------------------------------

const command = ['node --import tsx bench/profile-overhead.ts', ...process.argv.slice(2)].join(' ')
const startedAt = new Date()
const runStart = process.hrtime.bigint()
const parts: string[] = []
try {
  for (const id of chosen) {
    process.stderr.write(`profile-overhead: ${id}…\n`)
    const loadBefore = loadavg()[0] ?? Number.NaN
    const machine = formatEnvironmentLine(captureEnvironment())
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const start = process.hrtime.bigint()
    lockWaitNs = 0
    const output = await run[id]()
    const context: SectionContext = {
      date,
      machine,
      loadBefore,
      loadAfter: loadavg()[0] ?? Number.NaN,
      wallNs: Number(process.hrtime.bigint() - start),
    }
    parts.push(
      sectionHeading(output.title, context),
      '',
      output.markdown,
      '',
      `Waited ${(lockWaitNs / 1e9).toFixed(1)} s in all for other processes' measurements (perfgate's measurement lock); no figure above includes a wait.`,
      '',
    )
  }
} finally {
  rmSync(profileFolder, { recursive: true, force: true })
}
const totalNs = Number(process.hrtime.bigint() - runStart)
console.log(
  [
    '# CPU profiles: overhead and attribution',
    '',
    `Command: \`${command}\` · started ${startedAt.toISOString()} · total ${(totalNs / 60e9).toFixed(1)} min  `,
    `Node ${process.version} · ${reps} repetitions · bench time ${values.time}`,
    '',
    ...parts,
  ].join('\n'),
)

/**
 * Does what ran before a bench in its process change how fast the bench runs? For code that
 * allocates, it can: V8's young generation starts small and grows as a process allocates, and the
 * size it has reached changes the cost of every allocation.
 *
 *   node --import tsx bench/young-generation.ts [--processes 6] [--time 500ms]
 *
 * Each measurement is a fresh process that measures one bench of bench/regression-suite.ts with
 * bench(), in four conditions:
 *
 *   - first / after: the bench is the first thing measured, or it follows an allocation-heavy
 *     bench of the same suite ('JSON round trip 40 records'), as a test may follow another in a
 *     file;
 *   - grown / pinned: V8's defaults, or the young generation held at its full size from the start
 *     (`--min-semi-space-size` above the maximum, which V8 clamps to the maximum). If pinning
 *     removed a difference between first and after, perf workers could be started that way.
 *
 * Per bench and condition it prints the per-call 10th percentile of batches (what the regression
 * guard compares between processes), as the median over processes, and V8's new space before and
 * after the bench. "after / first" is the change an unchanged bench shows when a test is added
 * before it.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { getHeapSpaceStatistics } from 'node:v8'
import { processTimesNs } from '../src/baseline/process-spread.js'
import { captureEnvironment } from '../src/env/capture-environment.js'
import { formatEnvironmentLine } from '../src/env/format-environment.js'
import { bench } from '../src/index.js'
import { standardDeviation } from '../src/stats/moments.js'
import { formatNs, maxOf, median, minOf } from './numbers.js'
import { BASE_REPS, benchRandom, suite } from './regression-suite.js'
import { markdownTable } from './table.js'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '6' },
    time: { type: 'string' },
    child: { type: 'boolean', default: false },
    out: { type: 'string' },
    target: { type: 'string' },
    prelude: { type: 'boolean', default: false },
  },
})

function fail(message: string): never {
  console.error(`young-generation: ${message}`)
  process.exit(2)
}

/** Benches that allocate on every call, and one that does not (the control). */
const TARGETS = ['small objects 4', 'map filter reduce 1k', 'JSON.parse record', 'regex test email'] as const
const PRELUDE = 'JSON round trip 40 records'

/**
 * Holds the young generation at its full size from the start: V8 clamps a minimum above the
 * maximum to the maximum (32 MiB of new space in Node 20, 64 MiB in Node 24).
 */
const PIN_YOUNG_GENERATION_FLAG = '--min-semi-space-size=1024'

const newSpaceBytes = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0

interface ChildOutput {
  timeNs: number
  newSpaceBeforeBytes: number
  newSpaceAfterBytes: number
}

async function measureOne(name: string, time: string | undefined) {
  const index = suite.findIndex((b) => b.name === name)
  if (index < 0) fail(`no bench is called "${name}".`)
  return bench(name, suite[index]!.make(benchRandom(1, index), BASE_REPS), {
    ...(time !== undefined && { time }),
  })
}

if (values.child) {
  const out = values.out ?? fail('--child needs --out <file>.')
  const target = values.target ?? fail('--child needs --target <bench name>.')
  if (values.prelude) await measureOne(PRELUDE, values.time)
  const newSpaceBeforeBytes = newSpaceBytes()
  const result = await measureOne(target, values.time)
  const output: ChildOutput = {
    timeNs: processTimesNs(result)[0]!,
    newSpaceBeforeBytes,
    newSpaceAfterBytes: newSpaceBytes(),
  }
  await writeFile(out, JSON.stringify(output))
  process.exit(0)
}

const processes = Number(values.processes)
if (!Number.isInteger(processes) || processes < 2)
  fail(`--processes must be a whole number of at least 2, received ${values.processes}.`)

const scriptPath = fileURLToPath(import.meta.url)
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
type Mode = 'grown' | 'pinned'
type Order = 'first' | 'after'
const key = (target: string, mode: Mode, order: Order) => `${target}|${mode}|${order}`
const measured = new Map<string, ChildOutput[]>()

const env = captureEnvironment()
const started = new Date()
const loadBefore = loadavg()[0] ?? Number.NaN
const tmp = await mkdtemp(join(tmpdir(), 'perfgate-young-generation-'))
let count = 0
const total = processes * TARGETS.length * 4
try {
  // Conditions take turns, so a slow stretch of the machine falls on all of them alike.
  for (let p = 0; p < processes; p++) {
    for (const target of TARGETS) {
      for (const mode of ['grown', 'pinned'] as const) {
        for (const order of ['first', 'after'] as const) {
          const out = join(tmp, `child-${++count}.json`)
          await run(
            process.execPath,
            [
              ...(mode === 'pinned' ? [PIN_YOUNG_GENERATION_FLAG] : []),
              '--expose-gc',
              '--import',
              'tsx',
              scriptPath,
              '--child',
              '--out',
              out,
              '--target',
              target,
              ...(order === 'after' ? ['--prelude'] : []),
              ...(values.time === undefined ? [] : ['--time', values.time]),
            ],
            { cwd: repoRoot, timeout: 5 * 60_000 },
          )
          const output = JSON.parse(await readFile(out, 'utf8')) as ChildOutput
          const list = measured.get(key(target, mode, order)) ?? []
          list.push(output)
          measured.set(key(target, mode, order), list)
          process.stderr.write(`\rprocess ${count}/${total}`)
        }
      }
    }
  }
  process.stderr.write('\n')
} finally {
  await rm(tmp, { recursive: true, force: true })
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)}`
const newSpace = (list: readonly ChildOutput[]) =>
  `${mib(median(list.map((o) => o.newSpaceBeforeBytes)))} → ${mib(median(list.map((o) => o.newSpaceAfterBytes)))}`
/** Fastest–slowest process. */
const range = (list: readonly ChildOutput[]) => {
  const times = list.map((o) => o.timeNs)
  return `${formatNs(minOf(times))}–${formatNs(maxOf(times))}`
}
/** Standard deviation of log time between processes, as a percentage. */
const spread = (list: readonly ChildOutput[]) =>
  `${(100 * standardDeviation(list.map((o) => Math.log(o.timeNs)))).toFixed(1)}%`

const rows = TARGETS.flatMap((target) =>
  (['grown', 'pinned'] as const).map((mode) => {
    const first = measured.get(key(target, mode, 'first'))!
    const after = measured.get(key(target, mode, 'after'))!
    const firstNs = median(first.map((o) => o.timeNs))
    const afterNs = median(after.map((o) => o.timeNs))
    return [
      target,
      mode,
      formatNs(firstNs),
      formatNs(afterNs),
      `${(afterNs / firstNs).toFixed(2)}×`,
      range(first),
      range(after),
      `${spread(first)} / ${spread(after)}`,
      `${newSpace(first)} / ${newSpace(after)}`,
    ]
  }),
)

console.log(`## Young generation: does a bench's speed depend on what ran before it?

${started.toISOString()}, ${formatEnvironmentLine(env)}, load ${loadBefore.toFixed(2)} → ${(loadavg()[0] ?? Number.NaN).toFixed(2)}, ${((Date.now() - started.getTime()) / 60e3).toFixed(1)} min.
\`node --import tsx bench/young-generation.ts --processes ${processes}${values.time === undefined ? '' : ` --time ${values.time}`}\`: ${processes} fresh processes per bench and condition, taking turns.

Each process measures one bench, first or after '${PRELUDE}'. "grown": V8's defaults; "pinned": \`${PIN_YOUNG_GENERATION_FLAG}\` (the young generation at its full size from the start). Times are each process's per-call 10th percentile of batches (the regression guard's statistic), median over processes; the ranges are over processes; spread is the standard deviation of log time between processes.

${markdownTable(
  [
    'bench',
    'young generation',
    'first',
    'after',
    'after / first',
    'first: range',
    'after: range',
    'spread first / after',
    'new space MiB (before → after the bench) first / after',
  ],
  rows,
)}`)

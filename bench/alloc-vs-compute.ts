/**
 * Does a slow stretch of the machine slow an allocating bench and a computing bench alike?
 *
 *   node --import tsx bench/alloc-vs-compute.ts [--processes 3] [--seconds 20] [--sample-ms 50]
 *     [--alloc 'small objects 4'] [--compute 'FNV-1a hash 256 chars']
 *
 * Each of `--processes` fresh processes alternates samples of about `--sample-ms` of two benches
 * of bench/regression-suite.ts for `--seconds`: one that allocates on every call and one that only
 * computes. Per process it prints how often each ran at SLOW_PERIOD_RATIO × its own fastest samples
 * or slower, how often the allocating one did while the computing one beside it did not, the
 * correlation of their slowdowns, and V8's new space (young generation) as it grew; then, per
 * second, both benches' median time over their fastest and the new space.
 *
 * Why: the regression guard reads the machine's speed from control benches measured beside a
 * suspect (src/baseline/machine-speed.ts). If the machine slows allocating code by a factor the
 * controls do not share, no shift read from them can clear it, and an unchanged allocating bench
 * reads as a regression (docs/accuracy.md, "What sets the speed of an allocating bench").
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { getHeapSpaceStatistics } from 'node:v8'
import { SLOW_PERIOD_RATIO } from '../src/baseline/process-spread.js'
import { captureEnvironment } from '../src/env/capture-environment.js'
import { formatEnvironmentLine } from '../src/env/format-environment.js'
import { correlation, formatNs, median, quantile } from './numbers.js'
import { BASE_REPS, benchRandom, suite } from './regression-suite.js'
import { markdownTable } from './table.js'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    'sample-ms': { type: 'string', default: '50' },
    alloc: { type: 'string', default: 'small objects 4' },
    compute: { type: 'string', default: 'FNV-1a hash 256 chars' },
    child: { type: 'boolean', default: false },
  },
})

function fail(message: string): never {
  console.error(`alloc-vs-compute: ${message}`)
  process.exit(2)
}

const processes = Number(values.processes)
const seconds = Number(values.seconds)
const sampleMs = Number(values['sample-ms'])
if (!(Number.isInteger(processes) && processes >= 1))
  fail(`--processes must be a whole number, 1 or more, received ${values.processes}.`)
if (!(seconds > 0)) fail(`--seconds must be a positive number, received ${values.seconds}.`)
if (!(sampleMs >= 1)) fail(`--sample-ms must be at least 1, received ${values['sample-ms']}.`)
const names = [values.alloc, values.compute]
for (const name of names) {
  if (!suite.some((spec) => spec.name === name)) {
    fail(
      `no bench "${name}" in bench/regression-suite.ts; use one of: ${suite.map((s) => `"${s.name}"`).join(', ')}.`,
    )
  }
}

/** One sample pair: when it started (ms into the process's timing), each bench's ns per call, the new space then. */
interface Sample {
  atMs: number
  allocNs: number
  computeNs: number
  newSpaceMiB: number
}

const newSpaceMiB = () =>
  (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20

if (values.child) {
  const [alloc, compute] = names.map((name) => {
    const index = suite.findIndex((spec) => spec.name === name)
    return suite[index]!.make(benchRandom(1, index), BASE_REPS)
  })
  let sink = 0
  /** Calls `fn` in groups of 20 for about `ms`; ns per call. */
  const sample = (fn: () => unknown, ms: number) => {
    const t0 = performance.now()
    const end = t0 + ms
    let calls = 0
    let now = t0
    while (now < end) {
      for (let i = 0; i < 20; i++) sink += Number(fn()) | 0
      calls += 20
      now = performance.now()
    }
    return ((now - t0) * 1e6) / calls
  }
  // Warm-up: both compiled by the optimising compiler before the first sample counts.
  for (let i = 0; i < 50; i++) {
    sample(alloc!, 10)
    sample(compute!, 10)
  }
  const samples: Sample[] = []
  const start = performance.now()
  while (performance.now() - start < seconds * 1000) {
    const atMs = performance.now() - start
    samples.push({
      atMs,
      allocNs: sample(alloc!, sampleMs),
      computeNs: sample(compute!, sampleMs),
      newSpaceMiB: newSpaceMiB(),
    })
  }
  console.log(JSON.stringify({ samples, sink: sink % 2 }))
} else {
  const env = captureEnvironment()
  const started = new Date()
  console.log(`## Slow stretches of an allocating and a computing bench, side by side\n`)
  console.log(
    `${started.toISOString()}; ${formatEnvironmentLine(env)}; ${processes} fresh processes, each alternating ~${sampleMs} ms samples of "${names[0]}" and "${names[1]}" for ${seconds} s.\n`,
  )
  const rows: (string | number)[][] = []
  const traces: string[] = []
  for (let p = 0; p < processes; p++) {
    const { stdout } = await run(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        '--seconds',
        String(seconds),
        '--sample-ms',
        String(sampleMs),
        '--alloc',
        names[0]!,
        '--compute',
        names[1]!,
      ],
      { maxBuffer: 64 * 2 ** 20 },
    )
    const { samples } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { samples: Sample[] }
    const [fastestAlloc, allocRatio] = overFastest(samples.map((s) => s.allocNs))
    const [fastestCompute, computeRatio] = overFastest(samples.map((s) => s.computeNs))
    const slow = (r: number) => r >= SLOW_PERIOD_RATIO
    const share = (n: number) => `${((100 * n) / samples.length).toFixed(0)}%`
    const allocOnly = allocRatio.filter((r, i) => slow(r) && !slow(computeRatio[i]!)).length
    const grew = samples.flatMap((s, i) =>
      i > 0 && s.newSpaceMiB !== samples[i - 1]!.newSpaceMiB
        ? [`${s.newSpaceMiB} MiB at ${(s.atMs / 1000).toFixed(1)} s`]
        : [],
    )
    const bySize = groupIndices(samples, (s) => s.newSpaceMiB)
    rows.push([
      p + 1,
      `${formatNs(fastestAlloc)} / ${formatNs(fastestCompute)}`,
      share(allocRatio.filter(slow).length),
      share(computeRatio.filter(slow).length),
      share(allocOnly),
      correlation(allocRatio.map(Math.log), computeRatio.map(Math.log)).toFixed(2),
      `${samples[0]!.newSpaceMiB} MiB${grew.length === 0 ? '' : `, then ${grew.join(', ')}`}`,
      [...bySize]
        .sort((a, b) => a[0] - b[0])
        .map(([size, at]) => `${median(at.map((i) => allocRatio[i]!)).toFixed(2)}× at ${size} MiB`)
        .join(', '),
    ])
    const perSecond = groupIndices(samples, (s) => Math.floor(s.atMs / 1000))
    traces.push(
      `process ${p + 1}: ` +
        [...perSecond]
          .map(([second, at]) => {
            const m = (xs: number[]) => median(at.map((i) => xs[i]!)).toFixed(2)
            return `${second}s ${m(allocRatio)}/${m(computeRatio)}@${samples[at[0]!]!.newSpaceMiB}`
          })
          .join(' '),
    )
  }
  console.log(
    markdownTable(
      [
        'process',
        'fastest: allocating / computing',
        `allocating ≥ ${SLOW_PERIOD_RATIO}×`,
        `computing ≥ ${SLOW_PERIOD_RATIO}×`,
        'allocating slow, computing not',
        'correlation of slowdowns (log)',
        'new space',
        'allocating, median over its fastest, by new space',
      ],
      rows,
    ),
  )
  console.log(`\nPer second: allocating / computing, median over their fastest, @ new space in MiB.\n`)
  console.log(traces.map((line) => `    ${line}`).join('\n'))
  console.log(
    `\nLoad average after: ${captureEnvironment().load.avg1.toFixed(2)}; wall ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.`,
  )
}

/** Times over their fastest (2nd percentile), so one slow sample is not the scale; and that fastest. */
function overFastest(timesNs: readonly number[]): [number, number[]] {
  const fastestNs = quantile(timesNs, 0.02)
  return [fastestNs, timesNs.map((t) => t / fastestNs)]
}

/** The indices of `items` by key, keys in order of first appearance. */
function groupIndices<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, number[]> {
  const groups = new Map<K, number[]>()
  items.forEach((item, i) => {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(i)
    else groups.set(key, [i])
  })
  return groups
}

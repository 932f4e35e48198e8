/**
 * Does a busy neighbour core slow perfgate's measurements, and which per-process statistic of a
 * bench's batches stays put when it does?
 *
 *   node --import tsx bench/sibling-contention.ts [--processes 12] [--time 1s]
 *
 * Runs the 20 benches of bench/regression-suite.ts in fresh processes (the `--child` of
 * bench/regression-accuracy.ts), alternating two conditions: "quiet" (nothing else started) and
 * "busy" (a second process spins an integer loop for as long as the measuring process runs, so
 * the other core, or the other hardware thread of the same core, is never idle). For each bench
 * and each statistic of a process's per-call batch times (median, 25th and 10th percentile,
 * minimum) it prints:
 *
 *   - busy / quiet: the geometric mean of the busy processes over that of the quiet ones. A
 *     statistic that the neighbour moves will read a neighbour as a regression;
 *   - spread: the standard deviation of log values between processes of the same condition
 *     (pooled), i.e. what a regression check must tell a 5% change from.
 *
 * The regression guard compares processes (src/baseline/process-spread.ts), so this is the
 * question it faces when the machine it runs on is shared.
 *
 * Then, in this process, it shows what the slowdown looks like up close: three benches of the
 * suite (a regular expression, a hash, a square-root loop) run in ~0.1–1 ms batches for
 * `--within` seconds each, quiet and busy, and each batch is bracketed by a ~15 µs probe (an
 * integer hash loop that a busy neighbour slows down ~1.8×). Batches are grouped by how slow the
 * slower of their two probes ran, against the fastest probes of the quiet condition.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { captureEnvironment } from '../src/env/capture-environment.js'
import type { BenchResult } from '../src/measure/types.js'
import { mean } from '../src/stats/moments.js'
import { formatNs, quantile } from './numbers.js'
import { BASE_REPS, benchRandom, suite } from './regression-suite.js'
import { markdownTable } from './table.js'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '12' },
    time: { type: 'string' },
    within: { type: 'string', default: '8' },
  },
})

function fail(message: string): never {
  console.error(`sibling-contention: ${message}`)
  process.exit(2)
}

const processes = Number(values.processes)
if (!Number.isInteger(processes) || processes < 4 || processes % 2 !== 0)
  fail(`--processes must be an even whole number of at least 4, received ${values.processes}.`)
const wanted = suite.map((b) => b.name)
const withinSeconds = Number(values.within)
if (!(withinSeconds > 0)) fail(`--within must be a positive number of seconds, received ${values.within}.`)

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const childScript = join(repoRoot, 'bench/regression-accuracy.ts')

/** The statistics of a process's per-call batch times that are compared. */
const STATISTICS = [
  { name: 'median', p: 0.5 },
  { name: 'p25', p: 0.25 },
  { name: 'p10', p: 0.1 },
  { name: 'min', p: 0 },
] as const

type Condition = 'quiet' | 'busy'

/** A process that keeps the rest of the machine busy: integer multiply-xor, like a hash. */
const SPINNER = 'let x = 1; for (;;) { for (let i = 0; i < 1e7; i++) x = Math.imul(x ^ i, 16777619) }'

const startSpinner = (busy: boolean) =>
  busy ? spawn(process.execPath, ['-e', SPINNER], { stdio: 'ignore' }) : undefined

async function measure(out: string, busy: boolean): Promise<BenchResult[]> {
  const spinner = startSpinner(busy)
  try {
    await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        childScript,
        '--child',
        '--out',
        out,
        ...(values.time === undefined ? [] : ['--time', values.time]),
      ],
      { cwd: repoRoot, timeout: 10 * 60_000 },
    )
  } finally {
    spinner?.kill()
  }
  const output = JSON.parse(await readFile(out, 'utf8')) as { results: BenchResult[] }
  return output.results
}

const env = captureEnvironment()
const tmp = await mkdtemp(join(tmpdir(), 'perfgate-contention-'))
/** Per bench, per condition: each process's statistics (ns per call), in STATISTICS order. */
const seen = new Map<string, Record<Condition, number[][]>>()
const started = new Date()
try {
  for (let i = 0; i < processes; i++) {
    const condition: Condition = i % 2 === 0 ? 'quiet' : 'busy'
    const results = await measure(join(tmp, `child-${i}.json`), condition === 'busy')
    for (const result of results) {
      const perCall = result.batchTimesNs.map((t) => t / result.batchSize)
      const row = STATISTICS.map((s) => quantile(perCall, s.p))
      const entry = seen.get(result.name) ?? { quiet: [], busy: [] }
      entry[condition].push(row)
      seen.set(result.name, entry)
    }
    process.stderr.write(`process ${i + 1}/${processes} (${condition}) done\n`)
  }
} finally {
  await rm(tmp, { recursive: true, force: true })
}

/** Geometric mean, and the pooled standard deviation of logs within each condition. */
function summarise(byCondition: Record<Condition, number[]>): { ratio: number; spread: number } {
  const logs = { quiet: byCondition.quiet.map(Math.log), busy: byCondition.busy.map(Math.log) }
  const centre = { quiet: mean(logs.quiet), busy: mean(logs.busy) }
  let squares = 0
  for (const c of ['quiet', 'busy'] as const) for (const v of logs[c]) squares += (v - centre[c]) ** 2
  const df = logs.quiet.length + logs.busy.length - 2
  return { ratio: Math.exp(centre.busy - centre.quiet), spread: Math.sqrt(squares / df) }
}

const rows: (string | number)[][] = []
const totals = STATISTICS.map(() => ({ logRatio: [] as number[], spread: [] as number[] }))
for (const name of wanted) {
  const entry = seen.get(name)
  if (entry === undefined) continue
  const cells: string[] = [
    name,
    formatNs(
      quantile(
        entry.quiet.map((r) => r[0]!),
        0.5,
      ),
    ),
  ]
  STATISTICS.forEach((_, k) => {
    const { ratio, spread } = summarise({
      quiet: entry.quiet.map((r) => r[k]!),
      busy: entry.busy.map((r) => r[k]!),
    })
    totals[k]!.logRatio.push(Math.log(ratio))
    totals[k]!.spread.push(spread)
    cells.push(`${ratio.toFixed(3)} / ${(spread * 100).toFixed(1)}%`)
  })
  rows.push(cells)
}
rows.push([
  '**geometric mean / median spread**',
  '',
  ...totals.map(
    (t) => `**${Math.exp(mean(t.logRatio)).toFixed(3)} / ${(quantile(t.spread, 0.5) * 100).toFixed(1)}%**`,
  ),
])

console.log(
  `## Sibling contention: ${processes} fresh processes (${processes / 2} quiet, ${processes / 2} beside an integer spinner)\n`,
)
console.log(
  `${started.toISOString()}; ${env.cpu.model} × ${env.cpu.count}, Node ${env.runtime.version}, load ${env.load.avg1.toFixed(2)}; time per bench ${values.time ?? 'default'}.\n`,
)
console.log(
  'Each cell: busy / quiet (geometric means), then the spread between processes of one condition.\n',
)
console.log(markdownTable(['bench', 'quiet median', ...STATISTICS.map((s) => s.name)], rows))

// ---------------------------------------------------------------------------------------------
// Up close: batches bracketed by a probe, in this process.

const PROBE_TEXT = Array.from({ length: 256 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('')

/** ~15 µs of integer hashing; returns its duration (ns). */
function probeNs(): number {
  const start = process.hrtime.bigint()
  let acc = 0
  for (let r = 0; r < 60; r++) {
    let h = 0x811c9dc5
    for (let i = 0; i < PROBE_TEXT.length; i++) h = Math.imul(h ^ PROBE_TEXT.charCodeAt(i), 0x01000193)
    acc ^= h
  }
  sink ^= acc
  return Number(process.hrtime.bigint() - start)
}
let sink = 0

interface Bracketed {
  batchNs: number
  /** The slower of the probes before and after the batch. */
  probeNs: number
}

async function bracketedBatches(fn: () => unknown, calls: number, busy: boolean): Promise<Bracketed[]> {
  const spinner = startSpinner(busy)
  // Let the spinner start before measuring.
  await new Promise((resolve) => setTimeout(resolve, 200))
  const rows: Bracketed[] = []
  try {
    const end = Date.now() + withinSeconds * 1000
    while (Date.now() < end) {
      const before = probeNs()
      const start = process.hrtime.bigint()
      for (let i = 0; i < calls; i++) sink ^= fn() as number
      const batchNs = Number(process.hrtime.bigint() - start)
      const after = probeNs()
      rows.push({ batchNs, probeNs: Math.max(before, after) })
    }
  } finally {
    spinner?.kill()
  }
  return rows
}

const UP_CLOSE = ['regex test email', 'FNV-1a hash 256 chars', 'Math.sqrt loop 64']
/** Bins of probe slowness (probe over the quiet condition's fastest probes). */
const BINS: [number, number][] = [
  [0, 1.1],
  [1.1, 1.3],
  [1.3, 1.6],
  [1.6, Number.POSITIVE_INFINITY],
]
const upClose: string[][] = []
for (const name of UP_CLOSE) {
  const index = suite.findIndex((b) => b.name === name)
  const fn = suite[index]!.make(benchRandom(1, index), BASE_REPS)
  // Calls per batch: about 0.5 ms, from a warm-up.
  for (let i = 0; i < 2000; i++) sink ^= fn() as number
  const start = process.hrtime.bigint()
  for (let i = 0; i < 200; i++) sink ^= fn() as number
  const calls = Math.max(1, Math.round(0.5e6 / (Number(process.hrtime.bigint() - start) / 200)))
  const quiet = await bracketedBatches(fn, calls, false)
  const busy = await bracketedBatches(fn, calls, true)
  // The references: the fastest probes and batches of the quiet condition (2nd percentile).
  const probeRef = quantile(
    quiet.map((r) => r.probeNs),
    0.02,
  )
  const batchRef = quantile(
    quiet.map((r) => r.batchNs),
    0.02,
  )
  for (const [condition, rows] of [
    ['quiet', quiet],
    ['busy', busy],
  ] as const) {
    const cells = BINS.map(([lo, hi]) => {
      const inBin = rows.filter((r) => r.probeNs / probeRef >= lo && r.probeNs / probeRef < hi)
      if (inBin.length === 0) return '—'
      const share = ((100 * inBin.length) / rows.length).toFixed(0)
      return `${share}%: ${quantile(
        inBin.map((r) => r.batchNs / batchRef),
        0.5,
      ).toFixed(2)}`
    })
    upClose.push([
      name,
      condition,
      formatNs(batchRef / calls),
      quantile(
        rows.map((r) => r.batchNs / batchRef),
        0.5,
      ).toFixed(2),
      ...cells,
    ])
  }
}
if (sink === 0.5) console.log('')

console.log(
  `\n### Up close: ~0.5 ms batches bracketed by a probe (${withinSeconds} s per bench and condition)\n`,
)
console.log(
  'Batch times over the fastest quiet batches (2nd percentile); each bin: share of batches whose slower probe ran that much slower than the fastest quiet probes, and their median batch time.\n',
)
console.log(
  markdownTable(
    [
      'bench',
      'condition',
      'fastest per call',
      'all batches (median)',
      ...BINS.map(([lo, hi]) => (Number.isFinite(hi) ? `probe ${lo}–${hi}×` : `probe ≥ ${lo}×`)),
    ],
    upClose,
  ),
)

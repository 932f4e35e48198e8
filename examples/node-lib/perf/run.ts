/**
 * The example perf suite: measures the library's functions, compares implementations, and prints
 * what a person needs to judge the numbers. Run it with `pnpm example` from the repository root.
 */
import {
  type BenchResult,
  bench,
  type Comparison,
  compare,
  formatDuration,
  formatEnvironmentLine,
} from 'perfgate'
import { parsePairsRegex, parsePairsSplit } from '../src/parse.js'
import { insertionSort, sortNumbers, sortWithComparator } from '../src/sort.js'

// Fixed pseudo-random input, so every run measures the same work.
let seed = 42
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
  return seed / 2 ** 31
}
const numbers = Array.from({ length: 2_000 }, () => random())
const pairs = Array.from({ length: 50 }, (_, i) => `key${i}=value${Math.floor(random() * 1e6)}`).join(';')

const results: BenchResult[] = []
for (const [name, fn] of [
  ['sortNumbers 2k', () => sortNumbers(numbers)],
  ['sortWithComparator 2k', () => sortWithComparator(numbers)],
  ['insertionSort 2k', () => insertionSort(numbers)],
  ['parsePairsSplit 50', () => parsePairsSplit(pairs)],
  ['parsePairsRegex 50', () => parsePairsRegex(pairs)],
] as const) {
  results.push(await bench(name, fn))
}

const comparisons: Comparison[] = [
  await compare(
    { name: 'sortNumbers', fn: () => sortNumbers(numbers) },
    { name: 'insertionSort', fn: () => insertionSort(numbers) },
  ),
  await compare(
    { name: 'sortWithComparator', fn: () => sortWithComparator(numbers) },
    { name: 'sortWithComparator (again)', fn: () => sortWithComparator(numbers) },
  ),
  await compare(
    { name: 'parsePairsSplit', fn: () => parsePairsSplit(pairs) },
    { name: 'parsePairsRegex', fn: () => parsePairsRegex(pairs) },
  ),
]

const env = results[0]!.env
console.log(`\nperfgate example suite — ${formatEnvironmentLine(env)}`)
for (const warning of env.warnings) console.log(`⚠ ${warning.message}`)

console.log('\nBenchmarks (per call)')
printTable(
  ['bench', 'median', '95% interval', 'p95', 'batches × calls', 'outliers'],
  results.map((r) => [
    r.name,
    formatDuration(r.stats.medianNs),
    `${formatDuration(r.stats.medianIntervalNs[0])} – ${formatDuration(r.stats.medianIntervalNs[1])}`,
    `${formatDuration(r.stats.p95Ns)}${r.stats.granularity === 'batch-mean' ? ' ¹' : ''}`,
    `${r.stats.samples} × ${r.batchSize}`,
    String(
      r.stats.outliers.highMild +
        r.stats.outliers.highSevere +
        r.stats.outliers.lowMild +
        r.stats.outliers.lowSevere,
    ),
  ]),
)
if (results.some((r) => r.stats.granularity === 'batch-mean')) {
  console.log('¹ p95 of batch means (batch size > 1); pass batchSize: 1 for per-call percentiles.')
}

console.log('\nComparisons (a vs b, paired interleaved rounds)')
printTable(
  ['a', 'b', 'a/b time', 'interval', 'verdict', 'rounds', 'time'],
  comparisons.map((c) => [
    c.names[0],
    c.names[1],
    `${c.ratio.toFixed(3)}×`,
    `${c.interval[0].toFixed(3)} – ${c.interval[1].toFixed(3)}`,
    c.verdict,
    String(c.rounds),
    formatDuration(c.wallNs),
  ]),
)
for (const c of comparisons) console.log(`• ${c.reason}`)

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '─'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

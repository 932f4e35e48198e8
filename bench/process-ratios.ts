/**
 * How the fresh processes of a bench/regression-accuracy.ts run read their benches, against the
 * baseline: one speed, a spread, or two speeds?
 *
 *   node --import tsx bench/process-ratios.ts <run.json | run.json.gz> [...]
 *
 * Reads the `--json` output of bench/regression-accuracy.ts and, for every process of every
 * trial (the run's own and the re-measuring ones) and every bench it measured, takes the ratio
 * of its per-call median to the geometric mean of the baseline processes the comparison keeps
 * (typicalProcesses of this checkout). The bench a regression trial slowed is left out. Prints,
 * per file, how those ratios fall into bins, and which benches had any at 1.3× or more.
 */
import { SLOW_PERIOD_RATIO, typicalProcesses } from '../src/baseline/process-spread.js'
import { geometricMean } from '../src/stats/geometric.js'
import { readRecordedRun } from './recorded-run.js'
import { markdownTable } from './table.js'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('Usage: node --import tsx bench/process-ratios.ts <run.json | run.json.gz> [...]')
  process.exit(2)
}

const BINS = [
  { label: 'under 0.9×', lo: 0, hi: 0.9 },
  { label: '0.9–1.1×', lo: 0.9, hi: 1.1 },
  { label: `1.1–${SLOW_PERIOD_RATIO}×`, lo: 1.1, hi: SLOW_PERIOD_RATIO },
  { label: `${SLOW_PERIOD_RATIO}–1.6×`, lo: SLOW_PERIOD_RATIO, hi: 1.6 },
  { label: '1.6–2.2×', lo: 1.6, hi: 2.2 },
  { label: '2.2× or more', lo: 2.2, hi: Number.POSITIVE_INFINITY },
]

const rows: string[][] = []
for (const file of files) {
  const run = readRecordedRun(file)
  const centerNs = new Map(
    Object.entries(run.baseline).map(([name, bench]) => {
      return [name, geometricMean(typicalProcesses(bench.processMediansNs).keptNs)] as const
    }),
  )
  const ratios: number[] = []
  const slowBenches = new Set<string>()
  for (const trial of run.trials) {
    for (const proc of trial.processes) {
      for (const [name, medianNs] of Object.entries(proc.mediansNs)) {
        const center = centerNs.get(name)
        if (center === undefined || name === trial.slowed) continue
        const ratio = medianNs / center
        ratios.push(ratio)
        if (ratio >= SLOW_PERIOD_RATIO) slowBenches.add(name)
      }
    }
  }
  const counts = BINS.map((bin) => ratios.filter((r) => r >= bin.lo && r < bin.hi).length)
  rows.push([
    `${file.split('/').pop()} (${run.startedAt.slice(0, 16)})`,
    String(ratios.length),
    ...counts.map((n) => `${((100 * n) / ratios.length).toFixed(1)}%`),
    `${slowBenches.size} of ${centerNs.size}`,
  ])
}

console.log('## Process medians over the baseline, unchanged benches, every process of every trial\n')
console.log(
  markdownTable(
    ['run', 'process × bench readings', ...BINS.map((b) => b.label), 'benches with any ≥ 1.3×'],
    rows,
  ),
)

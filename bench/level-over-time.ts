/**
 * Does a bench's speed move during a recorded bench/regression-accuracy.ts run? Per bench, the
 * trials' own (whole-suite) processes over the baseline, in the order they ran.
 *
 *   node --import tsx bench/level-over-time.ts <run.json | run.json.gz> [...] [--bench <name>]…
 *
 * Each process's per-call time is its 10th percentile of batches (the median before 2026-11-22),
 * over the median of the baseline's processes. For every bench (or only the `--bench` ones) it
 * prints the baseline's processes on that scale, then the median of the trials' own processes in
 * each quarter of the run (the unchanged trials ran first, then the slowed ones; the slowed bench
 * of a trial is left out), and how many of them read beyond ±5% of the baseline. A bench whose
 * quarters move together by more than the guard's threshold while the others stay near 1.00 is
 * one whose speed changed for minutes at a time: what a stored baseline cannot tell from a change
 * of the code (docs/accuracy.md, runs 28–30).
 */
import { parseArgs } from 'node:util'
import { median } from './numbers.js'
import { baselinePerCallNs, processPerCallNs as perCall, readRecordedRun } from './recorded-run.js'
import { markdownTable } from './table.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { bench: { type: 'string', multiple: true, default: [] } },
})
if (positionals.length === 0) {
  console.error(
    'Usage: node --import tsx bench/level-over-time.ts <run.json | run.json.gz> [...] [--bench <name>]…',
  )
  process.exit(2)
}

for (const file of positionals) {
  const run = readRecordedRun(file)
  const names = values.bench?.length ? values.bench : Object.keys(run.baseline)
  const missing = names.filter((name) => run.baseline[name] === undefined)
  if (missing.length > 0) {
    console.error(`level-over-time: ${file} has no bench ${missing.map((n) => `"${n}"`).join(', ')}.`)
    process.exit(2)
  }
  const rows = names.map((name) => {
    const bench = run.baseline[name]!
    const baselineNs = baselinePerCallNs(bench)
    const centerNs = median(baselineNs)
    const own = run.trials.flatMap((trial) => {
      const process = trial.processes.find((p) => p.phase === 'run')
      const ns = process === undefined ? undefined : perCall(process)[name]
      return trial.slowed === name || ns === undefined ? [] : [ns / centerNs]
    })
    const quarter = Math.ceil(own.length / 4)
    const quarters = [0, 1, 2, 3].map((q) => own.slice(q * quarter, (q + 1) * quarter))
    return [
      name,
      baselineNs.map((ns) => (ns / centerNs).toFixed(2)).join(' '),
      ...quarters.map((q) => (q.length === 0 ? '–' : median(q).toFixed(3))),
      `${own.filter((r) => r > 1.05).length} / ${own.filter((r) => r < 1 / 1.05).length} of ${own.length}`,
    ]
  })
  console.log(`## ${file.split('/').pop()} (${run.startedAt})\n`)
  console.log(
    markdownTable(
      [
        'bench',
        "baseline's processes / their median",
        'trials, 1st quarter',
        '2nd',
        '3rd',
        '4th',
        'trials beyond +5% / −5%',
      ],
      rows,
    ),
  )
  console.log('')
}

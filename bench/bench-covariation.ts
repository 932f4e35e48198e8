/**
 * Which benches slow down together? Read from recorded bench/regression-accuracy.ts runs.
 *
 *   node --import tsx bench/bench-covariation.ts <run.json | run.json.gz> [...] [--target 'small objects 4']
 *
 * Every trial's own process measures the 20 benches of bench/regression-suite.ts one after another,
 * in suite order. For each such process, each bench's change is its 10th percentile of batches
 * (the median before 2026-11-22) over the median of its baseline processes, as a log. Per file,
 * for the target bench against every other bench (the bench a trial slowed is left out):
 *
 *   - how far apart in suite order they are (a proxy for how far apart in time they ran);
 *   - the correlation of their changes across processes;
 *   - how much the target's change spreads (standard deviation of the log) alone, and net of the
 *     other bench's change, as if that bench were its only control with the same factor.
 *
 * And, from the fresh processes of the unchanged (A/A) trials that re-measured the target, how
 * much its change spreads alone and net of the median change of the other benches measured
 * beside it (the controls, and other suspects: the record does not tell them apart), which is
 * near the machine shift the guard reads from its controls.
 *
 * Why: the regression guard takes the machine's speed out of a suspect by the median change of
 * the controls measured beside it (src/baseline/machine-speed.ts). That works as far as the
 * machine slows them by the same factor. docs/accuracy.md, "What sets the speed of an allocating
 * bench", has the figures.
 */
import { parseArgs } from 'node:util'
import { standardDeviation } from '../src/stats/moments.js'
import { correlation, median } from './numbers.js'
import {
  baselinePerCallNs,
  processPerCallNs as perCall,
  type RecordedProcess,
  type RecordedRun,
  readRecordedRun,
} from './recorded-run.js'
import { suite } from './regression-suite.js'
import { markdownTable } from './table.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { target: { type: 'string', default: 'small objects 4' } },
})
const target = values.target ?? 'small objects 4'
if (positionals.length === 0) {
  console.error(
    "Usage: node --import tsx bench/bench-covariation.ts <run.json | run.json.gz> [...] [--target 'small objects 4']",
  )
  process.exit(2)
}
const order = new Map(suite.map((spec, i) => [spec.name, i]))
if (!order.has(target)) {
  console.error(`bench-covariation: no bench "${target}" in bench/regression-suite.ts.`)
  process.exit(2)
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`

for (const file of positionals) {
  const run = readRecordedRun(file)
  const centerNs = baselineCenters(run)
  /** A process's change of `name` against its baseline, as a log; NaN when either is missing. */
  const change = (p: RecordedProcess, name: string) => Math.log(perCall(p)[name]! / centerNs.get(name)!)

  // The trials' own processes: every bench, in suite order.
  const own = run.trials.flatMap((trial) =>
    trial.slowed === target
      ? []
      : trial.processes.filter((p) => p.phase === 'run').map((p) => ({ p, slowed: trial.slowed })),
  )
  const targetChanges = own.map(({ p }) => change(p, target))
  const rows = [...centerNs.keys()]
    .filter((name) => name !== target)
    .map((name) => {
      const pairs = own
        .map(({ p, slowed }, i) => (slowed === name ? null : [targetChanges[i]!, change(p, name)]))
        .filter((pair): pair is number[] => pair?.every(Number.isFinite) === true)
      const xs = pairs.map(([x]) => x!)
      const ys = pairs.map(([, y]) => y!)
      return {
        name,
        distance: Math.abs((order.get(name) ?? Number.NaN) - order.get(target)!),
        r: correlation(xs, ys),
        own: standardDeviation(ys),
        net: standardDeviation(xs.map((x, i) => x - ys[i]!)),
      }
    })
    .sort((a, b) => a.net - b.net)

  // The fresh processes of A/A trials that re-measured the target: its change against the
  // median change of the other benches beside it (near the guard's machine shift).
  const fresh = run.trials
    .filter((trial) => trial.kind === 'aa')
    .flatMap((trial) =>
      trial.processes.filter((p) => p.phase === 'remeasure' && perCall(p)[target] !== undefined),
    )
    .map((p) => {
      // Everything else the fresh process measured: the controls, and in an A/A trial other
      // suspects, which are unchanged code too (the record does not say which was which).
      const others = Object.keys(perCall(p)).filter((name) => name !== target && centerNs.has(name))
      return {
        change: change(p, target),
        shift: others.length === 0 ? 0 : median(others.map((c) => change(p, c))),
      }
    })

  console.log(
    `## "${target}" beside the other benches: ${file.split('/').at(-1)} (started ${run.startedAt})\n`,
  )
  console.log(
    `${own.length} whole-suite processes; "${target}" changed by a standard deviation of ${percent(standardDeviation(targetChanges))} (log) against the median of its baseline processes.\n`,
  )
  console.log(
    markdownTable(
      [
        'other bench',
        'apart in suite order',
        'correlation',
        'its own spread',
        `spread of "${target}" net of it`,
      ],
      rows.map((row) => [row.name, row.distance, row.r.toFixed(2), percent(row.own), percent(row.net)]),
    ),
  )
  console.log(
    fresh.length < 2
      ? `\nThe A/A trials re-measured "${target}" in ${fresh.length} fresh processes: too few to say more.\n`
      : `\nIn the ${fresh.length} fresh processes of A/A trials that re-measured it, "${target}" changed by a standard deviation of ${percent(standardDeviation(fresh.map((f) => f.change)))} as measured and ${percent(standardDeviation(fresh.map((f) => f.change - f.shift)))} net of the median change of the other benches measured beside it (median change ${percent(Math.expm1(median(fresh.map((f) => f.change))))} and ${percent(Math.expm1(median(fresh.map((f) => f.change - f.shift))))}).\n`,
  )
}

/** Each bench's baseline: the median of its processes' 10th percentiles (medians in older runs). */
function baselineCenters(run: RecordedRun): Map<string, number> {
  return new Map(
    Object.entries(run.baseline).map(([name, bench]) => [name, median(baselinePerCallNs(bench))]),
  )
}

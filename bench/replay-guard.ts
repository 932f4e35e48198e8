/**
 * Replay a recorded bench/regression-accuracy.ts run through this checkout's checkSuite().
 *
 *   node --import tsx bench/replay-guard.ts <run.json | run.json.gz> [--statistic median|p10|min|p2|p5|p25] [--explain]
 *     [--bench-threshold "<name or glob>=<percent>"]… [--baseline-also <run.json.gz>]… [--no-rerun]
 *
 * --bench-threshold gives benches a threshold of their own, as `regression.benches` in a config
 * does (repeatable): what a user who sets one for a bench that keeps failing unchanged gets.
 * --explain prints, on stderr, the reason and notes of every bench the replay failed, and of every
 * slowed bench it did not fail (a miss).
 *
 * The run's `--json` output keeps, for the baseline and for every process of every trial, each
 * bench's per-call median and (from 2026-11-22) its 10th percentile, and from run 22 on its fastest
 * batch and 2nd, 5th and 25th percentiles (`quantilesNs`). This script rebuilds each
 * process as a result whose batches all equal the chosen statistic, so checkSuite() sees exactly
 * those per-process numbers, and answers its re-measurements with the trial's recorded fresh
 * processes, in order. It is the guard as the reporter runs it (machine speed, Holm, rounds,
 * the slow-period and far rules), on the processes the run measured, with two limits:
 *
 * - a rule that asks for more rounds than the run measured gets no more processes: the suspect
 *   keeps its verdict so far (so detection can only be under-counted by a stricter rule);
 * - controls are the benches the rule picks; a control the recorded process did not measure is
 *   missing from it;
 * - a run recorded before the guard measured a disturbed run's whole suite again (2026-11-22,
 *   `settings.rerunDisturbed` absent from its JSON) has no such processes, so its replay does not
 *   either: those benches keep the verdict of the run's own process, as they did then. A run
 *   recorded with the rule has the re-runs among its fresh processes, in order, and is replayed
 *   with it; `--no-rerun` replays it without the rule, feeding the same processes in order to the
 *   suspects' rounds instead (an approximation of the guard before the rule).
 *
 * --baseline-also <run.json.gz> (repeatable) pools the baseline's processes with those of other
 * recorded runs' baselines (every bench this run has, at the same statistic): what a baseline that
 * accumulated processes across accepted runs would have held.
 *
 * --adjacent-baseline <k> gives each trial a baseline of its own: the run's own processes of the k
 * trials nearest it in time (trials are about 40 s apart; a bench is taken only from trials that
 * did not slow it). What a baseline measured minutes before or after the run would have said.
 *
 * Prints the two error rates the run printed, for the recorded verdicts and for the replay.
 */
import { parseArgs } from 'node:util'
import { baselineFromResults } from '../src/baseline/baseline-file.js'
import { checkSuite } from '../src/baseline/check-suite.js'
import type { BenchResult } from '../src/measure/types.js'
import { benchResult } from '../test/fixtures/bench-results.js'
import { type RecordedProcess, readRecordedRun } from './recorded-run.js'
import { markdownTable } from './table.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    statistic: { type: 'string', default: 'median' },
    explain: { type: 'boolean', default: false },
    'bench-threshold': { type: 'string', multiple: true, default: [] },
    'baseline-also': { type: 'string', multiple: true, default: [] },
    'no-rerun': { type: 'boolean', default: false },
    'adjacent-baseline': { type: 'string' },
  },
})
const file = positionals[0]
const statistic = values.statistic ?? 'median'
/** Statistics read from `quantilesNs` (run 22 on), by the quantile they stand for. */
const QUANTILE_STATISTICS: Record<string, number> = { min: 0, p2: 0.02, p5: 0.05, p25: 0.25 }
const usage = `Usage: node --import tsx bench/replay-guard.ts <run.json | run.json.gz> [--statistic median|p10|${Object.keys(QUANTILE_STATISTICS).join('|')}] [--explain] [--bench-threshold "<name or glob>=<percent>"]… [--baseline-also <run.json.gz>]… [--no-rerun] [--adjacent-baseline <k>]`
/** `--bench-threshold "small objects *=20%"`, as `regression.benches` would give them. */
const benchThresholds = Object.fromEntries(
  (values['bench-threshold'] ?? []).map((entry) => {
    const at = entry.lastIndexOf('=')
    return at <= 0 ? ['', ''] : [entry.slice(0, at), entry.slice(at + 1)]
  }),
)
if (
  file === undefined ||
  !(statistic === 'median' || statistic === 'p10' || statistic in QUANTILE_STATISTICS) ||
  Object.entries(benchThresholds).some(([name, threshold]) => name === '' || threshold === '')
) {
  console.error(usage)
  process.exit(2)
}
const run = readRecordedRun(file)

/** A process's bench as a result whose 5 batches all read `perCallNs`. */
function result(name: string, perCallNs: number, batchSize: number): BenchResult {
  // One synthetic environment for both sides: the run's was the same on both.
  return benchResult({ name, perCallNs: Array(5).fill(perCallNs), batchSize })
}

function missing(what: string, since: string): never {
  console.error(`replay-guard: ${file} has no ${what} (recorded ${since}); use --statistic median.`)
  process.exit(2)
}

/** Where `statistic` sits in a record's `quantilesNs` lists. */
const quantileIndex =
  statistic in QUANTILE_STATISTICS
    ? (run.settings?.quantiles ?? []).indexOf(QUANTILE_STATISTICS[statistic]!)
    : -1
if (statistic in QUANTILE_STATISTICS && quantileIndex < 0)
  missing(`"${statistic}" among its quantiles`, 'before run 22')

function valuesOf(p: RecordedProcess): Record<string, number> {
  if (statistic === 'median') return p.mediansNs
  if (statistic === 'p10') return p.p10Ns ?? missing('10th percentiles', 'before 2026-11-22')
  const lists = p.quantilesNs ?? missing('quantiles per process', 'before run 22')
  return Object.fromEntries(Object.entries(lists).map(([name, qs]) => [name, qs[quantileIndex]!]))
}

/** A recorded run's baseline processes of every bench, at `statistic`, timed as `run`'s. */
function baselineProcesses(recorded: typeof run) {
  return Object.entries(recorded.baseline).flatMap(([name, bench]) => {
    const own = run.baseline[name]
    if (own === undefined) return []
    const perProcess =
      statistic === 'median'
        ? bench.processMediansNs
        : statistic === 'p10'
          ? (bench.processP10Ns ?? missing('10th percentiles for its baseline', 'before 2026-11-22'))
          : (bench.processQuantilesNs ?? missing('quantiles for its baseline', 'before run 22')).map(
              (qs) => qs[quantileIndex]!,
            )
    // Another run's processes join with this run's batch size: the synthetic batches are per-call
    // times, so only the pooling rule's check of equal batch sizes sees it.
    return perProcess.map((ns) => result(name, ns, own.batchSize))
  })
}
// --baseline-also: the baseline's processes pooled with those of other recorded runs' baselines,
// as a baseline that accumulated processes across accepted runs would hold them.
const baselineResults = [
  ...baselineProcesses(run),
  ...(values['baseline-also'] ?? []).flatMap((other) => baselineProcesses(readRecordedRun(other))),
]
const baseline = baselineFromResults('default', baselineResults)

// --adjacent-baseline <k>: each trial's baseline is instead the run's own processes of the k trials
// nearest it in time (each bench from those that did not slow it): a baseline measured in the same
// minutes as the trial, as base and head code measured in turn in one CI job would have.
const adjacentCount = values['adjacent-baseline'] === undefined ? 0 : Number(values['adjacent-baseline'])
if (!Number.isInteger(adjacentCount) || adjacentCount < 0) {
  console.error(usage)
  process.exit(2)
}
/** Each trial's own (first) process at `statistic`, read once: the trial's run, and the adjacent baselines of others. */
const runProcessValues = run.trials.map((t) =>
  t.processes[0] === undefined ? undefined : valuesOf(t.processes[0]),
)
function adjacentBaseline(at: number) {
  const nearest = run.trials
    .map((_, i) => i)
    .filter((i) => i !== at && runProcessValues[i] !== undefined)
    .sort((a, b) => Math.abs(a - at) - Math.abs(b - at) || a - b)
  const results = Object.entries(run.baseline).flatMap(([name, bench]) =>
    nearest
      .filter((i) => run.trials[i]!.slowed !== name)
      .slice(0, adjacentCount)
      .flatMap((i) => {
        const ns = runProcessValues[i]![name]
        return ns === undefined ? [] : [result(name, ns, bench.batchSize)]
      }),
  )
  return baselineFromResults('default', results)
}

const tally = {
  recorded: { aaFailed: 0, aa: 0, caught: 0, slowedTrials: 0, otherFailed: 0, short: 0, silent: 0 },
  replayed: { aaFailed: 0, aa: 0, caught: 0, slowedTrials: 0, otherFailed: 0, short: 0, silent: 0 },
}
/** Inconclusive verdicts of the unchanged suite, as replayed: what the guard could not judge. */
let aaInconclusive = 0
let aaImproved = 0
let aaVerdicts = 0
let freshUsed = 0
let freshRecorded = 0
for (const [at, trial] of run.trials.entries()) {
  const [first, ...fresh] = trial.processes
  if (first === undefined) continue
  freshRecorded += fresh.length
  const firstValues = runProcessValues[at]!
  const results = Object.entries(firstValues).map(([name, ns]) => result(name, ns, first.batchSizes[name]!))
  let next = 0
  const check = await checkSuite(
    results,
    adjacentCount > 0 ? adjacentBaseline(at) : baseline,
    { benchThresholds, rerunDisturbed: run.settings?.rerunDisturbed === true && !values['no-rerun'] },
    async (requests) => {
      const recorded = fresh[next++]
      if (recorded === undefined) throw new Error('no more recorded processes')
      freshUsed++
      const got = valuesOf(recorded)
      return requests.flatMap((r) =>
        got[r.name] === undefined ? [] : [result(r.name, got[r.name]!, r.batchSize)],
      )
    },
  )
  if (values.explain) {
    for (const v of check.verdicts.filter((v) => v.status === 'regressed')) {
      const label = v.name === trial.slowed ? 'caught' : 'false alarm'
      console.error(`${trial.kind} trial ${trial.trial}, "${v.name}" (${label}): ${v.reason}`)
      for (const note of v.notes) console.error(`  ${note}`)
    }
    const missed = check.verdicts.find((v) => v.name === trial.slowed && v.status !== 'regressed')
    if (missed !== undefined) {
      console.error(
        `${trial.kind} trial ${trial.trial}, "${missed.name}" (missed, ${missed.status}): ${missed.reason}`,
      )
      for (const note of missed.notes) console.error(`  ${note}`)
    }
  }
  const sides = {
    recorded: new Set(trial.verdicts.filter((v) => v.status === 'regressed').map((v) => v.name)),
    replayed: new Set(check.verdicts.filter((v) => v.status === 'regressed').map((v) => v.name)),
  }
  if (trial.kind === 'aa') {
    aaVerdicts += check.verdicts.length
    aaInconclusive += check.verdicts.filter((v) => v.status === 'inconclusive').length
    aaImproved += check.verdicts.filter((v) => v.status === 'improved').length
  }
  // A slowed bench called 'unchanged' or 'improved': a miss nobody is told of.
  const silentlyMissed = (verdicts: readonly { name: string; status: string }[]) =>
    verdicts.some((v) => v.name === trial.slowed && (v.status === 'unchanged' || v.status === 'improved'))
  const silent = { recorded: silentlyMissed(trial.verdicts), replayed: silentlyMissed(check.verdicts) }
  for (const side of ['recorded', 'replayed'] as const) {
    const t = tally[side]
    const regressed = sides[side]
    // A failed run whose replay wanted more fresh processes than the run measured: its verdict
    // is the one before the rounds it did not get.
    const short = side === 'replayed' && check.remeasureError !== null
    if (trial.kind === 'aa') {
      t.aa++
      if (regressed.size > 0) t.aaFailed++
      if (regressed.size > 0 && short) t.short++
    } else {
      t.slowedTrials++
      if (trial.slowed !== null && regressed.has(trial.slowed)) t.caught++
      if (silent[side]) t.silent++
      if ([...regressed].some((name) => name !== trial.slowed)) t.otherFailed++
    }
  }
}

console.log(
  `## Replay of ${file.split('/').pop()} (${run.startedAt}) with this checkout's checkSuite(), per-process ${statistic}\n`,
)
console.log(
  markdownTable(
    [
      '',
      'unchanged suite: runs failed',
      '… of which the replay ran out of recorded processes',
      'one bench 10% slower: caught',
      "… missed as 'unchanged' or 'improved'",
      'slowed: another bench failed',
    ],
    (['recorded', 'replayed'] as const).map((side) => {
      const t = tally[side]
      return [
        side === 'recorded' ? 'as recorded' : `replayed (${statistic})`,
        `${t.aaFailed}/${t.aa}`,
        side === 'recorded' ? '' : String(t.short),
        `${t.caught}/${t.slowedTrials}`,
        `${t.silent}/${t.slowedTrials}`,
        `${t.otherFailed}/${t.slowedTrials}`,
      ]
    }),
  ),
)
console.log(`\nFresh processes used by the replay: ${freshUsed} of the ${freshRecorded} recorded.`)
console.log(
  `Unchanged suite, as replayed: ${aaInconclusive} of ${aaVerdicts} verdicts inconclusive, ${aaImproved} improved.`,
)

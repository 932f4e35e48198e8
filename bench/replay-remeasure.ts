/**
 * Replay the re-measurements of a bench/regression-accuracy.ts run with the wild-process rule of
 * this checkout: how many re-measured benches would its fresh processes call regressed?
 *
 *   node --import tsx bench/replay-remeasure.ts <run.json | run.json.gz>
 *
 * Reads the `--json` output of bench/regression-accuracy.ts (every trial's per-process medians and
 * the baseline's), and for each bench a trial re-measured compares its fresh processes with the
 * baseline's processes, each side without its wild processes (typicalProcesses), by
 * compareProcesses at the first round's level (0.05 / 3). "Regressed" here is slower than 5% and
 * significant. It is a simplification of checkSuite(): no machine-speed correction from the
 * controls, no further rounds, no Holm. So its counts are not the run's; they are for comparing
 * two rules on the same recorded processes: run it once per rule, e.g. with
 * `git show <commit>:src/baseline/process-spread.ts > src/baseline/process-spread.ts` for the
 * older one (and `git checkout src/baseline/process-spread.ts` after).
 */
import { compareProcesses, typicalProcesses } from '../src/baseline/process-spread.js'
import { parsePercent } from '../src/budget/parse-percent.js'
import {
  DEFAULT_REGRESSION_CONFIDENCE,
  DEFAULT_REGRESSION_THRESHOLD,
  DEFAULT_REMEASURE_ROUNDS,
} from '../src/config/schema.js'
import { readRecordedRun } from './recorded-run.js'

const THRESHOLD = parsePercent(DEFAULT_REGRESSION_THRESHOLD, 'the default regression threshold')
/** A round's level in checkSuite: the false-alarm rate shared among the rounds. */
const FIRST_ROUND_CONFIDENCE = 1 - (1 - DEFAULT_REGRESSION_CONFIDENCE) / DEFAULT_REMEASURE_ROUNDS

const file = process.argv[2]
if (file === undefined) {
  console.error('Usage: node --import tsx bench/replay-remeasure.ts <run.json | run.json.gz>')
  process.exit(2)
}
const run = readRecordedRun(file)

let aaBenches = 0
const aaRuns = new Set<number>()
let caught = 0
let slowedRemeasured = 0
let wildInBaselines = 0
for (const bench of Object.values(run.baseline))
  wildInBaselines += typicalProcesses(bench.processMediansNs).wild.length
for (const trial of run.trials) {
  for (const name of trial.remeasured ?? []) {
    const fresh = trial.processes
      .filter((p) => p.phase === 'remeasure' && p.mediansNs[name] !== undefined)
      .map((p) => p.mediansNs[name]!)
    const baseline = run.baseline[name]
    if (fresh.length === 0 || baseline === undefined) continue
    const c = compareProcesses(
      typicalProcesses(fresh).keptNs,
      typicalProcesses(baseline.processMediansNs).keptNs,
      FIRST_ROUND_CONFIDENCE,
    )
    const regressed = c.direction === 'slower' && c.ratio > 1 + THRESHOLD && c.interval[0] > 1
    if (trial.kind === 'regression' && name === trial.slowed) {
      slowedRemeasured++
      if (regressed) caught++
    } else if (trial.kind === 'aa' && regressed) {
      aaBenches++
      aaRuns.add(trial.trial)
    }
  }
}
const aaTrials = run.trials.filter((t) => t.kind === 'aa').length
const slowTrials = run.trials.filter((t) => t.kind === 'regression').length
console.log(`| replay of ${file} | count |`)
console.log('| --- | ---: |')
console.log(`| baseline processes left out as wild (all benches) | ${wildInBaselines} |`)
console.log(
  `| unchanged suite: re-measured benches called regressed (runs) | ${aaBenches} (${aaRuns.size}/${aaTrials}) |`,
)
console.log(
  `| one bench 10% slower: slowed bench re-measured; called regressed | ${slowedRemeasured}/${slowTrials}; ${caught} |`,
)

import { formatDuration, formatPercent, formatRange, formatRatio } from '../budget/format.js'
import { parsePercent } from '../budget/parse-percent.js'
import {
  DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE,
  DEFAULT_REGRESSION_CONFIDENCE,
  DEFAULT_REGRESSION_THRESHOLD,
  DEFAULT_REMEASURE_RUNS,
} from '../config/schema.js'
import { type EnvironmentDifference, environmentDifferences } from '../env/differences.js'
import type { Environment } from '../env/types.js'
import { perfgateError } from '../errors.js'
import type { BenchResult } from '../measure/types.js'
import { geometricMean } from '../stats/geometric.js'
import { benjaminiHochbergAdjust, holmAdjust } from '../stats/multiple-testing.js'
import type { BaselineBench } from './baseline-file.js'
import {
  compareProcesses,
  PROCESS_TIME_LABEL,
  type ProcessComparison,
  processMediansNs,
  processTimesNs,
  SLOW_PERIOD_RATIO,
  splitBatchesByRun,
  typicalProcesses,
  type WildProcess,
} from './process-spread.js'

/*
 * The regression rule: is a bench slower than its baseline? Pure: numbers in, verdict out.
 *
 * The unit of measurement is the process (see process-spread.ts): the same code runs at a
 * different speed in each fresh process, so a baseline keeps its processes apart and a check asks
 * whether the current processes differ from the baseline's by more than processes differ among
 * themselves.
 *
 * Order of use in a reporter (checkSuite() in check-suite.ts does all of it):
 *   1. checkRegression() for every bench that has a baseline, on the run's own process;
 *   2. adjustForSuite() over all of them, so that 20 benches do not mean 20 chances of a false alarm;
 *   3. needsRemeasure(): every bench whose estimate is slower than 1 + threshold / 2, or whose
 *      interval cannot rule out a slowdown of twice the threshold (a screen, not a verdict), is
 *      measured again in DEFAULT_REMEASURE_RUNS fresh processes;
 *   4. checkRegression() on those fresh processes alone, adjustForSuite() over the re-measured
 *      benches, then mergeRemeasured(first, second): the fresh processes decide. They are new
 *      data, so the screen does not bias them, and the family to adjust for is the suspects.
 *      A suspect still above the screen but not significant gets further rounds (up to
 *      DEFAULT_REMEASURE_ROUNDS), each tested at alpha / rounds.
 */

/** What a comparison with the baseline concluded. */
export type RegressionStatus = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'environment-changed'

/** Options of {@link checkRegression}; the "regression" section of the config. */
export interface RegressionOptions {
  /**
   * Smallest relative slowdown that counts as a regression (`0.05` or `"5%"`). The improvement
   * threshold mirrors it on the log scale: faster than 1 / (1 + threshold).
   * @default DEFAULT_REGRESSION_THRESHOLD ("5%")
   */
  threshold?: number | string
  /**
   * Where `threshold` came from, when it is not the suite's, as the reason should name it:
   * `regression.benches["small objects *"] in package.json`.
   */
  thresholdSource?: string
  /** Confidence of the interval. @default DEFAULT_REGRESSION_CONFIDENCE (0.95) */
  confidence?: number
  /**
   * When the environment differs in a major way (CPU model, Node.js major, architecture, OS):
   * false gives status 'environment-changed' (a warning, no verdict); true compares anyway, so a
   * regression can fail the run, and says so in `reason`.
   * @default DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE (false)
   */
  failOnEnvironmentChange?: boolean
}

/** Environments of the two sides. */
export interface EnvironmentPair {
  /** The baseline file's environment. */
  baseline: Environment
  /** @default current.env */
  current?: Environment
}

/**
 * The machine's speed while each current result was measured, as a log change shared by the
 * benches of its process (see machine-speed.ts); taken out before the comparison.
 */
export interface MachineSpeed {
  /** One log change per current result, in their order: +0.3 means the machine ran 35% slower. */
  logShift: readonly number[]
  /** What the shift was read from, for the note: "the 19 other benches of the run". */
  basis: string
}

/** A baseline bench with its name, as {@link checkRegression} takes it. */
export type NamedBaselineBench = BaselineBench & { name: string }

/** How a verdict fared in {@link adjustForSuite}. */
export interface SuiteAdjustment {
  method: SuiteAdjustMethod
  alpha: number
  /** The adjusted two-sided p-value (from min(1, 2 × pValue)): compared with `alpha`. */
  adjustedPValue: number
  /** Number of benches in the family. */
  tests: number
  /** The status before adjustment, when the adjustment changed it. */
  demotedFrom?: 'regressed' | 'improved'
}

/** The first measurement of a re-measured bench (see {@link mergeRemeasured}). */
export interface FirstMeasurement {
  status: RegressionStatus
  ratio: number
  interval: [number, number]
  pValue: number
}

/** The verdict on one bench against its baseline. */
export interface RegressionVerdict {
  kind: 'regression'
  /** Bench name. */
  name: string
  status: RegressionStatus
  /**
   * Current time per call / baseline time per call: the ratio of the geometric means of the
   * processes' per-call times (their 10th percentiles, see processTimesNs and compareProcesses).
   */
  ratio: number
  /** Moderated t interval for `ratio` at `confidence`, from the spread between processes; [0, ∞] when none could be formed. */
  interval: [number, number]
  /** ratio − 1: +0.12 is 12% slower. */
  delta: number
  confidence: number
  /**
   * One-sided p-value of the moderated t test on the processes' log per-call times that the
   * current processes are slower ('slower') or faster ('faster') than the baseline's; H₀ no
   * change. A 'regressed' or 'improved' status always has pValue < (1 − confidence) / 2.
   * NaN when either side has no raw batch times.
   */
  pValue: number
  /** The alternative `pValue` tests: the direction of the estimate. */
  direction: 'slower' | 'faster'
  /** The relative threshold used, e.g. 0.05. */
  threshold: number
  /** Smallest relative change this comparison could have called a regression or improvement. */
  detectableEffect: number
  /**
   * Per-call time now (as measured) and in the baseline (ns) that `ratio` compares: the geometric
   * mean over the processes compared of each process's 10th percentile (see processTimesNs).
   * `ratio` is their ratio once the machine's speed at the time is taken out.
   */
  timeNs: [number, number]
  /**
   * Per-call median now (as measured) and in the baseline (ns), for people to read beside
   * `timeNs`: the geometric mean over the same processes of each process's median.
   */
  medianNs: [number, number]
  /** Calls per batch now and in the baseline. */
  batchSize: [number, number]
  /** Batches now and in the baseline. */
  samples: [number, number]
  /** Processes compared now and in the baseline (those left out not counted); each contributes its per-call time. */
  processes: [number, number]
  /** Spread between processes the interval used: standard deviation of log per-call time, prior included. */
  processSpread: number
  /** How the current environment differs from the baseline's, major differences first. */
  environmentDifferences: EnvironmentDifference[]
  /** True when the environments differ in a major way (whatever the status). */
  environmentChanged: boolean
  /** Why the status is what it is, in a sentence or two. */
  reason: string
  /** Caveats that do not change the status: different batch sizes, minor environment changes. */
  notes: string[]
  /**
   * Set when the baseline's processes disagree (see wildProcesses): the note that says so, which
   * the reporter prints whatever the status, since only recording the baseline again mends it.
   */
  baselineWarning?: string
  /** Set by {@link adjustForSuite}. */
  adjustment?: SuiteAdjustment
  /** Set by {@link mergeRemeasured}: the first measurement, which this one re-measured. */
  remeasured?: { first: FirstMeasurement; confirmed: boolean }
  /**
   * Set when a machine shift past the threshold alone would have decided the verdict (see
   * {@link SHIFT_DECIDES_AT_MOST}): the comparison as measured said otherwise, and the status is
   * 'inconclusive'. `ratio` and `interval` are the comparison as measured; `machineRatio` is the
   * machine's slowdown that was taken out (1.4 = 40% slower).
   */
  asMeasured?: { ratio: number; interval: [number, number]; machineRatio: number }
}

function optionsError(problem: string, fix: string): Error {
  return perfgateError('REGRESSION_OPTIONS_INVALID', { problem, fix })
}

// A stored bench has no timing of its own when it pools several runs; compareResults reads only
// the name, environment, batch times, batch size and stats of a result.
const STORED_TIMING: BenchResult['timing'] = {
  startedAt: '',
  endedAt: '',
  wallNs: 0,
  warmupNs: 0,
  budgetNs: 0,
  batchSizeSource: 'option',
  lockWaitNs: 0,
}

/** A stored bench (of a baseline or candidate file) as a result that can be compared. */
export function resultFromBaselineBench(name: string, bench: BaselineBench, env: Environment): BenchResult {
  return {
    name,
    env,
    batchSize: bench.batchSize,
    batchTimesNs: bench.batchTimesNs,
    async: false,
    stats: bench.stats,
    timing: bench.timing ?? STORED_TIMING,
  }
}

/**
 * A stored bench (of a baseline or candidate file) as one result per process it pooled (see
 * `batchesPerRun`); a file without that split gives one result.
 */
export function resultsFromBaselineBench(
  name: string,
  bench: BaselineBench,
  env: Environment,
): BenchResult[] {
  const whole = resultFromBaselineBench(name, bench, env)
  const runs = splitBatchesByRun(bench)
  return runs.length <= 1 ? [whole] : runs.map((batchTimesNs) => ({ ...whole, batchTimesNs }))
}

/**
 * Compare the current run of a bench with its baseline, treating the process as the unit of
 * measurement (see process-spread.ts): each fresh process, now and in the baseline, gives its
 * per-call time (the 10th percentile of its batches, see processTimesNs); the ratio is that of their geometric means, and its interval a moderated t
 * interval from how processes spread. Pass several results (each from its own fresh process) to
 * judge them together.
 *
 * - 'regressed': slower than the baseline by more than the threshold (the estimate is beyond
 *   1 + threshold) AND significantly (the interval excludes 1);
 * - 'improved': the same, faster (below 1 / (1 + threshold));
 * - 'unchanged': the estimate is within the threshold;
 * - 'inconclusive': the estimate is beyond the threshold but not significant (the processes
 *   spread too much to tell), or a side has no raw batch times;
 * - 'environment-changed': the environments differ in a major way and `failOnEnvironmentChange`
 *   is off: timings are not comparable, so no verdict (the numbers are still filled in).
 */
export function checkRegression(
  current: BenchResult | readonly BenchResult[],
  baseline: NamedBaselineBench,
  environments: EnvironmentPair,
  options: RegressionOptions = {},
  machine?: MachineSpeed,
): RegressionVerdict {
  const runs: readonly BenchResult[] = Array.isArray(current) ? current : [current as BenchResult]
  const first = runs[0]
  if (first === undefined) {
    throw optionsError(
      'no current result was given',
      'Pass the result bench() returned, or a list of results of the same bench from fresh processes.',
    )
  }
  const threshold = parsePercent(
    options.threshold ?? DEFAULT_REGRESSION_THRESHOLD,
    'checkRegression() option "threshold"',
  )
  const confidence = options.confidence ?? DEFAULT_REGRESSION_CONFIDENCE
  if (!(confidence > 0.5 && confidence < 1)) {
    throw optionsError(
      `confidence must be above 0.5 and below 1, received ${String(confidence)}`,
      'Use a value like 0.95 or 0.99.',
    )
  }
  const failOnEnvironmentChange = options.failOnEnvironmentChange ?? DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE
  const currentEnv = environments.current ?? first.env
  const differences = environmentDifferences(environments.baseline, currentEnv)
  const major = differences.filter((d) => d.severity === 'major')
  const minor = differences.filter((d) => d.severity === 'minor')
  const name = first.name || baseline.name

  const notes: string[] = []
  const sizes = [...new Set(runs.map((r) => r.batchSize))]
  if (sizes.some((size) => size !== baseline.batchSize)) {
    notes.push(
      `Batch sizes differ (${sizes.join(', ')} calls per batch now, ${baseline.batchSize} in the baseline): ` +
        'the quantiles of batch means shift a little with the batch size, so part of a small change may come from it. ' +
        `Measure with batchSize: ${baseline.batchSize} to match the baseline.`,
    )
  }
  if (minor.length > 0) {
    notes.push(
      `The environment differs in minor ways (${describeDifferences(minor)}); a change may come from it rather than the code.`,
    )
  }

  const rawTimes = runs.map(processTimesNs)
  const allRawTimes = rawTimes.flat()
  // Each process's time with the machine's speed at the time taken out.
  const allCurrentTimes = rawTimes.flatMap((times, i) =>
    times.map((t) => t * Math.exp(-(machine?.logShift[i] ?? 0))),
  )
  // Wild processes on either side are left out (see typicalProcesses), and said so. Which of the
  // current processes are wild is read from their times as measured: a slow period slows a
  // bench by its own factor, and a shift read from other benches can move it to anywhere between
  // (in run 16 of bench/regression-accuracy.ts, 1.0 and 1.9× became 1.2× and failed a bench).
  const allBaselineTimes = processTimesNs(baseline)
  const { keptNs: baselineTimes, wild } = typicalProcesses(allBaselineTimes)
  const baselineWarning =
    wild.length > 0 ? describeWildProcesses(wild, allBaselineTimes.length, name) : undefined
  if (baselineWarning !== undefined) notes.push(baselineWarning)
  const { wild: wildNow } = typicalProcesses(allRawTimes)
  const leftOut = new Set(wildNow.map((w) => w.index))
  const currentTimes = allCurrentTimes.filter((_, i) => !leftOut.has(i))
  if (wildNow.length > 0) notes.push(describeWildCurrent(wildNow, allCurrentTimes.length))
  const hasRaw = currentTimes.length > 0 && baselineTimes.length > 0
  const comparison = compareProcesses(currentTimes, baselineTimes, confidence)
  // The medians of the same processes, as measured, for people to read.
  const baselineOut = new Set(wild.map((w) => w.index))
  const medianNs: [number, number] = [
    geometricMeanOf(runs.flatMap((r) => processMediansNs(r)).filter((_, i) => !leftOut.has(i))),
    geometricMeanOf(processMediansNs(baseline).filter((_, i) => !baselineOut.has(i))),
  ]
  if (machine !== undefined && hasRaw) {
    const shifts = machine.logShift.slice(0, runs.length).filter(Number.isFinite)
    const mean = shifts.reduce((a, b) => a + b, 0) / Math.max(1, shifts.length)
    // Times are shown as measured; the ratio is the one the verdict rests on.
    comparison.centerNs = [comparison.centerNs[0] * Math.exp(mean), comparison.centerNs[1]]
    if (Math.abs(mean) >= 0.005) {
      notes.push(
        `Judged relative to the machine's speed at the time: ${machine.basis} ran ${formatPercent(Math.abs(Math.expm1(mean)))} ` +
          `${mean > 0 ? 'slower' : 'faster'} than their baselines, and that shift was taken out of the ratio.`,
      )
    }
  }
  const band = Math.log1p(threshold)
  const logRatio = Math.log(comparison.ratio)

  let status: RegressionStatus = !hasRaw
    ? 'inconclusive'
    : logRatio > band
      ? comparison.interval[0] > 1
        ? 'regressed'
        : 'inconclusive'
      : logRatio < -band
        ? comparison.interval[1] < 1
          ? 'improved'
          : 'inconclusive'
        : 'unchanged'
  // A machine shift past the threshold is read from other benches, which a disturbed machine
  // slows by their own factors: it may keep a bench from failing, but not clear it or call it
  // faster against what was measured (see SHIFT_DECIDES_AT_MOST).
  const asMeasured =
    machine !== undefined && hasRaw && (status === 'unchanged' || status === 'improved')
      ? overruledByShift(
          status,
          compareProcesses(
            allRawTimes.filter((_, i) => !leftOut.has(i)),
            baselineTimes,
            confidence,
          ),
          comparison.ratio,
          band,
        )
      : undefined
  if (asMeasured !== undefined) status = 'inconclusive'
  const detectableEffect = Math.expm1(Math.max(band, comparison.halfWidthLog))
  // A process that ran the code at the baseline's speed, as measured, contradicts the slower ones:
  // a change of the code slows every process, and the machine only ever slows them. So either the
  // slower processes beside it were the machine, however many, or the code settles at two speeds
  // and this process caught the faster one (see AT_BASELINE_SPEED). Either way the processes do
  // not decide, so the verdict is inconclusive, not unchanged: a real regression of a code with
  // two speeds was vetoed, too (run 34 of bench/regression-accuracy.ts).
  const fastestRatio =
    status === 'regressed' && runs.length > 1
      ? Math.min(...allRawTimes.filter((t) => t > 0)) / comparison.centerNs[1]
      : Number.NaN
  const veto =
    fastestRatio <= 1 + threshold * AT_BASELINE_SPEED
      ? { processes: allRawTimes.length, fastestRatio }
      : undefined
  if (veto !== undefined) status = 'inconclusive'
  // A speed the baseline's own processes ran the unchanged code at is no evidence of a change
  // (see SECOND_SPEED_PROCESSES).
  const secondSpeed = status === 'regressed' ? atSecondSpeed(wild, comparison) : undefined
  if (secondSpeed !== undefined) status = 'inconclusive'
  let reason = hasRaw
    ? explain(status, name, comparison, {
        confidence,
        threshold,
        thresholdSource: options.thresholdSource,
        detectableEffect,
        veto,
        secondSpeed,
        asMeasured,
        machineBasis: machine?.basis,
      })
    : runs.every((r) => r.batchTimesNs.length === 0)
      ? `No raw batch times in the current result of "${name}": a regression check compares the raw batches of both sides. Pass the result bench() returned, unchanged.`
      : `No raw batch times in the baseline of "${name}": a regression check compares the raw batches of both sides. Record the baseline again (perfgate baseline accept).`
  if (major.length > 0) {
    if (failOnEnvironmentChange) {
      reason = `Compared across environments (${describeDifferences(major)}) because failOnEnvironmentChange is set; the change may come from the environment rather than the code. ${reason}`
    } else {
      status = 'environment-changed'
      reason =
        `The baseline of "${name}" was measured in another environment (${describeDifferences(major)}), so the timings are not comparable and no verdict is given` +
        (hasRaw
          ? ` (for information: ${formatRatio(comparison.ratio)} the baseline's time, ${percentOf(confidence)} interval ${formatRange(comparison.interval[0], comparison.interval[1], formatRatio)})`
          : '') +
        '. Record a baseline in this environment (perfgate baseline accept), or set "failOnEnvironmentChange": true in the "regression" section to compare anyway.'
    }
  }

  return {
    kind: 'regression',
    name,
    status,
    ratio: comparison.ratio,
    interval: comparison.interval,
    delta: comparison.ratio - 1,
    confidence,
    pValue: hasRaw ? comparison.pValue : Number.NaN,
    direction: comparison.direction,
    threshold,
    detectableEffect,
    timeNs: comparison.centerNs,
    medianNs,
    batchSize: [first.batchSize, baseline.batchSize],
    samples: [runs.reduce((sum, r) => sum + r.batchTimesNs.length, 0), baseline.batchTimesNs.length],
    processes: comparison.processes,
    processSpread: comparison.spread,
    environmentDifferences: differences,
    environmentChanged: major.length > 0,
    reason,
    notes,
    ...(baselineWarning !== undefined && { baselineWarning }),
    ...(asMeasured !== undefined && { asMeasured }),
  }
}

/**
 * A regression needs every fresh process slower: one within this share of the threshold of the
 * baseline's time, as measured (0.5: within 2.5% at the default 5%), makes it inconclusive. On
 * this project's VM, in hours when the machine ran slow for seconds at a time, most fresh
 * processes of an unchanged bench read 1.4–2× and the one that ran in a fast stretch read its
 * baseline; the controls' shift, read from other benches slowed by their own factors, left the
 * slow ones 15–40% above it (run 19 of bench/regression-accuracy.ts). In run 34, 'regex test
 * email', 10% slower in 7 of 9 fresh processes, had 2 at its faster of two speeds, 0.946× the
 * baseline. Checked only with several processes now (a re-measurement): the run's own process
 * alone has nothing to veto it.
 */
export const AT_BASELINE_SPEED = 0.5

/**
 * A bench whose baseline had at least this many processes left out as slow periods (1.3× its
 * fastest or slower) has shown a second speed: it ran the unchanged code that slowly in more than
 * one process. A run at that speed now (within {@link SECOND_SPEED_MARGIN} of it, the machine's
 * shift taken out) is then 'inconclusive', not 'regressed': no number of processes at a speed the
 * code itself has shown tells a regression to it from the code settling there again.
 *
 * On this project's Intel VM (bench/regression-accuracy.ts, runs 19 and 20), an allocation-heavy
 * bench ran 1.3–1.6× its fastest in whole stretches of the run, in the run's own process and in
 * the fresh ones alike, while the other benches of the same processes mostly did not move; two of its ten baseline
 * processes had shown that speed, and it failed the unchanged suite in 4 of 20 runs. Replayed
 * over runs 13–20, the rule cut false alarms from 23 to 12 runs in 160 and real 10% regressions
 * caught from 94 to 91 (docs/accuracy.md, "A second speed"). One slow process is a fluke, not a
 * speed, and masks nothing.
 */
export const SECOND_SPEED_PROCESSES = 2

/**
 * How close to the baseline's second speed a run must be to be taken for it: from that speed's
 * fastest process ÷ 1.1 to its slowest × 1.1 (processes at one speed spread 1–5%, 12% for
 * allocation-heavy code). A real regression past it, or short of it, still fails.
 */
export const SECOND_SPEED_MARGIN = 1.1

/**
 * The largest machine shift, in thresholds, that may decide a verdict on its own. Past it (a
 * machine more than 5% slower than at the baseline, at the default threshold), a bench that the
 * shift would call 'unchanged' or 'improved' while its processes as measured say otherwise (slower,
 * or not faster) is 'inconclusive'. The shift may still keep a bench from failing: it never makes
 * a regression. Why: the shift is the median change of other benches, and on a disturbed machine
 * each bench slows by its own factor. On this project's Intel VM, in the processes of one such
 * hour, benches measured side by side ran 1.0–2.0× their baselines (bench/regression-accuracy.ts,
 * run 22): a shift of 66% read from three controls turned a bench 63% slower as measured, a true
 * 10% regression, into 'unchanged' (0.985×); shifts of 17–66% hid 9 of that run's 13 missed
 * regressions as 'unchanged' or 'improved'. Replayed over runs 13–22, such silent misses fell from
 * 53 to 7 of 200 and the unchanged suite's false 'improved' verdicts from 321 to 19 of 4000, with
 * the same failures (docs/accuracy.md, "A machine shift decides nothing").
 * A shift within the threshold is taken out as before: when the machine is calm the controls
 * agree closely.
 */
export const SHIFT_DECIDES_AT_MOST = 1

/**
 * The comparison as measured (`raw`), when the machine's shift taken out of it (down to
 * `shiftedRatio`) is past {@link SHIFT_DECIDES_AT_MOST} thresholds and turned it into `status`
 * ('unchanged' or 'improved') against what it says: slower beyond the threshold or not
 * significantly different, for 'unchanged'; anything but faster beyond the threshold and
 * significantly, for 'improved'.
 */
function overruledByShift(
  status: 'unchanged' | 'improved',
  raw: ProcessComparison,
  shiftedRatio: number,
  band: number,
): RegressionVerdict['asMeasured'] {
  const shift = Math.log(raw.ratio / shiftedRatio)
  if (!(shift > band * SHIFT_DECIDES_AT_MOST)) return undefined
  const logRaw = Math.log(raw.ratio)
  const agrees = status === 'improved' ? logRaw < -band && raw.interval[1] < 1 : Math.abs(logRaw) <= band
  return agrees ? undefined : { ratio: raw.ratio, interval: raw.interval, machineRatio: Math.exp(shift) }
}

/** The baseline's second speed, when the run now sits at it (see SECOND_SPEED_PROCESSES). */
interface SecondSpeed {
  /** Baseline processes at the second speed. */
  processes: number
  /** Their fastest and slowest per-call time, as measured (ns). */
  rangeNs: [number, number]
  /** The run's time now, the machine's shift taken out (ns). */
  nowNs: number
}

function atSecondSpeed(
  baselineWild: readonly WildProcess[],
  comparison: ProcessComparison,
): SecondSpeed | undefined {
  const slowNs = baselineWild.filter((w) => w.kind === 'slow-period').map((w) => w.timeNs)
  if (slowNs.length < SECOND_SPEED_PROCESSES) return undefined
  const rangeNs: [number, number] = [Math.min(...slowNs), Math.max(...slowNs)]
  const nowNs = comparison.ratio * comparison.centerNs[1]
  const within = nowNs * SECOND_SPEED_MARGIN >= rangeNs[0] && nowNs <= rangeNs[1] * SECOND_SPEED_MARGIN
  return within ? { processes: slowNs.length, rangeNs, nowNs } : undefined
}

/** The note on a baseline whose processes disagree (see wildProcesses). */
function describeWildProcesses(wild: readonly WildProcess[], processes: number, name: string): string {
  // A far process slower than the rest is the one a threshold of the bench's own can allow for;
  // a slow period is the machine's, which no threshold should absorb.
  const slowestFar = Math.max(0, ...wild.filter((w) => w.kind === 'far').map((w) => w.ratio))
  const own =
    slowestFar <= 1
      ? ''
      : ` If it keeps coming back, give the bench a threshold its processes' spread cannot reach (they ran up to ${formatPercent(slowestFar - 1)} apart): ` +
        `"regression": { "benches": { ${JSON.stringify(name)}: { "threshold": "${suggestedThresholdPercent(slowestFar)}%" } } } in the perfgate config.`
  return (
    `${describeLeftOut(wild, `the baseline's ${processes} processes`)} of the comparison of "${name}": ` +
    'such a process tells of a disturbed machine or a second speed the code settles into in some processes, not of the code, and would widen every interval. ' +
    `Record the baseline again (PERFGATE_UPDATE=1 or vitest -u) to see whether it was a fluke; if it comes back, the bench measures a process state, not only the code.${own}`
  )
}

/** A bench threshold past a spread between processes (1.11 → 15): the next multiple of 5% above it. */
function suggestedThresholdPercent(ratio: number): number {
  return (Math.floor(((ratio - 1) * 100) / 5) + 1) * 5
}

/** The note on fresh processes left out of a comparison (see typicalProcesses). */
function describeWildCurrent(wild: readonly WildProcess[], processes: number): string {
  return `${describeLeftOut(wild, `the ${processes} processes measured now`)}: the verdict rests on the other ${processes - wild.length}.`
}

/**
 * "One of <side> ran far from the others (…) and was left out", with how far each was; processes
 * of a slow period (see slowPeriodProcesses) are named as such.
 */
function describeLeftOut(wild: readonly WildProcess[], side: string): string {
  const who = (n: number) => (n === 1 ? `One of ${side}` : `${n} of ${side}`)
  const was = (n: number) => (n === 1 ? 'was' : 'were')
  const slow = wild.filter((w) => w.kind === 'slow-period')
  const far = wild.filter((w) => w.kind === 'far')
  const parts: string[] = []
  if (slow.length > 0) {
    const ratios = slow.map((w) => formatRatio(w.ratio)).join(', ')
    parts.push(
      `${who(slow.length)} ran ${ratios} the fastest (at least ${formatRatio(SLOW_PERIOD_RATIO)}: a slow period of the machine, since a change of the code moves every process) and ${was(slow.length)} left out`,
    )
  }
  if (far.length > 0) {
    const offs = far
      .map((w) =>
        w.ratio >= 1 ? `${formatPercent(w.ratio - 1)} slower` : `${formatPercent(1 - w.ratio)} faster`,
      )
      .join(', ')
    parts.push(
      `${slow.length > 0 ? `${far.length} more` : who(far.length)} ran far from the others (${offs} than the median process) and ${was(far.length)} left out`,
    )
  }
  return parts.join('; ')
}

function explain(
  status: RegressionStatus,
  name: string,
  comparison: ProcessComparison,
  context: {
    confidence: number
    threshold: number
    /** Where the threshold came from when it is the bench's own (see RegressionOptions). */
    thresholdSource?: string | undefined
    detectableEffect: number
    /** Set when a process at the baseline's speed turned a regression into 'inconclusive'. */
    veto?: { processes: number; fastestRatio: number } | undefined
    /** Set when the baseline's second speed turned a regression into 'inconclusive'. */
    secondSpeed?: SecondSpeed | undefined
    /** Set when a machine shift past the threshold alone would have decided the verdict. */
    asMeasured?: RegressionVerdict['asMeasured']
    /** What the machine's shift was read from, as the note on it says. */
    machineBasis?: string | undefined
  },
): string {
  const { ratio } = comparison
  const [lo, hi] = comparison.interval
  const interval = `${percentOf(context.confidence)} interval ${formatRange(lo, hi, formatRatio)}`
  const source = context.thresholdSource === undefined ? '' : ` (${context.thresholdSource})`
  const band = `${formatPercent(context.threshold)} threshold${source}`
  const [now, before] = comparison.processes
  const basis =
    `${formatDuration(comparison.centerNs[0])} per call at the ${PROCESS_TIME_LABEL} of batches, baseline ${formatDuration(comparison.centerNs[1])}; ` +
    `${processes(now)} now, ${processes(before)} in the baseline, spread between processes ${formatPercent(comparison.spread)}`
  const p = `one-sided ${pEquals(comparison.pValue)}`
  const change = changeFrom(ratio)
  const significant = `${change} the baseline (${formatRatio(ratio)}, ${interval}; ${basis}), beyond the ${band} and significant (${p}).`
  const { veto } = context
  if (veto !== undefined) {
    return (
      `"${name}" is inconclusive: one of the ${veto.processes} processes measured now ran at the baseline's speed (${formatRatio(veto.fastestRatio)} its time, as measured), ` +
      `and a change of the code slows every process: either the machine slowed the others, or the code settles at two speeds and that process caught the faster one. ` +
      `Run it again on a quieter machine; if it keeps coming back, the bench has two speeds here. The others said: ${significant}`
    )
  }
  const { secondSpeed } = context
  if (secondSpeed !== undefined) {
    const [from, to] = secondSpeed.rangeNs
    return (
      `"${name}" is inconclusive: it runs at ${formatDuration(secondSpeed.nowNs)} per call now, and ${secondSpeed.processes} of the baseline's processes ran the unchanged code at ${formatDuration(from)}–${formatDuration(to)}: ` +
      `a second speed this bench settles into in some processes on this machine, which no number of processes at it tells from a regression to it. ` +
      `Run it again: one process at the bench's usual speed clears it. If it keeps this speed, record the baseline again (PERFGATE_UPDATE=1 or vitest -u) to see whether the second speed comes back. ` +
      `The processes said: ${significant}`
    )
  }
  const { asMeasured } = context
  if (asMeasured !== undefined) {
    const shifted =
      Math.abs(Math.log(ratio)) <= Math.log1p(context.threshold) ? 'unchanged' : 'an improvement'
    return (
      `"${name}" is inconclusive: it ran ${changeFrom(asMeasured.ratio)} the baseline as measured (${formatRatio(asMeasured.ratio)}, ${percentOf(context.confidence)} interval ${formatRange(asMeasured.interval[0], asMeasured.interval[1], formatRatio)}), ` +
      `and ${context.machineBasis ?? 'the other benches'} ran ${formatPercent(asMeasured.machineRatio - 1)} slower than theirs. ` +
      `With that shift taken out it reads ${formatRatio(ratio)} (${interval}), which would be ${shifted}, but a shift past the ${band} comes from a disturbed machine, which slows each bench by its own factor, so it cannot decide this one. ` +
      `Run it again on a quieter machine; if the machine is always this much slower now, record the baseline again on it (PERFGATE_UPDATE=1 or vitest -u).`
    )
  }
  switch (status) {
    case 'regressed':
      return `"${name}" regressed: ${significant}`
    case 'improved':
      return `"${name}" improved: ${significant}`
    case 'unchanged': {
      const reach =
        context.detectableEffect > context.threshold * 1.0001
          ? `; this comparison could only tell changes above ${formatPercent(context.detectableEffect)} from noise`
          : ''
      return `"${name}" is unchanged: ${change} the baseline, within the ±${band} (${formatRatio(ratio)}, ${interval}; ${basis})${reach}.`
    }
    default:
      return (
        `"${name}" is inconclusive: ${change} the baseline (${formatRatio(ratio)}), beyond the ${band}, but not significantly: ` +
        `the ${interval} includes no change (${basis}). More processes settle it: a re-measurement, or a baseline recorded from more processes (regression.baselineRuns).`
      )
  }
}

/** `12% slower than` or `3.5% faster than`, for a ratio now/baseline. */
function changeFrom(ratio: number): string {
  return ratio >= 1 ? `${formatPercent(ratio - 1)} slower than` : `${formatPercent(1 - ratio)} faster than`
}

/** Geometric mean of times (NaN for none). */
function geometricMeanOf(timesNs: readonly number[]): number {
  return timesNs.length === 0 ? Number.NaN : geometricMean(timesNs)
}

function processes(count: number): string {
  return count === 1 ? '1 process' : `${count} processes`
}

// ---------------------------------------------------------------------------------------------
// A whole suite

/** How {@link adjustForSuite} controls false alarms across benches. */
export type SuiteAdjustMethod = 'holm' | 'benjamini-hochberg'

/** Options of {@link adjustForSuite}. */
export interface SuiteAdjustOptions {
  /**
   * 'holm' bounds the chance of any false regression in the suite by alpha; 'benjamini-hochberg'
   * bounds the expected share of false ones among those reported, which keeps more real ones
   * when many benches changed.
   * @default DEFAULT_SUITE_ADJUST_METHOD ('holm')
   */
  method?: SuiteAdjustMethod
  /** @default 1 − the verdicts' confidence (0.05 at the default 0.95) */
  alpha?: number
}

export const DEFAULT_SUITE_ADJUST_METHOD: SuiteAdjustMethod = 'holm'

/**
 * Control the suite-wide false-alarm rate: adjust the p-values of all compared benches together
 * (Holm or Benjamini–Hochberg; see src/stats/multiple-testing.ts), and turn a 'regressed' or
 * 'improved' whose adjusted p-value exceeds alpha into 'inconclusive', saying why. Benches with
 * status 'environment-changed' were not judged and are left out of the family; a missing p-value
 * counts as 1. Returns new verdicts in the same order.
 *
 * What is adjusted is the two-sided p-value min(1, 2 × pValue): `pValue` is one-sided in the
 * direction the data chose, which alone would let each bench raise an alarm in either direction
 * at twice the rate. With Holm, the chance that a suite where nothing changed reports any
 * regression or improvement is then at most alpha, as the per-bench interval does for one bench at
 * confidence 1 − alpha; so with the default alpha one bench is never demoted.
 */
export function adjustForSuite(
  verdicts: readonly RegressionVerdict[],
  options: SuiteAdjustOptions = {},
): RegressionVerdict[] {
  const method = options.method ?? DEFAULT_SUITE_ADJUST_METHOD
  const family = verdicts.filter((v) => v.status !== 'environment-changed')
  const alpha =
    options.alpha ??
    (family.length === 0
      ? 1 - DEFAULT_REGRESSION_CONFIDENCE
      : Math.min(...family.map((v) => 1 - v.confidence)))
  // 1 − 0.95 is 0.050000000000000044 in binary: show and compare the value people mean.
  const cleanAlpha = Number(alpha.toPrecision(12))
  if (!(cleanAlpha > 0 && cleanAlpha < 1)) {
    throw perfgateError('SUITE_ADJUST_OPTIONS_INVALID', {
      problem: `alpha must be above 0 and below 1, received ${String(alpha)}`,
      fix: 'Use a value like 0.05.',
    })
  }
  const pValues = family.map((v) => (Number.isNaN(v.pValue) ? 1 : Math.min(1, 2 * v.pValue)))
  const adjusted = method === 'holm' ? holmAdjust(pValues) : benjaminiHochbergAdjust(pValues)
  const byVerdict = new Map(family.map((v, i) => [v, adjusted[i]!]))
  const label = method === 'holm' ? 'Holm' : 'Benjamini–Hochberg'
  return verdicts.map((verdict) => {
    const adjustedPValue = byVerdict.get(verdict)
    if (adjustedPValue === undefined) return verdict
    const adjustment: SuiteAdjustment = { method, alpha: cleanAlpha, adjustedPValue, tests: family.length }
    if ((verdict.status === 'regressed' || verdict.status === 'improved') && adjustedPValue > cleanAlpha) {
      return {
        ...verdict,
        status: 'inconclusive',
        reason:
          `${verdict.reason} Not counted as ${verdict.status === 'regressed' ? 'a regression' : 'an improvement'}: ` +
          `across the ${family.length} benches compared, its ${label}-adjusted p-value ${formatP(adjustedPValue)} is above ${cleanAlpha}, ` +
          'so it could be one of the false alarms expected among that many comparisons.',
        adjustment: { ...adjustment, demotedFrom: verdict.status },
      }
    }
    return { ...verdict, adjustment }
  })
}

/**
 * How slow a first measurement must look to be re-measured: beyond 1 + threshold × this, on the
 * log scale (√1.05 ≈ 1.025 at the default 5%). Lower than the threshold itself, because one
 * process's estimate of a real 10% slowdown lands below 5% now and then (its spread between
 * processes is 2–4%), and a regression the screen lets through is never caught.
 */
export const REMEASURE_SCREEN_FRACTION = 0.5

export { DEFAULT_REMEASURE_RUNS }

/**
 * How large a slowdown a first measurement must rule out not to be re-measured: (1 + threshold)
 * to this power (1.1025 at the default 5%), against the upper end of its interval.
 *
 * Why: the screen on the estimate alone lets a regression through whenever the run's one process
 * lands low, and on a bench whose processes spread widely that is common. In six runs of
 * bench/regression-accuracy.ts, 8 of the 10% slowdowns that went uncaught were never looked at
 * again: their first process read 0.86–1.02. Five of them had intervals reaching 1.20–2.06. On a
 * quiet bench the interval of one process is narrow enough (about ±6%) that this adds nothing
 * to the screen on the estimate; on a noisy one it re-measures about one bench more per run.
 */
export const REMEASURE_REACH_POWER = 2

/**
 * The benches to measure again in fresh processes before a verdict: not yet re-measured, not
 * 'environment-changed', and either slower than the baseline by more than
 * {@link REMEASURE_SCREEN_FRACTION} of the threshold or unable to rule out a slowdown of
 * {@link REMEASURE_REACH_POWER} thresholds (see {@link reachesPastScreen}). A screen, not a
 * verdict: most of them turn out unchanged. Re-measure each with its baseline's batch size
 * (`verdict.batchSize[1]`), check the fresh processes alone with {@link checkRegression}, and
 * merge with {@link mergeRemeasured}.
 */
export function needsRemeasure(verdicts: readonly RegressionVerdict[]): RegressionVerdict[] {
  return verdicts.filter(
    (v) =>
      v.remeasured === undefined &&
      v.status !== 'environment-changed' &&
      Number.isFinite(v.pValue) &&
      (slowerThanScreen(v) || reachesPastScreen(v)),
  )
}

/**
 * The interval's upper end lies beyond (1 + threshold) ^ {@link REMEASURE_REACH_POWER}: this
 * measurement cannot tell the code from one that much slower. Only against a baseline of two
 * processes or more: a one-process baseline (`perfgate baseline accept` of a plain run) knows
 * nothing of its bench's spread, so every interval it gives is the prior's, about ±12% wide, and
 * this screen would re-measure every bench of every run.
 */
export function reachesPastScreen(
  v: Pick<RegressionVerdict, 'interval' | 'threshold' | 'processes'>,
): boolean {
  return v.processes[1] >= 2 && Math.log(v.interval[1]) > Math.log1p(v.threshold) * REMEASURE_REACH_POWER
}

/** Slower than the baseline by more than {@link REMEASURE_SCREEN_FRACTION} of the threshold. */
export function slowerThanScreen(v: Pick<RegressionVerdict, 'ratio' | 'threshold'>): boolean {
  return Math.log(v.ratio) > Math.log1p(v.threshold) * REMEASURE_SCREEN_FRACTION
}

/**
 * The verdict after a re-measurement: `second` (the fresh processes alone) decides, and `first`
 * (the run's own process, which the screen picked) is kept in `remeasured`. A regression then
 * fails only when processes that the screen did not choose show it too.
 */
export function mergeRemeasured(first: RegressionVerdict, second: RegressionVerdict): RegressionVerdict {
  const record: FirstMeasurement = {
    status: first.status,
    ratio: first.ratio,
    interval: first.interval,
    pValue: first.pValue,
  }
  const change =
    first.ratio >= 1 ? `${formatPercent(first.delta)} slower` : `${formatPercent(-first.delta)} faster`
  const firstText = `${change} (${formatRatio(first.ratio)}, ${percentOf(first.confidence)} interval ${formatRange(first.interval[0], first.interval[1], formatRatio)})`
  const fresh = second.processes[0] === 1 ? '1 fresh process' : `${second.processes[0]} fresh processes`
  const adjustment = second.adjustment ?? first.adjustment
  const merged = { ...second, ...(adjustment !== undefined && { adjustment }) }
  const confirmed = second.status === 'regressed'
  if (confirmed || second.status === 'environment-changed') {
    return {
      ...merged,
      reason: confirmed
        ? `${second.reason} Measured in ${fresh} after the run's own process looked ${firstText}.`
        : second.reason,
      remeasured: { first: record, confirmed },
    }
  }
  return {
    ...merged,
    reason:
      `"${second.name}" looked ${firstText} in the run's own process, so it was measured again in ${fresh}: ` +
      second.reason,
    remeasured: { first: record, confirmed: false },
  }
}

// ---------------------------------------------------------------------------------------------

/** `cpu.model Intel → AMD; runtime.version v20.1.0 → v22.3.0`: baseline's value, then the current one. */
export function describeDifferences(differences: readonly EnvironmentDifference[]): string {
  return differences.map((d) => `${d.field} ${d.a} → ${d.b}`).join('; ')
}

/** A confidence level as people write it: 95%, 99%, 98.33% (up to two decimals, none trailing). */
export function percentOf(confidence: number): string {
  return `${Number((confidence * 100).toFixed(2))}%`
}

/** `p = 0.032`, or `p < 1e-300` when it underflowed to 0 (a p-value is never exactly 0). */
export function pEquals(p: number): string {
  return p === 0 ? 'p < 1e-300' : `p = ${formatP(p)}`
}

/** A p-value in two significant digits: 0.032, 4.1e-7; `unknown` for NaN. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'unknown'
  if (p === 0) return '0'
  return p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1)
}

/**
 * How often the regression guard cries wolf, and how often it catches a real regression.
 *
 *   node --expose-gc --import tsx bench/regression-accuracy.ts [options]
 *
 * The guard is checkSuite() (src/baseline/check-suite.ts), the function the Vitest reporter
 * runs: every bench's process-level comparison with its baseline, Holm across the suite, and
 * whatever looks slower than half the threshold (or cannot rule out twice it) measured again in
 * rounds of 3 fresh processes (up to 3 rounds, each tested at 0.05 / 3), which then decide; on
 * either side, a process far from the rest, or 1.3× the fastest (a slow period of the machine), is
 * left out, and a suspect slow in every fresh process gets another round once slow periods have
 * shown. This script runs it on the 20 benches of bench/regression-suite.ts:
 *
 * - a baseline from 5 fresh processes, batch sizes pinned to the first's, and 5 more for the
 *   benches whose processes disagree by more than 10% (as an update with
 *   PERFGATE_UPDATE=1 records it; --baseline-runs 1 is what `perfgate baseline accept` of a
 *   plain run's candidate gives);
 * - A/A trials: a fresh process measures the unchanged suite, checkSuite() compares it with the
 *   baseline, and its `remeasure` spawns a fresh process per call for the suspects. Any bench
 *   that ends 'regressed' is a false alarm (target: at most 1 run in 20);
 * - regression trials: the same, with one bench doing 10% more work (22 repetitions of its unit
 *   instead of 20), in the first measurement and in the re-measurement, as a real regression
 *   would. Trial i slows bench i mod 20, so 20 trials slow each bench once. Caught when that
 *   bench ends 'regressed' (target: at least 95%).
 *
 * Nothing is measured in this process: every measurement is a fresh child process (`--child`),
 * because the state a process's JIT settles into is part of what a baseline and a later run
 * differ by. All processes of a run share one calibration cache in a fresh temporary folder, as
 * the processes of one checkout share node_modules/.cache/perfgate.
 *
 * Prints Markdown to stdout and progress to stderr; `--json <file>` keeps every trial's verdicts.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { seedBatchSizes } from '../reporters/seed-batch-sizes.js'
import { baselineFromResults } from '../src/baseline/baseline-file.js'
import { checkSuite, type RemeasureRequest } from '../src/baseline/check-suite.js'
import {
  type ProcessBatches,
  processMediansNs,
  processTimesNs,
  splitBatchesByRun,
} from '../src/baseline/process-spread.js'
import { recordBaselineProcesses } from '../src/baseline/record-baseline-processes.js'
import type { RegressionVerdict } from '../src/baseline/regression.js'
import {
  DEFAULT_BASELINE_RUNS,
  DEFAULT_REMEASURE_ROUNDS,
  DEFAULT_REMEASURE_RUNS,
} from '../src/config/schema.js'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { bench } from '../src/measure/bench.js'
import { fileCalibrationCache } from '../src/measure/calibration-cache.js'
import type { BenchOptions, BenchResult } from '../src/measure/types.js'
import { quantile as quantileOfSorted } from '../src/stats/quantile.js'
import { sortSamples } from '../src/stats/sorted-samples.js'
import { formatNs, formatRange, formatRatio, formatShare, maxOf, median, minOf } from './numbers.js'
import { BASE_REPS, benchRandom, suite } from './regression-suite.js'
import { markdownTable, status } from './table.js'

const run = promisify(execFile)
const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(benchDir, '..')
const scriptPath = fileURLToPath(import.meta.url)

/** The targets of the issue. */
const MAX_FALSE_ALARM_RUNS = 1 / 20
const MIN_DETECTION_RATE = 0.95
/** The true slowdown of the regression trials: 22 repetitions of the unit instead of 20. */
const DEFAULT_FACTOR = 1.1
const DEFAULT_TRIALS = 20
const DEFAULT_SEED = 1
/** A trial during which the machine kept more cores busy than this had a busy neighbour. */
const BUSY_NEIGHBOUR_CORES = 1.3
/** A child that takes longer has hung (or waits on another process's measurement lock for too long). */
const CHILD_TIMEOUT_MS = 10 * 60_000

const HELP = `Usage: node --expose-gc --import tsx bench/regression-accuracy.ts [options]

Error rates of the regression guard (checkSuite: processes compared against a 5% threshold,
Holm across the suite, suspects re-measured in fresh processes) on a suite of ${suite.length} benches.

Options:
  --trials <n>          trials of each kind (default ${DEFAULT_TRIALS})
  --time <duration>     bench() time per bench, e.g. 500ms or 1s (default: bench()'s own, 500 ms)
  --seed <n>            seed of the benches' inputs (default ${DEFAULT_SEED})
  --only <kind>         aa (unchanged suite) or regression (one bench ${Math.round((DEFAULT_FACTOR - 1) * 100)}% slower); default both
  --factor <x>          how much more work the slowed bench does (default ${DEFAULT_FACTOR}); x × ${BASE_REPS} must be whole
  --baseline-runs <n>   fresh processes the baseline is recorded from (default ${DEFAULT_BASELINE_RUNS}, as an update records it)
  --remeasure-runs <n>  fresh processes a suspect is measured again in, per round (default ${DEFAULT_REMEASURE_RUNS}, as the reporter does)
  --remeasure-rounds <n>  rounds a suspect may get (default ${DEFAULT_REMEASURE_ROUNDS}, as the reporter does; 1 = one look)
  --json <file>         write every trial's verdicts there (gzipped when it ends in .gz)
  --node-flag <flag>    start every measuring process with this flag too (repeatable), e.g.
                        --node-flag=--min-semi-space-size=8 --node-flag=--max-semi-space-size=8
  --help                this text

A full default run takes 20–30 minutes on a 2-core machine.

Child mode (run by the parent, one fresh process per measurement):
  --child --out <file> [--time <d>] [--seed <n>] [--slow <name>=<factor>] [--request <name>=<batchSize> ...]
`

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    out: { type: 'string' },
    slow: { type: 'string' },
    request: { type: 'string', multiple: true },
    trials: { type: 'string' },
    time: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
    factor: { type: 'string' },
    'baseline-runs': { type: 'string' },
    'remeasure-runs': { type: 'string' },
    'remeasure-rounds': { type: 'string' },
    json: { type: 'string' },
    'node-flag': { type: 'string', multiple: true, default: [] },
  },
})
/** Flags every measuring process starts with (besides --expose-gc), e.g. a pinned young generation. */
const nodeFlags = values['node-flag'] ?? []
for (const flag of nodeFlags) {
  if (!flag.startsWith('--'))
    fail(`--node-flag takes a Node or V8 flag such as --max-semi-space-size=8, received "${flag}".`)
}

function fail(message: string): never {
  console.error(`regression-accuracy: ${message}`)
  process.exit(2)
}

function positiveInteger(text: string | undefined, fallback: number, option: string): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) fail(`${option} takes a whole number above 0, received "${text}".`)
  return n
}

/** Repetitions per call that make `factor` × the work of an unchanged bench; whole, or an error. */
function slowReps(factor: number): number {
  const reps = BASE_REPS * factor
  if (!(factor > 0) || Math.abs(reps - Math.round(reps)) > 1e-9) {
    fail(`a factor must make a whole number of repetitions: ${factor} × ${BASE_REPS} = ${reps}.`)
  }
  return Math.round(reps)
}

/** "name=value", split at the last "=" so a bench name may hold one. */
function splitPair(text: string, option: string): [string, number] {
  const at = text.lastIndexOf('=')
  const value = Number(text.slice(at + 1))
  if (at <= 0 || !Number.isFinite(value)) fail(`${option} takes <name>=<number>, received "${text}".`)
  return [text.slice(0, at), value]
}

// ---------------------------------------------------------------------------------------------
// Child: one fresh process measures the suite, or the requested part of it

interface ChildOutput {
  results: BenchResult[]
  /** The slowed bench and its repetitions per call, when one was slowed. */
  slow: { name: string; reps: number } | null
}

async function runChild(): Promise<void> {
  const out = values.out ?? fail('--child needs --out <file>.')
  const seed = positiveInteger(values.seed, DEFAULT_SEED, '--seed')
  const [slowName, factor] = values.slow === undefined ? [undefined, 1] : splitPair(values.slow, '--slow')
  if (slowName !== undefined && !suite.some((b) => b.name === slowName))
    fail(`no bench is called "${slowName}".`)
  // A re-measurement asks for some benches, each with the batch size of its baseline.
  const requested = new Map((values.request ?? []).map((r) => splitPair(r, '--request')))
  const results: BenchResult[] = []
  for (const [index, entry] of suite.entries()) {
    if (requested.size > 0 && !requested.has(entry.name)) continue
    const reps = entry.name === slowName ? slowReps(factor) : BASE_REPS
    const options: BenchOptions = {
      ...(values.time !== undefined && { time: values.time }),
      ...(requested.has(entry.name) && { batchSize: requested.get(entry.name)! }),
    }
    results.push(await bench(entry.name, entry.make(benchRandom(seed, index), reps), options))
  }
  const output: ChildOutput = {
    results,
    slow: slowName === undefined ? null : { name: slowName, reps: slowReps(factor) },
  }
  await writeFile(out, JSON.stringify(output))
}

// ---------------------------------------------------------------------------------------------
// Parent: baseline, trials, checkSuite, tables

interface ChildRequest {
  slow?: string | undefined
  requests?: readonly RemeasureRequest[]
}

interface Context {
  tmp: string
  cacheDir: string
  seed: number
  time: string | undefined
  factor: number
  remeasureRuns: number
  remeasureRounds: number
  childCount: number
  lockWaitNs: number
}

async function spawnChild(context: Context, request: ChildRequest): Promise<ChildOutput> {
  const out = join(context.tmp, `child-${++context.childCount}.json`)
  const args = [
    '--expose-gc',
    ...nodeFlags,
    '--import',
    'tsx',
    scriptPath,
    '--child',
    '--out',
    out,
    '--seed',
    String(context.seed),
    ...(context.time === undefined ? [] : ['--time', context.time]),
    ...(request.slow === undefined ? [] : ['--slow', `${request.slow}=${context.factor}`]),
    ...(request.requests ?? []).flatMap((r) => ['--request', `${r.name}=${r.batchSize}`]),
  ]
  try {
    await run(process.execPath, args, {
      cwd: repoRoot,
      timeout: CHILD_TIMEOUT_MS,
      env: { ...process.env, PERFGATE_CACHE_DIR: context.cacheDir },
    })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`a measuring process failed: ${stderr.trim().split('\n').slice(-5).join(' / ')}`, {
      cause: error,
    })
  }
  const output = JSON.parse(await readFile(out, 'utf8')) as ChildOutput
  for (const result of output.results) context.lockWaitNs += result.timing.lockWaitNs
  return output
}

type Kind = 'aa' | 'regression'

/** What one bench's verdict was, kept per trial. */
interface VerdictRecord {
  name: string
  status: RegressionVerdict['status']
  ratio: number
  interval: [number, number]
  pValue: number
  adjustedPValue: number | null
  /** 'regressed' or 'improved' before Holm demoted it to 'inconclusive'. */
  demotedFrom: 'regressed' | 'improved' | null
  /** The first measurement of a re-measured suspect. */
  first: {
    status: RegressionVerdict['status']
    ratio: number
    interval: [number, number]
    pValue: number
  } | null
  confirmed: boolean | null
  /** Per-call time the ratio compares (each process's 10th percentile), now and in the baseline. */
  timeNs: [number, number]
  medianNs: [number, number]
  batchSize: [number, number]
  samples: [number, number]
  processes: [number, number]
  processSpread: number
}

interface TrialRecord {
  kind: Kind
  trial: number
  /** The bench doing `factor` × the work, in a regression trial. */
  slowed: string | null
  /** 1-minute load average before and after the trial. */
  load: [number, number]
  /**
   * Cores the whole machine kept busy during the trial (from /proc/stat; null elsewhere). The
   * measuring process keeps about one busy, so more means another process was running.
   */
  busyCores: number | null
  wallNs: number
  /** Benches re-measured (each in remeasureRuns fresh processes). */
  remeasured: string[]
  /** Fresh processes the re-measurement took (the whole-suite re-runs among them). */
  remeasureProcesses: number
  /** Fresh processes that measured the whole suite again because the run's process was disturbed. */
  rerunProcesses?: number
  remeasureError: string | null
  verdicts: VerdictRecord[]
  /**
   * Every process the trial measured, in order: the run's own, then each re-measuring one, with
   * each bench's per-call median (ns). Enough to replay checkSuite() under another rule
   * offline without measuring again.
   */
  processes: ProcessRecord[]
  /** Set when the trial's first measuring process failed; the trial is then not counted. */
  error?: string
}

/**
 * One measuring process of a trial: which it was, and its benches' per-call medians, 10th
 * percentiles (for trying other process statistics offline) and batch sizes.
 */
export interface ProcessRecord {
  phase: 'run' | 'remeasure'
  mediansNs: Record<string, number>
  p10Ns: Record<string, number>
  /** Per bench, its per-call batch times at each of {@link RECORDED_QUANTILES} (from 2026-11-22, run 22). */
  quantilesNs: Record<string, number[]>
  batchSizes: Record<string, number>
}

/**
 * The quantiles of each process's per-call batch times kept in the --json output, for
 * bench/replay-guard.ts --statistic: the fastest batch, the 2nd, 5th, 10th and 25th percentiles
 * and the median.
 */
export const RECORDED_QUANTILES = [0, 0.02, 0.05, 0.1, 0.25, 0.5] as const

/** Each process's per-call batch times at {@link RECORDED_QUANTILES}, each process sorted once. */
function processQuantilesNs(bench: ProcessBatches): number[][] {
  return splitBatchesByRun(bench).map((batches) => {
    const sorted = sortSamples(batches.map((t) => t / bench.batchSize))
    return RECORDED_QUANTILES.map((p) => quantileOfSorted(sorted, p))
  })
}

/** Where the 10th percentile sits in a row of {@link processQuantilesNs} (the `p10Ns` field). */
const P10_INDEX = RECORDED_QUANTILES.indexOf(0.1)

function processRecord(phase: ProcessRecord['phase'], results: readonly BenchResult[]): ProcessRecord {
  // One process per result: its one row of quantiles, which the 10th percentile is read from too.
  const quantiles = results.map((r) => [r.name, processQuantilesNs(r)[0] ?? []] as const)
  return {
    phase,
    mediansNs: Object.fromEntries(results.map((r) => [r.name, processMediansNs(r)[0] ?? Number.NaN])),
    p10Ns: Object.fromEntries(quantiles.map(([name, row]) => [name, row[P10_INDEX] ?? Number.NaN])),
    quantilesNs: Object.fromEntries(quantiles),
    batchSizes: Object.fromEntries(results.map((r) => [r.name, r.batchSize])),
  }
}

function toRecord(v: RegressionVerdict): VerdictRecord {
  return {
    name: v.name,
    status: v.status,
    ratio: v.ratio,
    interval: v.interval,
    pValue: v.pValue,
    adjustedPValue: v.adjustment?.adjustedPValue ?? null,
    demotedFrom: v.adjustment?.demotedFrom ?? null,
    first: v.remeasured
      ? {
          status: v.remeasured.first.status,
          ratio: v.remeasured.first.ratio,
          interval: v.remeasured.first.interval,
          pValue: v.remeasured.first.pValue,
        }
      : null,
    confirmed: v.remeasured?.confirmed ?? null,
    timeNs: v.timeNs,
    medianNs: v.medianNs,
    batchSize: v.batchSize,
    samples: v.samples,
    processes: v.processes,
    processSpread: v.processSpread,
  }
}

/** Regressed on the run's own process alone (before Holm): what a check without re-measurement would say. */
const rawRegressed = (v: VerdictRecord) =>
  v.demotedFrom === 'regressed' ||
  (v.first !== null ? v.first.status === 'regressed' : v.status === 'regressed')
/** Picked by the screen (slower than half the threshold) and measured again in fresh processes. */
const suspected = (v: VerdictRecord) => v.first !== null
const finalRegressed = (v: VerdictRecord) => v.status === 'regressed'
const rawImproved = (v: VerdictRecord) => v.demotedFrom === 'improved' || v.status === 'improved'
const finalImproved = (v: VerdictRecord) => v.status === 'improved'
/** Ratio of the first measurement: the one a check without re-measurement would have reported. */
const firstRatio = (v: VerdictRecord) => v.first?.ratio ?? v.ratio

async function runTrial(
  context: Context,
  baseline: ReturnType<typeof baselineFromResults>,
  kind: Kind,
  trial: number,
): Promise<TrialRecord> {
  const slowed = kind === 'regression' ? suite[trial % suite.length]!.name : null
  const loadBefore = loadavg()[0] ?? Number.NaN
  const cpuBefore = cpuTimes()
  const busy = () => busyCores(cpuBefore, cpuTimes())
  const start = process.hrtime.bigint()
  const remeasured: string[] = []
  const processes: ProcessRecord[] = []
  const base = {
    kind,
    trial,
    slowed,
    remeasured,
    remeasureProcesses: 0,
    remeasureError: null,
    verdicts: [],
    processes,
  }
  let first: ChildOutput
  try {
    first = await spawnChild(context, { slow: slowed ?? undefined })
  } catch (error) {
    const wallNs = Number(process.hrtime.bigint() - start)
    return {
      ...base,
      load: [loadBefore, loadavg()[0] ?? Number.NaN],
      busyCores: busy(),
      wallNs,
      error: String(error),
    }
  }
  processes.push(processRecord('run', first.results))
  // The re-measurement runs the same code as the first measurement: a slowed bench stays slowed.
  const check = await checkSuite(
    first.results,
    baseline,
    { remeasureRuns: context.remeasureRuns, remeasureRounds: context.remeasureRounds },
    async (requests) => {
      for (const r of requests) if (!remeasured.includes(r.name)) remeasured.push(r.name)
      const { results } = await spawnChild(context, { slow: slowed ?? undefined, requests })
      processes.push(processRecord('remeasure', results))
      return results
    },
  )
  return {
    ...base,
    load: [loadBefore, loadavg()[0] ?? Number.NaN],
    busyCores: busy(),
    wallNs: Number(process.hrtime.bigint() - start),
    remeasureProcesses: check.remeasureRuns,
    rerunProcesses: check.machineShift.rerun.length,
    remeasureError: check.remeasureError,
    verdicts: check.verdicts.map(toRecord),
  }
}

/** Jiffies the machine spent busy and in all, since boot: the first line of /proc/stat. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number)
    // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    const total = fields.reduce((sum, x) => sum + x, 0)
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
    return Number.isFinite(total) && total > 0 ? { busy: total - idle, total } : null
  } catch {
    return null
  }
}

function busyCores(before: ReturnType<typeof cpuTimes>, after: ReturnType<typeof cpuTimes>): number | null {
  if (before === null || after === null || after.total <= before.total) return null
  return ((after.busy - before.busy) / (after.total - before.total)) * availableParallelism()
}

const formatBusy = (cores: number | null) =>
  cores === null ? 'busy cores unknown' : `${cores.toFixed(2)} cores busy`

function progressLine(record: TrialRecord, total: number): string {
  const head = `${record.kind} ${record.trial + 1}/${total}`
  if (record.error !== undefined) return `${head}: FAILED ${record.error}`
  const flag = (v: VerdictRecord) =>
    `${v.name} ${formatRatio(firstRatio(v))}${v.first ? ` → ${formatRatio(v.ratio)}` : ''} ${v.status}`
  const notable = record.verdicts.filter((v) => rawRegressed(v) || rawImproved(v) || v.name === record.slowed)
  const rerun = record.rerunProcesses
    ? `, the suite measured again in ${record.rerunProcesses} fresh processes`
    : ''
  return `${head} (${(record.wallNs / 1e9).toFixed(0)} s, load ${record.load[1].toFixed(2)}, ${formatBusy(record.busyCores)}${rerun}): ${
    notable.length === 0 ? 'nothing flagged' : notable.map(flag).join('; ')
  }`
}

// ---------------------------------------------------------------------------------------------
// Tables

const runsWith = (trials: readonly TrialRecord[], test: (v: VerdictRecord, t: TrialRecord) => boolean) =>
  trials.filter((t) => t.verdicts.some((v) => test(v, t))).length
const verdictsWith = (trials: readonly TrialRecord[], test: (v: VerdictRecord, t: TrialRecord) => boolean) =>
  trials.reduce((n, t) => n + t.verdicts.filter((v) => test(v, t)).length, 0)
/** Trials during which no other process kept a core busy (unknown counts as quiet). */
const quiet = (trials: readonly TrialRecord[]) =>
  trials.filter((t) => t.busyCores === null || t.busyCores <= BUSY_NEIGHBOUR_CORES)
const seconds = (ns: number) => `${(ns / 1e9).toFixed(1)} s`
/** How many trials' own process was disturbed enough for the whole suite to be measured again. */
const rerunRow = (label: string, trials: readonly TrialRecord[]) => [
  `${label}: trials whose run was measured again as a whole (disturbed); fresh processes it took`,
  `${formatShare(trials.filter((t) => (t.rerunProcesses ?? 0) > 0).length, trials.length)}; ${trials.reduce((k, t) => k + (t.rerunProcesses ?? 0), 0)}`,
  '',
  '',
]

function summaryTable(aa: readonly TrialRecord[], slow: readonly TrialRecord[], factor: number): string {
  const rows: (string | number)[][] = []
  const percent = Math.round((factor - 1) * 100)
  if (aa.length > 0) {
    const n = aa.length
    const falseRuns = runsWith(aa, finalRegressed)
    rows.push(
      [
        'Unchanged suite: runs with any bench failed as regressed',
        formatShare(falseRuns, n),
        '≤ 1 in 20',
        status(falseRuns / n <= MAX_FALSE_ALARM_RUNS),
      ],
      [
        `… in trials without a busy neighbour (≤ ${BUSY_NEIGHBOUR_CORES} cores busy)`,
        formatShare(runsWith(quiet(aa), finalRegressed), quiet(aa).length),
        '',
        '',
      ],
      [
        '… re-measured: slower than half the threshold in the run (runs; benches)',
        `${formatShare(runsWith(aa, suspected), n)}; ${verdictsWith(aa, suspected)}`,
        '',
        '',
      ],
      [
        "… 'regressed' on the run's own process alone, before Holm (runs; benches)",
        `${formatShare(runsWith(aa, rawRegressed), n)}; ${verdictsWith(aa, rawRegressed)}`,
        '',
        '',
      ],
      [
        'Unchanged suite: runs with any bench reported improved (runs; benches)',
        `${formatShare(runsWith(aa, finalImproved), n)}; ${verdictsWith(aa, finalImproved)}`,
        'information (not re-measured)',
        '',
      ],
      [
        'Unchanged suite: inconclusive verdicts',
        formatShare(
          verdictsWith(aa, (v) => v.status === 'inconclusive'),
          verdictsWith(aa, () => true),
        ),
        '',
        '',
      ],
      ['Unchanged suite: wall time per trial, median', seconds(median(aa.map((t) => t.wallNs))), '', ''],
      [
        'Unchanged suite: trials with a re-measurement; fresh processes it took',
        `${formatShare(aa.filter((t) => t.remeasureProcesses > 0).length, n)}; ${aa.reduce((k, t) => k + t.remeasureProcesses, 0)}`,
        '',
        '',
      ],
      rerunRow('Unchanged suite', aa),
    )
  }
  if (slow.length > 0) {
    const n = slow.length
    const slowedVerdict = (t: TrialRecord) => t.verdicts.find((v) => v.name === t.slowed)
    const caught = slow.filter((t) => slowedVerdict(t)?.status === 'regressed').length
    const ratios = slow.map((t) => slowedVerdict(t)).flatMap((v) => (v ? [firstRatio(v)] : []))
    rows.push(
      [
        `One bench ${percent}% slower: caught (that bench failed as regressed)`,
        formatShare(caught, n),
        '≥ 95%',
        status(caught / n >= MIN_DETECTION_RATE),
      ],
      [
        `… in trials without a busy neighbour (≤ ${BUSY_NEIGHBOUR_CORES} cores busy)`,
        formatShare(
          quiet(slow).filter((t) => slowedVerdict(t)?.status === 'regressed').length,
          quiet(slow).length,
        ),
        '',
        '',
      ],
      [
        '… re-measured: slower than half the threshold in the run',
        formatShare(slow.filter((t) => slowedVerdict(t) && suspected(slowedVerdict(t)!)).length, n),
        '',
        '',
      ],
      [
        "… 'regressed' on the run's own process alone, before Holm",
        formatShare(slow.filter((t) => slowedVerdict(t) && rawRegressed(slowedVerdict(t)!)).length, n),
        '',
        '',
      ],
      [
        // A miss the user is told of is 'inconclusive'; these told them nothing was wrong.
        "… missed silently: called 'unchanged' or 'improved'",
        formatShare(
          slow.filter((t) => ['unchanged', 'improved'].includes(slowedVerdict(t)?.status ?? '')).length,
          n,
        ),
        '',
        '',
      ],
      [
        `One bench ${percent}% slower: runs with another bench failed as regressed`,
        formatShare(
          runsWith(slow, (v, t) => v.name !== t.slowed && finalRegressed(v)),
          n,
        ),
        '',
        '',
      ],
      [
        `One bench ${percent}% slower: runs with any bench reported improved`,
        formatShare(runsWith(slow, finalImproved), n),
        '',
        '',
      ],
      [
        'Slowed bench, measured ratio to the baseline: median (range)',
        `${formatRatio(median(ratios))} (${formatRange(ratios)})`,
        `${formatRatio(factor)} of the work`,
        '',
      ],
      [
        `One bench ${percent}% slower: wall time per trial, median`,
        seconds(median(slow.map((t) => t.wallNs))),
        '',
        '',
      ],
      rerunRow(`One bench ${percent}% slower`, slow),
    )
  }
  return markdownTable(['measure', 'result', 'target', 'status'], rows)
}

function perBenchTable(
  baseline: ReturnType<typeof baselineFromResults>,
  aa: readonly TrialRecord[],
  slow: readonly TrialRecord[],
): string {
  const rows = suite.map((entry) => {
    const b = baseline.benches[entry.name]
    const aaVerdicts = aa.flatMap((t) => t.verdicts.filter((v) => v.name === entry.name))
    const aaRatios = aaVerdicts.map(firstRatio)
    const slowed = slow.flatMap((t) =>
      t.slowed === entry.name ? t.verdicts.filter((v) => v.name === entry.name) : [],
    )
    const count = (test: (v: VerdictRecord) => boolean) => aaVerdicts.filter(test).length
    const slowCell = slowed
      .map(
        (v) =>
          `${formatRatio(firstRatio(v))}${v.first ? ` → ${formatRatio(v.ratio)}` : ''} ${v.status}` +
          (median(aaRatios) > 0 ? ` (÷ A/A median: ${formatRatio(firstRatio(v) / median(aaRatios))})` : ''),
      )
      .join('; ')
    return [
      entry.name,
      b ? formatNs(b.stats.medianNs) : '–',
      b ? `${b.batchSize} × ${b.batchTimesNs.length}` : '–',
      b ? formatSpread(processTimesNs(b)) : '–',
      aaRatios.length > 0 ? `${formatRatio(median(aaRatios))} (${formatRange(aaRatios)})` : '–',
      aaVerdicts.length > 0 ? `${count(rawRegressed)} / ${count(suspected)} / ${count(finalRegressed)}` : '–',
      aaVerdicts.length > 0 ? `${count(rawImproved)} / ${count(finalImproved)}` : '–',
      slowCell || '–',
    ]
  })
  return markdownTable(
    [
      'bench',
      'baseline median per call',
      'batch size × batches',
      'spread between baseline processes (10th percentiles)',
      'unchanged: ratio to baseline, median (range)',
      "unchanged: 'regressed' on own process / re-measured / failed",
      'unchanged: improved before Holm / reported',
      'slowed: ratio (→ re-measured) final status',
    ],
    rows,
  )
}

/** Standard deviation of log per-call median across processes, as a percentage. */
function formatSpread(mediansNs: readonly number[]): string {
  if (mediansNs.length < 2) return '–'
  const logs = mediansNs.map(Math.log)
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1))
  return `${(sd * 100).toFixed(1)}%`
}

function flaggedList(trials: readonly TrialRecord[]): string {
  const lines = trials.flatMap((t) =>
    t.verdicts
      .filter((v) => rawRegressed(v) || rawImproved(v))
      .map((v) => {
        const what = v.name === t.slowed ? ' (the slowed bench)' : ''
        const firstPart = v.first
          ? `first ${formatRatio(v.first.ratio)} [${formatRange(v.first.interval)}], re-measured ${formatRatio(v.ratio)} [${formatRange(v.interval)}]`
          : `${formatRatio(v.ratio)} [${formatRange(v.interval)}]`
        const holm = v.adjustedPValue === null ? '' : `, Holm p ${v.adjustedPValue.toPrecision(2)}`
        return `- ${t.kind} trial ${t.trial + 1} (${formatBusy(t.busyCores)}), "${v.name}"${what}: ${firstPart}${holm} → ${v.status}`
      }),
  )
  return lines.length === 0 ? '- none' : lines.join('\n')
}

// ---------------------------------------------------------------------------------------------

async function runParent(): Promise<void> {
  const trials = positiveInteger(values.trials, DEFAULT_TRIALS, '--trials')
  const seed = positiveInteger(values.seed, DEFAULT_SEED, '--seed')
  const baselineRuns = positiveInteger(values['baseline-runs'], DEFAULT_BASELINE_RUNS, '--baseline-runs')
  const remeasureRuns = positiveInteger(values['remeasure-runs'], DEFAULT_REMEASURE_RUNS, '--remeasure-runs')
  const remeasureRounds = positiveInteger(
    values['remeasure-rounds'],
    DEFAULT_REMEASURE_ROUNDS,
    '--remeasure-rounds',
  )
  const factor = values.factor === undefined ? DEFAULT_FACTOR : Number(values.factor)
  slowReps(factor)
  if (values.only !== undefined && values.only !== 'aa' && values.only !== 'regression') {
    fail(`--only takes aa or regression, received "${values.only}".`)
  }
  const kinds: Kind[] = values.only === undefined ? ['aa', 'regression'] : [values.only as Kind]

  const startEnv = captureEnvironment()
  const startedAt = new Date()
  const start = process.hrtime.bigint()
  const tmp = await mkdtemp(join(tmpdir(), 'perfgate-regression-accuracy-'))
  const context: Context = {
    tmp,
    cacheDir: join(tmp, 'cache'),
    seed,
    time: values.time,
    factor,
    remeasureRuns,
    remeasureRounds,
    childCount: 0,
    lockWaitNs: 0,
  }
  const records: TrialRecord[] = []
  let baseline: ReturnType<typeof baselineFromResults>
  let recordedAgain: string[] = []
  try {
    console.error(`regression-accuracy: baseline from ${baselineRuns} fresh process(es)…`)
    const firstRun = (await spawnChild(context, {})).results
    // Later processes measure with the first one's batch sizes, as the fix of
    // baselineFromResults's error says: pooled runs must time the same batches, and the
    // calibration cache alone does not guarantee that (a bench near a boundary can still flip).
    // Benches whose processes disagree by more than 10% get as many processes again: the
    // reporter's own recording (recordBaselineProcesses), with a fresh child per process.
    const recorded = await recordBaselineProcesses(
      firstRun,
      baselineRuns,
      async (requests) => (await spawnChild(context, { requests })).results,
    )
    const childError = recorded.error ?? recorded.recordedAgain?.error
    if (childError !== undefined) throw new Error(`a baseline process failed: ${childError}`)
    recordedAgain = recorded.recordedAgain?.benches ?? []
    if (recordedAgain.length > 0) {
      console.error(
        `regression-accuracy: ${recordedAgain.length} bench(es) whose baseline processes disagreed by more than 10%, measured in ${baselineRuns} more: ${recordedAgain.join(', ')}`,
      )
    }
    baseline = baselineFromResults('regression-accuracy', recorded.results)
    const cache = fileCalibrationCache(context.cacheDir)
    for (const kind of kinds) {
      for (let trial = 0; trial < trials; trial++) {
        // As the reporter does before a run (reporters/seed-batch-sizes.ts): the baseline's batch
        // sizes are the remembered ones, whatever an earlier trial calibrated.
        seedBatchSizes(cache, baseline.benches)
        const record = await runTrial(context, baseline, kind, trial)
        records.push(record)
        console.error(`regression-accuracy: ${progressLine(record, trials)}`)
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  const wallNs = Number(process.hrtime.bigint() - start)
  const endEnv = captureEnvironment()

  const failed = records.filter((t) => t.error !== undefined)
  const aa = records.filter((t) => t.kind === 'aa' && t.error === undefined)
  const slow = records.filter((t) => t.kind === 'regression' && t.error === undefined)
  const loads = records.flatMap((t) => t.load)
  const busy = records.flatMap((t) => (t.busyCores === null ? [] : [t.busyCores]))
  const command = [
    'node --expose-gc --import tsx bench/regression-accuracy.ts',
    ...process.argv.slice(2),
  ].join(' ')
  const markdown = [
    `Command: \`${command}\`  `,
    `${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} · ${formatEnvironmentLine(startEnv)}  `,
    `CPU: ${startEnv.cpu.model}, ${startEnv.cpu.count} cores · Node ${startEnv.runtime.version} · ` +
      `load average (1 min) ${startEnv.load.avg1.toFixed(2)} at the start, ${endEnv.load.avg1.toFixed(2)} at the end, ` +
      `${minOf(loads).toFixed(2)}–${maxOf(loads).toFixed(2)} around the trials · ` +
      (busy.length === 0
        ? ''
        : `cores busy during a trial (the measuring process keeps ~1 busy): median ${median(busy).toFixed(2)}, ` +
          `max ${maxOf(busy).toFixed(2)}; ${busy.filter((b) => b > BUSY_NEIGHBOUR_CORES).length} of ${busy.length} trials above ${BUSY_NEIGHBOUR_CORES} · `) +
      `${(wallNs / 60e9).toFixed(1)} min, ${context.childCount} fresh processes` +
      (context.lockWaitNs > 1e9 ? `, ${seconds(context.lockWaitNs)} waiting for the measurement lock` : ''),
    '',
    `Settings: ${suite.length} benches, bench() at ${values.time === undefined ? 'its default time (500 ms)' : `time ${values.time}`}; ` +
      `checkSuite() defaults (threshold 5%, confidence 0.95, Holm); baseline from ${baselineRuns} fresh process${baselineRuns === 1 ? '' : 'es'}` +
      (recordedAgain.length > 0
        ? ` (${recordedAgain.length} bench${recordedAgain.length === 1 ? '' : 'es'} whose processes disagreed by more than 10% in ${baselineRuns} more: ${recordedAgain.join(', ')})`
        : '') +
      '; ' +
      `suspects re-measured in rounds of ${remeasureRuns} fresh process${remeasureRuns === 1 ? '' : 'es'}, at most ${remeasureRounds}; ` +
      `${trials} trials of each kind; the slowed bench does ${factor}× the work (${slowReps(factor)} repetitions instead of ${BASE_REPS}); seed ${seed}` +
      (nodeFlags.length > 0 ? `; every measuring process started with ${nodeFlags.join(' ')}.` : '.') +
      (failed.length > 0 ? ` ${failed.length} trial(s) failed to measure and are not counted.` : ''),
    '',
    summaryTable(aa, slow, factor),
    '',
    '#### Per bench',
    '',
    "Ratios are the run's own process's per-call median over the geometric mean of the baseline processes' (as checkSuite computes them); \"→\" gives the re-measurement's (the fresh processes') when there was one. \"Spread\" is the standard deviation of log per-call median between the baseline's processes (no prior).",
    '',
    perBenchTable(baseline, aa, slow),
    '',
    '#### Every bench flagged before Holm',
    '',
    flaggedList([...aa, ...slow]),
    '',
  ].join('\n')
  console.log(markdown)
  if (values.json !== undefined) {
    // A name ending in .gz gets gzip, as bench/replay-guard.ts and bench/process-ratios.ts expect.
    const text = `${JSON.stringify(
      {
        command,
        startedAt: startedAt.toISOString(),
        wallNs,
        env: { start: startEnv, end: endEnv },
        settings: {
          trials,
          seed,
          time: values.time ?? null,
          factor,
          baselineRuns,
          recordedAgain,
          remeasureRuns,
          remeasureRounds,
          quantiles: RECORDED_QUANTILES,
          nodeFlags,
          // checkSuite measured a disturbed run's whole suite again (its default); replay-guard
          // replays the re-runs only for runs that say so.
          rerunDisturbed: true,
          benches: suite.map((b) => b.name),
        },
        baseline: Object.fromEntries(
          Object.entries(baseline.benches).map(([name, b]) => {
            const rows = processQuantilesNs(b)
            return [
              name,
              {
                medianNs: b.stats.medianNs,
                batchSize: b.batchSize,
                batches: b.batchTimesNs.length,
                processMediansNs: processMediansNs(b),
                processP10Ns: rows.map((row) => row[P10_INDEX]!),
                processQuantilesNs: rows,
              },
            ]
          }),
        ),
        trials: records,
      },
      null,
      1,
    )}\n`
    await writeFile(values.json, values.json.endsWith('.gz') ? gzipSync(text) : text)
    console.error(`regression-accuracy: wrote ${relative(process.cwd(), resolve(values.json))}`)
  }
  console.error(`regression-accuracy: done in ${(wallNs / 60e9).toFixed(1)} min`)
}

if (values.help) {
  console.log(HELP)
} else if (values.child) {
  await runChild()
} else {
  await runParent()
}

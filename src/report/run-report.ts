import { PROCESS_TIME_METRIC } from '../baseline/process-spread.js'
import { BOUND_OP_TEXT } from '../budget/parse-bound.js'
import { type BudgetStatus, worstStatus } from '../budget/verdict.js'
import type { Environment } from '../env/types.js'
import type { VerdictCounts, VerifyEvent, VerifyEventOf } from '../log/verify-event.js'
import { isHeadlineWebMetric } from '../web/format-web-value.js'
import { breakingPointFromEvent, type ReportBreakingPoint } from './breaking-point-report.js'
import { leakFromEvent, type ReportLeak } from './leak-report.js'
import type { ReportProfile } from './profile-report.js'
import { type ReportScaling, scalingFromEvent } from './scaling-report.js'

/*
 * One run as the reports see it, rebuilt from its [VERIFY] events alone. The reporter renders
 * the run it just wrote through this model, and `perfgate report` renders old runs from the log
 * through it too, so a PR comment and a report read later never disagree.
 */

/** The regression check of one bench against its baseline. */
export interface ReportRegression {
  /** 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'environment-changed'. */
  status: VerifyEventOf<'regression'>['verdict']
  /** The baseline's per-call time the check compared (ns): its processes' 10th percentile, or median in older logs. */
  baselineNs: number
  /** Relative change of that time: +0.12 is 12% slower. */
  delta: number
  /** Interval of `delta` at `confidence`. */
  deltaInterval: [number, number]
  confidence: number
  /** The regression threshold (relative, 0.05 = 5%). */
  threshold: number
  /** p-value adjusted across the suite, when computed. */
  adjustedP: number | null
  /**
   * The machine's slowdown (1.4 = 40% slower) when only that shift, past the threshold, would
   * have cleared the bench, which is then inconclusive (the event's `asMeasured`); else null.
   */
  machineRatio: number | null
  /** The git ref whose code the bench was compared with in the same process (PERFGATE_BASE_REF); null against a stored baseline. */
  base: { ref: string; commit: string } | null
}

/** A bench's line: its numbers, its budget verdict and its regression check. */
export interface ReportBench {
  name: string
  medianNs: number
  medianIntervalNs: [number, number]
  p95Ns: number
  samples: number
  batchSize: number
  granularity: 'call' | 'batch-mean'
  /** The budget's limits as text (`p95 ≤ 2 ms, median ≤ 1 ms`), or null when none was checked. */
  budget: string | null
  /** The worst budget verdict, or 'unguarded' when no budget checked this bench. */
  budgetStatus: BudgetStatus | 'unguarded'
  /** Every budget event on this bench was for `.not.toMeetBudget`: a 'fail' was expected. */
  negated: boolean
  /** The regression check, or null when the bench had no baseline (or none was compared). */
  regression: ReportRegression | null
  /** The bench's CPU profile (the last one taken in the run), when one was: see docs/profiles.md. */
  profile?: ReportProfile
}

/** A comparison of two functions made in the run. */
export interface ReportComparison {
  names: [string, string]
  method: VerifyEventOf<'comparison'>['method']
  ratio: number
  interval: [number, number]
  verdict: VerifyEventOf<'comparison'>['verdict']
}

/** One metric of a page measured in a browser, with its budget verdict and regression check. */
export interface ReportPageMetric {
  /** `home [web-vitals, desktop]`: the page, the tool and the profile. */
  page: string
  metric: string
  /** 'ms', 'score', 'bytes', 'count' or 'unitless'. */
  unit: string
  /** The aggregate of the runs; null when no run produced it. */
  value: number | null
  runs: (number | null)[]
  /** The limit as text (`≤ 2.5s`), or null when no budget checked this metric. */
  budget: string | null
  status: BudgetStatus | null
  negated: boolean
  regression: {
    status: VerifyEventOf<'regression'>['verdict']
    baseline: number | null
    delta: number | null
  } | null
}

/** One run of the suite. */
export interface RunReport {
  runId: string
  /** ISO time of the run-start event (or of the first event, if run-start is missing). */
  startedAt: string
  /** The environment of run-start; null when the log lost that line. */
  env: Environment | null
  benches: ReportBench[]
  comparisons: ReportComparison[]
  /** Names of benches no budget checked. */
  unguarded: string[]
  /**
   * Page metrics: every metric a web budget checked, and the vitals and Lighthouse categories
   * of every page measured, in the order measured.
   */
  pages: ReportPageMetric[]
  /** Breaking-point searches (findBreakingPoint), the last of each name; absent in reports built elsewhere. */
  breakingPoints?: ReportBreakingPoint[]
  /** Scaling measurements (measureScaling, toScale), in the order made; absent when there are none. */
  scalings?: ReportScaling[]
  /** Leak checks (toLeakMemory, measureLeak), in the order made; absent when there are none. */
  leaks?: ReportLeak[]
  /** From run-end; null when the run never finished writing (it crashed or is still running). */
  counts: VerdictCounts | null
  exitCode: number | null
}

/**
 * Group events into runs by run id, in the order each run first appears, and rebuild each run.
 * Events of one run may be interleaved with another's (two suites appending to one log): the run
 * id keeps them apart. A bench measured twice in one run (a re-measurement) keeps its last result.
 */
export function runsFromEvents(events: readonly VerifyEvent[]): RunReport[] {
  const byRun = new Map<string, VerifyEvent[]>()
  for (const event of events) {
    const list = byRun.get(event.runId)
    if (list === undefined) byRun.set(event.runId, [event])
    else list.push(event)
  }
  return [...byRun.entries()].map(([runId, runEvents]) => runFromEvents(runId, runEvents))
}

function runFromEvents(runId: string, events: readonly VerifyEvent[]): RunReport {
  const start = events.find((e): e is VerifyEventOf<'run-start'> => e.type === 'run-start')
  const end = events.findLast((e): e is VerifyEventOf<'run-end'> => e.type === 'run-end')
  const benches = new Map<string, ReportBench>()
  const budgets = new Map<string, VerifyEventOf<'budget'>[]>()
  const comparisons: ReportComparison[] = []
  const unguarded = new Set<string>()
  const pages = new Map<string, ReportPageMetric>()
  const breakingPoints = new Map<string, ReportBreakingPoint>()
  const profiles = new Map<string, ReportProfile>()
  const scalings: ReportScaling[] = []
  const leaks: ReportLeak[] = []
  for (const event of events) {
    switch (event.type) {
      case 'web':
      case 'web-budget': {
        const page = pageOf(event)
        const key = `${page}\u0000${event.metric}`
        const row: ReportPageMetric = pages.get(key) ?? {
          page,
          metric: event.metric,
          unit: event.unit,
          value: event.value,
          runs: event.runs,
          budget: null,
          status: null,
          negated: false,
          regression: null,
        }
        if (event.type === 'web-budget') {
          row.budget = `${BOUND_OP_TEXT[event.budget.op]} ${event.budget.text}`
          row.status = event.verdict
          row.negated = event.negated
        }
        pages.set(key, row)
        break
      }
      case 'bench':
        benches.set(event.name, benchFromEvent(event))
        break
      case 'budget': {
        const list = budgets.get(event.name)
        if (list === undefined) budgets.set(event.name, [event])
        else list.push(event)
        break
      }
      case 'comparison':
        comparisons.push({
          names: event.names,
          method: event.method,
          ratio: event.value ?? Number.NaN,
          interval: event.interval.map((x) => x ?? Number.NaN) as [number, number],
          verdict: event.verdict,
        })
        break
      case 'unguarded':
        unguarded.add(event.name)
        break
      case 'breaking-point':
        breakingPoints.set(event.name, breakingPointFromEvent(event))
        break
      case 'profile':
        profiles.set(event.name, event)
        break
      case 'scaling':
        scalings.push(scalingFromEvent(event))
        break
      case 'leak':
        leaks.push(leakFromEvent(event))
        break
      default:
        break
    }
  }
  for (const event of events) {
    // A page metric's regression event is named by its page key (`home [web-vitals, desktop]`).
    const row = event.type === 'regression' ? pages.get(`${event.name}\u0000${event.metric}`) : undefined
    if (row !== undefined && event.type === 'regression') {
      row.regression = { status: event.verdict, baseline: event.baseline, delta: event.delta }
    }
    // A bench's event compares each process's 10th percentile; logs written before it have 'median'.
    if (event.type !== 'regression' || (event.metric !== PROCESS_TIME_METRIC && event.metric !== 'median'))
      continue
    const bench = benches.get(event.name)
    if (bench === undefined) continue
    bench.regression = {
      status: event.verdict,
      baselineNs: event.baseline ?? Number.NaN,
      delta: event.delta ?? Number.NaN,
      deltaInterval: event.interval.map((x) => x ?? Number.NaN) as [number, number],
      confidence: event.confidence ?? Number.NaN,
      threshold: event.threshold ?? Number.NaN,
      adjustedP: event.adjustedP,
      machineRatio: event.asMeasured?.machineRatio ?? null,
      base: event.base ?? null,
    }
  }
  for (const [name, list] of budgets) {
    const bench = benches.get(name)
    if (bench === undefined) continue
    bench.budgetStatus = worstStatus(list.map((e) => e.verdict))
    bench.budget = [
      ...new Set(list.map((e) => `${e.metric} ${BOUND_OP_TEXT[e.budget.op]} ${e.budget.text}`)),
    ].join(', ')
    bench.negated = list.every((e) => e.negated)
  }
  for (const bench of benches.values()) if (bench.budget === null) unguarded.add(bench.name)
  for (const [name, profile] of profiles) {
    const bench = benches.get(name)
    if (bench !== undefined) bench.profile = profile
  }
  return {
    runId,
    startedAt: start?.ts ?? events[0]?.ts ?? '',
    env: (start?.env as Environment | undefined) ?? null,
    benches: [...benches.values()],
    comparisons,
    unguarded: [...unguarded],
    pages: [...pages.values()].filter((row) => row.status !== null || isHeadlineWebMetric(row.metric)),
    ...(breakingPoints.size > 0 && { breakingPoints: [...breakingPoints.values()] }),
    ...(scalings.length > 0 && { scalings }),
    ...(leaks.length > 0 && { leaks }),
    counts: end?.counts ?? null,
    exitCode: end?.exitCode ?? null,
  }
}

function benchFromEvent(event: VerifyEventOf<'bench'>): ReportBench {
  return {
    name: event.name,
    medianNs: event.medianNs ?? Number.NaN,
    medianIntervalNs: event.medianIntervalNs.map((x) => x ?? Number.NaN) as [number, number],
    p95Ns: event.p95Ns ?? Number.NaN,
    samples: event.samples,
    batchSize: event.batchSize,
    granularity: event.granularity,
    budget: null,
    budgetStatus: 'unguarded',
    negated: false,
    regression: null,
  }
}

/** `home [web-vitals, desktop]` from an event's page name, tool ("web-vitals 6.2.3") and profile. */
function pageOf(event: VerifyEventOf<'web'> | VerifyEventOf<'web-budget'>): string {
  return `${event.name} [${event.tool.split(' ')[0]}, ${event.profile}]`
}

/** The git ref a run's benches were compared with in the same process (PERFGATE_BASE_REF), if any. */
export function comparedBase(run: RunReport): { ref: string; commit: string } | undefined {
  return run.benches.find((b) => b.regression?.base)?.regression?.base ?? undefined
}

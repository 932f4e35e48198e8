import type { BudgetStatus } from '../budget/verdict.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { breakingPointProbeEvent, eventsFromRecord, runEndEvent, runStartEvent } from '../log/verify-event.js'
import { appendEvents, newRunId } from '../log/verify-log.js'
import { recordResult } from '../results/result-sink.js'
import { checkAgainstBudget } from './budget-check.js'
import { describeBreakingPoint } from './describe-breaking-point.js'
import {
  buildCurve,
  confirmLevels,
  findInconsistencies,
  initialBounds,
  narrowBounds,
  nextSearchLevel,
  searchStatus,
} from './search.js'
import type {
  BreakingPointProbe,
  BreakingPointResult,
  FindBreakingPointOptions,
  ProbeCheck,
} from './types.js'

/** Stop when the breaking point is known to within this many levels: exactly, by default. */
export const DEFAULT_BREAKING_POINT_PRECISION = 1
/** Most probes a search makes by default: bisection of a range of a billion levels needs 30. */
export const DEFAULT_MAX_PROBES = 30

/**
 * Find the highest load that still meets a budget: bisection over whole levels in [min, max],
 * calling `run(level)` once per probe, one probe at a time.
 *
 * ```ts
 * const found = await findBreakingPoint({
 *   name: 'GET /api/users',
 *   min: 1, max: 256, levelUnit: 'connections',
 *   run: (connections) => loadTest({ url, connections, duration: '3s' }),
 *   budget: { p95: '200ms', errorRate: '< 1%' },
 * })
 * found.breakingPoint // e.g. 37: the most connections that kept p95 under 200 ms
 * ```
 *
 * It assumes passing is monotone in load (if a level passes, every lower level does too): then
 * ⌈log2(max − min + 2)⌉ search probes suffice. Two confirmation probes then test that
 * assumption (see `confirm`), and a level that passed at or above one that failed makes the
 * status 'inconsistent'. "No level passes" and "every level passes" are outcomes
 * ('below-min', 'above-max'), not errors. Each probe is recorded for perfgate/reporter's
 * [VERIFY] log, or appended to `log` as it finishes.
 *
 * @throws PerfgateError BREAKING_POINT_OPTIONS_INVALID for bad options; BREAKING_POINT_RUN_FAILED
 *   when `run` or `check` throws (with the error as cause).
 */
export async function findBreakingPoint<T>(
  options: FindBreakingPointOptions<T>,
): Promise<BreakingPointResult<T>> {
  const settings = resolveOptions(options)
  const { name, min, max, precision, maxProbes } = settings
  const log = startLog(options.log)
  const probes: BreakingPointProbe<T>[] = []
  const probe = async (level: number, phase: BreakingPointProbe['phase']) => {
    const made = await probeLevel(options, level, phase)
    probes.push(made)
    log?.probe(name, probes.length, made, options.levelUnit ?? null)
    return made
  }

  let bounds = initialBounds(min, max)
  for (let level = nextSearchLevel(min, max, precision, bounds); level !== undefined; ) {
    if (probes.length >= maxProbes) break
    const made = await probe(level, 'search')
    bounds = narrowBounds(bounds, level, made.pass)
    level = nextSearchLevel(min, max, precision, bounds)
  }
  const exhausted = nextSearchLevel(min, max, precision, bounds) !== undefined
  if (settings.confirm && !exhausted) {
    for (const level of confirmLevels(bounds, min, max, probes)) {
      if (probes.length >= maxProbes) break
      await probe(level, 'confirm')
    }
  }

  const inconsistencies = findInconsistencies(probes)
  const withNumbers = probes.find((p) => p.value !== null || p.limit !== null)
  const partial = {
    name,
    status: searchStatus(min, max, precision, bounds, exhausted, inconsistencies),
    min,
    max,
    breakingPoint: bounds.passed >= min ? bounds.passed : null,
    firstFailing: bounds.failed <= max ? bounds.failed : null,
    probes,
    curve: buildCurve(probes),
    inconsistencies,
    levelUnit: options.levelUnit ?? null,
    metric: withNumbers?.metric ?? null,
    unit: withNumbers?.unit ?? null,
    limit: withNumbers?.limit ?? null,
    precision,
  }
  const result: BreakingPointResult<T> = { ...partial, summary: describeBreakingPoint(partial) }
  // Records and logs carry no run results: a load test's histogram has no place in a JSON line.
  const record = { kind: 'breaking-point' as const, result: withoutResults(result) }
  recordResult(record)
  log?.end(record)
  return result
}

async function probeLevel<T>(
  options: FindBreakingPointOptions<T>,
  level: number,
  phase: BreakingPointProbe['phase'],
): Promise<BreakingPointProbe<T>> {
  const start = process.hrtime.bigint()
  let result: T
  try {
    result = await options.run(level)
  } catch (error) {
    throw perfgateError('BREAKING_POINT_RUN_FAILED', { name: options.name, level, step: 'run()' }, error)
  }
  let checked: ProbeCheck & { status?: BudgetStatus }
  try {
    checked =
      options.check !== undefined
        ? normalizeCheck(options.check(result, level), options.name, level)
        : checkAgainstBudget(options.name, result, options.budget!)
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'BREAKING_POINT_OPTIONS_INVALID')
      throw error
    throw perfgateError(
      'BREAKING_POINT_RUN_FAILED',
      { name: options.name, level, step: options.check !== undefined ? 'check()' : 'judging the budget' },
      error,
    )
  }
  return {
    level,
    pass: checked.pass,
    status: checked.status ?? (checked.pass ? 'pass' : 'fail'),
    value: finiteOrNull(checked.value),
    unit: checked.unit ?? null,
    limit: finiteOrNull(checked.limit),
    metric: checked.metric ?? null,
    summary: checked.summary ?? null,
    phase,
    wallNs: Number(process.hrtime.bigint() - start),
    ...(options.keepResults !== false && { result }),
  }
}

function normalizeCheck(value: unknown, name: string, level: number): ProbeCheck {
  if (typeof value === 'boolean') return { pass: value }
  if (typeof value === 'object' && value !== null && typeof (value as ProbeCheck).pass === 'boolean') {
    return value as ProbeCheck
  }
  throw perfgateError('BREAKING_POINT_OPTIONS_INVALID', {
    name,
    problem: `check() returned ${value === null ? 'null' : typeof value} at level ${level}`,
    fix: 'Return true or false, or { pass, value?, unit?, limit?, summary? }.',
  })
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null
}

/** The result without each probe's run result, for records and logs. */
export function withoutResults(result: BreakingPointResult<unknown>): BreakingPointResult<never> {
  return { ...result, probes: result.probes.map(({ result: _dropped, ...probe }) => probe) }
}

interface Settings {
  name: string
  min: number
  max: number
  precision: number
  maxProbes: number
  confirm: boolean
}

function resolveOptions<T>(options: FindBreakingPointOptions<T>): Settings {
  const name = typeof options?.name === 'string' && options.name !== '' ? options.name : String(options?.name)
  const invalid = (problem: string, fix: string) =>
    perfgateError('BREAKING_POINT_OPTIONS_INVALID', { name, problem, fix })
  if (typeof options?.name !== 'string' || options.name === '') {
    throw invalid('name must be a non-empty string', "Name the search, e.g. name: 'GET /api/users p95'.")
  }
  if (typeof options.run !== 'function') {
    throw invalid(
      'run must be a function of the level',
      'Pass run: (level) => loadTest({ url, connections: level }).',
    )
  }
  for (const key of ['min', 'max'] as const) {
    if (!Number.isSafeInteger(options[key])) {
      throw invalid(
        `${key} must be a whole number, received ${String(options[key])}`,
        'Levels are whole numbers: e.g. min: 1, max: 256.',
      )
    }
  }
  if (options.max < options.min) {
    throw invalid(`max (${options.max}) is below min (${options.min})`, 'Swap them, or raise max.')
  }
  if ((options.check === undefined) === (options.budget === undefined)) {
    throw invalid(
      options.check === undefined ? 'neither check nor budget is given' : 'both check and budget are given',
      "Give exactly one: check: (result, level) => boolean, or budget: { p95: '200ms' }.",
    )
  }
  if (options.check !== undefined && typeof options.check !== 'function') {
    throw invalid('check must be a function', 'Pass check: (result, level) => result.p95Ns < 200e6.')
  }
  const precision = options.precision ?? DEFAULT_BREAKING_POINT_PRECISION
  if (!Number.isSafeInteger(precision) || precision < 1) {
    throw invalid(
      `precision must be a whole number of at least 1, received ${String(options.precision)}`,
      'Use e.g. precision: 1 (exact) or 10.',
    )
  }
  const maxProbes = options.maxProbes ?? DEFAULT_MAX_PROBES
  if (!Number.isSafeInteger(maxProbes) || maxProbes < 1) {
    throw invalid(
      `maxProbes must be a whole number of at least 1, received ${String(options.maxProbes)}`,
      'Use e.g. maxProbes: 12.',
    )
  }
  return { name, min: options.min, max: options.max, precision, maxProbes, confirm: options.confirm ?? true }
}

/** A standalone log: a run-start, each probe as it finishes, then the outcome. */
function startLog(file: string | undefined) {
  if (file === undefined) return undefined
  const runId = newRunId()
  const context = () => ({ runId, ts: new Date().toISOString() })
  appendEvents(file, [runStartEvent(context(), captureEnvironment())])
  return {
    probe(name: string, index: number, probe: BreakingPointProbe<unknown>, levelUnit: string | null) {
      appendEvents(file, [breakingPointProbeEvent(name, index, probe, levelUnit, context())])
    },
    end(record: { kind: 'breaking-point'; result: BreakingPointResult<never> }) {
      // The probes are already in the file; append only the outcome, and end the run (a search
      // that finished is a run that finished, whatever its outcome: no verdict counts).
      const outcome = eventsFromRecord(record, context()).filter((e) => e.type === 'breaking-point')
      appendEvents(file, [...outcome, runEndEvent(context(), {}, 0)])
    },
  }
}

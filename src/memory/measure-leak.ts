import { parseSize } from '../budget/parse-size.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { createResultSink, isThenable, type ResultSink, USE_RESULT } from '../measure/batch-runner.js'
import { functionLabel } from '../measure/compare.js'
import { DEFAULT_CONFIDENCE } from '../measure/defaults.js'
import { withMeasurementLock } from '../measure/measurement-lock.js'
import { compilePrivateLoop } from '../measure/private-loop.js'
import { checkConfidence, resolveTime } from '../measure/resolve-options.js'
import { nowNs } from '../measure/timer.js'
import {
  DEFAULT_LEAK_MIN_GROWTH_BYTES,
  DEFAULT_LEAK_ROUNDS,
  DEFAULT_LEAK_SETTLE_SHARE,
  DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL,
  DEFAULT_LEAK_TIME_NS,
  LEAK_MAX_WALL_FACTOR,
  LEAK_PLANNED_GROWTH_BYTES,
  LEAK_PROBE_ROUNDS,
  LEAK_WARMUP_SHARE,
  MAX_LEAK_ROUNDS,
  MIN_LEAK_ROUNDS,
  MIN_LEAK_WARMUP_NS,
} from './defaults.js'
import { type GcAccess, gcAccess } from './force-gc.js'
import { heapUsedBytes, startAllocationCount } from './heap-counter.js'
import {
  type HeapPoint,
  judgeLeak,
  LEAK_STEP_EDGE_POINTS,
  LEAK_STEP_MIN_BYTES,
  type LeakRule,
  MIN_LEAK_FIT_POINTS,
  persistentRise,
} from './leak-rule.js'
import type { LeakCheckOptions, LeakFn, LeakResult, LeakStop } from './leak-types.js'

/**
 * Check a function for a memory leak: call it in rounds, force a full GC after each, and fit
 * the heap left after each GC against the calls made (see judgeLeak for the rule).
 *
 * ```ts
 * const result = await measureLeak((req) => handle(req), { input: () => makeRequest() })
 * result.status // 'leak' | 'no-leak' | 'inconclusive'
 * ```
 *
 * Needs a forceable GC (see gcAccess); without one, nothing is measured and the status is
 * 'inconclusive', with the reason in `gcUnavailable`.
 *
 * @throws PerfgateError LEAK_OPTIONS_INVALID for bad options; LEAK_CHECK_FAILED when the
 *   function (or `input`) throws, the error kept as `cause`.
 */
export async function measureLeak<T>(
  fn: LeakFn<T>,
  options: LeakCheckOptions<T> = {},
  gc: GcAccess = gcAccess(),
): Promise<LeakResult> {
  const name = options.name ?? (typeof fn === 'function' ? functionLabel(fn as () => unknown) : String(fn))
  const settings = resolveLeakOptions(name, fn, options)
  // GCs are heavy on every core (parallel marking): they would disturb another process's timings.
  const { value: result, waitedNs } = await withMeasurementLock(
    () => runLeakCheck(name, fn, options, settings, gc),
    {
      label: `leak check "${name}"`,
    },
  )
  result.lockWaitNs = waitedNs
  return result
}

interface LeakSettings {
  rounds: number
  timeNs: number
  iterations: number | null
  rule: LeakRule
}

async function runLeakCheck<T>(
  name: string,
  fn: LeakFn<T>,
  options: LeakCheckOptions<T>,
  settings: LeakSettings,
  gc: GcAccess,
): Promise<LeakResult> {
  const startedAt = new Date().toISOString()
  const start = nowNs()
  const finish = (
    partial: Omit<LeakResult, 'name' | 'rule' | 'env' | 'startedAt' | 'endedAt' | 'wallNs' | 'lockWaitNs'>,
  ): LeakResult => ({
    name,
    ...partial,
    rule: settings.rule,
    env: options.env ?? captureEnvironment(),
    startedAt,
    endedAt: new Date().toISOString(),
    wallNs: nowNs() - start,
    lockWaitNs: 0,
  })
  if (!gc.available) {
    // Without a forced GC every reading holds garbage of unknown size: growth would mean nothing.
    return finish({
      status: 'inconclusive',
      gc: null,
      gcUnavailable: gc.reason,
      async: false,
      rounds: 0,
      callsPerRound: 0,
      calls: 0,
      perCallNs: Number.NaN,
      points: [],
      judgement: null,
      stoppedEarly: null,
    })
  }

  const makeInput = async (phase: string): Promise<T> => {
    if (!options.input) return undefined as T
    try {
      return await options.input()
    } catch (error) {
      throw perfgateError('LEAK_CHECK_FAILED', { name, phase: `input() (${phase})` }, error)
    }
  }
  const isAsync = await firstCall(name, fn, await makeInput('the first call'))
  const sink: ResultSink = createResultSink()
  const run = createLeakRunner(fn, isAsync, sink)
  const calls = async (k: number, input: T, phase: string): Promise<void> => {
    try {
      await run(k, input)
    } catch (error) {
      throw perfgateError('LEAK_CHECK_FAILED', { name, phase }, error)
    }
    sink.last = undefined
  }
  // Only a forced GC's reading counts; yielding first lets the worker's IPC and timers run, so
  // their garbage is collected by the same GC rather than left for a later reading.
  const heapAfterGc = async (): Promise<number> => {
    await new Promise<void>((resolve) => setImmediate(resolve))
    gc.collect()
    return heapUsedBytes()
  }

  // Warm-up: batches that double until the warm-up time has passed, so the function and the
  // loop are optimised (and lazily built state exists) before anything is read. The heap is
  // watched without GC: a leaking fast function must not fill memory here already.
  const warmupNs = Math.max(MIN_LEAK_WARMUP_NS, settings.timeNs * LEAK_WARMUP_SHARE)
  const warmupHeap = heapUsedBytes()
  let k = 1
  let perCallNs = Number.NaN
  let allocatedPerCall = 0
  // Every call made before the measured rounds: what a leak has stored by then (see the extension).
  let callsBefore = 0
  const warmupStart = nowNs()
  while (nowNs() - warmupStart < warmupNs && heapUsedBytes() - warmupHeap < LEAK_PLANNED_GROWTH_BYTES / 4) {
    const input = await makeInput('warm-up')
    const stop = startAllocationCount()
    const t0 = nowNs()
    await calls(k, input, 'warm-up')
    callsBefore += k
    const elapsed = nowNs() - t0
    allocatedPerCall = stop().allocatedBytes / k
    perCallNs = elapsed / k
    if (elapsed < 1e6) k *= 2
  }

  const planned = settings.iterations !== null
  const plannedPerRoundBytes = LEAK_PLANNED_GROWTH_BYTES / settings.rounds
  let callsPerRound = planned
    ? Math.ceil(settings.iterations! / settings.rounds)
    : Math.max(1, Math.floor(settings.timeNs / settings.rounds / perCallNs))
  // Probe rounds: what one call retains, to size the measured rounds to the planned growth. A
  // call cannot retain more than it allocates, so probe rounds sized by allocation stay within
  // one measured round's planned growth even when everything leaks.
  const probeCalls = planned
    ? callsPerRound
    : Math.max(1, Math.min(callsPerRound, Math.floor(plannedPerRoundBytes / Math.max(1, allocatedPerCall))))
  const growthPerCall: number[] = []
  let previous = await heapAfterGc()
  for (let i = 0; i < LEAK_PROBE_ROUNDS; i++) {
    await calls(probeCalls, await makeInput('a probe round'), 'a probe round')
    callsBefore += probeCalls
    const heap = await heapAfterGc()
    growthPerCall.push((heap - previous) / probeCalls)
    previous = heap
  }
  // The first probe round may still build lazy state; the later ones show the steady rate, and
  // the smaller of them is the one least moved by the rest of the process.
  const retainedPerCall = Math.min(...growthPerCall.slice(1))
  if (!planned && retainedPerCall > 0) {
    callsPerRound = Math.max(1, Math.min(callsPerRound, Math.floor(plannedPerRoundBytes / retainedPerCall)))
  }

  const points: HeapPoint[] = [{ calls: 0, heapBytes: await heapAfterGc() }]
  let measuredCalls = 0
  const measureStart = nowNs()
  let stoppedEarly: LeakStop | null = null
  for (let round = 1; round <= settings.rounds; round++) {
    await calls(callsPerRound, await makeInput('a measured round'), 'a measured round')
    measuredCalls += callsPerRound
    const heapBytes = await heapAfterGc()
    points.push({ calls: measuredCalls, heapBytes })
    // The growth cap holds as soon as there are readings enough to judge (MIN_LEAK_FIT_POINTS),
    // not only after MIN_LEAK_ROUNDS: a leak that grows in steps looks flat to the probe rounds,
    // so its rounds are sized by time and each can add tens of megabytes.
    if (
      round >= MIN_LEAK_FIT_POINTS &&
      round < settings.rounds &&
      heapBytes - points[0]!.heapBytes > 2 * LEAK_PLANNED_GROWTH_BYTES
    ) {
      stoppedEarly = 'growth-cap'
      break
    }
    if (round >= MIN_LEAK_ROUNDS && round < settings.rounds) {
      if (nowNs() - measureStart > LEAK_MAX_WALL_FACTOR * settings.timeNs) {
        stoppedEarly = 'time-cap'
        break
      }
    }
  }
  let judgement = judgeLeak(points, settings.rule)
  // A leak V8 keeps in a growing array or Map rises in steps, each when the store is enlarged
  // (1.5× or 2×), flat in between, so the fitted rounds may hold no step at all: none when the
  // store had room for every call the rounds made. So when the fit did not call it a leak, and
  // either the heap rose over the whole run or the rounds made fewer calls than came before them
  // (a step in the probe rounds sizes the rounds down), measure on until the calls since the start
  // have doubled, in EXTENSION_ROUNDS rounds: a store that keeps growing must then be enlarged
  // (it had room for at most twice what it held). Those new rounds alone are judged: a leak
  // rises again, a cache that filled up at first stays flat.
  const roomForAll = measuredCalls < callsBefore
  if (
    stoppedEarly === null &&
    judgement.status !== 'leak' &&
    (roomForAll || persistentRise(points) > LEAK_STEP_MIN_BYTES)
  ) {
    const extensionCalls = Math.max(
      callsPerRound,
      Math.ceil((callsBefore + measuredCalls) / EXTENSION_ROUNDS),
    )
    const before = points.length
    const extensionStart = nowNs()
    for (let extra = 1; extra <= EXTENSION_ROUNDS; extra++) {
      await calls(extensionCalls, await makeInput('a measured round'), 'a measured round')
      measuredCalls += extensionCalls
      const heapBytes = await heapAfterGc()
      points.push({ calls: measuredCalls, heapBytes })
      if (
        extra >= MIN_LEAK_FIT_POINTS &&
        heapBytes - points[before - 1]!.heapBytes > 2 * LEAK_PLANNED_GROWTH_BYTES
      ) {
        stoppedEarly = 'growth-cap'
        break
      }
      if (extra >= MIN_LEAK_FIT_POINTS && nowNs() - extensionStart > LEAK_MAX_WALL_FACTOR * settings.timeNs) {
        stoppedEarly = 'time-cap'
        break
      }
    }
    // Fit the new rounds, with the last LEAK_STEP_EDGE_POINTS readings before them as their
    // start: a step in the first new round then shows as a rise over every reading before it.
    const settleShare = Math.max(0, before - LEAK_STEP_EDGE_POINTS) / points.length
    judgement = judgeLeak(points, { ...settings.rule, settleShare })
  }
  // Stopped because the heap after GC had grown by twice the planned growth: judge all the
  // readings, not the settled share alone, since there was no time to settle. A cache that fills
  // up does not add 32 MB that survive every GC; a leak in a growing store does.
  if (stoppedEarly === 'growth-cap' && judgement.status !== 'leak') {
    judgement = judgeLeak(points, { ...settings.rule, settleShare: 0 })
  }
  const rounds = points.length - 1
  return finish({
    status: judgement.status,
    gc: gc.source,
    gcUnavailable: null,
    async: isAsync,
    rounds,
    callsPerRound,
    calls: measuredCalls,
    perCallNs,
    points,
    judgement,
    stoppedEarly,
  })
}

/** Rounds of the extension that doubles the calls (see runLeakCheck): enough for a fit. */
const EXTENSION_ROUNDS = 2 * MIN_LEAK_FIT_POINTS

/** Call once to learn whether the function is async, and fail early if it throws. */
async function firstCall<T>(name: string, fn: LeakFn<T>, input: T): Promise<boolean> {
  try {
    const first = fn(input)
    const isAsync = isThenable(first)
    if (isAsync) await first
    return isAsync
  } catch (error) {
    throw perfgateError('LEAK_CHECK_FAILED', { name, phase: 'the first call' }, error)
  }
}

type LeakRunner<T> = (k: number, input: T) => undefined | Promise<undefined>

/** A loop of k calls with the round's input, compiled per check (see createBatchRunner for why). */
function createLeakRunner<T>(fn: LeakFn<T>, isAsync: boolean, sink: ResultSink): LeakRunner<T> {
  const body = isAsync
    ? `return async function leakRoundAsync(k, input) {
         const numbers = sink.numbers
         for (let i = 0; i < k; i++) {
           const r = await fn(input)
           ${USE_RESULT}
         }
       }`
    : `return function leakRound(k, input) {
         const numbers = sink.numbers
         for (let i = 0; i < k; i++) {
           const r = fn(input)
           ${USE_RESULT}
         }
       }`
  const factory = compilePrivateLoop(['fn', 'sink'], body) as (f: LeakFn<T>, s: ResultSink) => LeakRunner<T>
  return factory(fn, sink)
}

function resolveLeakOptions<T>(name: string, fn: unknown, options: LeakCheckOptions<T>): LeakSettings {
  const invalid = (problem: string, fix: string) =>
    perfgateError('LEAK_OPTIONS_INVALID', { name, problem, fix })
  if (typeof fn !== 'function') {
    throw invalid(
      `the function to check is ${fn === null ? 'null' : typeof fn}`,
      'Pass a function: measureLeak(() => work()).',
    )
  }
  if (options.input !== undefined && typeof options.input !== 'function') {
    throw invalid(
      `input must be a function that builds the argument, received ${typeof options.input}`,
      'Write input: () => makeArgument().',
    )
  }
  const rounds = options.rounds ?? DEFAULT_LEAK_ROUNDS
  if (!Number.isInteger(rounds) || rounds < MIN_LEAK_ROUNDS || rounds > MAX_LEAK_ROUNDS) {
    throw invalid(
      `rounds must be a whole number from ${MIN_LEAK_ROUNDS} to ${MAX_LEAK_ROUNDS}, received ${String(options.rounds)}`,
      `Use e.g. rounds: ${DEFAULT_LEAK_ROUNDS}.`,
    )
  }
  const iterations = options.iterations ?? null
  if (iterations !== null && (!Number.isInteger(iterations) || iterations < rounds)) {
    throw invalid(
      `iterations must be a whole number of at least rounds (${rounds}), received ${String(options.iterations)}`,
      `Use e.g. iterations: ${rounds * 100}, or leave it out to size the rounds by time.`,
    )
  }
  const confidence = checkConfidence(options.confidence ?? DEFAULT_CONFIDENCE)
  if (typeof confidence !== 'number') throw invalid(confidence.problem, confidence.fix)
  const timeNs = resolveTime(options.time, DEFAULT_LEAK_TIME_NS, `leak check "${name}".time`)
  const threshold =
    options.threshold === undefined
      ? DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL
      : parseSize(options.threshold, `leak check "${name}".threshold`)
  const minGrowth =
    options.minGrowth === undefined
      ? DEFAULT_LEAK_MIN_GROWTH_BYTES
      : parseSize(options.minGrowth, `leak check "${name}".minGrowth`)
  return {
    rounds,
    timeNs,
    iterations,
    rule: {
      thresholdBytesPerCall: threshold,
      minGrowthBytes: minGrowth,
      confidence,
      settleShare: DEFAULT_LEAK_SETTLE_SHARE,
    },
  }
}

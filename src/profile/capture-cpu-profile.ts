import type { Session } from 'node:inspector'
import { coverageSource } from '../env/detect-instrumentation.js'
import { createBatchRunner } from '../measure/batch-runner.js'
import { runHookedBatch } from '../measure/calibrate.js'
import { YIELD_EVERY_NS } from '../measure/defaults.js'
import { nowNs } from '../measure/timer.js'
import type { BatchHooks, BenchFn } from '../measure/types.js'
import type { CpuProfile } from './cpu-profile.js'
import { type Post, type RestoreInlining, turnOffInlining } from './inlining.js'

/*
 * A CPU profile of a function, taken with V8's sampling profiler through node:inspector, in the
 * same thread (a Vitest worker is a child process or a worker thread; `session.connect()` reaches
 * the inspector of the thread it runs in, in both). The function runs in batches with its setup
 * and teardown hooks around each, as bench() timed it, until the profile is long enough.
 *
 * Never called during timed batches: the profiler interrupts the thread every sampling interval
 * (a few percent of its time, more for tiny functions), which would be measured as the code's cost.
 */

/** How long a profile runs when not told. Long enough for ~2,000 samples at the default interval. */
export const DEFAULT_PROFILE_TIME_NS = 300e6

/**
 * Sampling interval asked of V8, in microseconds. 100 µs is 10× V8's default (1 ms): a 300 ms
 * profile then has thousands of samples, so a function with 5% of the time has its share known
 * within about ±1 point. V8 may sample less often on a loaded machine; the shares stay unbiased.
 */
export const DEFAULT_SAMPLING_INTERVAL_US = 100

/** What to profile: the bench's function, how it is called, and its hooks. */
export interface ProfileWork {
  fn: BenchFn
  isAsync: boolean
  /** Calls per batch (the bench's batch size: the same loop shape as the timed batches). */
  batchSize: number
  hooks: BatchHooks
  /** The bench's median per call. */
  perCallNs: number
}

export interface CaptureOptions {
  /** @default DEFAULT_PROFILE_TIME_NS */
  durationNs?: number
  /** @default DEFAULT_SAMPLING_INTERVAL_US */
  samplingIntervalUs?: number
  /**
   * Turn V8's inlining off for the profile (see inlining.ts), so that each function's self time
   * is its own. Skipped while coverage is collected. @default true
   */
  exactAttribution?: boolean
}

export type CaptureResult =
  | {
      ok: true
      profile: CpuProfile
      calls: number
      profiledNs: number
      /** 'off' when V8's inlining was off during the profile; 'on' when it could not be. */
      inlining: 'off' | 'on'
    }
  | { ok: false; why: string }

/**
 * Profile `work` for about `durationNs` (always at least one batch). Never throws for the
 * profiler's sake: a runtime without node:inspector, or an inspector that refuses, gives
 * `{ ok: false, why }`. An error thrown by the function itself is rethrown.
 */
export async function captureCpuProfile(
  work: ProfileWork,
  options: CaptureOptions = {},
): Promise<CaptureResult> {
  const durationNs = options.durationNs ?? DEFAULT_PROFILE_TIME_NS
  const intervalUs = options.samplingIntervalUs ?? DEFAULT_SAMPLING_INTERVAL_US
  const opened = await openSession()
  if (!opened.ok) return opened
  const { session } = opened
  const send: Post = (method, params) => post(session, method, params)
  // A fresh loop, compiled while profiling: code V8 compiles before the profiler starts is
  // charged to the wrong functions (see inlining.ts), so nothing runs between here and the start.
  const run = createBatchRunner(work.fn, work.isAsync)
  let restoreInlining: RestoreInlining | undefined
  try {
    try {
      await send('Profiler.enable')
      if ((options.exactAttribution ?? true) && coverageSource(process.env, globalThis) === null) {
        restoreInlining = await turnOffInlining(send)
      }
      await send('Profiler.setSamplingInterval', { interval: intervalUs })
      await send('Profiler.start')
    } catch (error) {
      return { ok: false, why: `the inspector refused to start the CPU profiler (${messageOf(error)})` }
    }
    const start = nowNs()
    let calls = 0
    let lastYield = start
    let profile: CpuProfile | undefined
    try {
      do {
        await runHookedBatch(run, work.batchSize, work.hooks)
        calls += work.batchSize
        if (!work.isAsync && nowNs() - lastYield > YIELD_EVERY_NS) {
          // Timers and worker messages (the measurement lock's heartbeat) need a turn too.
          await new Promise<void>((resolve) => setImmediate(resolve))
          lastYield = nowNs()
        }
      } while (nowNs() - start < durationNs)
    } finally {
      // Stop even when the function threw, so the profiler does not run on under later tests.
      const stopped = await post<{ profile: CpuProfile }>(session, 'Profiler.stop').catch(() => undefined)
      profile = stopped?.profile
    }
    const profiledNs = nowNs() - start
    if (profile === undefined) return { ok: false, why: 'the CPU profiler returned no profile' }
    return { ok: true, profile, calls, profiledNs, inlining: restoreInlining === undefined ? 'on' : 'off' }
  } finally {
    await restoreInlining?.()
    await send('Profiler.disable').catch(() => undefined)
    session.disconnect()
  }
}

async function openSession(): Promise<{ ok: true; session: Session } | { ok: false; why: string }> {
  let inspector: typeof import('node:inspector')
  try {
    inspector = await import('node:inspector')
  } catch (error) {
    return { ok: false, why: `this runtime has no node:inspector (${messageOf(error)})` }
  }
  try {
    const session = new inspector.Session()
    // The inspector takes several sessions at once: a debugger attached with --inspect, or
    // Vitest's V8 coverage, keeps its own and is not disturbed by this one.
    session.connect()
    return { ok: true, session }
  } catch (error) {
    return { ok: false, why: `could not open an inspector session (${messageOf(error)})` }
  }
}

function post<T = unknown>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error: Error | null, result?: unknown) => {
      if (error) reject(error)
      else resolve(result as T)
    })
  })
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

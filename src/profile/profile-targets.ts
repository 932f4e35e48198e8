import { formatDuration } from '../budget/format.js'
import { perfgateError } from '../errors.js'
import type { BenchFn, BenchOptions, BenchResult } from '../measure/types.js'
import { recordResult } from '../results/result-sink.js'
import type { ProfileWork } from './capture-cpu-profile.js'
import { type ProfileBenchOptions, profileBench } from './profile-bench.js'
import {
  isProfileMode,
  PROFILE_MODES_TEXT,
  requestedProfiles,
  resolveProfileMode,
} from './profile-settings.js'
import type { BenchProfile, ProfileMode, ProfileReason } from './types.js'

/*
 * A BenchResult is plain data: by the time a matcher finds it over budget, the function that
 * made it is out of reach. bench() remembers, per result object, what it measured and how, so
 * the matcher can profile that function afterwards. A WeakMap: a result dropped by the test lets
 * its function go too.
 */

interface ProfileTarget extends ProfileWork {
  /** The bench's own `profile` option, if it had one. */
  mode: ProfileMode | undefined
  /** The profile taken of this result already (by 'always' or a regression request), if any. */
  profile?: Promise<BenchProfile>
}

const targets = new WeakMap<BenchResult, ProfileTarget>()

/**
 * Functions faster than this per call are not profiled on failure (only with 'always'). The
 * profile runs them through perfgate's loop with V8's inlining off (see inlining.ts), so for a
 * function about as cheap as a call the profile shows mostly the loop and the call: measured
 * (bench/profile-overhead.ts, 21 Nov 2026, 2-core VM), the loop and the bench's wrapper took
 * 77–80% of the profile at ~1 ns per call, 42–44% at 4.6 ns, 11–12% at 27 ns, 7% at 45 ns and
 * 1.2–1.4% at 1 µs.
 */
export const MIN_PROFILED_CALL_NS = 50

/**
 * What bench() does once a result is measured: check the `profile` option, remember the
 * function for a later profile, and profile at once when the mode is 'always' or the reporter
 * asked for this bench (a confirmed regression, see PROFILE_BENCHES_ENV).
 * @throws PerfgateError BENCH_OPTIONS_INVALID for a `profile` option that is not a mode;
 *   PROFILE_ENV_INVALID for a PERFGATE_PROFILE that is not one.
 */
export async function afterBench(result: BenchResult, fn: BenchFn, options: BenchOptions): Promise<void> {
  const mode = checkedMode(options.profile, result.name)
  const target: ProfileTarget = {
    fn,
    isAsync: result.async,
    batchSize: result.batchSize,
    hooks: {
      ...(options.setup && { setup: options.setup }),
      ...(options.teardown && { teardown: options.teardown }),
    },
    perCallNs: result.stats.medianNs,
    mode,
  }
  targets.set(result, target)
  // The reporter's request (a confirmed regression) holds unless the bench itself says 'off':
  // the process it starts has PERFGATE_PROFILE=off, so nothing else in it is profiled.
  const requested = mode !== 'off' && requestedProfiles().has(result.name)
  const always = resolveProfileMode(mode) === 'always'
  const reason: ProfileReason | undefined = requested ? 'regression' : always ? 'always' : undefined
  if (reason === undefined) return
  target.profile = profileTarget(result.name, target, reason, always)
  recordResult({ kind: 'profile', profile: await target.profile })
}

/** Profile a target, unless it is too cheap to profile meaningfully and 'always' was not asked. */
function profileTarget(
  name: string,
  target: ProfileTarget,
  reason: ProfileReason,
  always: boolean,
  options: ProfileBenchOptions = {},
): Promise<BenchProfile> {
  if (!always && target.perCallNs < MIN_PROFILED_CALL_NS) {
    return Promise.resolve({
      status: 'unavailable',
      name,
      reason,
      why: `at ${formatDuration(target.perCallNs)} per call the function costs about as much as the loop that calls it, so a profile would mostly show that loop; pass { profile: 'always' } to profile it anyway`,
    })
  }
  return profileBench(name, target, reason, options)
}

/**
 * The profile of a result whose budget failed: the one already taken for it, or a new one of
 * the function bench() measured. `inline` is the matcher's `profile` option. Returns undefined
 * when profiling is off; a profile with status 'unavailable' when the function is out of reach
 * (a result read from a file, or made by another copy of perfgate).
 */
export async function profileForFailure(
  result: BenchResult,
  inline: ProfileMode | undefined,
  options: ProfileBenchOptions = {},
): Promise<BenchProfile | undefined> {
  const target = targets.get(result)
  const mode = resolveProfileMode(inline ?? target?.mode)
  if (mode === 'off') return undefined
  if (target === undefined) {
    return {
      status: 'unavailable',
      name: result.name,
      reason: 'budget',
      why: 'the result did not come from bench() in this process, so its function is not at hand to profile',
    }
  }
  if (target.profile !== undefined) return target.profile
  target.profile = profileTarget(result.name, target, 'budget', mode === 'always', options)
  const profile = await target.profile
  recordResult({ kind: 'profile', profile })
  return profile
}

/** Whether a failed budget on this result will be profiled (so the matcher knows to go async). */
export function profilesOnFailure(result: BenchResult, inline: ProfileMode | undefined): boolean {
  return resolveProfileMode(inline ?? targets.get(result)?.mode) !== 'off'
}

function checkedMode(value: unknown, name: string): ProfileMode | undefined {
  if (value === undefined || isProfileMode(value)) return value
  throw perfgateError('BENCH_OPTIONS_INVALID', {
    name,
    problem: `profile is ${JSON.stringify(value) ?? String(value)}, but it takes ${PROFILE_MODES_TEXT}`,
    fix: `Write { profile: 'off' } to never profile this bench, or leave it out.`,
  })
}

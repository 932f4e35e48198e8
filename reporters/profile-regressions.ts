import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadedConfig } from '../src/config/load-config.js'
import { formatProfileSection } from '../src/profile/format-hotspots.js'
import {
  isProfileMode,
  PROFILE_BENCHES_ENV,
  PROFILE_ENV,
  PROFILE_OUT_ENV,
} from '../src/profile/profile-settings.js'
import type { BenchProfile } from '../src/profile/types.js'
import { benchResults, failingRegressions, type GuardOutcome } from './baseline-guard.js'
import type { TestRecords } from './collect-records.js'
import { type RemeasureContext, remeasureInChild } from './remeasure-in-child.js'

/*
 * Hotspots of a confirmed regression. The run's own process is done by the time the guard has
 * its verdict, and the processes that confirmed it measured controls beside the suspect, so the
 * profile gets a fresh process of its own: it runs the regressed benches' tests once more, and
 * their bench() profiles them after measuring (PERFGATE_PROFILE_BENCHES). Only a confirmed
 * regression costs this process; a suspect the re-measurement cleared costs nothing.
 */

/** What profiling the regressions gave: the profiles, or why there are none. */
export interface RegressionProfiles {
  profiles: BenchProfile[]
  /** Why the profiling process failed, or null. */
  error: string | null
}

/**
 * Profile the run's confirmed regressions in a fresh Vitest process, unless profiling is off
 * (PERFGATE_PROFILE, else `bench.profile` of the config): those of the stored baseline's guard,
 * and `alsoRegressed` (the benches the base comparison failed, PERFGATE_BASE_REF). Never throws.
 */
export async function profileRegressions(
  guard: GuardOutcome,
  loaded: LoadedConfig,
  context: RemeasureContext,
  run: typeof remeasureInChild = remeasureInChild,
  alsoRegressed: readonly string[] = [],
): Promise<RegressionProfiles> {
  const names = [...new Set([...failingRegressions(guard).map((v) => v.name), ...alsoRegressed])]
  if (names.length === 0 || profilingOff(loaded, context.env ?? process.env))
    return { profiles: [], error: null }
  const latest = new Map(benchResults(context.entries).map((r) => [r.name, r]))
  const requests = names.flatMap((name) => {
    const result = latest.get(name)
    return result === undefined ? [] : [{ name, batchSize: result.batchSize }]
  })
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-profile-'))
  const out = join(dir, 'profiles.json')
  try {
    await run(requests, {
      ...context,
      env: {
        ...(context.env ?? process.env),
        [PROFILE_BENCHES_ENV]: JSON.stringify(names),
        [PROFILE_OUT_ENV]: out,
      },
    })
    const parsed: unknown = JSON.parse(readFileSync(out, 'utf8'))
    const profiles = Array.isArray(parsed) ? (parsed as BenchProfile[]) : []
    return { profiles: profiles.filter((p) => names.includes(p.name)), error: null }
  } catch (error) {
    return { profiles: [], error: error instanceof Error ? error.message : String(error) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function profilingOff(loaded: LoadedConfig, env: NodeJS.ProcessEnv): boolean {
  const fromEnv = env[PROFILE_ENV]
  if (fromEnv !== undefined && fromEnv !== '' && isProfileMode(fromEnv)) return fromEnv === 'off'
  return loaded.config.bench.profile === 'off'
}

/** In a child started by {@link profileRegressions}: hand the profiles it took back. */
export function writeProfilesOut(
  entries: readonly TestRecords[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const out = env[PROFILE_OUT_ENV]
  if (out === undefined || out === '') return
  const profiles = entries.flatMap((e) => e.records.flatMap((r) => (r.kind === 'profile' ? [r.profile] : [])))
  writeFileSync(out, JSON.stringify(profiles))
}

/** The profiles as the reporter prints them after the regressions. */
export function formatRegressionProfiles(outcome: RegressionProfiles, root: string): string {
  const blocks = outcome.profiles.map((profile) =>
    formatProfileSection(profile, {
      root,
      title: `Hottest functions of "${profile.name}" in a fresh process`,
    }).join('\n'),
  )
  if (outcome.error !== null) blocks.push(`perfgate: could not profile the regressions: ${outcome.error}`)
  return blocks.join('\n\n')
}

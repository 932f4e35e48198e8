import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reasonOf } from '../errors.js'
import { withMeasurementLock } from '../measure/measurement-lock.js'
import {
  type CaptureOptions,
  captureCpuProfile,
  DEFAULT_SAMPLING_INTERVAL_US,
  type ProfileWork,
} from './capture-cpu-profile.js'
import type { CpuProfile } from './cpu-profile.js'
import { MAX_HOTSPOTS, profileHotspots } from './hotspots.js'
import { sourceMappedProfile } from './map-profile.js'
import { ownFrameTest } from './own-frames.js'
import { profileDir } from './profile-settings.js'
import { createPositionMapper, type SourceMapLookup } from './source-map.js'
import type { BenchProfile, ProfileReason } from './types.js'

export interface ProfileBenchOptions extends CaptureOptions {
  /** Folder for the .cpuprofile file. @default profileDir() */
  dir?: string
  /** Paths are shown relative to it. @default process.cwd() */
  root?: string
  /** @default defaultSourceMapLookups() */
  lookups?: readonly SourceMapLookup[]
  /** The file's time stamp. @default now */
  now?: Date
}

/**
 * Profile a bench's function after its measurement, and summarise the profile: the hottest
 * functions with their source-mapped positions, and the saved .cpuprofile. Runs under the
 * measurement lock, as the timed batches do: the profile's load would otherwise fall on another
 * worker's measurement. Never throws: what went wrong is in the result.
 */
export async function profileBench(
  name: string,
  work: ProfileWork,
  reason: ProfileReason,
  options: ProfileBenchOptions = {},
): Promise<BenchProfile> {
  let captured: Awaited<ReturnType<typeof captureCpuProfile>>
  try {
    ;({ value: captured } = await withMeasurementLock(() => captureCpuProfile(work, options), {
      label: `profile "${name}"`,
    }))
  } catch (error) {
    return {
      status: 'unavailable',
      name,
      reason,
      why: `the function threw while profiled (${reasonOf(error)})`,
    }
  }
  if (!captured.ok) return { status: 'unavailable', name, reason, why: captured.why }
  const mapper = createPositionMapper(options.lookups)
  const summary = profileHotspots(captured.profile, {
    mapper,
    isOwnFrame: ownFrameTest(),
    limit: MAX_HOTSPOTS,
    ...(options.root !== undefined && { root: options.root }),
  })
  const saved = saveProfile(
    sourceMappedProfile(captured.profile, mapper),
    options.dir ?? profileDir(),
    name,
    options.now ?? new Date(),
  )
  return {
    status: 'profiled',
    name,
    reason,
    profiledNs: captured.profiledNs,
    samples: summary.samples,
    samplingIntervalUs: options.samplingIntervalUs ?? DEFAULT_SAMPLING_INTERVAL_US,
    calls: captured.calls,
    hotspots: summary.hotspots,
    gcShare: summary.gcShare,
    harnessShare: summary.harnessShare,
    programShare: summary.programShare,
    idleShare: summary.idleShare,
    inlining: captured.inlining,
    file: saved.file,
    fileError: saved.error,
  }
}

/** Longest bench-name part of a profile's file name. */
const MAX_NAME_CHARS = 60

/** A file name from a bench name and a time: `sort-10k-2025-11-21T12-09-32-123Z.cpuprofile`. */
export function profileFileName(name: string, now: Date): string {
  const safe =
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, MAX_NAME_CHARS) || 'bench'
  return `${safe}-${now.toISOString().replace(/[:.]/g, '-')}.cpuprofile`
}

/** Write the profile as JSON, the format Chrome DevTools loads; a failure is reported, not thrown. */
function saveProfile(
  profile: CpuProfile,
  dir: string,
  name: string,
  now: Date,
): { file: string | null; error: string | null } {
  const file = join(dir, profileFileName(name, now))
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(file, JSON.stringify(profile))
    return { file, error: null }
  } catch (error) {
    return { file: null, error: `could not write ${file}: ${reasonOf(error)}` }
  }
}

import { dirname, isAbsolute, join, resolve } from 'node:path'
import { DEFAULT_LOG_FILE } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import { benchDefaults } from '../measure/bench-defaults.js'
import { PROFILE_MODES, type ProfileMode } from './types.js'

/*
 * Whether and where a bench is profiled. Precedence, most specific first: the inline `profile`
 * option, then PERFGATE_PROFILE, then `bench.profile` in package.json (set as a bench default by
 * the Vitest setup file), then DEFAULT_PROFILE_MODE.
 */

/** Profile a bench when its budget fails or it regresses; never during its timed batches. */
export const DEFAULT_PROFILE_MODE: ProfileMode = 'on-failure'

/** Overrides `bench.profile` of the config for a whole run: `off`, `on-failure` or `always`. */
export const PROFILE_ENV = 'PERFGATE_PROFILE'

/** Folder the .cpuprofile files go to, overriding `<folder of output.log>/profiles`. */
export const PROFILE_DIR_ENV = 'PERFGATE_PROFILE_DIR'

/**
 * Set by the reporter on the fresh process it starts to profile confirmed regressions: a JSON
 * array of bench names that bench() profiles after measuring, whatever the mode (unless 'off').
 */
export const PROFILE_BENCHES_ENV = 'PERFGATE_PROFILE_BENCHES'

/**
 * Set with PROFILE_BENCHES_ENV: the JSON file the child's reporter writes the profiles it took
 * to (an array of BenchProfile), for the reporter that started it.
 */
export const PROFILE_OUT_ENV = 'PERFGATE_PROFILE_OUT'

/** The profiles folder inside the log's folder. */
export const PROFILES_FOLDER = 'profiles'

/** Whether a value is a ProfileMode. */
export function isProfileMode(value: unknown): value is ProfileMode {
  return typeof value === 'string' && (PROFILE_MODES as readonly string[]).includes(value)
}

/** The modes as a message lists them: `"on-failure", "always" or "off"`. */
export const PROFILE_MODES_TEXT = `"on-failure" (the default), "always" or "off"`

/**
 * The profile mode in effect for a bench, given its inline option (already checked).
 * @throws PerfgateError PROFILE_ENV_INVALID when PERFGATE_PROFILE holds something else.
 */
export function resolveProfileMode(
  inline: ProfileMode | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProfileMode {
  if (inline !== undefined) return inline
  const fromEnv = env[PROFILE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isProfileMode(fromEnv)) {
      throw perfgateError('PROFILE_ENV_INVALID', {
        variable: PROFILE_ENV,
        received: fromEnv,
        accepted: PROFILE_MODES_TEXT,
      })
    }
    return fromEnv
  }
  return benchDefaults().profile ?? DEFAULT_PROFILE_MODE
}

/**
 * Where .cpuprofile files go: PERFGATE_PROFILE_DIR, else the folder the Vitest setup file set
 * (`<folder of output.log>/profiles`, next to the [VERIFY] log), else logs/profiles of the
 * working directory.
 */
export function profileDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env[PROFILE_DIR_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv)
  const fromDefaults = benchDefaults().profileDir
  if (fromDefaults !== undefined) return isAbsolute(fromDefaults) ? fromDefaults : resolve(cwd, fromDefaults)
  return join(cwd, dirname(DEFAULT_LOG_FILE), PROFILES_FOLDER)
}

/** The profiles folder for a log file: `<folder of the log>/profiles`. */
export function profileDirForLog(logFile: string): string {
  return join(dirname(logFile), PROFILES_FOLDER)
}

/** Bench names the environment asks to profile (see PROFILE_BENCHES_ENV); malformed values ask for none. */
export function requestedProfiles(env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> {
  const text = env[PROFILE_BENCHES_ENV]
  if (text === undefined || text === '') return new Set()
  try {
    const parsed: unknown = JSON.parse(text)
    return new Set(Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [])
  } catch {
    return new Set()
  }
}

import type { ProfileMode } from '../profile/types.js'
import type { DurationInput } from './types.js'

/**
 * Project-wide defaults for every bench() and compare() in a process, under their inline options.
 * A host adapter sets them from the "bench" section of package.json (the Vitest setup file does),
 * so a plain `bench()` in a test follows the project's settings like perfTest does.
 */
export interface BenchDefaults {
  /** Default `time` of bench(). */
  time?: DurationInput
  /** Default `confidence` of bench() and compare(). */
  confidence?: number
  /** Default `by` of compare(): the relative difference below which timings count as equivalent. */
  noiseBand?: number
  /** Default `profile` of bench(): when to take a CPU profile after measuring (docs/profiles.md). */
  profile?: ProfileMode
  /** Folder for .cpuprofile files (absolute, or relative to the working directory). */
  profileDir?: string
}

// On globalThis so every copy of perfgate in the process sees what the host set.
const DEFAULTS_KEY = Symbol.for('perfgate.bench-defaults')
type DefaultsHolder = { [DEFAULTS_KEY]?: BenchDefaults }

/** Set (or, with undefined, clear) the process-wide defaults. Returns the previous ones. */
export function setBenchDefaults(defaults: BenchDefaults | undefined): BenchDefaults | undefined {
  const holder = globalThis as DefaultsHolder
  const previous = holder[DEFAULTS_KEY]
  if (defaults === undefined) delete holder[DEFAULTS_KEY]
  else holder[DEFAULTS_KEY] = { ...defaults }
  return previous
}

/** The process-wide defaults in effect; empty unless a host set some. */
export function benchDefaults(): Readonly<BenchDefaults> {
  return (globalThis as DefaultsHolder)[DEFAULTS_KEY] ?? {}
}

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Batch sizes remembered across processes, so that the same bench measures the same way in every
 * process. A power-of-two grid has boundaries; a function whose cost sits near one would flip
 * between two batch sizes from one process to the next. Remembering the last choice, and keeping
 * it while it stays near the target, removes the flip (hysteresis across processes).
 *
 * The cache is a small JSON file, by default under node_modules/.cache/perfgate (where Vite,
 * Babel and others keep theirs). It is only a cache: unreadable, missing or raced entries mean
 * "calibrate afresh", never an error.
 */
export interface CalibrationCache {
  get(key: string): number | undefined
  set(key: string, batchSize: number): void
}

/**
 * A remembered batch size is kept while its batch lies between target / STICKY_BATCH_FACTOR and
 * target × STICKY_OVERSHOOT: a band on both sides of the power-of-two boundary, so an estimate
 * that wobbles across the boundary keeps the remembered choice whichever side it lands on.
 */
export const STICKY_BATCH_FACTOR = 4
export const STICKY_OVERSHOOT = 1.5

const FILE_NAME = 'batch-sizes.json'
const VERSION = 1

/** The cache key of a bench's batch size; the reporter seeds these from the baseline. */
export function benchCacheKey(name: string): string {
  return `bench:${name}`
}

/** Environment variable that moves the default cache (a folder path) or turns it off (`off`). */
export const CACHE_DIR_ENV = 'PERFGATE_CACHE_DIR'

/**
 * The default cache directory: `$PERFGATE_CACHE_DIR` when set (`off`, `false` or `0` turn the
 * cache off), else node_modules/.cache/perfgate of the project folder, or none without node_modules.
 */
export function defaultCacheDir(
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const configured = env[CACHE_DIR_ENV]?.trim()
  if (configured) return ['off', 'false', '0'].includes(configured.toLowerCase()) ? undefined : configured
  try {
    if (statSync(join(cwd, 'node_modules')).isDirectory())
      return join(cwd, 'node_modules', '.cache', 'perfgate')
  } catch {
    // No node_modules here: no cache rather than litter in the user's folder.
  }
  return undefined
}

/** A cache backed by one JSON file in `dir`; every call re-reads it, so other processes' writes count. */
export function fileCalibrationCache(dir: string): CalibrationCache {
  const file = join(dir, FILE_NAME)
  const read = (): Record<string, number> => {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
        version?: number
        batchSizes?: Record<string, number>
      }
      return parsed.version === VERSION && parsed.batchSizes ? parsed.batchSizes : {}
    } catch {
      return {}
    }
  }
  return {
    get(key) {
      const value = read()[key]
      return Number.isInteger(value) && (value as number) >= 1 ? value : undefined
    },
    set(key, batchSize) {
      try {
        const batchSizes = { ...read(), [key]: batchSize }
        mkdirSync(dir, { recursive: true })
        // Write then rename: a reader in another process sees the old file or the new, never half.
        const temp = `${file}.${process.pid}.tmp`
        writeFileSync(temp, `${JSON.stringify({ version: VERSION, batchSizes }, null, 2)}\n`)
        renameSync(temp, file)
      } catch {
        // A read-only or full disk costs only the stickiness, not the measurement.
      }
    },
  }
}

/**
 * The cache `bench()` and `compare()` use when no `calibrationCache` option is given: the file
 * cache under the current folder's node_modules/.cache/perfgate, or none outside a project.
 */
export function defaultCalibrationCache(cwd: string = process.cwd()): CalibrationCache | undefined {
  const dir = defaultCacheDir(cwd)
  return dir === undefined ? undefined : fileCalibrationCache(dir)
}

/** Pick the cache for a call: an explicit one, none (`false`), or the default. */
export function resolveCalibrationCache(
  option: CalibrationCache | false | undefined,
): CalibrationCache | undefined {
  if (option === false) return undefined
  return option ?? defaultCalibrationCache()
}

/** An in-memory cache, for tests and for callers that want stickiness within one process only. */
export function memoryCalibrationCache(): CalibrationCache {
  const entries = new Map<string, number>()
  return { get: (key) => entries.get(key), set: (key, value) => void entries.set(key, value) }
}

/**
 * Choose between a fresh calibration and a remembered batch size: keep the remembered one while
 * its batch, at the per-call cost just measured, lies between target / STICKY_BATCH_FACTOR and
 * target × STICKY_OVERSHOOT.
 */
export function stickyBatchSize(
  remembered: number | undefined,
  fresh: number,
  perCallNs: number,
  targetBatchNs: number,
): number {
  if (remembered === undefined) return fresh
  const batchNs = remembered * perCallNs
  const keep = batchNs >= targetBatchNs / STICKY_BATCH_FACTOR && batchNs <= targetBatchNs * STICKY_OVERSHOOT
  return keep ? remembered : fresh
}

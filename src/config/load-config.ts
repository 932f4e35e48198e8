import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { PageThresholds } from '../baseline/check-pages.js'
import { perfgateError, reasonOf } from '../errors.js'
import { formatIssues } from './format-issues.js'
import { type PerfgateConfig, perfgateConfigSchema, type RegressionConfig } from './schema.js'

/*
 * Precedence, highest first:
 *   1. inline options (`bench(name, fn, { time })`, `toMeetBudget({ p95: '2ms' })`),
 *   2. the "perfgate" key of the nearest package.json, loaded here,
 *   3. defaults, named constants in schema.ts (DEFAULT_REGRESSION_THRESHOLD, …) and in the
 *      modules that own an option.
 * This module only produces layer 2 with layer 3 filled in; callers apply their inline options.
 */

/** The config in effect for a folder, and where it came from. */
export interface LoadedConfig {
  /** The parsed config; every default filled in. */
  config: PerfgateConfig
  /** Absolute path of the package.json the config came from, or null when none was found. */
  file: string | null
  /** Folder that relative paths in the config resolve against: the package.json's folder, else cwd. */
  root: string
}

/** `regression.benches` as thresholds by bench name or glob (fractions), as checkSuite takes them. */
export function benchThresholdsOf(regression: RegressionConfig): Record<string, number> {
  return Object.fromEntries(Object.entries(regression.benches).map(([key, b]) => [key, b.threshold.fraction]))
}

/** regression.pages as fractions: each page key's own threshold and per-metric thresholds. */
export function pageThresholdsOf(regression: RegressionConfig): Record<string, PageThresholds> {
  return Object.fromEntries(
    Object.entries(regression.pages).map(([key, page]) => [
      key,
      {
        ...(page.threshold === undefined ? {} : { threshold: page.threshold.fraction }),
        ...(page.metrics === undefined
          ? {}
          : { metrics: Object.fromEntries(Object.entries(page.metrics).map(([m, t]) => [m, t.fraction])) }),
      },
    ]),
  )
}

/** The config's file as messages name it: relative to its root ('package.json'), 'package.json' when none was found. */
export function configFileLabel(loaded: LoadedConfig): string {
  return loaded.file === null ? 'package.json' : relative(loaded.root, loaded.file) || 'package.json'
}

/**
 * Validate a raw "perfgate" value (the parsed JSON under that key). Pure: tests and inline
 * options use it directly. An absent key (`undefined`) gives the defaults; anything else must be
 * a valid config object.
 *
 * @param file - How to name the source in the error, e.g. `package.json` or `../package.json`.
 * @throws PerfgateError `CONFIG_INVALID` listing every problem, one `✖ … → at path` block each;
 * the ZodError is kept as cause.
 */
export function parseConfig(raw: unknown, file = 'package.json'): PerfgateConfig {
  const result = perfgateConfigSchema.safeParse(raw === undefined ? {} : raw)
  if (result.success) return result.data
  const problems = formatIssues(result.error.issues, perfgateConfigSchema)
  throw perfgateError('CONFIG_INVALID', { file, problems }, result.error)
}

/**
 * Load the config from the "perfgate" key of the nearest package.json, walking up from `cwd`.
 * No package.json, or one without the key, gives the defaults: perfgate works without config.
 *
 * @throws PerfgateError `CONFIG_UNREADABLE` when the package.json cannot be read or is not valid
 * JSON (the underlying error is the cause); `CONFIG_INVALID` when the "perfgate" key is invalid.
 */
export async function loadConfig(cwd: string = process.cwd()): Promise<LoadedConfig> {
  return loadConfigSync(cwd)
}

/**
 * {@link loadConfig}, synchronously: for matchers that must answer without a promise. Reading one
 * small package.json per process is cheaper than the promise machinery around it.
 */
export function loadConfigSync(cwd: string = process.cwd()): LoadedConfig {
  const start = resolve(cwd)
  const found = findPackageJson(start)
  if (!found) return { config: parseConfig(undefined), file: null, root: start }
  const shown = relative(start, found.file) || found.file
  let pkg: unknown
  try {
    // A byte-order mark is valid in a file but not in JSON.parse; some Windows editors write one.
    pkg = JSON.parse(found.text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw perfgateError('CONFIG_UNREADABLE', { file: shown, reason: reasonOf(error) }, error)
  }
  const raw =
    typeof pkg === 'object' && pkg !== null && !Array.isArray(pkg)
      ? (pkg as Record<string, unknown>).perfgate
      : undefined
  return { config: parseConfig(raw, shown), file: found.file, root: dirname(found.file) }
}

function findPackageJson(start: string): { file: string; text: string } | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    try {
      return { file, text: readFileSync(file, 'utf8') }
    } catch (error) {
      // Only "not here" means keep walking; a package.json we cannot read must not be skipped
      // silently, or a parent's config would apply without anyone noticing.
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw perfgateError(
          'CONFIG_UNREADABLE',
          { file: relative(start, file), reason: reasonOf(error) },
          error,
        )
      }
    }
    if (dirname(dir) === dir) return undefined
  }
}

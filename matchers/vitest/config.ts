/**
 * `perfgate/vitest/config`: Vitest config for perf tests. Loaded in Vitest's main process by the
 * user's vitest config file, so it imports nothing from Vitest at run time (its shape is plain
 * data, the same in Vitest 4 and 5).
 */

import { perfgateBase } from './base-plugin.js'

export type { PerfgateBasePlugin } from './base-plugin.js'
export { perfgateBase }

/** The test settings perf tests need; each is explained where it is set. */
export const PERF_TEST_DEFAULTS = {
  include: ['**/*.perf.{ts,mts,cts,js,mjs,cjs}'],
  // Registers the matchers and attaches results to tests for the reporter.
  setupFiles: ['perfgate/vitest'],
  // Vitest's own output, then perfgate's summary of every bench, comparison and verdict.
  reporters: ['default', 'perfgate/reporter'],
  // Two files measuring at once on a small machine corrupt each other's timings; the measurement
  // lock serialises them anyway, but then workers only wait, so do not start them.
  fileParallelism: false,
  maxWorkers: 1,
  // A child process per worker: the test's timings are not shared with a thread pool's siblings.
  pool: 'forks',
  // Kept on: every file gets fresh modules, so functions start cold in each file rather than
  // carrying JIT state from the previous file's benches. Turning it off saves ~100 ms per file.
  isolate: true,
  // Benches run for seconds, and may wait for another process's measurement to finish.
  testTimeout: 300_000,
  hookTimeout: 120_000,
  sequence: { concurrent: false },
} as const

/** A Vitest config object; kept structural so it fits Vitest 4 and 5. */
export interface PerfConfigInput {
  test?: Record<string, unknown>
  [key: string]: unknown
}

/**
 * Vitest config for a perf project with the right defaults: one worker, no file parallelism, a
 * fresh process per file, long timeouts, `*.perf.ts` files, perfgate's setup file, and perfgate's
 * Vite plugin (which times each perfTest against a base ref's code when PERFGATE_BASE_REF is set).
 * Your settings win, except that `perfgate/vitest` is always among the setup files.
 *
 * ```ts
 * // vitest.perf.config.ts
 * import { definePerfConfig } from 'perfgate/vitest/config'
 * export default definePerfConfig({ test: { include: ['perf/**\/*.perf.ts'] } })
 * ```
 */
export function definePerfConfig<T extends PerfConfigInput>(
  config: T = {} as T,
): T & { test: Record<string, unknown> } {
  const test = config.test ?? {}
  const listed = toArray(test.setupFiles)
  // Where the user placed it, it stays (their polyfill may need to run first), listed once.
  const setupFiles = listed.includes('perfgate/vitest')
    ? listed.filter((file, i) => file !== 'perfgate/vitest' || listed.indexOf(file) === i)
    : ['perfgate/vitest', ...listed]
  // The base comparison (PERFGATE_BASE_REF) needs perfgate's Vite plugin; it is idle without it.
  const plugins = toArray(config.plugins)
  const hasBase = plugins.some((p) => (p as { name?: unknown } | null)?.name === 'perfgate:base')
  return {
    ...config,
    plugins: hasBase ? plugins : [...plugins, perfgateBase()],
    test: {
      // A fresh copy each call: a caller mutating its config must not change the next one's defaults.
      ...structuredClone(PERF_TEST_DEFAULTS),
      ...test,
      setupFiles,
    },
  }
}

function toArray(value: unknown): unknown[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

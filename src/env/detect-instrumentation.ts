import { createRequire } from 'node:module'

/**
 * The URL the inspector listens on, or undefined when it is closed. node:inspector is loaded
 * lazily because Node builds without the inspector throw when it is imported.
 */
export function defaultInspectorUrl(): string | undefined {
  try {
    const inspector = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector')
    return inspector.url()
  } catch {
    return undefined
  }
}

/** --inspect, --inspect-brk and --inspect-wait open the inspector (--inspect-port alone does not). */
const INSPECT_FLAG = /^--inspect(?:-brk|-wait)?(?:=|$)/

/** The flags among `flags` that open the inspector. */
export function inspectFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => INSPECT_FLAG.test(flag))
}

/** NODE_OPTIONS split into flags. Quoted values never hold a flag perfgate looks for. */
export function splitNodeOptions(nodeOptions: string | null): string[] {
  return nodeOptions?.split(/\s+/).filter((token) => token !== '') ?? []
}

interface VitestWorkerState {
  config?: { coverage?: { enabled?: unknown } }
}

/**
 * Where coverage collection was detected, or null. The signals, each set by a real tool:
 * - `NODE_V8_COVERAGE`: Node writes V8 coverage for the process (c8, `node --test --experimental-test-coverage`).
 * - `globalThis.__coverage__`: istanbul/nyc-instrumented code is loaded.
 * - `globalThis.__VITEST_COVERAGE__`: Vitest's istanbul provider instrumented the code.
 * - Vitest's worker state (`globalThis.__vitest_worker__.config.coverage.enabled`): Vitest's v8
 *   provider starts precise coverage through an in-process inspector session and sets none of the
 *   above, so this internal is the only place it shows.
 */
export function coverageSource(env: NodeJS.ProcessEnv, globals: object): string | null {
  if (env.NODE_V8_COVERAGE !== undefined && env.NODE_V8_COVERAGE !== '') return 'NODE_V8_COVERAGE'
  const scope = globals as Record<string, unknown>
  if (typeof scope.__coverage__ === 'object' && scope.__coverage__ !== null) return 'istanbul'
  if (typeof scope.__VITEST_COVERAGE__ === 'object' && scope.__VITEST_COVERAGE__ !== null) return 'vitest'
  const worker = scope.__vitest_worker__ as VitestWorkerState | undefined
  if (worker?.config?.coverage?.enabled === true) return 'vitest'
  return null
}

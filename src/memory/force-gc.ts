import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * How a full garbage collection can be forced in this process:
 * - `'global.gc'`: the process runs with `--expose-gc` (`node --expose-gc`, or Vitest's
 *   `execArgv: ['--expose-gc']`), and `globalThis.gc` is V8's.
 * - `'v8-flag'`: without the flag, V8's flag is set at run time (`v8.setFlagsFromString
 *   ('--expose-gc')`) and the `gc` function taken from a fresh `vm` context, which V8 creates with
 *   it; the flag is then turned off again so later contexts (and user code) do not see `gc`. This
 *   is what jest-leak-detector does. Checked on Node 20 and 24, in plain Node and in Vitest
 *   workers (forks and threads).
 */
export type GcSource = 'global.gc' | 'v8-flag'

/** Whether a full GC can be forced, and the function that forces it. */
export type GcAccess =
  | {
      available: true
      source: GcSource
      /** Run a full, synchronous (stop-the-world) mark-compact of the whole isolate. */
      collect: () => void
    }
  | {
      available: false
      /** Why not, in one sentence. */
      reason: string
    }

/** How a user turns on a forceable GC where perfgate could not get one by itself. */
export const ENABLE_GC_HINT =
  "Run Node with --expose-gc (node --expose-gc, or NODE_OPTIONS=--expose-gc), or in the Vitest config set test.execArgv: ['--expose-gc']."

let cached: GcAccess | undefined

/**
 * Get a way to force a full GC, once per process. Never throws: when neither way works (a
 * runtime that forbids changing V8 flags), the result says why.
 */
export function gcAccess(): GcAccess {
  cached ??= findGc(globalThis as { gc?: unknown })
  return cached
}

/** Exported for tests: the lookup on a given global object. */
export function findGc(global: { gc?: unknown }): GcAccess {
  if (typeof global.gc === 'function') {
    const gc = global.gc as () => void
    return { available: true, source: 'global.gc', collect: () => gc() }
  }
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    // Only new contexts would get gc from here on; nobody else asked for it.
    setFlagsFromString('--no-expose-gc')
    if (typeof gc !== 'function') {
      return { available: false, reason: 'V8 did not expose gc() to a new context after --expose-gc' }
    }
    return { available: true, source: 'v8-flag', collect: () => (gc as () => void)() }
  } catch (error) {
    return {
      available: false,
      reason: `setting --expose-gc at run time failed: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}

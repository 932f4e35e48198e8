import { captureEnvironment } from '../../src/env/capture-environment.js'

// Per process: a worker runs many files, and one warning says it all.
const WARNED = Symbol.for('perfgate.vitest.instrumentation-warned')

/**
 * Warn once per worker when coverage or a debugger is active: both slow code down unevenly, so
 * timings taken under them do not describe the code users run. Other conditions (load, governor)
 * are in every result's environment line already.
 */
export function warnAboutInstrumentation(): void {
  const scope = globalThis as { [WARNED]?: boolean }
  if (scope[WARNED]) return
  scope[WARNED] = true
  const spoilers = captureEnvironment().warnings.filter((w) => w.code === 'coverage' || w.code === 'debugger')
  for (const warning of spoilers) {
    console.warn(
      `perfgate: ${warning.message} Give perf tests their own Vitest config (definePerfConfig) and run it on its own.`,
    )
  }
}

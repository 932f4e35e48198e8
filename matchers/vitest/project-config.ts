import { type LoadedConfig, loadConfigSync } from '../../src/config/load-config.js'

interface VitestWorkerGlobal {
  __vitest_worker__?: { config?: { root?: unknown } }
}

let loaded: LoadedConfig | undefined

/**
 * The "perfgate" config of the project under test, loaded once per worker (synchronously, so a matcher on a result can answer without a promise). It is looked up from
 * Vitest's root (the folder of the Vitest config), which is where users keep the package.json
 * whose budgets they mean, whatever folder Vitest was started from.
 */
export function projectConfig(): LoadedConfig {
  loaded ??= loadConfigSync(vitestRoot() ?? process.cwd())
  return loaded
}

function vitestRoot(): string | undefined {
  const root = (globalThis as VitestWorkerGlobal).__vitest_worker__?.config?.root
  return typeof root === 'string' ? root : undefined
}

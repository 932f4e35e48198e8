import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BASE_CODE_ENV,
  BASE_REF_ENV,
  type BaseCode,
  baseCodeFromEnv,
  basePathOf,
  checkoutBase,
  headPathOf,
} from '../../src/baseline/base-checkout.js'

/*
 * The Vite plugin behind the base comparison (PERFGATE_BASE_REF): in Vitest's main process it
 * checks out the base ref and tells the workers where (BASE_CODE_ENV, inherited by every worker
 * and re-measurement process), and it resolves the imports of the base's files:
 *
 * - `vitest` becomes perfgate's stand-in (vitest-base-shim), so that importing a base perf file
 *   collects its perfTest functions instead of declaring tests a second time;
 * - a bare import (`lodash`, `perfgate/vitest`) resolves as it does from the working tree, since
 *   the checkout has no node_modules: base code runs with the head's dependencies;
 * - an import that resolves into the working tree (an alias such as `@/lib`) goes to the base's
 *   copy of that file when it has one.
 *
 * It is a plain object: Vitest's config loads it without perfgate importing Vite or Vitest.
 */

/** The file the base's `import … from 'vitest'` gets, beside this module in dist/. */
const SHIM_FILE = fileURLToPath(new URL('./vitest-base-shim.js', import.meta.url))

interface ResolvedId {
  id: string
  external?: boolean | string
}

interface ResolveContext {
  resolve(
    source: string,
    importer?: string,
    options?: { skipSelf?: boolean },
  ): Promise<ResolvedId | null | undefined>
}

/** The parts of a Vite plugin this one has; structural, so it fits Vite 6, 7 and 8. */
export interface PerfgateBasePlugin {
  name: string
  enforce: 'pre'
  config(config: { root?: string }): void
  resolveId(
    this: ResolveContext,
    id: string,
    importer: string | undefined,
  ): Promise<ResolvedId | string | undefined>
}

/**
 * perfgate's Vite plugin: with PERFGATE_BASE_REF set, every perfTest also times the base ref's
 * version of its function in the same process. `definePerfConfig` adds it; add it yourself to a
 * config that does not use definePerfConfig: `plugins: [perfgateBase()]`. Without
 * PERFGATE_BASE_REF it does nothing.
 */
export function perfgateBase(
  env: NodeJS.ProcessEnv = process.env,
  shimFile: string = SHIM_FILE,
): PerfgateBasePlugin {
  let code: BaseCode | undefined
  return {
    name: 'perfgate:base',
    enforce: 'pre',
    config(config) {
      const ref = env[BASE_REF_ENV]
      // A re-measurement process inherits its parent's checkout; it must not make another.
      code = baseCodeFromEnv(env)
      if (code !== undefined || ref === undefined || ref.trim() === '') return
      const root = config.root === undefined ? process.cwd() : resolve(config.root)
      code = checkoutBase(ref.trim(), root, env)
      env[BASE_CODE_ENV] = JSON.stringify(code)
    },
    async resolveId(id, importer) {
      if (code === undefined || importer === undefined) return undefined
      const head = headPathOf(code, importer)
      if (head === undefined) return undefined
      if (id === 'vitest') return shimFile
      // A relative or absolute import stays inside the checkout: Vite resolves it as usual.
      if (id.startsWith('.') || isAbsolute(id) || id.startsWith('\0')) return undefined
      const resolved = await this.resolve(id, head, { skipSelf: true })
      if (resolved === null || resolved === undefined || resolved.external) return resolved ?? undefined
      const base = basePathOf(code, resolved.id)
      if (base !== undefined && existsSync(base)) return { ...resolved, id: base }
      return resolved
    },
  }
}

import type { SourceMapPayload } from 'node:module'
import { fileURLToPath } from 'node:url'
import { type SourceMapLookup, setSourceMapLookup } from '../../src/profile/source-map.js'

/*
 * Source maps of the files Vitest transformed, for the positions in a CPU profile. V8 sees a
 * TypeScript file under its own URL but with the transformed code's lines; Vitest's module runner
 * keeps each module's map (Vitest 4 also inlines it in the executed code, Vitest 5 does not), and
 * Vite's EvaluatedModules hands it out by module id (the file path) with its sources resolved.
 * Read through the worker's global state, the one way into the runner from a setup file; when a
 * Vitest version lacks it, this lookup finds nothing and positions fall back to other lookups.
 */

interface DecodedMapLike {
  map?: unknown
  resolvedSources?: unknown
}

interface EvaluatedModulesLike {
  getModuleSourceMapById?: (id: string) => DecodedMapLike | null | undefined
  fileToModulesMap?: Map<string, Set<{ id?: unknown }>>
}

interface VitestWorkerGlobal {
  __vitest_worker__?: { evaluatedModules?: EvaluatedModulesLike }
}

/** The map Vitest's module runner keeps for the file at `url`, if it transformed that file. */
export const vitestSourceMapLookup: SourceMapLookup = (url) => {
  const modules = (globalThis as VitestWorkerGlobal).__vitest_worker__?.evaluatedModules
  if (typeof modules?.getModuleSourceMapById !== 'function') return undefined
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  // A file may be several modules (ids with queries); the plain path is the usual id.
  const ids = [path, ...[...(modules.fileToModulesMap?.get(path) ?? [])].map((m) => m.id)]
  for (const id of new Set(ids)) {
    if (typeof id !== 'string') continue
    const decoded = modules.getModuleSourceMapById(id)
    const payload = decoded?.map
    if (!isPayload(payload)) continue
    const resolved = decoded?.resolvedSources
    return {
      payload,
      base: url,
      ...(Array.isArray(resolved) &&
        resolved.every((s) => typeof s === 'string') && { resolvedSources: resolved }),
    }
  }
  return undefined
}

/** Make CPU profiles taken in this worker map positions through Vitest's source maps. */
export function registerVitestSourceMaps(): void {
  setSourceMapLookup(vitestSourceMapLookup)
}

function isPayload(value: unknown): value is SourceMapPayload {
  if (typeof value !== 'object' || value === null) return false
  const map = value as Partial<SourceMapPayload>
  return typeof map.mappings === 'string' && Array.isArray(map.sources)
}

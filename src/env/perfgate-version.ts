import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ReadFile } from './types.js'

/** Reported when perfgate's own package.json cannot be found or read. */
export const UNKNOWN_VERSION = '0.0.0-unknown'

/** The directory of this module: src/env while developing, dist/ once bundled. */
export function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url))
}

/**
 * perfgate's version from its own package.json. The module's depth below the package root differs
 * between source (src/env/) and bundle (dist/), so walk up from `startDir` to the first
 * package.json whose name is "perfgate", skipping any other package.json on the way (a workspace
 * or a user's project could sit between). Never throws.
 */
export function findPerfgateVersion(startDir: string, readFile: ReadFile): string {
  let dir = startDir
  for (;;) {
    const version = perfgateVersionIn(join(dir, 'package.json'), readFile)
    if (version !== undefined) return version
    const parent = dirname(dir)
    if (parent === dir) return UNKNOWN_VERSION
    dir = parent
  }
}

function perfgateVersionIn(path: string, readFile: ReadFile): string | undefined {
  try {
    const text = readFile(path)
    if (text === undefined) return undefined
    const manifest: unknown = JSON.parse(text)
    if (typeof manifest !== 'object' || manifest === null) return undefined
    const { name, version } = manifest as { name?: unknown; version?: unknown }
    return name === 'perfgate' && typeof version === 'string' ? version : undefined
  } catch {
    return undefined
  }
}

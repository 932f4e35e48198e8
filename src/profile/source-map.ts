import { readFileSync } from 'node:fs'
import { findSourceMap, SourceMap, type SourceMapPayload } from 'node:module'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { MappedPosition, PositionMapper } from './hotspots.js'

/*
 * From the positions V8 reports to the user's source. V8 reports positions in the code it ran:
 * for a TypeScript file that Vitest transformed, the URL is the .ts file but lines and columns
 * are those of the transformed JavaScript (types stripped, imports rewritten), a few lines off.
 * Where the code came with a source map, it says where each position came from.
 *
 * Maps are found by lookups tried in order: one a host registers (the Vitest setup file asks
 * Vitest's module runner, which keeps the map of every file it transformed: Vitest 5 never puts
 * it in the executed code), then Node's own source-map cache (files Node loaded itself under
 * --enable-source-maps), then a `//# sourceMappingURL=` comment in the file on disk (compiled
 * JavaScript shipped with its maps). Decoding uses Node's module.SourceMap: no dependency.
 */

/** A source map and where its `sources` are. */
export interface FoundSourceMap {
  payload: SourceMapPayload
  /**
   * The absolute path or URL of each entry of `payload.sources`, when the finder knows them
   * (Vite resolves them); otherwise they are resolved against `base`.
   */
  resolvedSources?: readonly string[]
  /** The URL or path of the map (or of the generated file), against which relative sources resolve. */
  base?: string
}

/** Finds the source map of the code V8 ran under `url` (`file:///…`); undefined when it has none. */
export type SourceMapLookup = (url: string) => FoundSourceMap | undefined

// On globalThis, as the result sink is, so every copy of perfgate in the process sees the lookup
// the host registered.
const LOOKUP_KEY = Symbol.for('perfgate.source-map-lookup')
type LookupHolder = { [LOOKUP_KEY]?: SourceMapLookup | undefined }

/** Register the host's lookup (the Vitest setup file does). Returns the previous one. */
export function setSourceMapLookup(lookup: SourceMapLookup | undefined): SourceMapLookup | undefined {
  const holder = globalThis as LookupHolder
  const previous = holder[LOOKUP_KEY]
  holder[LOOKUP_KEY] = lookup
  return previous
}

/** The host's lookup, then Node's source-map cache, then a sourceMappingURL comment on disk. */
export function defaultSourceMapLookups(): SourceMapLookup[] {
  const host = (globalThis as LookupHolder)[LOOKUP_KEY]
  return [...(host === undefined ? [] : [host]), nodeSourceMapLookup, fileCommentLookup]
}

/**
 * A PositionMapper over `lookups`, each map loaded at most once. A lookup that throws counts as
 * "no map": a profile's summary must never fail over one unreadable file.
 */
export function createPositionMapper(
  lookups: readonly SourceMapLookup[] = defaultSourceMapLookups(),
): PositionMapper {
  const cache = new Map<string, LoadedMap | null>()
  const load = (url: string): LoadedMap | null => {
    if (!isFileUrlOrPath(url)) return null
    let loaded = cache.get(url)
    if (loaded !== undefined) return loaded
    loaded = null
    for (const lookup of lookups) {
      try {
        const found = lookup(url)
        if (found !== undefined) {
          loaded = { map: new SourceMap(found.payload), found }
          break
        }
      } catch {
        // Next lookup.
      }
    }
    cache.set(url, loaded)
    return loaded
  }
  return {
    position(url, line, column) {
      const loaded = load(url)
      if (loaded === null) return null
      return toMapped(loaded, loaded.map.findEntry(line, column), line, url)
    },
    line(url, line) {
      const loaded = load(url)
      if (loaded === null) return null
      return toMapped(loaded, firstEntryOnLine(loaded.map, line), line, url)
    },
  }
}

interface LoadedMap {
  map: SourceMap
  found: FoundSourceMap
}

type Entry = ReturnType<SourceMap['findEntry']>

function toMapped(loaded: LoadedMap, entry: Entry, line: number, url: string): MappedPosition | null {
  // findEntry falls back to the closest mapping before the position, which may sit on an earlier
  // generated line: that would name the wrong original line.
  if (!('originalSource' in entry) || entry.generatedLine !== line) return null
  return {
    source: resolveSource(loaded, entry.originalSource, url),
    line: entry.originalLine,
    column: entry.originalColumn,
  }
}

/**
 * The first mapping of a generated line. findEntry(line, column) returns the last mapping at or
 * before the column, so the first mapping is at the smallest column whose answer lies on this
 * line: found by doubling, then halving.
 */
export function firstEntryOnLine(map: SourceMap, line: number): Entry {
  const onLine = (column: number) => {
    const entry = map.findEntry(line, column)
    return 'generatedLine' in entry && entry.generatedLine === line ? entry : undefined
  }
  const atStart = onLine(0)
  if (atStart !== undefined) return atStart
  let high = 1
  while (onLine(high) === undefined) {
    high *= 2
    if (high > 1 << 24) return {} as Entry
  }
  let low = Math.floor(high / 2)
  // Invariant: onLine(low) is undefined, onLine(high) is not.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (onLine(mid) === undefined) low = mid
    else high = mid
  }
  return onLine(high)!
}

function resolveSource(loaded: LoadedMap, source: string, url: string): string {
  const { payload, resolvedSources, base } = loaded.found
  const index = payload.sources.indexOf(source)
  const resolved = index >= 0 ? resolvedSources?.[index] : undefined
  if (resolved !== undefined) return resolved
  if (isAbsolute(source) || /^[a-z][a-z0-9+.-]*:/i.test(source)) return source
  // Relative sources resolve against sourceRoot, then the map's (or generated file's) URL.
  const root = payload.sourceRoot ?? ''
  try {
    return new URL(`${root}${root !== '' && !root.endsWith('/') ? '/' : ''}${source}`, toUrl(base ?? url))
      .href
  } catch {
    return source
  }
}

function toUrl(pathOrUrl: string): string {
  return pathOrUrl.startsWith('file:') || !isAbsolute(pathOrUrl) ? pathOrUrl : pathToFileURL(pathOrUrl).href
}

function isFileUrlOrPath(url: string): boolean {
  return url.startsWith('file://') || isAbsolute(url)
}

function toPath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url
}

/** Files Node loaded itself with source maps enabled (--enable-source-maps). */
export const nodeSourceMapLookup: SourceMapLookup = (url) => {
  const found = findSourceMap(toPath(url)) ?? findSourceMap(url)
  if (found === undefined) return undefined
  return { payload: found.payload, base: url }
}

/** Longest file read to look for a sourceMappingURL comment: bigger files are skipped. */
const MAX_SCANNED_FILE_BYTES = 20e6

/**
 * Compiled JavaScript on disk with a `//# sourceMappingURL=` comment: an inline `data:` map or
 * a map file next to it. Only .js/.mjs/.cjs files: a .ts file on disk is the source, not the
 * code that ran.
 */
export const fileCommentLookup: SourceMapLookup = (url) => {
  const path = toPath(url)
  if (!/\.[cm]?js$/.test(path)) return undefined
  const code = readFileSync(path, 'utf8')
  if (code.length > MAX_SCANNED_FILE_BYTES) return undefined
  const comment = [...code.matchAll(/\/\/[#@] sourceMappingURL=(\S+)\s*$/gm)].at(-1)?.[1]
  if (comment === undefined) return undefined
  if (comment.startsWith('data:')) {
    const payload = parseDataUrl(comment)
    return payload === undefined ? undefined : { payload, base: url }
  }
  const mapPath = comment.startsWith('file:') ? fileURLToPath(comment) : join(dirname(path), comment)
  return {
    payload: JSON.parse(readFileSync(mapPath, 'utf8')) as SourceMapPayload,
    base: pathToFileURL(mapPath).href,
  }
}

function parseDataUrl(url: string): SourceMapPayload | undefined {
  const comma = url.indexOf(',')
  if (comma < 0) return undefined
  const meta = url.slice(5, comma)
  const data = url.slice(comma + 1)
  const text = meta.endsWith(';base64')
    ? Buffer.from(data, 'base64').toString('utf8')
    : decodeURIComponent(data)
  return JSON.parse(text) as SourceMapPayload
}

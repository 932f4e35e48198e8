import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { perfgateError, reasonOf } from '../errors.js'
import { type LoadedSizeLimit, loadSizeLimit, type SizeLimitCheck } from './load-size-limit.js'

/** What to measure: a file or glob, optionally only what an import of it pulls in. */
export interface SizeTarget {
  /** File or glob relative to `root`, as in size-limit: `"dist/index.js"`, `"dist/*.js"`. */
  path: string
  /**
   * Measure the tree-shaken bundle of this import instead of the files as they are, as
   * size-limit's `import`: `"{ bench }"` (from the first matched file), or file → import.
   */
  import?: string | Readonly<Record<string, string>>
}

/** The measured size of a target: the sum over every matched file, as size-limit sums them. */
export interface SizeResult {
  /** The target's `path`, as written. */
  path: string
  /** The import measured, or null for the files as they are. */
  import: string | Readonly<Record<string, string>> | null
  /** Files the path matched, relative to the root with `/` separators, sorted. */
  files: string[]
  /** Bytes as they are on disk (for an import: of the minified bundle). */
  rawBytes: number
  /** Bytes after gzip at level 9, as size-limit compresses. */
  gzipBytes: number
  /** Bytes after brotli at quality 11, as size-limit compresses. */
  brotliBytes: number
  /** The measuring tool: `{ name: 'size-limit', version: '12.1.0' }`. */
  tool: { name: 'size-limit'; version: string }
}

/** Options of {@link measureSize}. */
export interface MeasureSizeOptions {
  /** Folder `path` is relative to: the folder of the package.json holding the budget. */
  root: string
  /** Where the target was written, named in errors, e.g. `budgets.size[0] in package.json`. */
  where?: string
  /** size-limit, loaded; loaded here when not given. */
  sizeLimit?: LoadedSizeLimit
}

/**
 * Measure raw, gzip and brotli bytes of the files a path or glob matches, with size-limit's API
 * and its file plugin (and its esbuild plugin for `import`), so the numbers are the ones the
 * `size-limit` command prints for the same files.
 *
 * @throws PerfgateError SIZE_FILES_NOT_FOUND when the path matches no file (a budget over
 *   nothing must not pass); SIZE_LIMIT_MISSING when size-limit is not installed;
 *   SIZE_MEASURE_FAILED when size-limit throws (e.g. esbuild cannot bundle an import).
 */
export async function measureSize(target: SizeTarget, options: MeasureSizeOptions): Promise<SizeResult> {
  const { root } = options
  const wantsImport = target.import !== undefined
  let loaded = options.sizeLimit
  if (loaded === undefined || (wantsImport && loaded.esbuildPlugin === undefined)) {
    loaded = await loadSizeLimit({ esbuild: wantsImport })
  }
  const files = (await loaded.glob([target.path], { cwd: root })).sort(byCodeUnits)
  if (files.length === 0) {
    throw perfgateError('SIZE_FILES_NOT_FOUND', {
      path: target.path,
      root,
      where: options.where ?? 'a size budget',
    })
  }
  const absolute = files.map((file) => resolve(root, file))

  const base: SizeLimitCheck = { files: absolute }
  if (target.import !== undefined) {
    base.import = importsOf(target.import, absolute[0]!, root)
    // As size-limit: peer dependencies are the user's to install, so they stay out of the bundle.
    base.ignore = peerDependencies(root)
    // esbuild's errors reach the user inside SIZE_MEASURE_FAILED; printed as well, they would be twice.
    base.modifyEsbuildConfig = (config) => ({ ...config, logLevel: 'silent' })
  }
  // One check per compression, as `size-limit` runs them: gzip, none (brotli off), brotli.
  const checks: SizeLimitCheck[] = [
    { ...base, files: [...absolute], brotli: false },
    { ...base, files: [...absolute], gzip: true },
    { ...base, files: [...absolute] },
  ]
  const plugins = [loaded.filePlugin, ...(wantsImport ? [loaded.esbuildPlugin!] : [])]
  let sizes: Array<{ size?: number }>
  try {
    sizes = await loaded.sizeLimit(plugins, { checks })
  } catch (error) {
    throw perfgateError('SIZE_MEASURE_FAILED', { path: target.path, reason: reasonOf(error) }, error)
  }
  const [raw, gzip, brotli] = sizes.map((s) => s.size)
  if (typeof raw !== 'number' || typeof gzip !== 'number' || typeof brotli !== 'number') {
    throw perfgateError('SIZE_MEASURE_FAILED', {
      path: target.path,
      reason: 'size-limit returned no size (is @size-limit/file installed alongside size-limit?)',
    })
  }
  return {
    path: target.path,
    import: target.import ?? null,
    files,
    rawBytes: raw,
    gzipBytes: gzip,
    brotliBytes: brotli,
    tool: { name: 'size-limit', version: loaded.version },
  }
}

/**
 * size-limit's import map with absolute keys: a string import is of the first matched file; a
 * key of an object is a path relative to the root, or a package name resolved from the root.
 */
function importsOf(
  spec: string | Readonly<Record<string, string>>,
  firstFile: string,
  root: string,
): Record<string, string> {
  if (typeof spec === 'string') return { [firstFile]: spec }
  const require = createRequire(join(root, 'package.json'))
  const imports: Record<string, string> = {}
  for (const [key, value] of Object.entries(spec)) {
    const asPath = isAbsolute(key) ? key : resolve(root, key)
    imports[existsSync(asPath) || key.startsWith('.') ? asPath : require.resolve(key)] = value
  }
  return imports
}

function peerDependencies(root: string): string[] {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>
    }
    return Object.keys(pkg.peerDependencies ?? {})
  } catch {
    return []
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { perfgateError, reasonOf } from '../errors.js'

/** The size-limit packages perfgate measures with: size-limit itself and its file plugin. */
export const SIZE_LIMIT_PACKAGES = ['size-limit', '@size-limit/file'] as const
/** The plugin an `import` budget needs on top: it bundles the import with esbuild and tree-shakes it. */
export const SIZE_LIMIT_ESBUILD = '@size-limit/esbuild'

/** A size-limit plugin, typed as far as perfgate hands it on (size-limit calls its steps). */
export type SizeLimitPlugin = { name: string } & Record<string, unknown>

/** One check as size-limit's API takes it, in the fields perfgate sets. */
export interface SizeLimitCheck {
  files: string[]
  /** `true`: gzip (level 9). */
  gzip?: boolean
  /** `false` with gzip unset: raw bytes; unset: brotli (quality 11). */
  brotli?: boolean
  /** Absolute file → import, e.g. `{ "/p/dist/index.js": "{ bench }" }`. */
  import?: Record<string, string>
  /** Packages left out of an import's bundle (size-limit leaves out peer dependencies). */
  ignore?: string[]
  /** Last change to the esbuild config size-limit builds an import with. */
  modifyEsbuildConfig?: (config: Record<string, unknown>) => Record<string, unknown>
}

/** size-limit's default export: runs the plugins over the checks, one `{ size }` per check. */
export type SizeLimitApi = (
  plugins: SizeLimitPlugin[][],
  config: { checks: SizeLimitCheck[] },
) => Promise<Array<{ size?: number }>>

/** A glob function with tinyglobby's signature, the one size-limit expands `path` with. */
export type GlobFunction = (
  patterns: string[],
  options: { cwd: string; absolute?: boolean; onlyFiles?: boolean },
) => Promise<string[]>

/** size-limit, loaded. */
export interface LoadedSizeLimit {
  sizeLimit: SizeLimitApi
  /** Version from size-limit/package.json, e.g. "12.1.0". */
  version: string
  /** The file plugin: raw, gzip and brotli bytes of files (or of esbuild's bundle). */
  filePlugin: SizeLimitPlugin[]
  /** The esbuild plugin, loaded only when asked for (`import` budgets). */
  esbuildPlugin?: SizeLimitPlugin[]
  /** size-limit's own glob (tinyglobby), so paths match exactly what `size-limit` would match. */
  glob: GlobFunction
}

/** Options of {@link loadSizeLimit}. */
export interface LoadSizeLimitOptions {
  /** Also load @size-limit/esbuild, for budgets with `import`. @default false */
  esbuild?: boolean
  /**
   * A file or folder URL/path the packages are resolved from, as Node would from a module there.
   * @default perfgate's own location (the user's node_modules when perfgate is installed)
   */
  resolveFrom?: string | URL
}

/**
 * Load size-limit, an optional peer, only when a size budget needs it. The packages are resolved
 * from `resolveFrom` and imported by file URL, so a bundler leaves them to Node at run time.
 *
 * @throws PerfgateError SIZE_LIMIT_MISSING naming every missing package in one install command;
 *   SIZE_LIMIT_UNUSABLE when one is installed but does not load or has an unexpected shape.
 */
export async function loadSizeLimit(options: LoadSizeLimitOptions = {}): Promise<LoadedSizeLimit> {
  const from = options.resolveFrom ?? import.meta.url
  const require = createRequire(
    from instanceof URL || from.startsWith('file:') ? from : join(from, 'noop.js'),
  )
  const wanted: string[] = [...SIZE_LIMIT_PACKAGES, ...(options.esbuild ? [SIZE_LIMIT_ESBUILD] : [])]
  const resolved = new Map<string, string>()
  const missing: string[] = []
  for (const pkg of wanted) {
    try {
      resolved.set(pkg, require.resolve(pkg))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw unusable(pkg, error)
      missing.push(pkg)
    }
  }
  if (missing.length > 0) {
    const quoted = missing.map((p) => `"${p}"`)
    throw perfgateError('SIZE_LIMIT_MISSING', {
      feature:
        missing.length === 1 && missing[0] === SIZE_LIMIT_ESBUILD
          ? 'Size budgets with "import"'
          : 'Size budgets',
      packages: `${quoted.length === 1 ? 'the package' : 'the packages'} ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`}`,
      install: `pnpm add -D ${missing.join(' ')}`,
    })
  }

  const sizeLimitEntry = resolved.get('size-limit')!
  const sizeLimit = (await importFile('size-limit', sizeLimitEntry)) as { default?: unknown }
  if (typeof sizeLimit.default !== 'function') {
    throw perfgateError('SIZE_LIMIT_UNUSABLE', {
      pkg: 'size-limit',
      problem: 'its module has no default export to run it with',
      fix: 'Install size-limit 12 or newer: pnpm add -D size-limit @size-limit/file',
    })
  }
  const filePlugin = pluginList(
    '@size-limit/file',
    await importFile('@size-limit/file', resolved.get('@size-limit/file')!),
  )
  const esbuildPath = resolved.get(SIZE_LIMIT_ESBUILD)
  const esbuildPlugin =
    esbuildPath === undefined
      ? undefined
      : pluginList(SIZE_LIMIT_ESBUILD, await importFile(SIZE_LIMIT_ESBUILD, esbuildPath))

  return {
    sizeLimit: sizeLimit.default as SizeLimitApi,
    version: readVersion(sizeLimitEntry),
    filePlugin,
    ...(esbuildPlugin === undefined ? {} : { esbuildPlugin }),
    glob: await loadGlob(sizeLimitEntry),
  }
}

async function importFile(pkg: string, path: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(path).href)
  } catch (error) {
    throw unusable(pkg, error)
  }
}

function unusable(pkg: string, error: unknown) {
  return perfgateError(
    'SIZE_LIMIT_UNUSABLE',
    { pkg, problem: `loading it failed: ${reasonOf(error)}`, fix: 'Reinstall it: pnpm install' },
    error,
  )
}

function pluginList(pkg: string, mod: unknown): SizeLimitPlugin[] {
  const list = (mod as { default?: unknown }).default
  if (!Array.isArray(list) || list.length === 0) {
    throw perfgateError('SIZE_LIMIT_UNUSABLE', {
      pkg,
      problem: 'its default export is not a list of size-limit plugins',
      fix: `Install a version that matches size-limit: pnpm add -D ${pkg}@latest size-limit@latest`,
    })
  }
  return list as SizeLimitPlugin[]
}

/** size-limit's package.json sits next to its entry file (index.js at the package root). */
function readVersion(entry: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * size-limit expands `path` with tinyglobby, its own dependency: resolved from size-limit's
 * folder, so perfgate matches the same files as `size-limit` does without a dependency of its own.
 */
async function loadGlob(sizeLimitEntry: string): Promise<GlobFunction> {
  const mod = (await importFile(
    'tinyglobby',
    resolveOrThrow(createRequire(sizeLimitEntry), 'tinyglobby', 'size-limit'),
  )) as { glob?: unknown; default?: { glob?: unknown } }
  const glob = mod.glob ?? mod.default?.glob
  if (typeof glob !== 'function') {
    throw perfgateError('SIZE_LIMIT_UNUSABLE', {
      pkg: 'size-limit',
      problem: 'its glob library (tinyglobby) has no glob function',
      fix: 'Reinstall it: pnpm install',
    })
  }
  return glob as GlobFunction
}

function resolveOrThrow(require: NodeJS.Require, specifier: string, owner: string): string {
  try {
    return require.resolve(specifier)
  } catch (error) {
    throw perfgateError(
      'SIZE_LIMIT_UNUSABLE',
      {
        pkg: owner,
        problem: `its dependency ${specifier} is not installed`,
        fix: 'Reinstall it: pnpm install',
      },
      error,
    )
  }
}

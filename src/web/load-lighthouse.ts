import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { perfgateError, reasonOf } from '../errors.js'
import type { LighthouseReport } from './lighthouse-metrics.js'

/** The Lighthouse versions perfgate supports: its peer range in package.json. */
export const LIGHTHOUSE_PEER_RANGE = '^12.8.0 || ^13.0.0'
/** The oldest Lighthouse perfgate runs: the first with the insight audits and the result shape it reads. */
export const LIGHTHOUSE_MIN_VERSION = '12.8.0'
/**
 * The oldest Node that Lighthouse 13 runs on (its `engines.node`). On older Node the install hint
 * names Lighthouse 12, the last major that runs there.
 */
export const LIGHTHOUSE_13_MIN_NODE = '22.19.0'

/** Options of a Lighthouse run that perfgate passes: Lighthouse's flags, as far as perfgate uses them. */
export interface LighthouseFlags {
  /** Remote-debugging port of the Chromium to audit in. */
  port?: number
  /** Host of that port. */
  hostname?: string
  output?: 'json'
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'verbose'
  onlyCategories?: string[]
  [flag: string]: unknown
}

/** Lighthouse's default export, `lighthouse(url, flags, config)`, typed as far as perfgate calls it. */
export type LighthouseFunction = (
  url: string,
  flags?: LighthouseFlags,
  config?: unknown,
) => Promise<{ lhr: LighthouseReport } | undefined>

/** Lighthouse, loaded: the function to run it, its version, and the configs of its presets. */
export interface LoadedLighthouse {
  lighthouse: LighthouseFunction
  /** Version from lighthouse/package.json, e.g. "12.8.2". */
  version: string
  /**
   * Config per preset. Mobile is Lighthouse's default config (undefined: Lighthouse picks it);
   * desktop is Lighthouse's own desktop config, the one `lighthouse --preset=desktop` uses.
   */
  configs: { desktop: unknown; mobile: undefined }
}

/** The fields of lighthouse/package.json that decide whether it can run here. */
export interface LighthousePackageJson {
  version?: string
  engines?: { node?: string }
}

/** The outside world loadLighthouse reads. Every field defaults to the real thing. */
export interface LoadLighthouseOptions {
  /** Imports a module by its bare specifier. @default (specifier) => import(specifier) */
  importModule?: (specifier: string) => Promise<unknown>
  /**
   * The installed lighthouse/package.json, or undefined when Lighthouse is not installed.
   * @default resolved from perfgate's own location, as `import('lighthouse')` resolves it
   */
  readPackageJson?: () => LighthousePackageJson | undefined
  /** @default process.versions.node */
  nodeVersion?: string
}

/**
 * Load Lighthouse, an optional peer, only when a Lighthouse budget needs it. Throws
 * LIGHTHOUSE_MISSING with the install command that fits this Node when it is not installed, and
 * LIGHTHOUSE_UNUSABLE when the installed one is older than LIGHTHOUSE_MIN_VERSION, needs a newer
 * Node, or fails to load.
 *
 * The specifiers are passed to `import()` as values, never as literals, so a bundler (tsup) leaves
 * them for Node to resolve at run time from the user's node_modules.
 */
export async function loadLighthouse(options: LoadLighthouseOptions = {}): Promise<LoadedLighthouse> {
  const importModule = options.importModule ?? ((specifier: string) => import(specifier))
  const nodeVersion = options.nodeVersion ?? process.versions.node
  const pkg = (options.readPackageJson ?? readInstalledPackageJson)()
  if (pkg === undefined) throw missing(nodeVersion)

  const version = pkg.version ?? 'unknown'
  if (compareVersions(version, LIGHTHOUSE_MIN_VERSION) < 0) {
    throw perfgateError('LIGHTHOUSE_UNUSABLE', {
      version,
      problem: `perfgate needs Lighthouse ${LIGHTHOUSE_PEER_RANGE}`,
      fix: `Upgrade it: ${lighthouseInstallHint(nodeVersion)}`,
    })
  }
  // Checked before importing: a Lighthouse too new for this Node may fail to load with an error
  // that says nothing about versions.
  const minNode = minimumNode(pkg.engines?.node)
  if (minNode !== undefined && compareVersions(nodeVersion, minNode) < 0) {
    throw perfgateError('LIGHTHOUSE_UNUSABLE', {
      version,
      problem: `it needs Node ${pkg.engines?.node}, and this is Node ${nodeVersion}`,
      fix: `Install Lighthouse 12, which runs on Node 20 (${lighthouseInstallHint(nodeVersion)}), or upgrade Node`,
    })
  }

  let mod: LighthouseModule
  try {
    mod = (await importModule(LIGHTHOUSE)) as LighthouseModule
  } catch (error) {
    if (isLighthouseNotFound(error)) throw missing(nodeVersion, error)
    throw perfgateError(
      'LIGHTHOUSE_UNUSABLE',
      { version, problem: `loading it failed: ${reasonOf(error)}`, fix: 'Reinstall it: pnpm install' },
      error,
    )
  }
  if (typeof mod?.default !== 'function') {
    throw perfgateError('LIGHTHOUSE_UNUSABLE', {
      version,
      problem: 'its module has no default export to run it with',
      fix: `Install a supported version (${LIGHTHOUSE_PEER_RANGE}): ${lighthouseInstallHint(nodeVersion)}`,
    })
  }

  // Lighthouse 10 and later export the desktop config; the file is the fallback for a build that does not.
  let desktop = mod.desktopConfig
  if (desktop === undefined) {
    try {
      desktop = ((await importModule(DESKTOP_CONFIG)) as { default?: unknown }).default
    } catch (error) {
      throw perfgateError(
        'LIGHTHOUSE_UNUSABLE',
        {
          version,
          problem: `its desktop config did not load: ${reasonOf(error)}`,
          fix: 'Reinstall it: pnpm install',
        },
        error,
      )
    }
  }
  return { lighthouse: mod.default, version, configs: { desktop, mobile: undefined } }
}

/**
 * The command that installs a Lighthouse that runs on `nodeVersion`: Lighthouse 13 needs Node
 * LIGHTHOUSE_13_MIN_NODE, so on older Node the hint pins Lighthouse 12.
 */
export function lighthouseInstallHint(nodeVersion: string = process.versions.node): string {
  return compareVersions(nodeVersion, LIGHTHOUSE_13_MIN_NODE) < 0
    ? 'pnpm add -D lighthouse@12'
    : 'pnpm add -D lighthouse'
}

const LIGHTHOUSE = 'lighthouse'
const DESKTOP_CONFIG = 'lighthouse/core/config/desktop-config.js'

interface LighthouseModule {
  default?: LighthouseFunction
  desktopConfig?: unknown
}

function missing(nodeVersion: string, cause?: unknown) {
  const install = lighthouseInstallHint(nodeVersion)
  const note =
    install === 'pnpm add -D lighthouse'
      ? ''
      : `Lighthouse 13 needs Node ${LIGHTHOUSE_13_MIN_NODE} or newer, and this is Node ${nodeVersion}`
  return perfgateError('LIGHTHOUSE_MISSING', { install, note }, cause)
}

/**
 * Node's error for `import('lighthouse')` when the package itself is absent. A missing package
 * *inside* Lighthouse has the same code but names that package: that is a broken install, not a
 * missing peer.
 */
function isLighthouseNotFound(error: unknown): boolean {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND')
    return false
  return /Cannot find (package|module) 'lighthouse'/.test(error.message)
}

/**
 * Read lighthouse/package.json where `import('lighthouse')` would find it. Lighthouse 12 has no
 * exports map, so its package.json resolves directly; should a later version add one that hides
 * package.json, look in the node_modules folders Node would search.
 */
function readInstalledPackageJson(): LighthousePackageJson | undefined {
  const require = createRequire(import.meta.url)
  let path: string | undefined
  try {
    path = require.resolve(`${LIGHTHOUSE}/package.json`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined
    path = (require.resolve.paths(LIGHTHOUSE) ?? [])
      .map((dir) => join(dir, LIGHTHOUSE, 'package.json'))
      .find((candidate) => existsSync(candidate))
  }
  if (path === undefined) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LighthousePackageJson
  } catch {
    return undefined
  }
}

/** The version an `engines.node` range starts at, for the ">=22.19" shape Lighthouse uses; else undefined. */
function minimumNode(range: string | undefined): string | undefined {
  const match = range?.trim().match(/^>=\s*v?(\d+(?:\.\d+){0,2})$/)
  return match?.[1]
}

/** Compare dotted versions numerically ("12.10.0" > "12.8.2"); prerelease tags are ignored. */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) =>
    (v.replace(/^v/, '').split(/[-+]/)[0] ?? '').split('.').map((n) => Number(n) || 0)
  const [pa, pb] = [parse(a), parse(b)]
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}

import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { perfgateError, reasonOf } from '../errors.js'

/** The autocannon versions perfgate supports: its peer range in package.json. */
export const AUTOCANNON_PEER_RANGE = '>=7.12.0'
/** The command that installs autocannon, named in the error when it is missing. */
export const AUTOCANNON_INSTALL = 'pnpm add -D autocannon'

/**
 * The part of autocannon's instance perfgate listens to. Typed here rather than from
 * @types/autocannon, whose 'response' listener lacks the client that autocannon 7.12–9 passes
 * first: `tracker.emit('response', client, statusCode, resBytes, responseTime)`, the time in ms.
 */
export interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void,
  ): this
  on(event: 'reqError', listener: (error: unknown) => void): this
  on(event: 'done', listener: (result: AutocannonResult) => void): this
  on(event: 'error', listener: (error: unknown) => void): this
  stop(): void
}

/** Fields of autocannon's result that perfgate reads. */
export interface AutocannonResult {
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats?: Record<string, { count: number }>
}

/** autocannon's options, as far as perfgate sets them. */
export interface AutocannonOptions {
  url: string
  connections: number
  duration?: number
  amount?: number
  timeout: number
  method: string
  headers?: Record<string, string>
  body?: string
  sampleInt?: number
}

/** `autocannon(options, callback)`: starts the run and returns its instance. */
export type AutocannonFunction = (
  options: AutocannonOptions,
  callback: (error: unknown, result: AutocannonResult) => void,
) => AutocannonInstance

/** autocannon, loaded: the function and its version. */
export interface LoadedAutocannon {
  autocannon: AutocannonFunction
  /** From autocannon/package.json, e.g. "9.0.0". */
  version: string
}

/** Where {@link loadAutocannon} looks. Defaults to the real thing. */
export interface LoadAutocannonOptions {
  /** Folder of the project: autocannon is looked up from its package.json first. @default process.cwd() */
  cwd?: string
  /** Requires a module by name from a folder; for tests. @default Node's createRequire */
  requireFrom?: (folder: string, name: string) => unknown
}

/**
 * Load autocannon, an optional peer, only when a load test needs it: from the project first
 * (where users install it; a strict pnpm layout hides it from perfgate's own folder), then from
 * perfgate's folder. autocannon is CommonJS, so it is required, not imported.
 *
 * @throws PerfgateError PEER_MISSING with the install command when it is installed nowhere;
 * AUTOCANNON_UNUSABLE when it is installed but does not load or is not a function.
 */
export function loadAutocannon(options: LoadAutocannonOptions = {}): LoadedAutocannon {
  const requireFrom = options.requireFrom ?? defaultRequireFrom
  const folders = [options.cwd ?? process.cwd(), PERFGATE_FOLDER]
  for (const folder of folders) {
    let mod: unknown
    try {
      mod = requireFrom(folder, AUTOCANNON)
    } catch (error) {
      if (isNotFound(error)) continue
      throw perfgateError(
        'AUTOCANNON_UNUSABLE',
        { problem: `loading it failed: ${reasonOf(error)}`, fix: 'Reinstall it: pnpm install' },
        error,
      )
    }
    if (typeof mod !== 'function') {
      throw perfgateError('AUTOCANNON_UNUSABLE', {
        problem: 'its module does not export the autocannon function',
        fix: `Install a supported version (${AUTOCANNON_PEER_RANGE}): ${AUTOCANNON_INSTALL}`,
      })
    }
    let version = 'unknown'
    try {
      version = (requireFrom(folder, `${AUTOCANNON}/package.json`) as { version?: string }).version ?? version
    } catch {
      // A build without its package.json still runs; the version is only reported.
    }
    return { autocannon: mod as AutocannonFunction, version }
  }
  throw perfgateError('PEER_MISSING', {
    pkg: AUTOCANNON,
    feature: 'HTTP load tests (loadTest, budgets.http)',
  })
}

const AUTOCANNON = 'autocannon'
const PERFGATE_FOLDER = fileURLToPath(new URL('.', import.meta.url))

function defaultRequireFrom(folder: string, name: string): unknown {
  return createRequire(join(folder, 'package.json'))(name)
}

/** Node's error for a package that is absent, not one that fails inside. */
function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    error instanceof Error &&
    new RegExp(`Cannot find (package|module) '${AUTOCANNON}(/package\\.json)?'`).test(error.message)
  )
}

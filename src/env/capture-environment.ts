import { readFileSync } from 'node:fs'
import * as os from 'node:os'
import { timerProfile } from '../measure/timer.js'
import { ciBranch, detectCi } from './detect-ci.js'
import { coverageSource, defaultInspectorUrl } from './detect-instrumentation.js'
import { environmentWarnings } from './environment-warnings.js'
import { findPerfgateVersion, moduleDirectory, UNKNOWN_VERSION } from './perfgate-version.js'
import { readCgroupQuota } from './read-cgroup-quota.js'
import { defaultRunGit, type GitInfo, type RunGit, readGit } from './read-git.js'
import type { Environment, ReadFile } from './types.js'

/** The outside world captureEnvironment reads. Every field defaults to the real thing. */
export interface CaptureEnvironmentOptions {
  /** Directory whose git work tree is described. @default process.cwd() */
  cwd?: string
  /** Variables for CI detection, NODE_OPTIONS and coverage. @default process.env */
  env?: NodeJS.ProcessEnv
  /** @default process.execArgv */
  execArgv?: readonly string[]
  /** @default () => new Date() */
  now?: () => Date
  /** Reads /sys, /proc and package.json files. @default fs.readFileSync, undefined on any error */
  readFile?: ReadFile
  /** @default execFileSync('git', …) with a GIT_TIMEOUT_MS timeout, undefined on any error */
  runGit?: RunGit
  /** URL of the open inspector, if any. @default node:inspector url() */
  inspectorUrl?: () => string | undefined
  /** Where coverage tools leave their globals. @default globalThis */
  globals?: object
}

export const CPUFREQ_GOVERNOR_PATH = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'

const defaultReadFile: ReadFile = (path) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

// Caches for the parts that are slow to read and do not change while a process runs. They are
// keyed by the probe function too, so a test's fake never sees another probe's answer.
const gitCache = new WeakMap<RunGit, Map<string, GitInfo | null>>()
const versionCache = new WeakMap<ReadFile, string>()
let cpuInfoCache: { model: string; speedMHz: number | null } | undefined

/**
 * Describe the machine and process a measurement runs in. Synchronous and never throws: a probe
 * that fails leaves its field null (or a documented default) instead. Git state, CPU model and
 * perfgate's version are read once per process (git once per `cwd`); load and memory are read on
 * every call.
 */
export function captureEnvironment(options: CaptureEnvironmentOptions = {}): Environment {
  const env = safe(() => options.env ?? process.env, {})
  const readFile = safe(() => options.readFile ?? defaultReadFile, defaultReadFile)
  const runGit = safe(() => options.runGit ?? defaultRunGit, defaultRunGit)
  const cwd = safe(() => options.cwd ?? process.cwd(), '.')
  const execArgv = safe(() => [...(options.execArgv ?? process.execArgv)].map(String), [])
  const nodeOptions = safe(() => env.NODE_OPTIONS || null, null)

  const cpuInfo = readCpuInfo()
  const [avg1 = 0, avg5 = 0, avg15 = 0] = safe(() => os.loadavg(), [])
  const base: Omit<Environment, 'warnings'> = {
    capturedAt: safe(
      () => (options.now ?? (() => new Date()))().toISOString(),
      safe(() => new Date().toISOString(), ''),
    ),
    perfgateVersion: cachedVersion(readFile),
    runtime: {
      name: 'node',
      version: safe(() => process.versions.node, 'unknown'),
      v8: safe(() => process.versions.v8, 'unknown'),
      execArgv,
      nodeOptions,
    },
    os: {
      platform: safe(() => process.platform, 'linux'),
      release: safe(() => os.release(), 'unknown'),
      kernel: safe(() => os.version(), 'unknown'),
      arch: safe(() => process.arch, 'unknown'),
    },
    cpu: {
      model: cpuInfo.model,
      count: safe(() => os.availableParallelism(), safe(() => os.cpus().length, 0) || 1),
      speedMHz: cpuInfo.speedMHz,
      governor: safe(() => readFile(CPUFREQ_GOVERNOR_PATH)?.trim() || null, null),
      quotaCores: safe(() => readCgroupQuota(readFile), null),
    },
    memory: { totalBytes: safe(() => os.totalmem(), 0), freeBytes: safe(() => os.freemem(), 0) },
    load: { avg1, avg5, avg15 },
    ci: safe(() => detectCi(env), null),
    git: withCiBranch(cachedGit(runGit, cwd), env),
    timer: safe(
      () => {
        const { resolutionNs, costNs } = timerProfile()
        return { resolutionNs, costNs }
      },
      { resolutionNs: 0, costNs: 0 },
    ),
  }
  const extra = {
    inspectorActive: safe(() => (options.inspectorUrl ?? defaultInspectorUrl)() !== undefined, false),
    coverageActive: safe(() => coverageSource(env, options.globals ?? globalThis) !== null, false),
  }
  return { ...base, warnings: safe(() => environmentWarnings(base, extra), []) }
}

function safe<T>(probe: () => T, fallback: T): T {
  try {
    return probe()
  } catch {
    return fallback
  }
}

function readCpuInfo(): { model: string; speedMHz: number | null } {
  cpuInfoCache ??= safe(
    () => {
      const first = os.cpus()[0]
      // Models come padded and with doubled spaces on some kernels ("Intel(R) Xeon(R) CPU  @ …").
      const model = first?.model.trim().replace(/\s+/g, ' ') || 'unknown'
      return { model, speedMHz: first !== undefined && first.speed > 0 ? first.speed : null }
    },
    { model: 'unknown', speedMHz: null },
  )
  return cpuInfoCache
}

function cachedVersion(readFile: ReadFile): string {
  return safe(() => {
    let version = versionCache.get(readFile)
    if (version === undefined) {
      version = findPerfgateVersion(moduleDirectory(), readFile)
      versionCache.set(readFile, version)
    }
    return version
  }, UNKNOWN_VERSION)
}

function cachedGit(runGit: RunGit, cwd: string): GitInfo | null {
  return safe(() => {
    let byCwd = gitCache.get(runGit)
    if (!byCwd) {
      byCwd = new Map()
      gitCache.set(runGit, byCwd)
    }
    let git = byCwd.get(cwd)
    if (git === undefined) {
      git = readGit(runGit, cwd)
      byCwd.set(cwd, git)
    }
    return git
  }, null)
}

/** CI checkouts are often a detached HEAD; the branch is then in the CI's variables. */
function withCiBranch(git: GitInfo | null, env: NodeJS.ProcessEnv): GitInfo | null {
  if (git === null || git.branch !== null) return git
  return { ...git, branch: safe(() => ciBranch(env), null) }
}

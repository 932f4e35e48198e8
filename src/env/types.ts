/** Something about the machine or process that makes timings less trustworthy. */
export interface EnvironmentWarning {
  code:
    | 'high-load'
    | 'debugger'
    | 'coverage'
    | 'cpu-governor'
    | 'cpu-quota'
    | 'low-memory'
    | 'unoptimized-flags'
  /** One sentence for a person: what was seen and what it does to timings. */
  message: string
}

/**
 * Everything about where a measurement was taken that can change its result. Stored with every
 * result so a later comparison can tell "slower code" from "different machine".
 * Fields that cannot be read on this platform are null, never guessed.
 */
export interface Environment {
  /** ISO 8601 time of capture. */
  capturedAt: string
  perfgateVersion: string
  runtime: {
    name: 'node'
    /** process.version without the leading "v", e.g. "20.20.2". */
    version: string
    v8: string
    execArgv: string[]
    nodeOptions: string | null
  }
  os: {
    platform: NodeJS.Platform
    /** os.release(), e.g. "6.1.0-18-amd64". */
    release: string
    /** os.version(), the kernel build string. */
    kernel: string
    arch: string
  }
  cpu: {
    model: string
    /** Logical CPUs visible to the process (os.availableParallelism()). */
    count: number
    speedMHz: number | null
    /** Linux cpufreq scaling governor of cpu0, e.g. "performance", "powersave". */
    governor: string | null
    /** CPU quota from cgroups in cores (e.g. 1.5), null when unlimited or unreadable. */
    quotaCores: number | null
  }
  memory: { totalBytes: number; freeBytes: number }
  load: { avg1: number; avg5: number; avg15: number }
  /** The CI provider when running in CI, e.g. { name: 'GitHub Actions' }; null locally. */
  ci: { name: string } | null
  git: { commit: string; branch: string | null; dirty: boolean } | null
  timer: { resolutionNs: number; costNs: number }
  warnings: EnvironmentWarning[]
}

/** Reads a text file; undefined when it does not exist or cannot be read. */
export type ReadFile = (path: string) => string | undefined

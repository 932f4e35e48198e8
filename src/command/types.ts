import type { Environment } from '../env/types.js'
import type { BenchResult, DurationInput } from '../measure/types.js'

/** Options of {@link benchCommand}. */
export interface BenchCommandOptions {
  /** Name of the result (budgets, baselines and reports key on it). @default the command as written */
  name?: string
  /** Timed runs. @default DEFAULT_COMMAND_RUNS (10) */
  runs?: number
  /** Untimed runs before the timed ones (they fill the file system cache). @default DEFAULT_COMMAND_WARMUP (1) */
  warmup?: number
  /** Working folder of the command. @default process.cwd() */
  cwd?: string
  /** Environment variables set on top of the current process's (undefined removes one). */
  env?: Record<string, string | undefined>
  /** Longest one run may take before it is killed and the bench fails. @default DEFAULT_COMMAND_TIMEOUT_NS (60 s) */
  timeout?: DurationInput
  /**
   * Measure CPU time and peak RSS of each run (see docs/command.md for how). `false` times wall
   * time only, with nothing between perfgate and the command.
   * @default true
   */
  resources?: boolean
  /** Confidence of the intervals in `stats`. @default DEFAULT_CONFIDENCE (0.95) */
  confidence?: number
  /** Environment fingerprint to store with the result; captured fresh when absent. */
  environment?: Environment
}

/** What runs: the argv perfgate spawns, and the command as the user wrote it. */
export interface CommandSpec {
  /** The command as given: the string, or the argv joined with spaces. */
  text: string
  /** What is spawned: `['/bin/sh', '-c', text]` for a string, the array itself otherwise. */
  argv: string[]
  /** True when a string was given and runs through the shell (its start-up is in every wall time). */
  shell: boolean
  /** Absolute working folder. */
  cwd: string
}

/** One run of the command. A figure that could not be measured is null, never guessed. */
export interface CommandRun {
  /** Wall time from spawning the command to its exit. */
  wallNs: number
  /** User + system CPU time of the command and the processes it waited for. */
  cpuNs: number | null
  userNs: number | null
  systemNs: number | null
  /** Largest resident set size of the command or of any process it waited for (the kernel's ru_maxrss). */
  peakRssBytes: number | null
}

/**
 * How the runs were measured. 'wait4': a small Python launcher spawned the command and timed it
 * from spawn to exit with a monotonic clock, then read the kernel's resource usage of that one
 * child (`os.wait4`). 'node': Node spawned the command and timed it with process.hrtime; no CPU
 * time or peak RSS (Node cannot read a child's resource usage), and `unavailable` says why.
 */
export type CommandMeasurement =
  | { method: 'wait4'; launcher: string }
  | { method: 'node'; unavailable: string }

/**
 * A command's timing: a BenchResult with one call per batch (each run's wall time is one
 * sample), so budgets, matchers, baselines and the regression guard treat it like any bench,
 * plus what only a process has: CPU time and peak RSS per run.
 */
export interface CommandResult extends BenchResult {
  kind: 'command'
  command: CommandSpec
  /** Every timed run, in order; `batchTimesNs` holds the same wall times. */
  runs: CommandRun[]
  /** Untimed warm-up runs made before them. */
  warmupRuns: number
  measurement: CommandMeasurement
  /** Median CPU time of the runs; null when not measured. */
  medianCpuNs: number | null
  /** Largest peak RSS over the runs; null when not measured. */
  maxPeakRssBytes: number | null
}

import { resolve } from 'node:path'
import { parseDuration } from '../budget/parse-duration.js'
import { perfgateError } from '../errors.js'
import { checkConfidence } from '../measure/resolve-options.js'
import type { BenchCommandOptions, CommandSpec } from './types.js'

/** Timed runs of a command when `runs` is not given. */
export const DEFAULT_COMMAND_RUNS = 10
/** Untimed warm-up runs when `warmup` is not given: one fills the file system cache. */
export const DEFAULT_COMMAND_WARMUP = 1
/** Longest a single run may take when `timeout` is not given: 60 s. */
export const DEFAULT_COMMAND_TIMEOUT_NS = 60e9
/** The shell a command string runs through on POSIX systems (as hyperfine does). */
export const POSIX_SHELL = '/bin/sh'

/** Options checked and filled in. */
export interface CommandSettings {
  name: string
  spec: CommandSpec
  runs: number
  warmup: number
  timeoutNs: number
  /** The full environment of the command. */
  env: NodeJS.ProcessEnv
  resources: boolean
  confidence: number
}

/**
 * Check benchCommand's arguments and fill in defaults. Pure but for `process.cwd()` and
 * `process.env`, which are passed in.
 *
 * @throws PerfgateError COMMAND_OPTIONS_INVALID naming the option and a fix; DURATION_INVALID for a bad timeout.
 */
export function resolveCommandOptions(
  command: string | readonly string[],
  options: BenchCommandOptions,
  host: { cwd: string; env: NodeJS.ProcessEnv; platform: NodeJS.Platform } = {
    cwd: process.cwd(),
    env: process.env,
    platform: process.platform,
  },
): CommandSettings {
  const shown =
    typeof command === 'string' ? command : Array.isArray(command) ? command.join(' ') : String(command)
  const invalid = (problem: string, fix: string) =>
    perfgateError('COMMAND_OPTIONS_INVALID', { command: shown, problem, fix })
  let argv: string[]
  let shell: boolean
  if (typeof command === 'string') {
    if (command.trim() === '')
      throw invalid('the command is empty', "Pass a command such as 'node cli.js --version'.")
    shell = true
    argv =
      host.platform === 'win32'
        ? [host.env.ComSpec ?? 'cmd.exe', '/d', '/s', '/c', `"${command}"`]
        : [POSIX_SHELL, '-c', command]
  } else if (Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string')) {
    if (command[0] === '')
      throw invalid('the program (argv[0]) is empty', "Pass e.g. ['node', 'cli.js', '--version'].")
    shell = false
    argv = [...command]
  } else {
    throw invalid(
      'the command must be a non-empty string or a non-empty array of strings',
      "Pass 'node cli.js --version' (runs through the shell) or ['node', 'cli.js', '--version'] (no shell).",
    )
  }
  const runs = options.runs ?? DEFAULT_COMMAND_RUNS
  if (!Number.isInteger(runs) || runs < 2) {
    throw invalid(
      `runs must be a whole number of at least 2, received ${String(options.runs)}`,
      'Use e.g. runs: 10.',
    )
  }
  const warmup = options.warmup ?? DEFAULT_COMMAND_WARMUP
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw invalid(
      `warmup must be a whole number of runs (0 or more), received ${String(options.warmup)}`,
      'Use e.g. warmup: 1.',
    )
  }
  const timeoutNs =
    options.timeout === undefined
      ? DEFAULT_COMMAND_TIMEOUT_NS
      : parseDuration(options.timeout, `benchCommand("${shown}").timeout`)
  if (!(timeoutNs > 0)) throw invalid('timeout must be above 0', "Use e.g. timeout: '30s'.")
  const confidence = checkConfidence(options.confidence)
  if (typeof confidence !== 'number') throw invalid(confidence.problem, confidence.fix)
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw invalid('name must be a non-empty string', "Use e.g. name: 'cli --version'.")
  }
  const env: NodeJS.ProcessEnv = { ...host.env }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return {
    name: options.name ?? shown,
    spec: { text: shown, argv, shell, cwd: resolve(host.cwd, options.cwd ?? '.') },
    runs,
    warmup,
    timeoutNs,
    env,
    resources: options.resources ?? true,
    confidence,
  }
}

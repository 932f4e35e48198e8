import { existsSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import {
  type BaselineFile,
  baselineFileName,
  chooseBaselineName,
  readBaselineWithText,
} from '../baseline/baseline-file.js'
import { type LoadedConfig, loadConfigSync } from '../config/load-config.js'
import { DEFAULT_LOG_FILE, type RegressionConfig } from '../config/schema.js'
import { perfgateError } from '../errors.js'
import type { VerifyEvent } from '../log/verify-event.js'
import { readEvents } from '../log/verify-log.js'
import type { CliIo } from './command.js'

/** The config as the commands use it: absolute paths, the baseline name decided. */
export interface CliSettings {
  /** The config as loaded, for commands that need more of it than the fields below. */
  loaded: LoadedConfig
  /** Folder of the package.json the config came from (else the cwd); config paths resolve against it. */
  root: string
  /** `output.dir`, absolute. */
  dir: string
  /** `output.log`, absolute. */
  logFile: string
  /** The baseline name: `--name`, else PERFGATE_BASELINE, else `output.baseline`. */
  baselineName: string
  regression: RegressionConfig
}

/**
 * Load the config for the CLI's cwd and decide the baseline name (see {@link CliSettings}).
 *
 * @throws PerfgateError CONFIG_* for a bad config, BASELINE_NAME_INVALID for a bad name.
 */
export function loadCliSettings(io: CliIo, nameOption?: string): CliSettings {
  const loaded = loadConfigSync(io.cwd)
  const { config, root } = loaded
  const baselineName = chooseBaselineName(config.output.baseline, io.env, nameOption)
  baselineFileName(baselineName)
  return {
    loaded,
    root,
    dir: resolve(root, config.output.dir),
    logFile: resolve(root, config.output.log),
    baselineName,
    regression: config.regression,
  }
}

/** A path as the user should see it: relative to the cwd when inside it, else absolute. */
export function displayPath(io: CliIo, path: string): string {
  const shown = relative(io.cwd, path)
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown
}

/** A path from the command line, absolute. */
export function argumentPath(io: CliIo, path: string): string {
  return resolve(io.cwd, path)
}

/** A baseline-format file as read: its parsed content and its exact text. */
export interface ReadBaselineFile {
  file: BaselineFile
  text: string
}

/**
 * Read and validate a baseline or candidate file, naming it in errors as the user sees it;
 * undefined when there is no file.
 *
 * @throws PerfgateError BASELINE_UNREADABLE, BASELINE_NOT_JSON, BASELINE_TOO_NEW, BASELINE_INVALID.
 */
export function readBaselineFile(io: CliIo, path: string): Promise<ReadBaselineFile | undefined> {
  return readBaselineWithText(path, displayPath(io, path))
}

/**
 * Read a [VERIFY] log, naming it in errors and warnings as the user sees it. Lines that are not
 * events (a torn last line after a crash) are skipped with a warning on stderr.
 *
 * @throws PerfgateError VERIFY_LOG_UNREADABLE.
 */
export function readLogEvents(io: CliIo, path: string): VerifyEvent[] {
  const shown = displayPath(io, path)
  if (!existsSync(path)) {
    throw perfgateError('VERIFY_LOG_UNREADABLE', {
      file: shown,
      reason: 'the file does not exist',
      defaultFile: DEFAULT_LOG_FILE,
    })
  }
  const { events, problems } = readEvents(path)
  for (const problem of problems) {
    const where = `${shown}${problem.where.slice(path.length)}`
    // A torn line's reason already says what became of it; an invalid one's is the schema problem.
    const outcome = problem.kind === 'invalid' ? '; the line was skipped' : ''
    io.stderr(`perfgate: warning: ${where}: ${problem.reason.split('\n')[0]!}${outcome}.\n`)
  }
  return events
}

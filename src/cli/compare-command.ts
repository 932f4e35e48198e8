import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { baselinePath } from '../baseline/baseline-file.js'
import { parsePercent } from '../budget/parse-percent.js'
import { benchThresholdsOf, configFileLabel } from '../config/load-config.js'
import { isPerfgateError, perfgateError } from '../errors.js'
import {
  argumentPath,
  type CliSettings,
  displayPath,
  loadCliSettings,
  readBaselineFile,
} from './cli-settings.js'
import { type CliIo, type Command, flag, type ParsedArgs, stringOption, writeLines } from './command.js'
import {
  type ComparedSide,
  type CompareSettings,
  compareBaselineFiles,
  comparisonExitCode,
  serializeComparison,
} from './compare-files.js'
import { formatComparison, formatComparisonMarkdown } from './format-comparison.js'
import { commandUsage, usageError } from './parse-command-args.js'
import { writeOutput } from './write-output.js'

/** Where the comparison is written when `--out` is not given, inside `output.dir`. */
export const DEFAULT_COMPARISON_FILE = 'comparison.json'

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare two baseline or candidate files bench by bench; exit 1 when one regressed',
  positionals: { synopsis: '<base> <head>', min: 2, max: 2 },
  options: {
    json: { type: 'boolean', description: 'Print the comparison as JSON instead of a table' },
    markdown: { type: 'boolean', description: 'Print the comparison as Markdown instead of a table' },
    out: {
      type: 'string',
      value: 'file',
      description: `Write the comparison JSON here (default: <output.dir>/${DEFAULT_COMPARISON_FILE})`,
    },
    threshold: {
      type: 'string',
      value: 'percent',
      description: 'Smallest slowdown that counts as a regression (default: regression.threshold, 5%)',
    },
    confidence: {
      type: 'string',
      value: 'level',
      description:
        'Confidence of the intervals, above 0.5 and below 1 (default: regression.confidence, 0.95)',
    },
    'fail-on-environment-change': {
      type: 'boolean',
      description: 'Give verdicts even when the files come from different machines or Node.js majors',
    },
  },
  details: `<base> and <head> are each a path to a baseline or candidate JSON file, or a baseline name
(read from <output.dir>/baselines/<name>.json); an existing file wins over a name.

Each bench in both files gets a verdict from the raw batch times of both (head against base),
adjusted across all compared benches (Holm, or as regression.correction says) so that many benches do not mean many false alarms.
Benches in one file only are listed as "new" or "removed". Files cannot be re-measured, so unlike
a test run a regression here is not confirmed by a second measurement.

Examples:
  perfgate compare main .perfgate/candidates/default.json
  perfgate compare main feature --markdown >> "$GITHUB_STEP_SUMMARY"
  perfgate compare base.json head.json --threshold 10% --json

Exit codes: 0 no regression, 1 a bench regressed (or a file could not be read), 2 usage error.`,
  run: runCompare,
}

async function runCompare(args: ParsedArgs, io: CliIo): Promise<number> {
  if (flag(args, 'json') && flag(args, 'markdown')) {
    throw usageError(
      'Options "--json" and "--markdown" cannot be combined',
      'Pick one; the JSON is also written to the comparison file.',
      commandUsage(compareCommand),
    )
  }
  const settings = loadCliSettings(io)
  const options = compareSettings(args, settings)
  const [baseArg, headArg] = args.positionals as [string, string]
  const base = await readSide(io, settings, baseArg)
  const head = await readSide(io, settings, headArg)
  const comparison = compareBaselineFiles(base, head, options)

  const out = stringOption(args, 'out')
  const outFile = out === undefined ? join(settings.dir, DEFAULT_COMPARISON_FILE) : argumentPath(io, out)
  const json = serializeComparison(comparison, new Date().toISOString())
  await writeOutput(io, outFile, json)
  const wrote = `Wrote ${displayPath(io, outFile)}`
  if (flag(args, 'json')) {
    io.stdout(json)
    writeLines(io.stderr, [wrote])
  } else if (flag(args, 'markdown')) {
    writeLines(io.stdout, [formatComparisonMarkdown(comparison)])
    writeLines(io.stderr, [wrote])
  } else {
    writeLines(io.stdout, [formatComparison(comparison), wrote])
  }
  return comparisonExitCode(comparison)
}

/** The command line's settings over the config's. */
function compareSettings(args: ParsedArgs, settings: CliSettings): CompareSettings {
  const usage = commandUsage(compareCommand)
  const thresholdText = stringOption(args, 'threshold')
  let threshold = settings.regression.threshold.fraction
  if (thresholdText !== undefined) {
    try {
      threshold = parsePercent(thresholdText)
    } catch (error) {
      if (!isPerfgateError(error)) throw error
      throw usageError(
        `Invalid --threshold ${JSON.stringify(thresholdText)}`,
        'Write a percentage like --threshold 5% or --threshold 0.5%.',
        usage,
      )
    }
  }
  const confidenceText = stringOption(args, 'confidence')
  let confidence = settings.regression.confidence
  if (confidenceText !== undefined) {
    confidence = /^\s*(0?\.\d+)\s*$/.test(confidenceText) ? Number(confidenceText) : Number.NaN
    if (!(confidence > 0.5 && confidence < 1)) {
      throw usageError(
        `Invalid --confidence ${JSON.stringify(confidenceText)}`,
        'Write a level above 0.5 and below 1, like --confidence 0.95 or --confidence 0.99.',
        usage,
      )
    }
  }
  return {
    threshold,
    confidence,
    failOnEnvironmentChange:
      flag(args, 'fail-on-environment-change') || settings.regression.failOnEnvironmentChange,
    correction: settings.regression.correction,
    // --threshold is one threshold for every bench, as the command line says; without it, the
    // config's thresholds of single benches apply as they do in a run.
    ...(thresholdText === undefined && {
      benchThresholds: benchThresholdsOf(settings.regression),
      configFile: configFileLabel(settings.loaded),
    }),
  }
}

/**
 * Read one side: an existing file at the path wins; otherwise a name that is a valid baseline
 * name is read from the baselines folder; a `.json` argument is always a path.
 */
async function readSide(io: CliIo, settings: CliSettings, given: string): Promise<ComparedSide> {
  const asPath = argumentPath(io, given)
  const asFile = await readBaselineFile(io, asPath)
  if (asFile !== undefined) return side(given, displayPath(io, asPath), 'path', asFile)
  const tried = [`file ${displayPath(io, asPath)}`]
  const namePath = given.endsWith('.json') ? undefined : baselinePathOrUndefined(settings.dir, given)
  if (namePath !== undefined) {
    const byName = await readBaselineFile(io, namePath)
    if (byName !== undefined) return side(given, displayPath(io, namePath), 'baseline-name', byName)
    tried.push(`baseline "${given}" (${displayPath(io, namePath)})`)
  }
  throw perfgateError('COMPARE_INPUT_MISSING', { given, tried: tried.join(' and no ') })
}

function side(
  given: string,
  path: string,
  via: ComparedSide['via'],
  read: { file: ComparedSide['file']; text: string },
): ComparedSide {
  return { given, path, via, file: read.file, sha256: createHash('sha256').update(read.text).digest('hex') }
}

function baselinePathOrUndefined(dir: string, name: string): string | undefined {
  try {
    return baselinePath(dir, name)
  } catch {
    // Not a valid baseline name: it can only have been meant as a path.
    return undefined
  }
}

import { join } from 'node:path'
import { baselinePath, candidatePath } from '../baseline/baseline-file.js'
import { isPerfgateError, perfgateError } from '../errors.js'
import { renderHtmlReport } from '../report/html.js'
import { renderMarkdown, writeStepSummary } from '../report/markdown.js'
import { runsFromEvents } from '../report/run-report.js'
import {
  argumentPath,
  displayPath,
  loadCliSettings,
  readBaselineFile,
  readLogEvents,
} from './cli-settings.js'
import { type CliIo, type Command, type ParsedArgs, stringOption, writeLines } from './command.js'
import { writeOutput } from './write-output.js'

/** Folder under `output.dir` the reports go to when `--out` is not given. */
export const DEFAULT_REPORT_FOLDER = 'report'

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write the HTML report (every run in the log) and the Markdown report (the last run)',
  positionals: { synopsis: '', min: 0, max: 0 },
  options: {
    log: {
      type: 'string',
      value: 'file',
      description: 'The [VERIFY] log to read (default: output.log, logs/perfgate.jsonl)',
    },
    out: {
      type: 'string',
      value: 'dir',
      description: `Folder to write report.html and report.md to (default: <output.dir>/${DEFAULT_REPORT_FOLDER})`,
    },
    name: {
      type: 'string',
      value: 'name',
      description:
        'Baseline whose files the HTML report charts (default: $PERFGATE_BASELINE, else output.baseline)',
    },
  },
  details: `Reads the runs from the [VERIFY] log. report.html shows every run as history, and, when they
exist, the distributions of the candidate file (<output.dir>/candidates/<name>.json) against the
baseline (<output.dir>/baselines/<name>.json). report.md is the last run, for a PR comment. When
GITHUB_STEP_SUMMARY is set (GitHub Actions), the Markdown is also appended to the job summary.

Examples:
  perfgate report
  perfgate report --log artifacts/perfgate.jsonl --out public/perf

Exit codes: 0 written, 1 no log, an empty log or a file that cannot be written, 2 usage error.`,
  run: runReport,
}

async function runReport(args: ParsedArgs, io: CliIo): Promise<number> {
  const settings = loadCliSettings(io, stringOption(args, 'name'))
  const logOption = stringOption(args, 'log')
  const logFile = logOption === undefined ? settings.logFile : argumentPath(io, logOption)
  const events = readLogEvents(io, logFile)
  const runs = runsFromEvents(events)
  const last = runs.at(-1)
  if (last === undefined)
    throw perfgateError('VERIFY_LOG_EMPTY', {
      file: displayPath(io, logFile),
      other: 'pass another log with --log <file>',
    })

  const name = settings.baselineName
  const current = await optionalFile(io, candidatePath(settings.dir, name))
  const baseline = await optionalFile(io, baselinePath(settings.dir, name))
  const outOption = stringOption(args, 'out')
  const outDir =
    outOption === undefined ? join(settings.dir, DEFAULT_REPORT_FOLDER) : argumentPath(io, outOption)
  const htmlFile = join(outDir, 'report.html')
  const markdownFile = join(outDir, 'report.md')
  const markdown = renderMarkdown(last, { baselineName: baseline === undefined ? null : name })
  await writeOutput(
    io,
    htmlFile,
    renderHtmlReport({
      runs,
      ...(current !== undefined && { current }),
      ...(baseline !== undefined && { baseline }),
    }),
  )
  await writeOutput(io, markdownFile, markdown.endsWith('\n') ? markdown : `${markdown}\n`)
  const summary = writeStepSummary(markdown, io.env)
  writeLines(io.stdout, [
    `Read ${runs.length} ${runs.length === 1 ? 'run' : 'runs'} from ${displayPath(io, logFile)}`,
    `Wrote ${displayPath(io, htmlFile)}`,
    `Wrote ${displayPath(io, markdownFile)}`,
    ...(summary === undefined ? [] : [`Appended the Markdown report to the job summary ${summary}`]),
  ])
  return 0
}

/**
 * A candidate or baseline the HTML report can chart; undefined when there is none. A file that
 * does not read only costs the report its charts, so it is a warning, not a failure.
 */
async function optionalFile(io: CliIo, path: string) {
  try {
    return (await readBaselineFile(io, path))?.file
  } catch (error) {
    if (!isPerfgateError(error)) throw error
    io.stderr(
      `perfgate: warning: the report leaves out ${displayPath(io, path)}: ${error.message.replace(/^perfgate: /, '')}\n`,
    )
    return undefined
  }
}

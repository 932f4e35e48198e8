import { stat } from 'node:fs/promises'
import { candidatePath, writeBaselineAtomic } from '../baseline/baseline-file.js'
import { perfgateError } from '../errors.js'
import { serializeEvent } from '../log/verify-event.js'
import { appendEvents, newRunId } from '../log/verify-log.js'
import {
  argumentPath,
  displayPath,
  loadCliSettings,
  readBaselineFile,
  readLogEvents,
} from './cli-settings.js'
import { type CliIo, type Command, type ParsedArgs, stringOption, writeLines } from './command.js'
import { type CandidateInput, mergeCandidates } from './merge-candidates.js'
import { type LogInput, mergeLogRuns } from './merge-logs.js'
import { commandUsage, usageError } from './parse-command-args.js'
import { writeOutput } from './write-output.js'

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Combine the outputs of a sharded run (candidate files or [VERIFY] logs) into one run',
  positionals: { synopsis: '<files...>', min: 1, max: Number.POSITIVE_INFINITY },
  options: {
    out: {
      type: 'string',
      value: 'file',
      description:
        'Where to write (default for candidates: <output.dir>/candidates/<name>.json; required for logs)',
    },
  },
  details: `Candidate files (.json), as a run sharded with vitest --shard writes them
(<output.dir>/candidates/<name>.shard-<i>-of-<n>.json), become one candidate: the union of their
benches, the first file's environment, the latest recording time. A bench in two files is an error
(exit 1) naming both. Accept the result with perfgate baseline accept.

[VERIFY] logs (.jsonl) become one log holding ONE run: a fresh run id, one run-start (the first
log's environment), every other event in time order, one run-end with the verdict counts summed and
the largest exit code. --out is required; an existing --out that is not one of the inputs gets the
run appended (logs are append-only), otherwise it is written atomically.

The two kinds cannot be mixed in one call.

Examples:
  perfgate merge .perfgate/candidates/default.shard-1-of-2.json .perfgate/candidates/default.shard-2-of-2.json
  perfgate merge shard-1/perfgate.jsonl shard-2/perfgate.jsonl --out logs/perfgate.jsonl

Exit codes: 0 merged, 1 a bench in two files or an unreadable file, 2 usage error.`,
  run: runMerge,
}

async function runMerge(args: ParsedArgs, io: CliIo): Promise<number> {
  const usage = commandUsage(mergeCommand)
  const files = args.positionals
  const kinds = files.map((file) =>
    file.endsWith('.jsonl') ? 'log' : file.endsWith('.json') ? 'candidate' : undefined,
  )
  const unknown = files.find((_, i) => kinds[i] === undefined)
  if (unknown !== undefined) {
    throw usageError(
      `Cannot tell what ${JSON.stringify(unknown)} is`,
      'perfgate merge takes candidate files (.json) or [VERIFY] logs (.jsonl).',
      usage,
    )
  }
  if (new Set(kinds).size > 1) {
    const log = files[kinds.indexOf('log')]!
    const candidate = files[kinds.indexOf('candidate')]!
    throw usageError(
      `Cannot merge candidate files and [VERIFY] logs together (${JSON.stringify(candidate)} is a candidate, ${JSON.stringify(log)} a log)`,
      'Merge the candidates in one call and the logs in another.',
      usage,
    )
  }
  const paths = files.map((file) => argumentPath(io, file))
  const twice = paths.find((path, i) => paths.indexOf(path) !== i)
  if (twice !== undefined) {
    throw usageError(
      `${JSON.stringify(displayPath(io, twice))} is given twice`,
      'Name each file once.',
      usage,
    )
  }
  const out = stringOption(args, 'out')
  return kinds[0] === 'log' ? mergeLogs(io, paths, out, usage) : mergeCandidateFiles(io, paths, out)
}

async function mergeCandidateFiles(
  io: CliIo,
  paths: readonly string[],
  out: string | undefined,
): Promise<number> {
  const inputs: CandidateInput[] = []
  for (const path of paths) {
    const read = await readBaselineFile(io, path)
    if (read === undefined) throw perfgateError('MERGE_INPUT_MISSING', { file: displayPath(io, path) })
    inputs.push({ path: displayPath(io, path), file: read.file })
  }
  const merged = mergeCandidates(inputs)
  const target =
    out === undefined ? candidatePath(loadCliSettings(io).dir, merged.file.name) : argumentPath(io, out)
  warn(io, merged.warnings)
  await writeBaselineAtomic(target, merged.file)
  const benches = Object.keys(merged.file.benches).length
  writeLines(io.stdout, [
    `Merged ${paths.length} candidate ${paths.length === 1 ? 'file' : 'files'} (${benches} ${benches === 1 ? 'bench' : 'benches'}) into ${displayPath(io, target)}`,
    merged.file.name === 'default'
      ? 'Accept it as the baseline: perfgate baseline accept'
      : `Accept it as the baseline: perfgate baseline accept --name ${JSON.stringify(merged.file.name)}`,
  ])
  return 0
}

async function mergeLogs(
  io: CliIo,
  paths: readonly string[],
  out: string | undefined,
  usage: string,
): Promise<number> {
  if (out === undefined) {
    throw usageError(
      'Merging [VERIFY] logs needs --out <file>',
      'Name the log to write, e.g. --out logs/perfgate.jsonl (an existing log that is not an input gets the merged run appended).',
      usage,
    )
  }
  const inputs: LogInput[] = []
  for (const path of paths) {
    const shown = displayPath(io, path)
    const events = readLogEvents(io, path)
    if (events.length === 0)
      throw perfgateError('VERIFY_LOG_EMPTY', {
        file: shown,
        other: "give perfgate merge the logs the shards' reporters wrote",
      })
    inputs.push({ path: shown, events })
  }
  const runId = newRunId()
  const merged = mergeLogRuns(inputs, runId)
  warn(io, merged.warnings)
  const target = argumentPath(io, out)
  const exists = await stat(target).then(
    () => true,
    () => false,
  )
  const append = exists && !paths.includes(target)
  if (append) appendEvents(target, merged.events)
  else await writeOutput(io, target, merged.events.map((event) => `${serializeEvent(event)}\n`).join(''))
  writeLines(io.stdout, [
    `Merged ${paths.length} ${paths.length === 1 ? 'log' : 'logs'} (${merged.runs} ${merged.runs === 1 ? 'run' : 'runs'}, ${merged.events.length} events) into run ${runId}: ${append ? 'appended to' : 'wrote'} ${displayPath(io, target)}`,
  ])
  return 0
}

function warn(io: CliIo, warnings: readonly string[]): void {
  if (warnings.length > 0)
    writeLines(
      io.stderr,
      warnings.map((w) => `perfgate: warning: ${w}`),
    )
}

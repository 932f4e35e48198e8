import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { baselinePath, candidatePath, writeBaselineAtomic } from '../baseline/baseline-file.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import { perfgateError } from '../errors.js'
import { argumentPath, displayPath, loadCliSettings, readBaselineFile } from './cli-settings.js'
import { type CliIo, type Command, type ParsedArgs, stringOption, writeLines } from './command.js'

export const baselineAcceptCommand: Command = {
  name: 'baseline accept',
  summary: "Make the last run's results (its candidate file) the baseline",
  positionals: { synopsis: '', min: 0, max: 0 },
  options: {
    name: {
      type: 'string',
      value: 'name',
      description: 'Baseline to write (default: $PERFGATE_BASELINE, else output.baseline, else "default")',
    },
    from: {
      type: 'string',
      value: 'file',
      description: 'Candidate file to accept (default: <output.dir>/candidates/<name>.json)',
    },
  },
  details: `perfgate/reporter writes each run's results to <output.dir>/candidates/<name>.json. This
command checks that file (a corrupt candidate is refused and left as it is) and writes it, with its
name set, to <output.dir>/baselines/<name>.json atomically: a reader sees the old baseline or the
new one, never half of one. Commit the baseline file.

A sharded run writes one candidate per shard (<name>.shard-<i>-of-<n>.json); merge them first with
perfgate merge, which this command names when it finds unmerged shards.

Examples:
  perfgate baseline accept
  PERFGATE_BASELINE=main perfgate baseline accept
  perfgate baseline accept --name ci-linux --from artifacts/default.json

Exit codes: 0 accepted, 1 no candidate, an invalid one or unmerged shards, 2 usage error.`,
  run: runAccept,
}

const SHARD_FILE = /\.shard-(\d+)-of-(\d+)\.json$/

async function runAccept(args: ParsedArgs, io: CliIo): Promise<number> {
  const settings = loadCliSettings(io, stringOption(args, 'name'))
  const name = settings.baselineName
  const from = stringOption(args, 'from')
  const source = from === undefined ? candidatePath(settings.dir, name) : argumentPath(io, from)
  const shown = displayPath(io, source)

  const shards = await unmergedShards(source)
  if (SHARD_FILE.test(basename(source))) {
    throw candidateSharded(
      io,
      name,
      shown,
      'it is one shard of a sharded run and holds only its benches',
      shards,
    )
  }
  const read = await readBaselineFile(io, source)
  if (read === undefined) {
    if (shards.files.length > 0) {
      throw candidateSharded(
        io,
        name,
        shown,
        `the run was sharded and its ${shards.files.length} shard files were never merged`,
        shards,
      )
    }
    throw perfgateError('CANDIDATE_MISSING', { name, file: shown })
  }
  if (shards.newerThanCandidate) {
    throw candidateSharded(
      io,
      name,
      shown,
      'shard files newer than it lie beside it, so it is not the last run; merge them to make it so',
      shards,
    )
  }

  const target = baselinePath(settings.dir, name)
  // What is replaced is only worth a line; a baseline that does not read is replaced all the same.
  const previous = await readBaselineFile(io, target).catch(() => undefined)
  const accepted = { ...read.file, name }
  await writeBaselineAtomic(target, accepted)
  const count = Object.keys(accepted.benches).length
  const lines = [
    `Accepted ${shown} as baseline "${name}": ${displayPath(io, target)}`,
    `  ${count} ${count === 1 ? 'bench' : 'benches'}, recorded ${accepted.createdAt}`,
    `  ${formatEnvironmentLine(accepted.env)}`,
  ]
  if (previous !== undefined) {
    const before = Object.keys(previous.file.benches).length
    lines.push(
      `  Replaced the baseline recorded ${previous.file.createdAt} (${before} ${before === 1 ? 'bench' : 'benches'}).`,
    )
  }
  lines.push(`Commit it: git add ${displayPath(io, target)}`)
  writeLines(io.stdout, lines)
  return 0
}

interface Shards {
  /** Shard files of the same baseline name beside the candidate, sorted by shard index. */
  files: string[]
  /** Whether any of them was written after the candidate (which then cannot be their merge). */
  newerThanCandidate: boolean
}

/** The shard files (`<stem>.shard-<i>-of-<n>.json`) beside a candidate file. */
async function unmergedShards(candidate: string): Promise<Shards> {
  const folder = dirname(candidate)
  const stem = basename(candidate).replace(SHARD_FILE, '.json').slice(0, -'.json'.length)
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    return { files: [], newerThanCandidate: false }
  }
  const shardNames = names
    .filter((n) => n.startsWith(`${stem}.shard-`) && SHARD_FILE.test(n))
    .sort((a, b) => shardIndex(a) - shardIndex(b))
  const files = shardNames.map((n) => join(folder, n))
  if (files.length === 0 || SHARD_FILE.test(basename(candidate))) return { files, newerThanCandidate: false }
  const candidateTime = await stat(candidate).then(
    (s) => s.mtimeMs,
    () => undefined,
  )
  if (candidateTime === undefined) return { files, newerThanCandidate: false }
  const times = await Promise.all(files.map((f) => stat(f).then((s) => s.mtimeMs)))
  return { files, newerThanCandidate: times.some((t) => t > candidateTime) }
}

function shardIndex(fileName: string): number {
  return Number(SHARD_FILE.exec(fileName)?.[1] ?? 0)
}

function candidateSharded(io: CliIo, name: string, file: string, problem: string, shards: Shards): Error {
  const files =
    shards.files.length > 0 ? shards.files.map((f) => quote(displayPath(io, f))) : ['<shard files…>']
  return perfgateError('CANDIDATE_SHARDED', {
    name,
    file,
    problem,
    command: `perfgate merge ${files.join(' ')}, then perfgate baseline accept${name === 'default' ? '' : ` --name ${quote(name)}`}.`,
  })
}

/** A shell word: quoted when it holds anything but safe characters. */
function quote(word: string): string {
  return /^[\w./%@+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

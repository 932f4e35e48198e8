import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { BASELINES_FOLDER, baselineNameOf } from '../baseline/baseline-file.js'
import { isPerfgateError, reasonOf } from '../errors.js'
import { textTable } from '../report/format-table.js'
import { displayPath, loadCliSettings, readBaselineFile } from './cli-settings.js'
import { type CliIo, type Command, flag, type ParsedArgs, writeLines } from './command.js'
import { jsonText } from './json-text.js'

export const baselineListCommand: Command = {
  name: 'baseline list',
  summary: 'Every baseline in <output.dir>/baselines with its date, bench count, Node.js and CPU',
  positionals: { synopsis: '', min: 0, max: 0 },
  options: {
    json: { type: 'boolean', description: 'Print the list as JSON' },
  },
  details: `A file that does not read as a baseline is listed with the reason, after the others.

Examples:
  perfgate baseline list
  perfgate baseline list --json

Exit codes: 0 listed (also when there are none), 1 a file in the folder is not a readable baseline,
2 usage error.`,
  run: runList,
}

/** One file of the baselines folder. */
type ListedBaseline =
  | {
      name: string
      file: string
      createdAt: string
      benches: number
      node: string
      platform: string
      arch: string
      cpu: string
      error: null
    }
  | { name: string | null; file: string; error: string }

async function runList(args: ParsedArgs, io: CliIo): Promise<number> {
  const settings = loadCliSettings(io)
  const folder = join(settings.dir, BASELINES_FOLDER)
  const listed = await listBaselines(io, folder)
  if (flag(args, 'json')) {
    io.stdout(jsonText(listed))
  } else if (listed.length === 0) {
    writeLines(io.stdout, [
      `No baselines in ${displayPath(io, folder)} yet. Record one after a perf run: perfgate baseline accept`,
    ])
  } else {
    const good = listed.filter((b) => b.error === null)
    const bad = listed.filter((b) => b.error !== null)
    const lines =
      good.length === 0
        ? []
        : textTable(
            ['name', 'recorded', 'benches', 'node', 'cpu'],
            good.map((b) => [
              b.name,
              b.createdAt,
              String(b.benches),
              b.node,
              `${b.platform} ${b.arch}, ${b.cpu}`,
            ]),
          )
    for (const b of bad) {
      if (lines.length > 0) lines.push('')
      lines.push(
        `✖ ${b.file}${b.name === null ? '' : ` ("${b.name}")`}`,
        ...b.error.split('\n').map((l) => `  ${l}`),
      )
    }
    writeLines(io.stdout, lines)
  }
  return listed.some((b) => b.error !== null) ? 1 : 0
}

async function listBaselines(io: CliIo, folder: string): Promise<ListedBaseline[]> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    return [
      { name: null, file: displayPath(io, folder), error: `Could not read the folder: ${reasonOf(error)}.` },
    ]
  }
  // Dot files are the temporary files of interrupted atomic writes; other files are not ours.
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  const listed = await Promise.all(
    files.map(async (fileName): Promise<ListedBaseline> => {
      const path = join(folder, fileName)
      const file = displayPath(io, path)
      const name = baselineNameOf(fileName) ?? null
      if (name === null) {
        return {
          name,
          file,
          error: `${fileName} is not a baseline file name perfgate writes (names are percent-encoded, e.g. "ci/linux" → ci%2Flinux.json); rename or remove it.`,
        }
      }
      try {
        const read = await readBaselineFile(io, path)
        if (read === undefined) return { name, file, error: 'The file was removed while it was listed.' }
        const { env } = read.file
        return {
          name,
          file,
          createdAt: read.file.createdAt,
          benches: Object.keys(read.file.benches).length,
          node: env.runtime.version,
          platform: env.os.platform,
          arch: env.os.arch,
          cpu: `${env.cpu.count} × ${env.cpu.model}`,
          error: null,
        }
      } catch (error) {
        if (!isPerfgateError(error)) throw error
        return { name, file, error: error.message.replace(/^perfgate: /, '') }
      }
    }),
  )
  // Readable baselines first, then the problems.
  return [...listed.filter((b) => b.error === null), ...listed.filter((b) => b.error !== null)]
}

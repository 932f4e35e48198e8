import { readFileSync } from 'node:fs'
import { findPerfgateVersion, moduleDirectory } from '../env/perfgate-version.js'
import { isPerfgateError } from '../errors.js'
import { baselineAcceptCommand } from './baseline-accept.js'
import { baselineListCommand } from './baseline-list.js'
import { baselineShowCommand } from './baseline-show.js'
import { checkCommand } from './check-command.js'
import {
  type CliIo,
  type Command,
  type CommandGroup,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  writeLines,
} from './command.js'
import { compareCommand } from './compare-command.js'
import { envCommand } from './env-command.js'
import { mergeCommand } from './merge-command.js'
import {
  commandHelp,
  groupHelp,
  groupUsage,
  parseCommandArgs,
  suggestCommand,
  usageError,
} from './parse-command-args.js'
import { reportCommand } from './report-command.js'

export type { CliIo } from './command.js'

const baselineGroup: CommandGroup = {
  name: 'baseline',
  summary: 'Accept, show and list baselines',
  commands: [baselineAcceptCommand, baselineShowCommand, baselineListCommand],
  details: `Baselines live in <output.dir>/baselines/<name>.json (output.dir is ".perfgate" unless the
"perfgate" section of package.json says otherwise). Run "perfgate baseline <command> --help" for
each command's options.`,
}

/** Every command, in the order `perfgate --help` lists them; a group stands for its commands. */
const TOP: readonly (Command | CommandGroup)[] = [
  checkCommand,
  compareCommand,
  baselineGroup,
  reportCommand,
  mergeCommand,
  envCommand,
]

const topGroup: CommandGroup = {
  name: '',
  summary: 'perfgate: performance budgets as tests, baselines and regression checks.',
  commands: TOP.flatMap((entry) => ('commands' in entry ? entry.commands : [entry])),
  details: `Options:
  -h, --help     Show help (also "perfgate <command> --help" and "perfgate help <command>")
      --version  Print perfgate's version

Paths on the command line are relative to the current folder; paths in the config (output.dir,
output.log) to the folder of the package.json holding the "perfgate" section.

Exit codes: 0 success, 1 a regression (compare), a merge conflict or a failed operation, 2 a usage
error. Every error says what is wrong, where, and how to fix it.`,
}

/**
 * The perfgate command line. Runs the command in `argv` (the arguments after `perfgate`) with the
 * given io and returns its exit code: 0 success, 1 a regression (compare), a merge conflict or a
 * failed operation, 2 a usage error. Never exits the process and never throws: errors are
 * written to `io.stderr`.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    if (isPerfgateError(error)) {
      writeLines(io.stderr, [error.message])
      return error.code === 'CLI_USAGE' ? EXIT_USAGE : EXIT_FAILURE
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
    writeLines(io.stderr, [
      `perfgate: unexpected error, which is a bug in perfgate; please report it with this output:\n${detail}`,
    ])
    return EXIT_FAILURE
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  if (first === '--version') {
    writeLines(io.stdout, [perfgateVersion()])
    return EXIT_OK
  }
  if (first === 'help') return help(rest, io)
  return runIn(topGroup, TOP, argv, io)
}

/** Run `argv` against the entries of a group (the top level, or `baseline`). */
async function runIn(
  group: CommandGroup,
  entries: readonly (Command | CommandGroup)[],
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const [word, ...rest] = argv
  const prefix = group.name === '' ? 'perfgate' : `perfgate ${group.name}`
  if (word === '--help' || word === '-h') {
    writeLines(io.stdout, [groupHelp(group)])
    return EXIT_OK
  }
  if (word === undefined) {
    throw usageError(
      `"${prefix}" needs a command`,
      `Run "${prefix} --help" for what each one does.`,
      groupUsage(group),
    )
  }
  const names = entries.map((entry) => lastWord(entry.name))
  const entry = entries[names.indexOf(word)]
  if (entry === undefined) {
    if (word.startsWith('-')) {
      throw usageError(
        `Unknown option ${JSON.stringify(word)} for "${prefix}"`,
        `"${prefix}" itself takes only --help${group.name === '' ? ' and --version' : ''}; a command's options go after its name, e.g. perfgate compare main head.json --json.`,
        groupUsage(group),
      )
    }
    throw usageError(
      `Unknown command ${JSON.stringify(word)} for "${prefix}"`,
      suggestCommand(
        word,
        names,
        `The ${group.name === '' ? '' : `${group.name} `}commands are listed below.`,
      ),
      groupUsage(group),
    )
  }
  if ('commands' in entry) return runIn(entry, entry.commands, rest, io)
  const args = parseCommandArgs(entry, rest)
  if (args.values.help === true) {
    writeLines(io.stdout, [commandHelp(entry)])
    return EXIT_OK
  }
  return entry.run(args, io)
}

/** `perfgate help [command...]`: the help of the command or group named. */
async function help(words: readonly string[], io: CliIo): Promise<number> {
  return runIn(topGroup, TOP, [...words, '--help'], io)
}

function lastWord(name: string): string {
  return name.slice(name.lastIndexOf(' ') + 1)
}

function perfgateVersion(): string {
  return findPerfgateVersion(moduleDirectory(), (path) => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  })
}

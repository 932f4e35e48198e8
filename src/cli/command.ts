/*
 * What every command is made of: its name, its options in node:util parseArgs form with a help
 * line each, and a run function that gets the parsed arguments and the outside world (`CliIo`)
 * and returns the exit code. Commands never touch `process`: tests run them with captured io.
 */

/** The outside world of the CLI; `main.ts` passes the real process's. */
export interface CliIo {
  /** Receives text as `process.stdout.write` would: line breaks included. */
  stdout: (s: string) => void
  /** Receives text as `process.stderr.write` would: line breaks included. */
  stderr: (s: string) => void
  /** Folder that relative paths on the command line resolve against, and where the config is looked up. */
  cwd: string
  env: NodeJS.ProcessEnv
}

/** Exit codes: 0 ok; 1 a regression, a merge conflict or a failed operation; 2 a usage error. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** One option: the parseArgs fields, and what `--help` says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** Placeholder of the value in help, e.g. `file`: `--out <file>`. String options only. */
  value?: string
  description: string
}

/** The parsed command line of one command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

export interface Command {
  /** As typed after `perfgate`: `compare`, `baseline accept`. */
  name: string
  /** One line for the command list. */
  summary: string
  /** Positionals in the usage line, e.g. `<base> <head>`, with how many are accepted. */
  positionals: { synopsis: string; min: number; max: number }
  options: Readonly<Record<string, OptionSpec>>
  /** What `--help` prints after the options: what it does, examples, exit codes. */
  details: string
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

/** Commands under one name, such as `perfgate baseline accept|show|list`. */
export interface CommandGroup {
  name: string
  summary: string
  commands: readonly Command[]
  details: string
}

/** A string option's value, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

/** Whether a boolean option was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true
}

/** Write lines to a stream, each ending in a line break. */
export function writeLines(write: (s: string) => void, lines: readonly string[]): void {
  write(lines.map((line) => `${line}\n`).join(''))
}

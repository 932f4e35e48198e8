import { parseArgs } from 'node:util'
import { didYouMean } from '../config/did-you-mean.js'
import { perfgateError } from '../errors.js'
import type { Command, CommandGroup, OptionSpec, ParsedArgs } from './command.js'

/** The option every command has. */
const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' }

/** What `--help` shows and a usage error repeats: the usage line and the options. */
export function commandUsage(command: Command): string {
  const positionals = command.positionals.synopsis === '' ? '' : ` ${command.positionals.synopsis}`
  const options = Object.entries({ ...command.options, help: HELP_OPTION })
  const labels = options.map(([name, spec]) => optionLabel(name, spec))
  const width = Math.max(...labels.map((label) => label.length)) + 2
  return [
    `Usage: perfgate ${command.name}${positionals} [options]`,
    '',
    'Options:',
    ...options.map(([, spec], i) => `  ${labels[i]!.padEnd(width)}${spec.description}`),
  ].join('\n')
}

/** The whole `--help` of a command. */
export function commandHelp(command: Command): string {
  return `${command.summary}\n\n${commandUsage(command)}\n\n${command.details}`
}

/** The usage of a group: its commands, one line each. */
export function groupUsage(group: CommandGroup): string {
  const prefix = group.name === '' ? 'perfgate' : `perfgate ${group.name}`
  const names = group.commands.map((c) => c.name.slice(group.name === '' ? 0 : group.name.length + 1))
  const width = Math.max(...names.map((name) => name.length)) + 2
  return [
    `Usage: ${prefix} <command> [options]`,
    '',
    'Commands:',
    ...group.commands.map((c, i) => `  ${names[i]!.padEnd(width)}${c.summary}`),
  ].join('\n')
}

/** The whole `--help` of a group. */
export function groupHelp(group: CommandGroup): string {
  return `${group.summary}\n\n${groupUsage(group)}\n\n${group.details}`
}

/** A usage error (exit code 2): the problem, its fix, and the usage to look at. */
export function usageError(problem: string, fix: string, usage: string): Error {
  return perfgateError('CLI_USAGE', { problem, fix, usage })
}

/**
 * Parse a command's arguments (after its name) strictly: an unknown option, an option without
 * its value, a flag given a value, and too few or too many positionals are usage errors that name
 * the option and the fix. `--help` is always accepted; when given, positionals are not checked.
 *
 * @throws PerfgateError CLI_USAGE.
 */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const options = { ...command.options, help: HELP_OPTION }
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short },
    ]),
  )
  let parsed: ParsedArgs
  try {
    const result = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true })
    parsed = { values: result.values as ParsedArgs['values'], positionals: result.positionals }
  } catch (error) {
    throw parseArgsError(command, options, error)
  }
  if (parsed.values.help === true) return parsed

  const { min, max, synopsis } = command.positionals
  const count = parsed.positionals.length
  if (count < min) {
    const missing = synopsis.split(' ').filter((word) => word.startsWith('<'))[count] ?? synopsis
    throw usageError(
      `"perfgate ${command.name}" needs ${missing}`,
      `Write it as: perfgate ${command.name} ${synopsis}.`,
      commandUsage(command),
    )
  }
  if (count > max) {
    const extra = parsed.positionals[max]!
    throw usageError(
      `Unexpected argument ${JSON.stringify(extra)} for "perfgate ${command.name}"`,
      max === 0
        ? 'This command takes no arguments, only options.'
        : `It takes at most ${max}: ${synopsis}. Quote a value that contains spaces.`,
      commandUsage(command),
    )
  }
  return parsed
}

function parseArgsError(command: Command, options: Record<string, OptionSpec>, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code
  const message = error instanceof Error ? error.message : ''
  const option = /Option '(-[^' ]+)/.exec(message)?.[1] ?? /option '(-[^']+)'/.exec(message)?.[1]
  const usage = commandUsage(command)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const known = Object.keys(options).map((name) => `--${name}`)
    const meant = didYouMean(option.replace(/=.*/, ''), known)
    return usageError(
      `Unknown option ${JSON.stringify(option)} for "perfgate ${command.name}"`,
      meant === undefined
        ? 'See the options below; a value that starts with "-" goes after "--".'
        : `Did you mean ${JSON.stringify(meant)}?`,
      usage,
    )
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    const name = option.replace(/^-+/, '')
    const spec = options[name] ?? Object.values(options).find((s) => s.short === name)
    if (spec?.type === 'boolean') {
      return usageError(`Option ${JSON.stringify(option)} takes no value`, `Write just ${option}.`, usage)
    }
    return usageError(
      `Option ${JSON.stringify(option)} needs a value`,
      `Write it as ${option} <${spec?.value ?? 'value'}> (a value that starts with "-" as ${option}=<value>).`,
      usage,
    )
  }
  return error
}

function optionLabel(name: string, spec: OptionSpec): string {
  const long = spec.type === 'string' ? `--${name} <${spec.value ?? 'value'}>` : `--${name}`
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`
}

/** The command a user most likely meant, as a "Did you mean" sentence, or a pointer to the list. */
export function suggestCommand(input: string, names: readonly string[], listHint: string): string {
  const meant = didYouMean(input, names)
  return meant === undefined ? listHint : `Did you mean "${meant}"?`
}

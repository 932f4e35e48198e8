import { captureEnvironment } from '../env/capture-environment.js'
import { formatEnvironment } from '../env/format-environment.js'
import { type CliIo, type Command, flag, type ParsedArgs, writeLines } from './command.js'
import { jsonText } from './json-text.js'

export const envCommand: Command = {
  name: 'env',
  summary: 'The environment a measurement here would record, and what in it spoils timings',
  positionals: { synopsis: '', min: 0, max: 0 },
  options: {
    json: { type: 'boolean', description: 'Print the environment as JSON, as baseline files store it' },
  },
  details: `Node.js, OS, CPU (model, cores, governor, cgroup quota), memory, load, timer, CI and git, then
a ⚠ line per warning (high load, a debugger, coverage, a powersave governor, …). Warnings do not
change the exit code: they describe the machine, not a failure.

Examples:
  perfgate env
  perfgate env --json

Exit codes: 0 always, except 2 for a usage error.`,
  run: runEnv,
}

async function runEnv(args: ParsedArgs, io: CliIo): Promise<number> {
  const env = captureEnvironment({ cwd: io.cwd, env: io.env })
  if (flag(args, 'json')) io.stdout(jsonText(env))
  else writeLines(io.stdout, [formatEnvironment(env)])
  return 0
}

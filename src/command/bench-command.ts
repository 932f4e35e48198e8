import { formatDuration } from '../budget/format.js'
import { captureEnvironment } from '../env/capture-environment.js'
import { perfgateError } from '../errors.js'
import { withMeasurementLock } from '../measure/measurement-lock.js'
import { summarizeBatches } from '../measure/summarize.js'
import { recordResult } from '../results/result-sink.js'
import { quantile } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'
import { type CommandSettings, resolveCommandOptions } from './resolve-command-options.js'
import { type RunOnceOutcome, runCommandOnce } from './run-command-once.js'
import { chooseLauncher } from './rusage-launcher.js'
import type { BenchCommandOptions, CommandMeasurement, CommandResult, CommandRun } from './types.js'

/**
 * Time a whole process, start to exit, over several runs: cold start of a CLI, a build step, a
 * script. Hyperfine's job, with the result in perfgate's shape so that `toMeetBudget`, baselines,
 * the regression guard and the reports treat it like any bench (one run = one sample).
 *
 * ```ts
 * const result = await benchCommand('node cli.js --version', { runs: 20 })
 * expect(result).toMeetBudget({ median: '80ms' })
 * result.medianCpuNs, result.maxPeakRssBytes // null where they could not be measured
 * ```
 *
 * A string runs through `/bin/sh -c` (as in hyperfine; the shell's start-up, about a millisecond,
 * is then in every wall time); an argv array runs with no shell. stdin is empty and stdout is
 * discarded. Warm-up runs are made first and not recorded.
 *
 * @throws PerfgateError COMMAND_FAILED when a run exits non-zero, is killed or cannot start (with
 *   its stderr's tail); COMMAND_TIMEOUT when a run outlives `timeout`; COMMAND_OPTIONS_INVALID.
 */
export async function benchCommand(
  command: string | readonly string[],
  options: BenchCommandOptions = {},
): Promise<CommandResult> {
  const settings = resolveCommandOptions(command, options)
  // Like bench(): no other measurement may run while this one times (each would slow the other).
  const { value: result, waitedNs } = await withMeasurementLock(() => measure(settings, options), {
    label: `benchCommand "${settings.name}"`,
  })
  result.timing.lockWaitNs = waitedNs
  recordResult({ kind: 'bench', result })
  return result
}

async function measure(settings: CommandSettings, options: BenchCommandOptions): Promise<CommandResult> {
  const launcher = settings.resources ? chooseLauncher(settings.env) : undefined
  const measurement: CommandMeasurement =
    launcher?.ok === true
      ? { method: 'wait4', launcher: launcher.python }
      : {
          method: 'node',
          unavailable: launcher === undefined ? 'resources: false was given' : launcher.reason,
        }
  const input = {
    argv: settings.spec.argv,
    cwd: settings.spec.cwd,
    env: settings.env,
    timeoutNs: settings.timeoutNs,
    ...(launcher?.ok === true && { python: launcher.python }),
  }
  const startedAt = new Date().toISOString()
  const start = process.hrtime.bigint()
  for (let i = 1; i <= settings.warmup; i++) {
    expectOk(await runCommandOnce(input), settings, `warm-up run ${i} of ${settings.warmup}`)
  }
  const warmupNs = Number(process.hrtime.bigint() - start)
  const runs: CommandRun[] = []
  for (let i = 1; i <= settings.runs; i++) {
    runs.push(expectOk(await runCommandOnce(input), settings, `run ${i} of ${settings.runs}`))
  }
  const wallNs = Number(process.hrtime.bigint() - start)
  const batchTimesNs = runs.map((r) => r.wallNs)
  const cpu = runs.map((r) => r.cpuNs).filter((v) => v !== null)
  const rss = runs.map((r) => r.peakRssBytes).filter((v) => v !== null)
  return {
    kind: 'command',
    name: settings.name,
    env: options.environment ?? captureEnvironment(),
    batchSize: 1,
    batchTimesNs,
    async: true,
    stats: summarizeBatches(batchTimesNs, 1, settings.confidence),
    timing: {
      startedAt,
      wallNs,
      warmupNs,
      // A command has no time budget; its runs are bounded by the per-run timeout instead.
      budgetNs: settings.timeoutNs * (settings.runs + settings.warmup),
      batchSizeSource: 'option',
      endedAt: new Date().toISOString(),
      lockWaitNs: 0,
    },
    command: settings.spec,
    runs,
    warmupRuns: settings.warmup,
    measurement,
    medianCpuNs: cpu.length === runs.length ? quantile(sortSamples(cpu), 0.5) : null,
    maxPeakRssBytes: rss.length === runs.length ? Math.max(...rss) : null,
  }
}

function expectOk(outcome: RunOnceOutcome, settings: CommandSettings, run: string): CommandRun {
  if (outcome.status === 'ok') return outcome.run
  const where = `cd ${settings.spec.cwd} && ${settings.spec.text}`
  if (outcome.status === 'timeout') {
    throw perfgateError('COMMAND_TIMEOUT', {
      name: settings.name,
      run,
      timeout: formatDuration(settings.timeoutNs),
    })
  }
  // Keep what happened as the cause too, for code that wants the exit code or the whole tail.
  const cause =
    outcome.cause ??
    Object.assign(new Error(`${settings.spec.text}: ${outcome.outcome}`), {
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      stderr: outcome.stderr,
    })
  throw perfgateError(
    'COMMAND_FAILED',
    {
      name: settings.name,
      run,
      outcome: outcome.outcome,
      command: where,
      stderr: indentTail(outcome.stderr),
    },
    cause,
  )
}

/** The last lines of stderr, indented so they stand apart from perfgate's own words. */
function indentTail(stderr: string, lines = 15): string {
  if (stderr === '') return ''
  return stderr
    .split('\n')
    .slice(-lines)
    .map((line) => `  ${line}`)
    .join('\n')
}

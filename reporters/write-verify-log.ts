import { isAbsolute, join } from 'node:path'
import type { LoadedConfig } from '../src/config/load-config.js'
import { captureEnvironment } from '../src/env/capture-environment.js'
import type { Environment } from '../src/env/types.js'
import {
  countVerdicts,
  type EventContext,
  eventsFromRecord,
  profileEvent,
  runEndEvent,
  runStartEvent,
  serializeEvent,
  type VerifyEvent,
} from '../src/log/verify-event.js'
import { appendEvents, formatEcho, newRunId } from '../src/log/verify-log.js'
import type { BenchProfile } from '../src/profile/types.js'
import { type BaseGuardOutcome, baseRegressionEvents } from './base-guard.js'
import { type GuardOutcome, regressionEvents } from './baseline-guard.js'
import type { TestRecords } from './collect-records.js'

/** Where and how the reporter writes the [VERIFY] log. */
export interface VerifyLogSettings {
  /** Absolute path of the JSONL file, or false for none. */
  file: string | false
  /** Also print each event as `[VERIFY] {json}`. */
  echo: boolean
}

/**
 * The log settings: a reporter option wins, then package.json `output.log` (relative to the
 * package.json), default logs/perfgate.jsonl. Echo is on when asked, or in CI (`CI` set and not
 * "false"/"0"), where the job log is often the only place people look.
 */
export function verifyLogSettings(
  options: { log?: string | false; echo?: boolean },
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv = process.env,
): VerifyLogSettings {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  const echo = options.echo ?? (env.PERFGATE_VERIFY_ECHO === '1' || ci)
  if (options.log === false) return { file: false, echo }
  const relative = options.log ?? loaded.config.output.log
  return { file: isAbsolute(relative) ? relative : join(loaded.root, relative), echo }
}

/** Every event of a run, in order: run-start, each test's records, regression checks, run-end. */
export function runEvents(
  entries: readonly TestRecords[],
  exitCode: number,
  {
    env,
    guard,
    baseGuard = null,
    profiles = [],
  }: {
    env?: Environment
    guard?: GuardOutcome
    baseGuard?: BaseGuardOutcome | null
    profiles?: readonly BenchProfile[]
  } = {},
): VerifyEvent[] {
  const runId = newRunId()
  const context = (): EventContext => ({ runId, ts: new Date().toISOString() })
  const firstEnv = entries
    .flatMap((e) => e.records)
    .map((r) =>
      r.kind === 'bench' || r.kind === 'web'
        ? r.result.env
        : r.kind === 'comparison'
          ? r.comparison.env
          : undefined,
    )
    .find((e) => e !== undefined)
  const events: VerifyEvent[] = [runStartEvent(context(), env ?? firstEnv ?? captureEnvironment())]
  for (const entry of entries) {
    for (const record of entry.records) events.push(...eventsFromRecord(record, context()))
  }
  events.push(...baseRegressionEvents(baseGuard, context))
  if (guard !== undefined) events.push(...regressionEvents(guard, context))
  // Profiles of confirmed regressions, taken after the guard (see profile-regressions.ts).
  for (const profile of profiles) events.push(profileEvent(profile, context()))
  events.push(runEndEvent(context(), countVerdicts(events), exitCode))
  return events
}

/** Write the run's events; a log that cannot be written is reported, never silently skipped. */
export function writeVerifyLog(
  settings: VerifyLogSettings,
  events: readonly VerifyEvent[],
  print: (line: string) => void,
): void {
  if (settings.file === false) {
    if (settings.echo) appendToNowhere(events, print)
    return
  }
  appendEvents(settings.file, events, { echo: settings.echo ? print : false })
}

function appendToNowhere(events: readonly VerifyEvent[], print: (line: string) => void): void {
  for (const event of events) print(formatEcho(serializeEvent(event)))
}

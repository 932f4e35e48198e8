import { countVerdicts, runEndEvent, type VerdictCounts, type VerifyEvent } from '../log/verify-event.js'

/** A [VERIFY] log to merge: its events, with its path as the user sees it. */
export interface LogInput {
  path: string
  events: readonly VerifyEvent[]
}

/** The merged run, and what the user should know about how it was made. */
export interface MergedLog {
  events: VerifyEvent[]
  /** How many runs (run ids) the inputs held. */
  runs: number
  warnings: string[]
}

/**
 * The events of the given logs (the shards of one run, each with its own run id) as ONE run under
 * `runId`: one run-start (the first one found, so the first shard's environment) at the earliest
 * time, every other event in time order (a stable sort: events with the same time keep file
 * order), and one run-end at the latest time with the verdict counts summed and the largest exit
 * code. A run that never wrote its run-end (its process died) has its verdicts counted from its
 * events and counts as exit code 1, with a warning: a crashed shard must not make the merged
 * run look green.
 */
export function mergeLogRuns(inputs: readonly LogInput[], runId: string): MergedLog {
  const warnings: string[] = []
  const all = inputs.flatMap((input) => input.events.map((event) => ({ event, path: input.path })))
  const runs = new Map<string, { path: string; events: VerifyEvent[] }>()
  for (const { event, path } of all) {
    const key = `${path}\n${event.runId}`
    const run = runs.get(key)
    if (run === undefined) runs.set(key, { path, events: [event] })
    else run.events.push(event)
  }
  for (const input of inputs) {
    const ids = new Set(input.events.map((e) => e.runId))
    if (ids.size > 1) {
      warnings.push(
        `${input.path} holds ${ids.size} runs, and all of them were merged into one; give perfgate merge only the logs of one sharded run.`,
      )
    }
  }

  const counts: Partial<Record<keyof VerdictCounts, number>> = {}
  const add = (more: VerdictCounts) => {
    for (const [verdict, n] of Object.entries(more) as [keyof VerdictCounts, number][])
      counts[verdict] = (counts[verdict] ?? 0) + n
  }
  let exitCode = 0
  for (const run of runs.values()) {
    const end = run.events.findLast((e) => e.type === 'run-end')
    if (end !== undefined) {
      add(end.counts)
      exitCode = Math.max(exitCode, end.exitCode)
    } else {
      add(countVerdicts(run.events))
      exitCode = Math.max(exitCode, 1)
      warnings.push(
        `Run ${run.events[0]!.runId} in ${run.path} has no run-end event (its process died before the end); its verdicts are counted from its events, and the merged run ends with exit code 1.`,
      )
    }
  }

  const times = all.map(({ event }) => event.ts).sort((a, b) => Date.parse(a) - Date.parse(b))
  const start = all.find(({ event }) => event.type === 'run-start')?.event
  if (start === undefined) {
    warnings.push('No log has a run-start event, so the merged run has no environment.')
  }
  const body = all
    .map(({ event }) => event)
    .filter((event) => event.type !== 'run-start' && event.type !== 'run-end')
    .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))
    .map((event) => ({ ...event, runId }))
  const firstTs = times[0] ?? new Date().toISOString()
  const lastTs = times.at(-1) ?? firstTs
  const events: VerifyEvent[] = [
    ...(start === undefined ? [] : [{ ...start, runId, ts: firstTs }]),
    ...body,
    runEndEvent({ runId, ts: lastTs }, counts, exitCode),
  ]
  return { events, runs: runs.size, warnings }
}

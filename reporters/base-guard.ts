import { baseLabel } from '../src/baseline/base-checkout.js'
import { formatDuration, formatPercent, formatRange, formatRatio } from '../src/budget/format.js'
import type { EventContext, VerifyEvent } from '../src/log/verify-event.js'
import { regressionEvent } from '../src/log/verify-event.js'
import type { Comparison } from '../src/measure/types.js'
import type { PerfRecord } from '../src/results/result-sink.js'
import type { TestRecords } from './collect-records.js'

/*
 * The regression guard of a run with a base ref (PERFGATE_BASE_REF): every perfTest timed its
 * function against the base's version in the same process (base-comparison.ts); a 'slower' there
 * is confirmed by the same comparison in a fresh process before it fails the run (and a 'faster'
 * before it is reported as an improvement). On this
 * project's 2-core machine that rule failed no unchanged suite of 20 benches in 80 and caught
 * 1597 of 1600 10% slowdowns (docs/accuracy.md, "The same suite compared inside one process").
 */

export type BaseComparisonRecord = Extract<PerfRecord, { kind: 'base-comparison' }>

/** What the base comparison decided about one bench. */
export type BaseStatus = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'no-base'

export interface BaseJudgement {
  name: string
  status: BaseStatus
  record: BaseComparisonRecord
  /** The same comparison in a fresh process, for a bench the run's process called slower; null when it could not be made. */
  confirmation?: Comparison | null
  /** One sentence with the numbers. */
  reason: string
}

export interface BaseGuardOutcome {
  base: { ref: string; commit: string }
  judgements: BaseJudgement[]
  /** Why suspects could not be confirmed, when the fresh process failed. */
  confirmError?: string
}

/** The base comparisons a run's tests recorded, in order. */
export function baseComparisons(entries: readonly TestRecords[]): BaseComparisonRecord[] {
  return entries.flatMap((e) => e.records.flatMap((r) => (r.kind === 'base-comparison' ? [r] : [])))
}

/** Runs the named benches' tests again in a fresh process and returns their base comparisons. */
export type ConfirmBase = (names: readonly string[]) => Promise<BaseComparisonRecord[]>

/**
 * Judge every base comparison of the run, confirming each 'slower' in a fresh process first.
 * Null when the run had no base ref. Never throws: a confirmation that fails leaves its suspects
 * inconclusive and says why.
 */
export async function guardAgainstBase(
  entries: readonly TestRecords[],
  confirm: ConfirmBase,
): Promise<BaseGuardOutcome | null> {
  const records = baseComparisons(entries)
  const first = records[0]
  if (first === undefined) return null
  // A change either way is measured again: a regression must not fail on one process's word,
  // and an improvement must not be announced on it (beside a busy neighbour, one unchanged bench
  // in 400 read 0.95× once: bench/base-guard-accuracy.ts run 2).
  const suspects = new Set(
    records
      .filter((r) => r.comparison?.verdict === 'slower' || r.comparison?.verdict === 'faster')
      .map((r) => r.name),
  )
  const confirmed = new Map<string, Comparison | null>()
  let confirmError: string | undefined
  if (suspects.size > 0) {
    try {
      for (const r of await confirm([...suspects])) confirmed.set(r.name, r.comparison)
    } catch (error) {
      confirmError = error instanceof Error ? error.message : String(error)
    }
  }
  const judgements = records.map((r) =>
    judgeBaseComparison(r, suspects.has(r.name) ? (confirmed.get(r.name) ?? null) : undefined),
  )
  return { base: first.base, judgements, ...(confirmError !== undefined && { confirmError }) }
}

/**
 * One bench's verdict: 'regressed' only when the run's process and a fresh one both called the
 * head slower than the base beyond the threshold, 'improved' only when both called it faster;
 * either in one of them only is 'inconclusive'. `confirmation` is the fresh process's
 * comparison (null when it could not be made), absent when none was needed.
 */
export function judgeBaseComparison(
  record: BaseComparisonRecord,
  confirmation?: Comparison | null,
): BaseJudgement {
  const { name, comparison } = record
  const label = baseLabel(record.base)
  const base = { name, record }
  if (comparison === null) {
    const detail = record.missing?.detail ?? 'the base has no such bench'
    return { ...base, status: 'no-base', reason: `"${name}" has no base to compare with: ${detail}.` }
  }
  const band = `${formatPercent(record.threshold)} threshold${record.thresholdSource === undefined ? '' : ` (${record.thresholdSource})`}`
  const measured = comparisonText(comparison)
  switch (comparison.verdict) {
    case 'slower': {
      const withConfirmation = { ...base, confirmation: confirmation ?? null }
      if (confirmation === undefined || confirmation === null) {
        return {
          ...withConfirmation,
          status: 'inconclusive',
          reason: `"${name}" looked slower than at ${label} (${measured}) but could not be measured again in a fresh process, so it is not called a regression.`,
        }
      }
      if (confirmation.verdict !== 'slower') {
        return {
          ...withConfirmation,
          status: 'inconclusive',
          reason: `"${name}" looked slower than at ${label} in the run (${measured}) but not in a fresh process (${comparisonText(confirmation)}): not confirmed. Run it again; if it keeps coming back, the bench settles at two speeds on this machine.`,
        }
      }
      return {
        ...withConfirmation,
        status: 'regressed',
        reason:
          `"${name}" is slower than at ${label}: ${measured}, beyond the ${band}; ` +
          `a fresh process agreed: ${formatRatio(confirmation.ratio)} (${intervalText(confirmation)}). Both versions ran in one process, in alternating rounds.`,
      }
    }
    case 'faster': {
      const withConfirmation = { ...base, confirmation: confirmation ?? null }
      if (confirmation === undefined || confirmation === null || confirmation.verdict !== 'faster') {
        const fresh =
          confirmation === undefined || confirmation === null
            ? 'could not be measured again in a fresh process'
            : `was not in a fresh process (${comparisonText(confirmation)})`
        return {
          ...withConfirmation,
          status: 'inconclusive',
          reason: `"${name}" looked faster than at ${label} in the run (${measured}) but ${fresh}: not confirmed.`,
        }
      }
      return {
        ...withConfirmation,
        status: 'improved',
        reason: `"${name}" is faster than at ${label}: ${measured}, beyond the ${band}; a fresh process agreed: ${formatRatio(confirmation.ratio)} (${intervalText(confirmation)}).`,
      }
    }
    case 'equivalent':
      return {
        ...base,
        status: 'unchanged',
        reason: `"${name}" is within the ${band} of ${label}: ${measured}.`,
      }
    case 'inconclusive':
      return {
        ...base,
        status: 'inconclusive',
        reason: `"${name}" could not be told apart from ${label} at the ${band}: ${measured}. ${comparison.reason}`,
      }
  }
}

/** `1.31× the base's time per call (95% interval 1.27–1.35×; 2.40 ms vs 1.83 ms)`. */
export function comparisonText(c: Comparison): string {
  return `${formatRatio(c.ratio)} the base's time per call (${intervalText(c)}; ${formatDuration(c.medianNs[0])} vs ${formatDuration(c.medianNs[1])})`
}

/** `95% interval 1.27–1.35×`. */
function intervalText(c: Comparison): string {
  return `${Math.round(c.confidence * 100)}% interval ${formatRange(c.interval[0], c.interval[1], formatRatio)}`
}

/** Benches the base comparison failed the run with. */
export function failingBaseRegressions(outcome: BaseGuardOutcome | null): BaseJudgement[] {
  return outcome?.judgements.filter((j) => j.status === 'regressed') ?? []
}

/** Names of the benches the base comparison judged; the stored baseline does not judge them again. */
export function judgedByBase(outcome: BaseGuardOutcome | null): Set<string> {
  return new Set(outcome?.judgements.filter((j) => j.status !== 'no-base').map((j) => j.name) ?? [])
}

/** What the base comparison has to say after the summary table. */
export function formatBaseGuard(outcome: BaseGuardOutcome | null): string {
  if (outcome === null) return ''
  const label = baseLabel(outcome.base)
  const count = (status: BaseStatus) => outcome.judgements.filter((j) => j.status === status)
  const lines: string[] = []
  const compared = outcome.judgements.length - count('no-base').length
  const tally = (['regressed', 'improved', 'unchanged', 'inconclusive'] as const)
    .map((s) => [s, count(s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')
  lines.push(
    `perfgate: compared ${compared === 1 ? '1 bench' : `${compared} benches`} with ${label} in the same process${tally === '' ? '' : ` (${tally})`}.`,
  )
  for (const j of count('regressed')) lines.push('', `✗ Regression: ${j.reason}`)
  if (count('regressed').length > 0) {
    lines.push(
      '',
      `  If the slowdown is intended, raise the bench's threshold in "regression.benches" of the perfgate config; otherwise see what changed (git diff ${outcome.base.commit.slice(0, 7)}) and where its time goes now (its profile follows, unless profiling is off).`,
    )
  }
  for (const j of count('improved')) lines.push(`▼ Improvement: ${j.reason}`)
  for (const j of count('inconclusive')) lines.push(`? ${j.reason}`)
  for (const j of count('no-base')) lines.push(`  ${j.reason}`)
  if (outcome.confirmError !== undefined) {
    lines.push(`⚠ The fresh process that re-measures suspects failed: ${outcome.confirmError}`)
  }
  return lines.join('\n')
}

/** One [VERIFY] `regression` event per bench compared with the base (medians per call, head and base). */
export function baseRegressionEvents(
  outcome: BaseGuardOutcome | null,
  context: () => EventContext,
): VerifyEvent[] {
  if (outcome === null) return []
  return outcome.judgements.flatMap((j) => {
    const c = j.record.comparison
    if (c === null || j.status === 'no-base') return []
    return [
      regressionEvent(
        {
          name: j.name,
          metric: 'median',
          unit: 'ns',
          value: c.medianNs[0],
          baseline: c.medianNs[1],
          delta: c.ratio - 1,
          interval: [c.interval[0] - 1, c.interval[1] - 1],
          verdict: j.status,
          threshold: j.record.threshold,
          confidence: c.confidence,
          base: j.record.base,
        },
        context(),
      ),
    ]
  })
}

import { percentOf, type RegressionVerdict } from '../src/baseline/regression.js'
import { formatLimit } from '../src/budget/explain-budget.js'
import { DEFAULT_PERCENT_DIGITS, formatDuration, formatRange, formatRatio } from '../src/budget/format.js'
import { type BudgetStatus, type BudgetVerdict, worstStatus } from '../src/budget/verdict.js'
import type { BenchResult, Comparison } from '../src/measure/types.js'
import { formatBytesPerCall } from '../src/memory/explain-leak.js'
import type { LeakStatus } from '../src/memory/leak-rule.js'
import type { LeakResult } from '../src/memory/leak-types.js'
import { textTable } from '../src/report/format-table.js'
import { deltaText } from '../src/report/report-text.js'
import type { TestRecords } from './collect-records.js'

/** A bench's line in the summary: its numbers and what its budget said. */
export interface BenchRow {
  name: string
  file: string
  test: string
  medianNs: number
  medianIntervalNs: [number, number]
  p95Ns: number
  samples: number
  batchSize: number
  /** The budget's limits as text (`p95 ≤ 2.00 ms`), or null when nothing checked this bench. */
  budget: string | null
  /** The budget verdict, or 'unguarded' when no budget checked this bench. */
  status: BudgetStatus | 'unguarded'
  /** The test asserted the opposite (`.not.toMeetBudget`), so a 'fail' here was expected. */
  negated: boolean
  /** The check against the baseline, or null when there was none for this bench. */
  regression: RegressionVerdict | null
}

export interface ComparisonRow {
  names: [string, string]
  method: Comparison['method']
  ratio: number
  interval: [number, number]
  verdict: Comparison['verdict']
  test: string
}

/** A leak check's line (toLeakMemory): the slope of the heap after GC, and what it was held to. */
export interface LeakRow {
  name: string
  test: string
  status: LeakStatus
  /** Bytes per call, with its interval; null when nothing was measured (no forceable GC). */
  slopeBytesPerCall: number | null
  slopeIntervalBytesPerCall: [number, number] | null
  floorBytesPerCall: number | null
  /** The test was `toLeakMemory()`: a leak was what it wanted. */
  expectsLeak: boolean
}

/** A scaling claim's line (toScale): the fitted exponent and the claim it was held to. */
export interface ScalingRow {
  name: string
  test: string
  /** Fitted exponent over all sizes, with its interval. */
  exponent: number
  interval: [number, number]
  sizes: number[]
  /** The claim and the largest exponent it allows; null for a measurement without a claim. */
  claim: { scalingClass: string; limitExponent: number; status: BudgetStatus } | null
  /** The test was `.not.toScale()`: breaking the claim was what it wanted. */
  negated: boolean
}

export interface RunSummary {
  benches: BenchRow[]
  comparisons: ComparisonRow[]
  /** Leak checks; absent or empty when the run had none. */
  leaks?: LeakRow[]
  /** Scaling claims; absent or empty when the run had none. */
  scalings?: ScalingRow[]
}

/**
 * The run in rows: every bench with the verdict of the budget checked against it in the same
 * test (the worst, if several were), and every comparison. A bench no budget checked is
 * 'unguarded': it was measured, but nothing would have failed had it been ten times slower.
 */
export function summarizeRun(
  entries: readonly TestRecords[],
  regressions: readonly RegressionVerdict[] = [],
): RunSummary {
  const byName = new Map(regressions.map((v) => [v.name, v]))
  const benches: BenchRow[] = []
  const comparisons: ComparisonRow[] = []
  const leaks: LeakRow[] = []
  const scalings: ScalingRow[] = []
  for (const entry of entries) {
    const verdicts = entry.records.flatMap((r) =>
      r.kind === 'budget' ? [{ ...r.verdict, negated: r.negated === true }] : [],
    )
    for (const record of entry.records) {
      if (record.kind === 'bench') {
        benches.push({
          ...benchRow(record.result, verdicts, entry),
          regression: byName.get(record.result.name) ?? null,
        })
      }
      if (record.kind === 'comparison') comparisons.push(comparisonRow(record.comparison, entry))
      if (record.kind === 'leak') leaks.push(leakRow(record.result, record.expectsLeak, entry))
      if (record.kind === 'scaling') {
        const { result, verdict } = record
        scalings.push({
          name: result.name,
          test: entry.test,
          exponent: result.fit.exponent,
          interval: result.fit.interval,
          sizes: result.sizes,
          claim:
            verdict === null
              ? null
              : {
                  scalingClass: verdict.claim,
                  limitExponent: verdict.all.limitExponent,
                  status: verdict.status,
                },
          negated: record.negated === true,
        })
      }
    }
  }
  return {
    benches,
    comparisons,
    ...(leaks.length > 0 && { leaks }),
    ...(scalings.length > 0 && { scalings }),
  }
}

function leakRow(result: LeakResult, expectsLeak: boolean, entry: TestRecords): LeakRow {
  const { judgement } = result
  return {
    name: result.name,
    test: entry.test,
    status: result.status,
    slopeBytesPerCall: judgement?.slopeBytesPerCall ?? null,
    slopeIntervalBytesPerCall: judgement?.slopeIntervalBytesPerCall ?? null,
    floorBytesPerCall: judgement?.floorBytesPerCall ?? null,
    expectsLeak,
  }
}

function benchRow(
  result: BenchResult,
  verdicts: readonly (BudgetVerdict & { negated: boolean })[],
  entry: TestRecords,
): Omit<BenchRow, 'regression'> {
  const own = verdicts.filter((v) => v.name === result.name)
  const status = own.length === 0 ? 'unguarded' : worstStatus(own.map((v) => v.status))
  const limits = own.flatMap((v) => v.metrics.map(formatLimit))
  return {
    name: result.name,
    file: entry.file,
    test: entry.test,
    medianNs: result.stats.medianNs,
    medianIntervalNs: result.stats.medianIntervalNs,
    p95Ns: result.stats.p95Ns,
    samples: result.stats.samples,
    batchSize: result.batchSize,
    budget: limits.length === 0 ? null : [...new Set(limits)].join(', '),
    status,
    negated: own.length > 0 && own.every((v) => v.negated),
  }
}

function comparisonRow(comparison: Comparison, entry: TestRecords): ComparisonRow {
  return {
    names: comparison.names,
    method: comparison.method,
    ratio: comparison.ratio,
    interval: comparison.interval,
    verdict: comparison.verdict,
    test: entry.test,
  }
}

const LEAK_STATUS_TEXT: Readonly<Record<LeakStatus, string>> = {
  leak: '✗ leak',
  'no-leak': '✓ no leak',
  inconclusive: '? inconclusive',
}

const STATUS_TEXT: Readonly<Record<BenchRow['status'], string>> = {
  pass: '✓ pass',
  fail: '✗ fail',
  inconclusive: '? inconclusive',
  unguarded: '– unguarded',
}

/**
 * The summary as a plain-text table for the end of a run, then the comparisons, then the
 * unguarded benches by name so they are hard to miss.
 */
export function formatRunSummary(summary: RunSummary): string {
  const leaks = summary.leaks ?? []
  const scalings = summary.scalings ?? []
  if (
    summary.benches.length === 0 &&
    summary.comparisons.length === 0 &&
    leaks.length === 0 &&
    scalings.length === 0
  ) {
    return ''
  }
  const lines: string[] = ['', 'perfgate summary', '']
  if (summary.benches.length > 0) {
    // The baseline column appears once any bench was compared, so a suite without a baseline
    // keeps a narrow table.
    const compared = summary.benches.some((b) => b.regression !== null)
    const rows = summary.benches.map((b) => [
      b.name,
      `${formatDuration(b.medianNs)} (${formatRange(b.medianIntervalNs[0], b.medianIntervalNs[1], formatDuration)})`,
      formatDuration(b.p95Ns),
      `${b.samples} × ${b.batchSize}`,
      b.budget ?? '—',
      ...(compared ? [b.regression === null ? 'no baseline' : formatBaselineDelta(b.regression)] : []),
      `${STATUS_TEXT[b.status]}${b.negated ? ' (as .not expected)' : ''}`,
    ])
    const header = ['bench', 'median (95% CI)', 'p95', 'batches × calls', 'budget']
    // Re-measured benches are judged at their round's level (98.33% at the defaults): say so.
    const levels = [
      ...new Set(summary.benches.flatMap((b) => (b.regression === null ? [] : [b.regression.confidence]))),
    ]
      .sort((a, b) => a - b)
      .map(percentOf)
    const baselineHeader = `vs baseline (${levels.join(' or ')} CI)`
    lines.push(...textTable([...header, ...(compared ? [baselineHeader] : []), 'verdict'], rows))
  }
  if (summary.comparisons.length > 0) {
    lines.push('')
    const rows = summary.comparisons.map((c) => [
      `${c.names[0]} vs ${c.names[1]}`,
      `${formatRatio(c.ratio)} (${formatRange(c.interval[0], c.interval[1], formatRatio)})`,
      c.verdict,
      c.method === 'paired-rounds' ? 'paired' : 'separate runs',
    ])
    lines.push(...textTable(['comparison (a vs b)', 'a/b time (95% CI)', 'verdict', 'measured'], rows))
  }
  if (leaks.length > 0) {
    // The header already ends in a blank line when nothing came before.
    if (lines.length > 3) lines.push('')
    const rows = leaks.map((l) => [
      l.name,
      l.slopeBytesPerCall === null || l.slopeIntervalBytesPerCall === null
        ? 'not measured (no forced GC)'
        : `${formatBytesPerCall(l.slopeBytesPerCall)}/call (${formatRange(...l.slopeIntervalBytesPerCall, formatBytesPerCall)})`,
      l.floorBytesPerCall === null ? '—' : `${formatBytesPerCall(l.floorBytesPerCall)}/call`,
      `${LEAK_STATUS_TEXT[l.status]}${l.expectsLeak ? ' (toLeakMemory expected a leak)' : ''}`,
    ])
    lines.push(...textTable(['leak check', 'heap after GC, slope (95% CI)', 'floor', 'verdict'], rows))
  }
  if (scalings.length > 0) {
    if (lines.length > 3) lines.push('')
    const rows = scalings.map((c) => [
      c.name,
      `n^${c.exponent.toFixed(2)} (${c.interval[0].toFixed(2)}–${c.interval[1].toFixed(2)})`,
      `${c.sizes[0]?.toLocaleString('en-US')}–${c.sizes.at(-1)?.toLocaleString('en-US')}`,
      c.claim === null ? '—' : `'${c.claim.scalingClass}' (≤ n^${c.claim.limitExponent.toFixed(2)})`,
      c.claim === null
        ? '– no claim'
        : `${STATUS_TEXT[c.claim.status]}${c.negated ? ' (as .not expected)' : ''}`,
    ])
    lines.push(...textTable(['scaling', 'exponent (95% CI)', 'sizes', 'claim', 'verdict'], rows))
  }
  const unguarded = summary.benches.filter((b) => b.status === 'unguarded')
  if (unguarded.length > 0) {
    lines.push(
      '',
      `Unguarded (no budget checked them): ${unguarded.map((b) => `"${b.name}"`).join(', ')}. Add budgets in package.json under perfgate.budgets.bench, or inline.`,
    )
  }
  const counts = countBy(summary.benches.map((b) => b.status))
  const statusCounts = (['pass', 'fail', 'inconclusive', 'unguarded'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ')
  const totals = [
    `${summary.benches.length} ${summary.benches.length === 1 ? 'bench' : 'benches'}: ${statusCounts}`,
    ...(summary.comparisons.length > 0
      ? [`${summary.comparisons.length} ${summary.comparisons.length === 1 ? 'comparison' : 'comparisons'}`]
      : []),
    ...(leaks.length > 0 ? [leakCounts(leaks)] : []),
    ...(scalings.length > 0 ? [scalingCounts(scalings)] : []),
  ]
  // A run of leak checks or scaling claims alone has no bench line to count.
  lines.push('', (summary.benches.length === 0 && totals.length > 1 ? totals.slice(1) : totals).join(' · '))
  return lines.join('\n')
}

/** `3 leak checks: 1 leak, 2 no leak`. */
function leakCounts(leaks: readonly LeakRow[]): string {
  const counts = (['leak', 'no-leak', 'inconclusive'] as const)
    .map((status) => [status, leaks.filter((l) => l.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status.replace('-', ' ')}`)
  return `${leaks.length} ${leaks.length === 1 ? 'leak check' : 'leak checks'}: ${counts.join(', ')}`
}

/** `2 scaling claims: 1 pass, 1 fail`. */
function scalingCounts(scalings: readonly ScalingRow[]): string {
  const counts = (['pass', 'fail', 'inconclusive'] as const)
    .map((status) => [status, scalings.filter((c) => c.claim?.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
  const claims = `${scalings.length} ${scalings.length === 1 ? 'scaling claim' : 'scaling claims'}`
  return counts.length === 0 ? claims : `${claims}: ${counts.join(', ')}`
}

/** `▲ +31.2% (+27.0% … +35.8%) regressed`: ▲ slower, ▼ faster, then the regression verdict. */
export function formatBaselineDelta(v: RegressionVerdict): string {
  // Two significant digits, as the rest of the terminal table; the reports show three.
  const deltaInterval: [number, number] = [v.interval[0] - 1, v.interval[1] - 1]
  return `${deltaText({ delta: v.delta, deltaInterval }, DEFAULT_PERCENT_DIGITS)} ${v.status}`
}

function countBy(statuses: readonly BenchRow['status'][]): Record<BenchRow['status'], number> {
  const counts = { pass: 0, fail: 0, inconclusive: 0, unguarded: 0 }
  for (const status of statuses) counts[status]++
  return counts
}

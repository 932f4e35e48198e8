import { formatEnvironmentLine } from '../env/format-environment.js'
import type { BenchResult } from '../measure/types.js'
import { MAX_MEMORY_BATCHES } from '../memory/defaults.js'
import { formatDuration, formatPercent, formatRange, formatRatio, formatSize } from './format.js'
import { BOUND_OP_TEXT } from './parse-bound.js'
import { type BudgetVerdict, describeSource, type MetricVerdict } from './verdict.js'

/** The verdict of a budget, in the parts a matcher message is built from. */
export interface BudgetExplanation {
  /** One sentence per metric that decided the verdict (failing ones, or unsettled ones). */
  headlines: string[]
  /** `Received: p95 2.46 ms · median 1.90 ms · 412 batches × 8 calls · node 20.20.2 · …` */
  received: string
  /** `Expected: p95 ≤ 2.00 ms (perfgate.budgets.bench["sort 10k"] in package.json)` */
  expected: string
  /** What to do next, one sentence per line. */
  advice: string[]
}

/** Above this many times the samples, a longer run is not a practical way to settle a verdict. */
export const MAX_PRACTICAL_SETTLE_FACTOR = 100

const TAIL_METRICS = new Set(['p75', 'p90', 'p95', 'p99', 'max'])

/**
 * Explain a budget verdict the way a tired engineer needs it: the measured value with its
 * interval, the budget and where it came from, how the bench was measured and on what, and
 * what to do about it.
 */
export function explainBudget(verdict: BudgetVerdict, result: BenchResult): BudgetExplanation {
  const deciding = verdict.metrics.filter((m) => m.status === verdict.status)
  const headlines = deciding.map((m) => headline(verdict, m))
  const { stats } = result
  const shown = new Set(verdict.metrics.map((m) => m.metric))
  const context = [
    ...verdict.metrics.map((m) => `${m.metric} ${formatValue(m, m.actual)}`),
    ...(shown.has('median') || shown.has('p50') ? [] : [`median ${formatDuration(stats.medianNs)}`]),
    `${stats.samples} ${stats.samples === 1 ? 'batch' : 'batches'} × ${result.batchSize} ${result.batchSize === 1 ? 'call' : 'calls'}`,
    ...memoryContext(verdict, result),
    formatEnvironmentLine(result.env),
  ]
  const limits = verdict.metrics.map(formatLimit)
  return {
    headlines,
    received: `Received: ${context.join(' · ')}`,
    expected: `Expected: ${limits.join(', ')} (${describeSource(verdict.source)})`,
    advice: advice(verdict, deciding, result),
  }
}

/** How the memory figures were measured, when the budget has any: `20 memory batches (GC not forced)`. */
function memoryContext(verdict: BudgetVerdict, result: BenchResult): string[] {
  const memory = result.memory
  if (memory === undefined || !verdict.metrics.some((m) => m.unit === 'bytes')) return []
  return [`${memory.batches} memory batches${memory.gc === null ? ' (GC not forced)' : ''}`]
}

/** The explanation as one message: headlines, a blank line, Received/Expected, a blank line, advice. */
export function formatBudgetMessage(explanation: BudgetExplanation): string {
  return [
    explanation.headlines.join('\n'),
    '',
    explanation.received,
    explanation.expected,
    ...(explanation.advice.length > 0 ? ['', ...explanation.advice] : []),
  ].join('\n')
}

function headline(verdict: BudgetVerdict, m: MetricVerdict): string {
  const measured = `"${verdict.name}" ${m.metric} is ${formatValue(m, m.actual)}${formatInterval(verdict, m)}`
  const upper = m.limit.op === '<' || m.limit.op === '<='
  const strict = m.limit.op === '<' || m.limit.op === '>' ? `${BOUND_OP_TEXT[m.limit.op]} ` : ''
  // A lower limit (opsPerSec) is a minimum: "17% under its 15,000 ops/s minimum".
  const budget = `its ${strict}${formatValue(m, m.limit.value)} ${upper ? 'budget' : 'minimum'}`
  switch (m.status) {
    case 'fail':
      // Past double the budget a ratio reads better than "1900% over".
      if (upper && m.limit.value > 0 && m.actual >= 2 * m.limit.value) {
        return `${measured}, ${formatRatio(m.actual / m.limit.value)} ${budget}.`
      }
      return `${measured}, ${formatPercent(-m.margin)} ${upper ? 'over' : 'under'} ${budget}.`
    case 'pass':
      return `${measured}, ${upper ? 'within' : 'above'} ${budget} (${formatPercent(m.margin)} headroom).`
    case 'inconclusive':
      if (m.samplesNeeded !== null) {
        return `${measured}: ${verdict.samples} samples cannot bound ${m.metric} at ${formatPercent(verdict.confidence)} confidence, so this run cannot tell whether it is within ${budget}.`
      }
      return `${measured}: the interval straddles ${budget}, so this run cannot tell whether it is ${upper ? 'within' : 'above'}.`
  }
}

function formatInterval(verdict: BudgetVerdict, m: MetricVerdict): string {
  if (m.interval === null) return ''
  return ` (${formatPercent(verdict.confidence)} CI ${formatRange(m.interval[0], m.interval[1], (v) => formatValue(m, v))})`
}

/** A metric's limit as people read it: `p95 ≤ 2.00 ms`, `opsPerSec ≥ 10,000 ops/s`. */
export function formatLimit(m: Pick<MetricVerdict, 'metric' | 'unit' | 'limit'>): string {
  return `${m.metric} ${BOUND_OP_TEXT[m.limit.op]} ${formatValue(m, m.limit.value)}`
}

/** A value in a metric's unit: `2.46 ms`, `12,465 ops/s`, `40.2 kB`. */
export function formatValue(m: Pick<MetricVerdict, 'unit'>, value: number): string {
  if (m.unit === 'ns') return formatDuration(value)
  if (m.unit === 'bytes') return formatSize(value)
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} ops/s`
}

function advice(verdict: BudgetVerdict, deciding: readonly MetricVerdict[], result: BenchResult): string[] {
  const lines: string[] = []
  const where = verdict.source.kind === 'inline' ? 'the inline budget' : describeSource(verdict.source)
  if (verdict.status === 'fail') {
    const memory = deciding.every((m) => m.unit === 'bytes')
    const time = deciding.every((m) => m.unit !== 'bytes')
    const fix = memory
      ? 'Make it allocate less'
      : time
        ? 'Make it faster'
        : 'Make it faster and allocate less'
    lines.push(`${fix}; or, if the new cost is accepted, change ${where}.`)
  } else if (verdict.status === 'inconclusive') {
    lines.push(...settleAdvice(verdict, deciding, result))
  }
  const tails = deciding.filter((m) => TAIL_METRICS.has(m.metric)).map((m) => m.metric)
  if (verdict.granularity === 'batch-mean' && tails.length > 0) {
    lines.push(
      `${listOf(tails)} here ${tails.length === 1 ? 'is' : 'are'} taken over batch means (${verdict.batchSize} calls each), which smooth out slow single calls; bench with { batchSize: 1 } to see per-call tails.`,
    )
  }
  return lines
}

function settleAdvice(
  verdict: BudgetVerdict,
  deciding: readonly MetricVerdict[],
  result: BenchResult,
): string[] {
  const starved = deciding.filter((m) => m.samplesNeeded !== null)
  if (starved.length > 0) {
    // Too few samples is a different problem from noise: more of them is the only fix.
    const needed = Math.max(...starved.map((m) => m.samplesNeeded!))
    return [
      `${listOf(starved.map((m) => m.metric))} ${starved.length === 1 ? 'needs' : 'need'} at least ${needed} samples for an interval at ${formatPercent(verdict.confidence)} confidence; this run had ${verdict.samples}. Give it { minSamples: ${needed} }, or more time.`,
      `If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }.`,
    ]
  }
  const noisiest = deciding.reduce((a, b) =>
    (a.settleFactor ?? Infinity) >= (b.settleFactor ?? Infinity) ? a : b,
  )
  const [lo, hi] = noisiest.interval ?? [noisiest.actual, noisiest.actual]
  const noise = (hi - lo) / 2 / noisiest.actual
  const factor = noisiest.settleFactor
  // "Margin" would be wrong for a value just over the budget: it is the distance either way.
  // Heap per call varies between batches with what else the process allocates, not with the machine.
  const spread = noisiest.unit === 'bytes' ? 'The spread of the memory batches' : "The machine's noise"
  const first = `${spread} (±${formatPercent(noise)} at ${formatPercent(verdict.confidence)} confidence) is wider than the distance to the budget (${formatPercent(Math.abs(noisiest.margin))}).`
  const warn = `If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }.`
  if (noisiest.unit === 'bytes' && factor !== null && factor <= MAX_PRACTICAL_SETTLE_FACTOR) {
    // Memory batches, not the time budget, set how many heap samples there are.
    const batches = result.memory?.batches ?? 0
    const suggested = Math.min(MAX_MEMORY_BATCHES, Math.ceil(batches * factor * 1.2))
    return [
      `${first} About ${formatFactor(factor)} the memory batches would settle it: try { memory: { batches: ${suggested} } } (this run had ${batches}).`,
      warn,
    ]
  }
  if (factor === null || factor > MAX_PRACTICAL_SETTLE_FACTOR) {
    return [
      `${first} The value sits too close to the budget for a longer run to settle it; move the budget away from the measured value, or quiet the machine.`,
      warn,
    ]
  }
  // 20% over the estimate: warm-up and calibration take part of the time budget too.
  const suggestedMs = roundUpToTwoDigits((verdict.timeBudgetNs * factor * 1.2) / 1e6)
  return [
    `${first} About ${formatFactor(factor)} the samples would settle it: try { time: '${formatTime(suggestedMs)}' } (this run had ${formatTime(Math.round(verdict.timeBudgetNs / 1e6))}).`,
    warn,
  ]
}

/** `p95`, `p95 and max`, `p90, p95 and max`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function formatFactor(factor: number): string {
  return `${factor < 10 ? factor.toFixed(1) : Math.round(factor)}×`
}

/** A suggested time is an estimate: two significant digits, rounded up (8459 → 8500), read better. */
function roundUpToTwoDigits(ms: number): number {
  if (!(ms > 0)) return 1
  const step = 10 ** Math.max(0, Math.floor(Math.log10(ms)) - 1)
  return Math.ceil(ms / step) * step
}

/** A time budget as people type it: `"850ms"` below a second, else seconds (`"8.5s"`, `"120s"`). */
function formatTime(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`
}

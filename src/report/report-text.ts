import { formatDuration, formatPercent, formatRange, formatRatio } from '../budget/format.js'
import type { Environment } from '../env/types.js'
import { leakVerdict } from './leak-report.js'
import type { ReportBench, ReportComparison, ReportRegression, RunReport } from './run-report.js'

/*
 * The words and numbers both reports print, so the PR comment and the HTML page always say the
 * same thing about a bench. Plain text: each renderer escapes it for its own format and picks
 * its own symbol for a tone (an emoji on GitHub, a font-safe glyph in the HTML page).
 */

/**
 * How a verdict should strike the reader: 'bad' fails the run (or would, for a regression),
 * 'unsure' means the data could not decide, 'warn' means the comparison is not trustworthy
 * (the environment changed), 'neutral' means nothing was checked.
 */
export type Tone = 'bad' | 'unsure' | 'warn' | 'good' | 'neutral'

/** A verdict as words and a tone. */
export interface VerdictText {
  text: string
  tone: Tone
}

/** Digits of the relative changes against the baseline: `+31.2%`, `-4.05%`. */
const DELTA_PERCENT_DIGITS = 3

/**
 * How much slower a disturbed machine ran, as one range over benches: [1.4, 1.66] → `40–66%`,
 * [1.072] → `7.2%`. The console summary and the Markdown report both say it.
 */
export function slowdownRange(machineRatios: readonly number[]): string {
  const low = formatPercent(Math.min(...machineRatios) - 1)
  const high = formatPercent(Math.max(...machineRatios) - 1)
  return low === high ? low : `${low.slice(0, -1)}–${high}`
}

/** The range of some ratios, "0.994–1.01×", or one ratio when they all read the same. */
export function ratioRange(ratios: readonly number[]): string {
  const [low, high] = [Math.min(...ratios), Math.max(...ratios)]
  return formatRatio(low) === formatRatio(high) ? formatRatio(low) : formatRange(low, high, formatRatio)
}

/** `"a", "b" and 3 more`: the first `max` of the names (quoted as the caller needs), then a count. */
export function namedList(quoted: readonly string[], max: number): string {
  const shown = quoted.slice(0, max).join(', ')
  return quoted.length > max ? `${shown} and ${quoted.length - max} more` : shown
}

/** How many undecided benches the disturbed-machine line names before it counts the rest. */
const DISTURBED_NAMED = 5

/**
 * The benches a disturbed machine left undecided (a machine shift past the threshold was all that
 * would have cleared them), as a head and a sentence; null when there are none. `name` renders
 * a bench's name for the format (escaped, shortened); the rest is plain text.
 */
export function disturbedText(
  run: Pick<RunReport, 'benches'>,
  name: (benchName: string) => string,
): { head: string; body: string } | null {
  const undecided = run.benches.filter((b) => b.regression?.machineRatio != null)
  if (undecided.length === 0) return null
  const slower = slowdownRange(undecided.map((b) => b.regression!.machineRatio!))
  const names = namedList(
    undecided.map((b) => `"${name(b.name)}"`),
    DISTURBED_NAMED,
  )
  const them = undecided.length === 1 ? 'it' : 'them'
  return {
    head: 'The machine was disturbed',
    body:
      `around ${plural(undecided.length, 'bench', 'benches')} it ran ${slower} slower than when the baseline was recorded, ` +
      `and only that shift would have called ${them} unchanged or faster, so ${undecided.length === 1 ? 'it is' : 'they are'} inconclusive: ${names}. Run again on a quieter machine.`,
  }
}

/** A duration, or `—` when the log held no finite number (a crashed bench writes null). */
export function showDuration(ns: number): string {
  return Number.isFinite(ns) ? formatDuration(ns) : '—'
}

/** `2.41 ms (2.38–2.45 ms)`: the median with its interval, `—` for what is missing. */
export function showMedian(bench: Pick<ReportBench, 'medianNs' | 'medianIntervalNs'>): string {
  const [lo, hi] = bench.medianIntervalNs
  const interval =
    Number.isFinite(lo) && (Number.isFinite(hi) || hi === Number.POSITIVE_INFINITY)
      ? ` (${formatRange(lo, hi, formatDuration)})`
      : ''
  return `${showDuration(bench.medianNs)}${interval}`
}

/** The budget verdict of a bench. A `.not` budget that failed is what its test expected. */
export function budgetVerdict(bench: Pick<ReportBench, 'budgetStatus' | 'negated'>): VerdictText {
  switch (bench.budgetStatus) {
    case 'unguarded':
      return { text: 'unguarded', tone: 'neutral' }
    case 'inconclusive':
      return { text: 'inconclusive', tone: 'unsure' }
    case 'fail':
      return bench.negated ? { text: 'fail (expected by .not)', tone: 'good' } : { text: 'fail', tone: 'bad' }
    case 'pass':
      return bench.negated
        ? { text: 'pass (.not expected a fail)', tone: 'bad' }
        : { text: 'pass', tone: 'good' }
  }
}

const REGRESSION_TEXT: Readonly<Record<ReportRegression['status'], VerdictText>> = {
  regressed: { text: 'regressed', tone: 'bad' },
  improved: { text: 'improved', tone: 'good' },
  unchanged: { text: 'unchanged', tone: 'good' },
  inconclusive: { text: 'inconclusive vs baseline', tone: 'unsure' },
  'environment-changed': { text: 'environment changed', tone: 'warn' },
}

/** The regression verdict of a bench, or null when it was not compared with a baseline. */
export function regressionVerdict(bench: Pick<ReportBench, 'regression'>): VerdictText | null {
  return bench.regression === null ? null : REGRESSION_TEXT[bench.regression.status]
}

/**
 * The change against the baseline: `▲ +31.2% (+27% … +35.8%)` when slower, `▼ -8.4% (…)` when
 * faster, `= 0% (…)` when the estimate rounds to no change; `no baseline` without one. The arrow
 * follows the estimate; whether the change counts is the regression verdict's business.
 */
export function deltaText(
  regression: Pick<ReportRegression, 'delta' | 'deltaInterval'> | null,
  digits: number = DELTA_PERCENT_DIGITS,
): string {
  if (regression === null) return 'no baseline'
  const { delta, deltaInterval } = regression
  if (!Number.isFinite(delta)) return '—'
  const signedPercent = (fraction: number) => signedPercentOf(fraction, digits)
  const estimate = signedPercent(delta)
  const arrow = estimate === '0%' ? '=' : delta > 0 ? '▲' : '▼'
  const [lo, hi] = deltaInterval
  const interval =
    Number.isNaN(lo) || Number.isNaN(hi) ? '' : ` (${signedPercent(lo)} … ${signedPercent(hi)})`
  return `${arrow} ${estimate}${interval}`
}

/** A relative change with its sign; an open interval end reads `+∞%`. */
function signedPercentOf(fraction: number, digits: number): string {
  if (fraction === Number.POSITIVE_INFINITY) return '+∞%'
  if (fraction === Number.NEGATIVE_INFINITY) return '-∞%'
  return formatPercent(fraction, { digits, sign: true })
}

/** `1.23× (1.18–1.29×)`: a comparison's time ratio a/b with its interval. */
export function comparisonRatio(comparison: ReportComparison): string {
  if (!Number.isFinite(comparison.ratio)) return '—'
  const [lo, hi] = comparison.interval
  const interval = Number.isNaN(lo) || Number.isNaN(hi) ? '' : ` (${formatRange(lo, hi, formatRatio)})`
  return `${formatRatio(comparison.ratio)}${interval}`
}

const COMPARISON_TONE: Readonly<Record<ReportComparison['verdict'], Tone>> = {
  faster: 'good',
  slower: 'good',
  equivalent: 'good',
  inconclusive: 'unsure',
}

/** A comparison's verdict: a faster/slower/equivalent answer is an answer, so only "inconclusive" stands out. */
export function comparisonVerdict(comparison: ReportComparison): VerdictText {
  return { text: comparison.verdict, tone: COMPARISON_TONE[comparison.verdict] }
}

/** How the two sides of a comparison were measured. */
export function comparisonMethod(comparison: ReportComparison): string {
  return comparison.method === 'paired-rounds' ? 'paired' : 'separate runs'
}

/**
 * How urgently a bench needs a look: 0 when its budget failed or it regressed, 1 when a verdict
 * is unsure or the environment changed, 2 otherwise. Reports list benches in this order.
 */
export function benchSeverity(bench: ReportBench): 0 | 1 | 2 {
  const tones = [budgetVerdict(bench).tone, regressionVerdict(bench)?.tone]
  if (tones.includes('bad')) return 0
  if (tones.includes('unsure') || tones.includes('warn')) return 1
  return 2
}

/** Benches in order of {@link benchSeverity}; ties keep the run's order. */
export function bySeverity(benches: readonly ReportBench[]): ReportBench[] {
  return benches
    .map((bench, index) => ({ bench, index, severity: benchSeverity(bench) }))
    .sort((a, b) => a.severity - b.severity || a.index - b.index)
    .map(({ bench }) => bench)
}

/** `1 bench`, `12 benches`. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * The run in one line, problems first: `1 budget failed, 1 regression, 2 inconclusive`, or
 * `all 12 benches within budget, no regressions` when nothing is wrong. A run that exited with
 * a failure perfgate did not cause (another test failed), or never finished, says so too.
 */
export function overallVerdict(run: RunReport): VerdictText {
  // Pages count like benches: a page metric over its budget is a failed budget.
  const pageRows = run.pages ?? []
  const failed =
    run.benches.filter((b) => budgetVerdict(b).tone === 'bad').length +
    pageRows.filter(
      (p) =>
        p.status !== null && budgetVerdict({ budgetStatus: p.status, negated: p.negated }).tone === 'bad',
    ).length
  const regressed =
    run.benches.filter((b) => regressionVerdict(b)?.tone === 'bad').length +
    pageRows.filter((p) => p.regression?.status === 'regressed').length
  // A scaling claim is judged like a budget: failed, or undecided.
  const scalingTones = (run.scalings ?? []).map((s) =>
    s.status === null ? 'neutral' : budgetVerdict({ budgetStatus: s.status, negated: s.negated }).tone,
  )
  const scalingFailed = scalingTones.filter((tone) => tone === 'bad').length
  // A leak check is judged against what its test expected (toLeakMemory or .not).
  const leakTones = (run.leaks ?? []).map((l) => leakVerdict(l).tone)
  const leakFailed = leakTones.filter((tone) => tone === 'bad').length
  const unsure =
    run.benches.filter((b) => budgetVerdict(b).tone === 'unsure' || regressionVerdict(b)?.tone === 'unsure')
      .length +
    scalingTones.filter((tone) => tone === 'unsure').length +
    leakTones.filter((tone) => tone === 'unsure').length
  const changed = run.benches.filter((b) => regressionVerdict(b)?.tone === 'warn').length
  const problems = [
    failed > 0 ? `${plural(failed, 'budget', 'budgets')} failed` : '',
    scalingFailed > 0 ? `${plural(scalingFailed, 'scaling claim', 'scaling claims')} failed` : '',
    leakFailed > 0 ? `${plural(leakFailed, 'leak check', 'leak checks')} failed` : '',
    regressed > 0 ? plural(regressed, 'regression', 'regressions') : '',
    unsure > 0 ? `${unsure} inconclusive` : '',
    changed > 0 ? `environment changed for ${plural(changed, 'bench', 'benches')}` : '',
  ].filter((part) => part !== '')
  const exitedBadly = run.exitCode !== null && run.exitCode !== 0
  // A failed exit that no budget or regression explains (another test failed) is said too, so
  // nobody hunts for a slow bench.
  const ending =
    run.counts === null
      ? 'the run did not finish'
      : exitedBadly && failed === 0 && scalingFailed === 0 && leakFailed === 0 && regressed === 0
        ? `the run exited with code ${run.exitCode}`
        : undefined
  const parts = problems.length > 0 ? problems : [allClear(run)]
  const text = ending === undefined ? parts.join(', ') : `${parts.join(', ')}; ${ending}`
  const tone: Tone =
    failed > 0 || scalingFailed > 0 || leakFailed > 0 || regressed > 0 || exitedBadly
      ? 'bad'
      : unsure > 0
        ? 'unsure'
        : changed > 0 || ending !== undefined
          ? 'warn'
          : 'good'
  return { text, tone }
}

function allClear(run: RunReport): string {
  const total = run.benches.length
  const checkedPages = (run.pages ?? []).filter((p) => p.status !== null).length
  if (total === 0 && checkedPages > 0) {
    return checkedPages === 1
      ? '1 page metric within budget'
      : `all ${checkedPages} page metrics within budget`
  }
  const heldClaims = (run.scalings ?? []).filter((s) => s.status !== null).length
  if (total === 0 && heldClaims > 0) {
    return heldClaims === 1 ? '1 scaling claim holds' : `all ${heldClaims} scaling claims hold`
  }
  const leakChecks = (run.leaks ?? []).length
  if (total === 0 && leakChecks > 0) {
    return leakChecks === 1 ? '1 leak check passed' : `all ${leakChecks} leak checks passed`
  }
  if (total === 0) return 'no benches in this run'
  const guarded = run.benches.filter((b) => b.budgetStatus !== 'unguarded').length
  const budgets =
    guarded === 0
      ? `${plural(total, 'bench', 'benches')} measured, none has a budget`
      : guarded === total
        ? total === 1
          ? '1 bench within budget'
          : `all ${total} benches within budget`
        : `${guarded} of ${plural(total, 'bench', 'benches')} within budget (${total - guarded} unguarded)`
  const compared = run.benches.some((b) => b.regression !== null)
  return `${budgets}, ${compared ? 'no regressions' : 'no baseline compared'}`
}

/** Facts about the machine a run measured on, each `—` or `unknown` where the log lost it. */
export interface EnvironmentFacts {
  node: string
  os: string
  cpu: string
  ci: string
  git: string
  /** Short form for one line: `abc1234*` (`*`: uncommitted changes), or null outside git. */
  commit: string | null
  captured: string
  perfgate: string
  warnings: string[]
}

/**
 * The environment as text. Tolerant of logs: the [VERIFY] schema allows null where a number was
 * not finite, so nothing here assumes a number is one.
 */
export function environmentFacts(env: Environment): EnvironmentFacts {
  const speed = env.cpu.speedMHz
  const named = /\d\s*GHz/i.test(env.cpu.model)
  const load = env.load?.avg1
  return {
    node: `${env.runtime.version} (V8 ${env.runtime.v8})`,
    os: `${env.os.platform} ${env.os.arch}, release ${env.os.release}`,
    cpu: `${env.cpu.count} × ${env.cpu.model}${typeof speed === 'number' && speed > 0 && !named ? ` @ ${(speed / 1000).toFixed(1)} GHz` : ''}${typeof load === 'number' ? ` (load ${load.toFixed(1)})` : ''}`,
    ci: env.ci?.name ?? 'none (local)',
    git: env.git
      ? `${env.git.commit}${env.git.branch ? ` (${env.git.branch})` : ''}${env.git.dirty ? ', uncommitted changes' : ''}`
      : 'not a git work tree',
    commit: env.git ? `${env.git.commit.slice(0, 7)}${env.git.dirty ? '*' : ''}` : null,
    captured: env.capturedAt,
    perfgate: env.perfgateVersion,
    warnings: env.warnings.map((warning) => warning.message),
  }
}

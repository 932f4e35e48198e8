import { formatDuration } from '../budget/format.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import { textTable } from '../report/format-table.js'
import type { ScalingVerdict } from './judge-scaling.js'
import { classExponent, nearestClass, SCALING_CLASS_FORMULA, SCALING_CLASSES } from './scaling-classes.js'
import type { ScalingResult } from './types.js'

/** A scaling verdict in the parts a matcher message is built from. */
export interface ScalingExplanation {
  /** What was measured against what was claimed, then what the data suggest. */
  headlines: string[]
  /** The median time per call at each size, and the exponent between neighbouring sizes. */
  table: string[]
  /** `Received: exponent 1.98 (95% CI 1.95–2.01) · two largest sizes … · 24 rounds × 4 sizes · node …` */
  received: string
  /** `Expected: exponent ≤ 1.50 ('linear' is n^1.00 over sizes 100–3,000; tolerance 0.5)` */
  expected: string
  /** What to do next, one sentence per line. */
  advice: string[]
}

/** Above this many times the rounds, a longer run is not a practical way to settle a verdict. */
const MAX_PRACTICAL_SETTLE_FACTOR = 100

/**
 * Explain a scaling verdict: the fitted exponent with its interval against the largest the
 * claim allows, the class the data fit best, the medians per size, and what to do.
 */
export function explainScaling(verdict: ScalingVerdict, result: ScalingResult): ScalingExplanation {
  const { all, largest, claim } = verdict
  const ci = `${pct(verdict.confidence)} CI`
  const measured = `"${verdict.name}" grows as ${power(all.exponent)} (${ci} ${range(all)}) over sizes ${sizeRange(all.sizes)}`
  const allowance = `${power(all.claimedExponent)}, up to ${power(all.limitExponent)} with the ${verdict.tolerance} tolerance`
  const headlines: string[] = []
  switch (verdict.status) {
    case 'fail':
      headlines.push(
        verdict.failedBy === 'all-sizes'
          ? `${measured}, faster than '${claim}' allows (${allowance}).`
          : `"${verdict.name}" grows as ${power(largest.exponent)} (${ci} ${range(largest)}) between its two largest sizes (${sizeRange(largest.sizes)}), faster than '${claim}' allows there (up to ${power(largest.limitExponent)}); over all sizes it is ${power(all.exponent)} (${range(all)}), flattened at the small sizes, as by a cost per call that does not grow with n.`,
      )
      break
    case 'pass':
      headlines.push(`${measured}, within what '${claim}' allows (${allowance}).`)
      break
    case 'inconclusive':
      headlines.push(
        `${measured}: the interval straddles ${power(all.limitExponent)}, the most '${claim}' allows (${power(all.claimedExponent)} with the ${verdict.tolerance} tolerance), so this run cannot tell.`,
      )
      break
  }
  if (verdict.failedBy === 'largest-sizes') {
    const there = nearestClass(largest.exponent, largest.sizes)
    headlines.push(
      `Between the two largest sizes the data fit '${there}' best (${power(classExponent(there, largest.sizes))} there).`,
    )
  } else if (verdict.closest !== claim) {
    headlines.push(
      `The data fit '${verdict.closest}' best (${power(classExponent(verdict.closest, all.sizes))} over these sizes).`,
    )
  }
  if (verdict.betterThanClaimed !== null) {
    headlines.push(`It scales better than claimed: the data meet '${verdict.betterThanClaimed}' too.`)
  }
  if (verdict.failedBy !== 'largest-sizes' && growsWithN(verdict)) {
    headlines.push(
      `The exponent grows with n (${power(all.exponent)} over all sizes, ${power(largest.exponent)} between the two largest): a cost per call that does not grow with n hides the growth at small sizes, so sizes further up show the class better.`,
    )
  }

  const table = textTable(
    ['size', 'median per call', 'exponent from previous size'],
    result.points.map((p, i) => [
      p.size.toLocaleString('en-US'),
      formatDuration(p.medianNs),
      i === 0 ? '' : (result.fit.localExponents[i - 1]?.toFixed(2) ?? ''),
    ]),
  )
  const received = [
    `exponent ${all.exponent.toFixed(2)} (${ci} ${range(all)})`,
    `two largest sizes ${largest.exponent.toFixed(2)} (${range(largest)})`,
    `${result.fit.rounds} rounds × ${result.sizes.length} sizes`,
    formatEnvironmentLine(result.env),
  ]
  return {
    headlines,
    table,
    received: `Received: ${received.join(' · ')}`,
    expected: `Expected: exponent ≤ ${all.limitExponent.toFixed(2)} ('${claim}' is ${power(all.claimedExponent)} over sizes ${sizeRange(all.sizes)}; tolerance ${verdict.tolerance})`,
    advice: advice(verdict, result),
  }
}

/** The explanation as one message: headlines, the table, Received/Expected, then advice. */
export function formatScalingMessage(explanation: ScalingExplanation): string {
  return [
    explanation.headlines.join('\n'),
    '',
    ...explanation.table.map((line) => `  ${line}`),
    '',
    explanation.received,
    explanation.expected,
    ...(explanation.advice.length > 0 ? ['', ...explanation.advice] : []),
  ].join('\n')
}

function advice(verdict: ScalingVerdict, result: ScalingResult): string[] {
  const { claim, all } = verdict
  if (verdict.status === 'fail') {
    const decider = verdict.failedBy === 'largest-sizes' ? verdict.largest : all
    const suggested = nearestClass(decider.exponent, decider.sizes)
    const slower = SCALING_CLASSES.indexOf(suggested) > SCALING_CLASSES.indexOf(claim)
    return [
      `Look for work that grows faster than ${SCALING_CLASS_FORMULA[claim]} per call (a loop over the input inside another, a search inside a loop)${slower ? `; or, if growth like ${SCALING_CLASS_FORMULA[suggested]} is expected, claim '${suggested}'` : ''}.`,
    ]
  }
  if (verdict.status === 'inconclusive') {
    const halfWidth = (all.interval[1] - all.interval[0]) / 2
    const distance = Math.abs(all.exponent - all.limitExponent)
    // The interval narrows with the square root of the rounds, and rounds with the time budget.
    const factor = distance > 0 ? (halfWidth / distance) ** 2 : Number.POSITIVE_INFINITY
    const budgetS = result.timing.budgetNs / 1e9
    const first = `The exponent's interval is ±${halfWidth.toFixed(2)} wide, and ${all.exponent.toFixed(2)} lies ${distance.toFixed(2)} from the limit.`
    const longer =
      factor > MAX_PRACTICAL_SETTLE_FACTOR
        ? ' It sits too close to the limit for a longer run to settle it: spread the sizes further apart, or claim the next class.'
        : ` A longer run narrows it: try { time: '${roundUp(budgetS * Math.max(2, factor * 1.2))}s' } (this run had ${roundUp(budgetS)}s); sizes further apart narrow it too.`
    return [
      `${first}${longer}`,
      `If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }.`,
    ]
  }
  return []
}

/**
 * Whether the exponent clearly rises toward the large sizes, the mark of a fixed cost per call:
 * the two largest sizes' exponent lies a quarter of the tolerance above the overall one, and its
 * whole interval lies above it.
 */
function growsWithN({ all, largest, tolerance }: ScalingVerdict): boolean {
  return largest.exponent - all.exponent > tolerance / 4 && largest.interval[0] > all.exponent
}

function power(exponent: number): string {
  return `n^${exponent.toFixed(2)}`
}

function range(fit: { interval: [number, number] }): string {
  return `${fit.interval[0].toFixed(2)}–${fit.interval[1].toFixed(2)}`
}

function sizeRange(sizes: readonly number[]): string {
  return `${sizes[0]!.toLocaleString('en-US')}–${sizes.at(-1)!.toLocaleString('en-US')}`
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`
}

/** Seconds rounded up to two significant digits: 2.4, 13, 130. */
function roundUp(seconds: number): string {
  const power10 = 10 ** (Math.floor(Math.log10(seconds)) - 1)
  return String(Number((Math.ceil(seconds / power10) * power10).toPrecision(2)))
}

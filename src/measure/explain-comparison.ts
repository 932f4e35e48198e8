import { formatDuration, formatPercent, formatRange, formatRatio } from '../budget/format.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import { DEFAULT_NOISE_BAND } from './defaults.js'
import type { Comparison } from './types.js'

/** What a test claimed about a comparison: that a is faster, or slower, than b. */
export type ComparisonClaim = 'faster' | 'slower'

/** A comparison explained against a claim, in the parts a matcher message is built from. */
export interface ComparisonExplanation {
  headline: string
  /** The comparison's own one-sentence reason, with its numbers. */
  reason: string
  received: string
  expected: string
  advice: string[]
}

/**
 * Explain a comparison against the claim a test made (`toBeFasterThan` claims 'faster'), negated
 * or not. Pure: the same comparison gives the same words.
 */
export function explainComparison(
  comparison: Comparison,
  claim: ComparisonClaim,
  negated: boolean,
): ComparisonExplanation {
  const [a, b] = comparison.names
  const band = formatPercent(comparison.threshold)
  const claimText = `${negated ? 'not ' : ''}to be ${claim} than "${b}" by more than ${band}`
  const verdictText =
    comparison.verdict === 'inconclusive'
      ? 'the run could not tell'
      : comparison.verdict === 'equivalent'
        ? `they are equivalent (within ±${band})`
        : `it is ${comparison.verdict}`
  const [lo, hi] = comparison.interval
  const confidence = formatPercent(comparison.confidence)
  const rounds =
    comparison.method === 'paired-rounds'
      ? `${comparison.rounds} paired rounds in ${formatDuration(comparison.wallNs)}`
      : comparison.method === 'independent-samples'
        ? 'measured separately'
        : 'from summary statistics'
  const received = [
    `ratio ${formatRatio(comparison.ratio)} (${confidence} CI ${formatRange(lo, hi, formatRatio)})`,
    `"${a}" ${formatDuration(comparison.medianNs[0])}, "${b}" ${formatDuration(comparison.medianNs[1])} per call`,
    rounds,
    `calls per batch: "${a}" ${comparison.batchSize[0]}, "${b}" ${comparison.batchSize[1]}`,
    formatEnvironmentLine(comparison.env),
  ]
  const limit = claim === 'faster' ? 1 / (1 + comparison.threshold) : 1 + comparison.threshold
  const wanted = `${claim === 'faster' ? '<' : '>'} ${formatRatio(limit)}`
  const advice: string[] = []
  if (comparison.verdict === 'inconclusive') {
    // The reason already gives the detectable effect and how much more time would settle it.
    advice.push(`If an unsettled comparison should not fail the test, pass { inconclusive: 'warn' }.`)
  }
  return {
    headline: `Expected "${a}" ${claimText}, but ${verdictText}.`,
    reason: comparison.reason,
    received: `Received: ${received.join(' · ')}`,
    expected: `Expected: ratio ${negated ? 'not ' : ''}${wanted} (time of "${a}" / time of "${b}"; threshold ${band}${comparison.threshold === DEFAULT_NOISE_BAND ? ', the default noise band' : ''})`,
    advice,
  }
}

/** The explanation as one message. */
export function formatComparisonMessage(explanation: ComparisonExplanation): string {
  return [
    explanation.headline,
    explanation.reason,
    '',
    explanation.received,
    explanation.expected,
    ...(explanation.advice.length > 0 ? ['', ...explanation.advice] : []),
  ].join('\n')
}

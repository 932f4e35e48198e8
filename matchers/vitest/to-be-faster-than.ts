import { perfgateError } from '../../src/errors.js'
import { compare } from '../../src/measure/compare.js'
import { compareResults } from '../../src/measure/compare-results.js'
import {
  type ComparisonClaim,
  explainComparison,
  formatComparisonMessage,
} from '../../src/measure/explain-comparison.js'
import type { BenchFn, CompareOptions, CompareSide, Comparison } from '../../src/measure/types.js'
import { recordResult } from '../../src/results/result-sink.js'
import { inconclusivePolicy } from './bench-defaults.js'
import type { FasterThanOptions } from './comparison-options.js'
import {
  hint,
  type MatcherContext,
  type MatcherResult,
  toVitestPass,
  warnInconclusive,
} from './matcher-context.js'
import { projectConfig } from './project-config.js'
import { describeValue, isPerfgateBenchResult, isVitestBenchResult } from './received.js'

const ACCEPTED =
  'two functions (or { name, fn } objects) to compare, or two bench results (perfgate or Vitest 5) measured earlier'

/** `await expect(fnA).toBeFasterThan(fnB, { by: '20%' })`: a paired, interleaved comparison. */
export function toBeFasterThan(
  this: MatcherContext,
  received: unknown,
  other: unknown,
  options: FasterThanOptions = {},
): Promise<MatcherResult> | MatcherResult {
  return claim(this, 'faster', received, other, options)
}

/** `await expect(fnA).toBeSlowerThan(fnB)`: the mirror of toBeFasterThan. */
export function toBeSlowerThan(
  this: MatcherContext,
  received: unknown,
  other: unknown,
  options: FasterThanOptions = {},
): Promise<MatcherResult> | MatcherResult {
  return claim(this, 'slower', received, other, options)
}

function claim(
  context: MatcherContext,
  claimed: ComparisonClaim,
  received: unknown,
  other: unknown,
  options: FasterThanOptions,
): Promise<MatcherResult> | MatcherResult {
  const matcher = claimed === 'faster' ? 'toBeFasterThan' : 'toBeSlowerThan'
  const loaded = projectConfig()
  const { delta, inconclusive, ...rest } = options
  const compareOptions = withThreshold(rest, delta, claimed, matcher)
  const policy = inconclusivePolicy(inconclusive, loaded)
  const judge = (comparison: Comparison) => verdictResult(context, matcher, claimed, comparison, policy)

  if (isComparableResult(received) && isComparableResult(other)) {
    // Stored results answer at once (and synchronously, like Vitest 5's own matcher).
    const {
      time: _time,
      warmup: _warmup,
      batchSize: _batchSize,
      maxRounds: _maxRounds,
      seed: _seed,
      ...kept
    } = compareOptions
    const comparison = compareResults(received, other, kept)
    recordResult({ kind: 'comparison', comparison })
    return judge(comparison)
  }
  if (isSide(received) && isSide(other)) {
    return compare(received, other, compareOptions).then(judge)
  }
  const bad = isSide(received) || isComparableResult(received) ? other : received
  const which = bad === received ? 'the received value' : 'the value to compare with'
  throw perfgateError('MATCHER_RECEIVED_INVALID', {
    matcher: `expect(…).${matcher}()`,
    received: `${describeValue(bad)} as ${which}${isSide(received) !== isSide(other) && isComparable(bad) ? ' (a function and a result cannot be compared with each other)' : ''}`,
    accepted: ACCEPTED,
  })
}

function isComparable(value: unknown): boolean {
  return isSide(value) || isComparableResult(value)
}

function isComparableResult(value: unknown) {
  return isPerfgateBenchResult(value) || isVitestBenchResult(value)
}

function isSide(value: unknown): value is BenchFn | CompareSide {
  return (
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && typeof (value as CompareSide).fn === 'function')
  )
}

/**
 * Vitest 5's `delta` is the fraction a must beat b by: faster means a < b × (1 − delta), slower
 * means a > b × (1 + delta). perfgate's `by` is symmetric on the log scale: faster means
 * a < b / (1 + by). For faster, 1 / (1 + by) = 1 − delta gives by = delta / (1 − delta).
 */
function withThreshold(
  options: Omit<FasterThanOptions, 'delta' | 'inconclusive'>,
  delta: number | undefined,
  claimed: ComparisonClaim,
  matcher: string,
): Omit<CompareOptions, 'env'> {
  if (delta === undefined) return options
  if (options.by !== undefined) {
    throw perfgateError('MATCHER_OPTIONS_INVALID', {
      matcher: `${matcher}()`,
      problem: 'both `by` and `delta` are given, and they say the same thing',
      fix: "Keep one: { by: '10%' } (perfgate) or { delta: 0.1 } (Vitest 5).",
    })
  }
  if (typeof delta !== 'number' || !(delta >= 0 && delta < 1)) {
    throw perfgateError('MATCHER_OPTIONS_INVALID', {
      matcher: `${matcher}()`,
      problem: `delta must be a fraction from 0 up to (not including) 1, received ${describeValue(delta)}`,
      fix: 'Write { delta: 0.1 } for "at least 10%".',
    })
  }
  return { ...options, by: claimed === 'faster' ? delta / (1 - delta) : delta }
}

function verdictResult(
  context: MatcherContext,
  matcher: string,
  claimed: ComparisonClaim,
  comparison: Comparison,
  policy: 'fail' | 'warn',
): MatcherResult {
  const outcome =
    comparison.verdict === claimed
      ? 'claim'
      : comparison.verdict === 'inconclusive'
        ? 'inconclusive'
        : 'opposite'
  const message = () =>
    `${hint(context, matcher, 'other')}\n\n${formatComparisonMessage(explainComparison(comparison, claimed, context.isNot))}`
  if (outcome === 'inconclusive' && policy === 'warn') warnInconclusive(message())
  return { pass: toVitestPass(outcome, context.isNot, policy), message }
}

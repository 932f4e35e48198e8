import {
  budgetLimits,
  evaluateLimits,
  isMemoryMetric,
  type MetricLimit,
  samplesToBound,
} from '../../src/budget/evaluate-bench-budget.js'
import { explainBudget, formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BudgetSource, BudgetVerdict } from '../../src/budget/verdict.js'
import type { BenchBudgetInput } from '../../src/config/schema.js'
import { perfgateError } from '../../src/errors.js'
import type { HttpLimitsInput } from '../../src/http/evaluate-http-budget.js'
import { isLoadTestResult } from '../../src/http/types.js'
import { bench } from '../../src/measure/bench.js'
import { benchDefaults } from '../../src/measure/bench-defaults.js'
import { DEFAULT_CONFIDENCE, DEFAULT_MIN_SAMPLES } from '../../src/measure/defaults.js'
import type { BenchFn, BenchOptions, BenchResult } from '../../src/measure/types.js'
import { formatProfileSection } from '../../src/profile/format-hotspots.js'
import { isProfileMode, PROFILE_MODES_TEXT } from '../../src/profile/profile-settings.js'
import { profileForFailure, profilesOnFailure } from '../../src/profile/profile-targets.js'
import type { BenchProfile, ProfileMode } from '../../src/profile/types.js'
import { type InconclusivePolicy, recordResult } from '../../src/results/result-sink.js'
import { inconclusivePolicy } from './bench-defaults.js'
import {
  hint,
  type MatcherContext,
  type MatcherResult,
  toVitestPass,
  warnInconclusive,
} from './matcher-context.js'
import { meetHttpBudget } from './meet-http-budget.js'
import { projectConfig } from './project-config.js'
import { describeValue, isPerfgateBenchResult } from './received.js'

/** Options of `toMeetBudget` and the percentile matchers. Bench options apply when a function is received. */
export interface MeetBudgetOptions extends Omit<BenchOptions, 'env'> {
  /** Name of the bench when a function is received. @default the function's name, else the test's name */
  name?: string
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
  /** Where the budget came from, for the message. @default inline */
  source?: BudgetSource
}

const ACCEPTED =
  'a perfgate BenchResult (from bench()), a LoadTestResult (from loadTest()) or a function to bench'

/** `expect(resultOrFn).toMeetBudget({ p95: '2ms', opsPerSec: '>= 10000' }, options?)` */
export function toMeetBudget(
  this: MatcherContext,
  received: unknown,
  budget: BenchBudgetInput | HttpLimitsInput,
  options: MeetBudgetOptions = {},
): MatcherResult | Promise<MatcherResult> {
  // A load test result has its own budget keys (errorRate, rps) and verdicts: src/http.
  if (isLoadTestResult(received)) return meetHttpBudget(this, received, budget as HttpLimitsInput, options)
  const limits = budgetLimits(parseBenchBudget(budget, 'toMeetBudget()'))
  return checkReceived(this, 'toMeetBudget', 'budget', received, options, limits)
}

/** `expect(resultOrFn).toHavePercentileBelow(99.9, '5ms', options?)` */
export function toHavePercentileBelow(
  this: MatcherContext,
  received: unknown,
  percentile: number,
  limit: string | number,
  options: MeetBudgetOptions = {},
): MatcherResult | Promise<MatcherResult> {
  return percentileBelow(this, 'toHavePercentileBelow', received, percentile, limit, options)
}

function percentileBelow(
  context: MatcherContext,
  matcher: string,
  received: unknown,
  percentile: number,
  limit: string | number,
  options: MeetBudgetOptions,
): MatcherResult | Promise<MatcherResult> {
  if (typeof percentile !== 'number' || !(percentile > 0 && percentile < 100)) {
    throw perfgateError('MATCHER_OPTIONS_INVALID', {
      matcher: 'toHavePercentileBelow()',
      problem: `the percentile must be a number above 0 and below 100, received ${describeValue(percentile)}`,
      fix: "Write toHavePercentileBelow(95, '5ms') for p95.",
    })
  }
  const metric = `p${percentile}` as const
  const parsed = parseBenchBudget({ p95: limit }, `${matcher}()`).p95!
  const limits: MetricLimit[] = [{ metric, bound: { op: '<=', value: parsed.ns }, text: parsed.text }]
  return checkReceived(context, matcher, 'limit', received, options, limits)
}

/** `expect(resultOrFn).toHaveP95Below('5ms', options?)` */
export function toHaveP95Below(
  this: MatcherContext,
  received: unknown,
  limit: string | number,
  options: MeetBudgetOptions = {},
): MatcherResult | Promise<MatcherResult> {
  return percentileBelow(this, 'toHaveP95Below', received, 95, limit, options)
}

function checkReceived(
  context: MatcherContext,
  matcher: string,
  expectedLabel: string,
  received: unknown,
  options: MeetBudgetOptions,
  limits: readonly MetricLimit[],
): MatcherResult | Promise<MatcherResult> {
  const evaluate = (result: BenchResult) => evaluateLimits(result, limits, options.source)
  // A result is checked synchronously; a function must be benched first, so the matcher is async.
  const profile = profileOption(matcher, options.profile)
  if (isPerfgateBenchResult(received)) {
    const policy = inconclusivePolicy(options.inconclusive, projectConfig())
    return verdictResult(context, matcher, expectedLabel, received, evaluate(received), policy, profile)
  }
  if (typeof received === 'function') {
    return (async () => {
      const loaded = projectConfig()
      const { name, inconclusive, source: _source, ...benchOptions } = options
      const benchName = name ?? (received.name || context.currentTestName || 'anonymous function')
      const result = await bench(
        benchName,
        received as BenchFn,
        withMemoryForLimits(withSamplesToBound(benchOptions, limits), limits),
      )
      return verdictResult(
        context,
        matcher,
        expectedLabel,
        result,
        evaluate(result),
        inconclusivePolicy(inconclusive, loaded),
        profile,
      )
    })()
  }
  throw perfgateError('MATCHER_RECEIVED_INVALID', {
    matcher: `expect(…).${matcher}()`,
    received: describeValue(received),
    accepted: ACCEPTED,
  })
}

/**
 * Bench options that record enough samples to bound every percentile of the budget (see
 * samplesToBound), unless the user chose `minSamples`: otherwise a p95 budget checked on a slow
 * function could only ever come back inconclusive.
 */
export function withSamplesToBound<T extends { minSamples?: number; confidence?: number }>(
  options: T,
  limits: readonly MetricLimit[],
): T {
  if (options.minSamples !== undefined) return options
  const confidence = options.confidence ?? benchDefaults().confidence ?? DEFAULT_CONFIDENCE
  const needed = samplesToBound(limits, confidence)
  return needed > DEFAULT_MIN_SAMPLES ? { ...options, minSamples: needed } : options
}

/**
 * Bench options with memory on when a limit needs it (heapPerCall, rss), unless the user already
 * set `memory` (their batch count stays; `memory: false` then fails with BENCH_MEMORY_MISSING).
 */
export function withMemoryForLimits<T extends BenchOptions>(
  options: T,
  limits: readonly Pick<MetricLimit, 'metric'>[],
): T {
  if (options.memory !== undefined || !limits.some((l) => isMemoryMetric(l.metric))) return options
  return { ...options, memory: true }
}

/**
 * The matcher's answer on a verdict. A budget the test fails on is profiled first (after the
 * measurement, see docs/profiles.md), so the answer is then a promise: the message names the
 * hottest functions. Otherwise it is given at once.
 */
function verdictResult(
  context: MatcherContext,
  matcher: string,
  expectedLabel: string,
  result: BenchResult,
  verdict: BudgetVerdict,
  policy: InconclusivePolicy,
  profile: ProfileMode | undefined,
): MatcherResult | Promise<MatcherResult> {
  recordResult({
    kind: 'budget',
    verdict,
    inconclusivePolicy: policy,
    ...(context.isNot && { negated: true }),
  })
  const outcome =
    verdict.status === 'pass' ? 'claim' : verdict.status === 'fail' ? 'opposite' : 'inconclusive'
  const messageWith = (taken: BenchProfile | undefined) => () => {
    const body = formatBudgetMessage(explainBudget(verdict, result))
    const lead =
      context.isNot && verdict.status === 'pass'
        ? `Expected "${verdict.name}" not to meet its budget, but it does.\n`
        : ''
    const hotspots = taken === undefined ? '' : `\n\n${formatProfileSection(taken).join('\n')}`
    return `${hint(context, matcher, expectedLabel)}\n\n${lead}${body}${hotspots}`
  }
  const pass = toVitestPass(outcome, context.isNot, policy)
  if (outcome === 'inconclusive' && policy === 'warn') warnInconclusive(messageWith(undefined)())
  // Only a miss the test fails on is worth a diagnosis: `.not` expected it.
  if (verdict.status !== 'fail' || context.isNot || !profilesOnFailure(result, profile)) {
    return { pass, message: messageWith(undefined) }
  }
  return profileForFailure(result, profile).then((taken) => ({ pass, message: messageWith(taken) }))
}

/** The matcher's `profile` option, checked. */
function profileOption(matcher: string, value: unknown): ProfileMode | undefined {
  if (value === undefined || isProfileMode(value)) return value
  throw perfgateError('MATCHER_OPTIONS_INVALID', {
    matcher: `${matcher}()`,
    problem: `profile is ${describeValue(value)}, but it takes ${PROFILE_MODES_TEXT}`,
    fix: "Write { profile: 'off' } to never profile this bench, or leave it out.",
  })
}

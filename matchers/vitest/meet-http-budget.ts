import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import {
  evaluateHttpBudget,
  type HttpBudgetVerdict,
  type HttpLimitsInput,
} from '../../src/http/evaluate-http-budget.js'
import { explainHttpBudget } from '../../src/http/explain-http-budget.js'
import type { LoadTestResult } from '../../src/http/types.js'
import { type InconclusivePolicy, recordResult } from '../../src/results/result-sink.js'
import { inconclusivePolicy } from './bench-defaults.js'
import {
  hint,
  type MatcherContext,
  type MatcherResult,
  toVitestPass,
  warnInconclusive,
} from './matcher-context.js'
import { projectConfig } from './project-config.js'

/** Options of `toMeetBudget` on a load test result. */
export interface MeetHttpBudgetOptions {
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
  /** Where the budget came from, for the message. @default inline */
  source?: BudgetSource
  /** Confidence of the percentile intervals. @default 0.95 */
  confidence?: number
}

/**
 * `expect(await loadTest(…)).toMeetBudget({ p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' })`:
 * the LoadTestResult branch of toMeetBudget. Like the bench branch, it passes on a proven pass,
 * `.not` passes only on a proven failure, and an inconclusive verdict fails both ways unless the
 * policy is 'warn'. Records the result and its verdict for the reporter.
 */
export function meetHttpBudget(
  context: MatcherContext,
  result: LoadTestResult,
  budget: HttpLimitsInput,
  options: MeetHttpBudgetOptions = {},
): MatcherResult {
  const verdict = evaluateHttpBudget(
    result,
    budget,
    options.source,
    options.confidence === undefined ? {} : { confidence: options.confidence },
  )
  const policy = inconclusivePolicy(options.inconclusive, projectConfig())
  recordResult({
    kind: 'http',
    result,
    verdict,
    inconclusivePolicy: policy,
    ...(context.isNot && { negated: true }),
  })
  return httpVerdictResult(context, result, verdict, policy)
}

function httpVerdictResult(
  context: MatcherContext,
  result: LoadTestResult,
  verdict: HttpBudgetVerdict,
  policy: InconclusivePolicy,
): MatcherResult {
  const outcome =
    verdict.status === 'pass' ? 'claim' : verdict.status === 'fail' ? 'opposite' : 'inconclusive'
  const message = () => {
    const body = formatBudgetMessage(explainHttpBudget(verdict, result))
    const lead =
      context.isNot && verdict.status === 'pass'
        ? `Expected "${verdict.name}" not to meet its budget, but it does.\n`
        : ''
    return `${hint(context, 'toMeetBudget', 'budget')}\n\n${lead}${body}`
  }
  if (outcome === 'inconclusive' && policy === 'warn') warnInconclusive(message())
  return { pass: toVitestPass(outcome, context.isNot, policy), message }
}

import { type ExpectMatcherState, test } from '@playwright/test'
import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import type { LighthouseBudgetInput, VitalsBudgetInput } from '../../src/config/schema.js'
import { perfgateError } from '../../src/errors.js'
import {
  evaluateWebBudget,
  lighthouseLimits,
  vitalsLimits,
  type WebBudgetVerdict,
} from '../../src/web/evaluate-web-budget.js'
import { explainWebBudget } from '../../src/web/explain-web-budget.js'
import { parseLighthouseBudget, parseVitalsBudget } from '../../src/web/parse-web-budget.js'
import type { WebResult } from '../../src/web/types.js'
import { attachRecord } from './records.js'

/** Options of the web `toMeetBudget`. */
export interface WebMeetBudgetOptions {
  /** Where the budget came from, for the message. @default inline */
  source?: BudgetSource
}

/** A budget for what `perf.vitals()` or `perf.lighthouse()` returned. */
export type WebBudgetInput = VitalsBudgetInput | LighthouseBudgetInput

/** What a Playwright matcher returns. */
interface MatcherResult {
  pass: boolean
  message: () => string
  name: string
  expected?: unknown
  actual?: unknown
}

/**
 * `expect(vitals).toMeetBudget({ LCP: '2.5s', CLS: 0.1 })` and
 * `expect(report).toMeetBudget({ performance: 0.9, 'total-blocking-time': '200ms' })`.
 *
 * Passes when every metric's aggregate meets its limit. A metric no run produced is
 * inconclusive, which fails the assertion, and fails `.not` too: nothing was shown to be broken.
 */
export async function toMeetBudget(
  this: ExpectMatcherState,
  received: unknown,
  budget: WebBudgetInput,
  options: WebMeetBudgetOptions = {},
): Promise<MatcherResult> {
  const result = webResultOf(received)
  const where = 'toMeetBudget()'
  const limits =
    result.tool.name === 'web-vitals'
      ? vitalsLimits(parseVitalsBudget(budget, where))
      : lighthouseLimits(parseLighthouseBudget(budget, where), result, where)
  const verdict = evaluateWebBudget(result, limits, options.source)
  await recordVerdict(verdict, this.isNot)
  const message = formatBudgetMessage(explainWebBudget(verdict, result))
  const header = this.utils.matcherHint('toMeetBudget', undefined, undefined, { isNot: this.isNot })
  return {
    // Under .not, only a proven failure counts as "broken": an unmeasured metric proves nothing.
    pass: this.isNot ? verdict.status !== 'fail' : verdict.status === 'pass',
    message: () => `${header}\n\n${message}`,
    name: 'toMeetBudget',
    expected: budget,
    actual: Object.fromEntries(verdict.metrics.map((m) => [m.metric, m.actual])),
  }
}

async function recordVerdict(verdict: WebBudgetVerdict, negated: boolean): Promise<void> {
  let info: ReturnType<typeof test.info> | undefined
  try {
    info = test.info()
  } catch {
    // Outside a test (a script calling expect directly): nothing to attach to.
    return
  }
  await attachRecord(info, { kind: 'web-budget', verdict, negated })
}

function webResultOf(received: unknown): WebResult {
  if (received !== null && typeof received === 'object' && (received as { kind?: unknown }).kind === 'web') {
    return received as WebResult
  }
  throw perfgateError('MATCHER_RECEIVED_INVALID', {
    matcher: 'toMeetBudget()',
    received: describeReceived(received),
    accepted: 'what perf.vitals(page) or perf.lighthouse(url) returned',
  })
}

function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'object')
    return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`
  return `a ${typeof value}`
}

import { evaluateBenchBudget } from '../budget/evaluate-bench-budget.js'
import { parseBenchBudget } from '../budget/parse-bench-budget.js'
import type { BudgetStatus } from '../budget/verdict.js'
import { perfgateError } from '../errors.js'
import { evaluateHttpBudget, type HttpLimitsInput } from '../http/evaluate-http-budget.js'
import { isLoadTestResult } from '../http/types.js'
import type { BenchResult } from '../measure/types.js'
import { formatProbeValue } from './describe-breaking-point.js'
import type { ProbeCheck } from './types.js'

/** A probe's verdict from a budget: the check, plus the three-way status behind `pass`. */
export type BudgetProbeCheck = Required<Pick<ProbeCheck, 'pass' | 'summary'>> &
  Omit<ProbeCheck, 'pass' | 'summary'> & { status: BudgetStatus }

/** The verdict of either kind of budget, as far as a probe needs it. */
interface AnyVerdict {
  status: BudgetStatus
  metrics: readonly {
    status: BudgetStatus
    metric: string
    unit: string
    actual: number | null
    limit: { value: number }
    limitText: string
  }[]
}

/**
 * Judge one probe's result against a budget: an HTTP budget for a LoadTestResult, a bench budget
 * for a BenchResult (bench() or benchCommand()). Only 'pass' passes; the curve shows the budget's
 * first metric, the one a reader most likely searched on.
 *
 * @throws PerfgateError BREAKING_POINT_OPTIONS_INVALID when the result is neither kind.
 */
export function checkAgainstBudget(
  name: string,
  result: unknown,
  budget: Record<string, string | number>,
): BudgetProbeCheck {
  let verdict: AnyVerdict
  if (isLoadTestResult(result)) verdict = evaluateHttpBudget(result, budget as HttpLimitsInput)
  else if (isBenchResult(result)) {
    verdict = evaluateBenchBudget(result, parseBenchBudget(budget, `findBreakingPoint("${name}").budget`))
  } else {
    throw perfgateError('BREAKING_POINT_OPTIONS_INVALID', {
      name,
      problem: `budget needs run() to return a LoadTestResult (loadTest()) or a BenchResult (bench(), benchCommand()), but it returned ${describeValue(result)}`,
      fix: 'Return one of those from run(), or judge the result yourself with check: (result, level) => ({ pass, value, unit, limit }).',
    })
  }
  const primary = verdict.metrics[0]
  const worst = verdict.metrics.find((m) => m.status !== 'pass') ?? primary
  const summary =
    worst === undefined
      ? verdict.status
      : `${worst.metric} ${formatProbeValue(worst.actual, worst.unit)} ${worst.status === 'pass' ? 'within' : worst.status === 'fail' ? 'over' : 'not proven within'} ${worst.limitText}`
  return {
    pass: verdict.status === 'pass',
    status: verdict.status,
    summary,
    ...(primary !== undefined && {
      metric: primary.metric,
      unit: primary.unit,
      limit: primary.limit.value,
      ...(primary.actual !== null && { value: primary.actual }),
    }),
  }
}

function isBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<BenchResult>
  return Array.isArray(v.batchTimesNs) && typeof v.batchSize === 'number' && typeof v.stats === 'object'
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object of another shape' : typeof value
}

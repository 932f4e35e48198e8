import { formatIssues } from '../config/format-issues.js'
import { type BenchBudget, benchBudgetSchema } from '../config/schema.js'
import { perfgateError } from '../errors.js'

/**
 * Validate a bench budget written inline, such as `toMeetBudget({ p95: '2ms' })`, with the same
 * schema and wording as the package.json config.
 *
 * @param where - Where the budget was written, named in the error (e.g. `toMeetBudget()`).
 * @throws PerfgateError `BUDGET_INVALID` listing every problem with its key; the ZodError is the cause.
 */
export function parseBenchBudget(input: unknown, where: string): BenchBudget {
  const parsed = benchBudgetSchema.safeParse(input)
  if (!parsed.success) {
    throw perfgateError(
      'BUDGET_INVALID',
      { where, problems: formatIssues(parsed.error.issues, benchBudgetSchema, 'the budget') },
      parsed.error,
    )
  }
  if (Object.values(parsed.data).every((value) => value === undefined)) {
    throw perfgateError('BUDGET_INVALID', {
      where,
      problems: '✖ The budget is empty: it limits nothing, so it would always pass\n  → at the budget',
    })
  }
  return parsed.data
}

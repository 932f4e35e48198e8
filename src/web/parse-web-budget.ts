import { formatIssues } from '../config/format-issues.js'
import {
  type LighthouseBudget,
  lighthouseBudgetSchema,
  type VitalsBudget,
  vitalsBudgetSchema,
} from '../config/schema.js'
import { perfgateError } from '../errors.js'

const VITALS_KNOWN =
  'A Web Vitals budget limits LCP, FCP, INP, TTFB and TBT from above with durations ("2.5s", "200ms") and CLS with a number, e.g. { LCP: "2.5s", CLS: 0.1, INP: "200ms" }.'
const LIGHTHOUSE_KNOWN =
  'A Lighthouse budget maps a category or audit id to a minimum score from 0 to 1, or an audit to a maximum duration or size, e.g. { performance: 0.9, "total-blocking-time": "200ms", "resource-summary.script.size": "150 kB" }.'

/**
 * Validate Web Vitals budgets written inline, such as `toMeetBudget({ LCP: '2.5s' })`, with the
 * same schema and wording as package.json.
 *
 * @throws PerfgateError `WEB_BUDGET_INVALID` listing every problem with its key.
 */
export function parseVitalsBudget(input: unknown, where: string): VitalsBudget {
  const parsed = vitalsBudgetSchema.safeParse(input)
  if (!parsed.success) {
    throw perfgateError(
      'WEB_BUDGET_INVALID',
      {
        where,
        problems: formatIssues(parsed.error.issues, vitalsBudgetSchema, 'the budget'),
        known: VITALS_KNOWN,
      },
      parsed.error,
    )
  }
  if (Object.values(parsed.data).every((value) => value === undefined)) throw emptyBudget(where, VITALS_KNOWN)
  return parsed.data
}

/**
 * Validate Lighthouse targets written inline, such as `toMeetBudget({ performance: 0.9 })`.
 *
 * @throws PerfgateError `WEB_BUDGET_INVALID` listing every problem with its key.
 */
export function parseLighthouseBudget(input: unknown, where: string): LighthouseBudget {
  const parsed = lighthouseBudgetSchema.safeParse(input)
  if (!parsed.success) {
    throw perfgateError(
      'WEB_BUDGET_INVALID',
      {
        where,
        problems: formatIssues(parsed.error.issues, lighthouseBudgetSchema, 'the budget'),
        known: LIGHTHOUSE_KNOWN,
      },
      parsed.error,
    )
  }
  if (Object.keys(parsed.data).length === 0) throw emptyBudget(where, LIGHTHOUSE_KNOWN)
  return parsed.data
}

function emptyBudget(where: string, known: string) {
  return perfgateError('WEB_BUDGET_INVALID', {
    where,
    problems: '✖ The budget is empty: it limits nothing, so it would always pass\n  → at the budget',
    known,
  })
}

import { relative } from 'node:path'
import type { LoadedConfig } from '../config/load-config.js'
import type { HttpBudget } from '../config/schema.js'
import { serverPool } from '../server/server-pool.js'
import { evaluateHttpBudget, type HttpBudgetVerdict } from './evaluate-http-budget.js'
import { loadAutocannon } from './load-autocannon.js'
import { loadTest } from './load-test.js'
import type { LoadTestResult } from './types.js'

/** What `perfgate check` found for one HTTP budget of package.json. */
export interface HttpBudgetCheck {
  /** Index in `budgets.http`, and the budget itself. */
  index: number
  budget: HttpBudget
  result: LoadTestResult
  verdict: HttpBudgetVerdict
}

/** Options of {@link checkHttpBudgets}. */
export interface CheckHttpBudgetsOptions {
  env?: NodeJS.ProcessEnv
  /** Progress lines: a load test takes seconds, people should see it move. */
  progress?: (line: string) => void
}

/**
 * Load every HTTP budget's endpoint and check it: start each budget's server `command` (once
 * for the budgets that share it, waiting for `waitFor`, else `url`), run the load test the
 * budget describes, judge it with the source named as its key in package.json
 * (`budgets.http[0]`), and stop the server once no later budget needs it, also after an error
 * or Ctrl-C (startServer stops its servers on SIGINT).
 */
export async function checkHttpBudgets(
  loaded: LoadedConfig,
  options: CheckHttpBudgetsOptions = {},
): Promise<HttpBudgetCheck[]> {
  const progress = options.progress ?? (() => {})
  const env = options.env ?? process.env
  const budgets = loaded.config.budgets.http
  if (budgets.length === 0) return []
  // Before any server starts: a missing peer is a one-line fix, not a reason to boot the app.
  const autocannon = loadAutocannon({ cwd: loaded.root })
  const file = loaded.file === null ? 'package.json' : relative(loaded.root, loaded.file) || loaded.file
  const servers = serverPool(loaded.root, env, progress)
  const checks: HttpBudgetCheck[] = []
  try {
    for (const [index, budget] of budgets.entries()) {
      await servers.serve(budget)
      const name = budget.name ?? `${budget.method ?? 'GET'} ${budget.url}`
      progress(`${name}: load test …`)
      const result = await loadTest({
        url: budget.url,
        name,
        ...(budget.connections === undefined ? {} : { connections: budget.connections }),
        ...(budget.duration === undefined ? {} : { duration: budget.duration.text }),
        ...(budget.amount === undefined ? {} : { amount: budget.amount }),
        ...(budget.method === undefined ? {} : { method: budget.method }),
        ...(budget.headers === undefined ? {} : { headers: budget.headers }),
        ...(budget.body === undefined ? {} : { body: budget.body }),
        ...(budget.timeout === undefined ? {} : { timeout: budget.timeout.text }),
        cwd: loaded.root,
        env,
        autocannon,
      })
      const verdict = evaluateHttpBudget(result, budget, {
        kind: 'config',
        file,
        key: `budgets.http[${index}]`,
      })
      checks.push({ index, budget, result, verdict })
      await servers.release(budget, budgets.slice(index + 1))
    }
  } finally {
    await servers.stopAll()
  }
  return checks
}

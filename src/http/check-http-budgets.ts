import { relative } from 'node:path'
import type { LoadedConfig } from '../config/load-config.js'
import type { HttpBudget } from '../config/schema.js'
import { type RunningServer, startServer } from '../server/start-server.js'
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
  const servers = new Map<string, RunningServer>()
  const checks: HttpBudgetCheck[] = []
  try {
    for (const [index, budget] of budgets.entries()) {
      const server = await serverFor(budget, loaded, servers, env, progress)
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
      const key = serverKey(budget)
      if (server !== undefined && !budgets.slice(index + 1).some((b) => serverKey(b) === key)) {
        await server.stop()
        servers.delete(key)
      }
    }
  } finally {
    await Promise.allSettled([...servers.values()].map((server) => server.stop()))
  }
  return checks
}

function serverKey(budget: HttpBudget): string {
  // One server per command: budgets for several endpoints of one API share it.
  return budget.command ?? ''
}

async function serverFor(
  budget: HttpBudget,
  loaded: LoadedConfig,
  servers: Map<string, RunningServer>,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<RunningServer | undefined> {
  if (budget.command === undefined) return undefined
  const running = servers.get(serverKey(budget))
  if (running !== undefined) return running
  const waitFor = budget.waitFor ?? budget.url
  progress(`Starting ${JSON.stringify(budget.command)}, waiting for ${waitFor} …`)
  const server = await startServer({
    command: budget.command,
    cwd: loaded.root,
    waitFor,
    env,
    ...(budget.waitTimeout === undefined ? {} : { timeoutMs: budget.waitTimeout.ns / 1e6 }),
  })
  servers.set(serverKey(budget), server)
  return server
}

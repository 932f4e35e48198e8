import { type RunningServer, startServer } from './start-server.js'

/*
 * The servers a `perfgate check` starts for its budgets (web pages, HTTP endpoints): one per
 * `command`, shared by the budgets that name it, stopped once no later budget needs it (the next
 * budget may start another on the same port), and all stopped at the end, after an error too.
 */

/** What a budget says about the server it needs. */
export interface ServedBudget {
  url: string
  command?: string | undefined
  /** URL that must answer before measuring; `url` when not set. */
  waitFor?: string | undefined
  waitTimeout?: { ns: number } | undefined
}

export interface ServerPool {
  /** The budget's server, started (and waited for) unless it runs already; undefined without a command. */
  serve(budget: ServedBudget): Promise<RunningServer | undefined>
  /** Stop the budget's server unless one of `later` budgets needs it too. */
  release(budget: ServedBudget, later: readonly ServedBudget[]): Promise<void>
  /** Stop every server still running. */
  stopAll(): Promise<void>
}

export function serverPool(
  root: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): ServerPool {
  const servers = new Map<string, RunningServer>()
  return {
    async serve(budget) {
      if (budget.command === undefined) return undefined
      const running = servers.get(budget.command)
      if (running !== undefined) return running
      const waitFor = budget.waitFor ?? budget.url
      progress(`Starting ${JSON.stringify(budget.command)}, waiting for ${waitFor} …`)
      const server = await startServer({
        command: budget.command,
        cwd: root,
        waitFor,
        env,
        ...(budget.waitTimeout === undefined ? {} : { timeoutMs: budget.waitTimeout.ns / 1e6 }),
      })
      servers.set(budget.command, server)
      return server
    },
    async release(budget, later) {
      const command = budget.command
      if (command === undefined || later.some((b) => b.command === command)) return
      const server = servers.get(command)
      servers.delete(command)
      await server?.stop()
    },
    async stopAll() {
      const all = [...servers.values()]
      servers.clear()
      await Promise.allSettled(all.map((server) => server.stop()))
    },
  }
}

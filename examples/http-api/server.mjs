// A small JSON API on node:http, no framework: the server perfgate's HTTP budgets guard.
//
//   GET /api/users        the user list, answered at once
//   GET /api/users-slow   the same list after an injected 50 ms delay (a slow query, say)
//   GET /api/report       a report from a backend that serves one request at a time, 5 ms each
//                         (a single database connection, say): latency grows with the queue,
//                         so this is the endpoint with a breaking point
//
// API_DELAY_MS adds that delay to every endpoint, so `pnpm check:slow` runs the very budget of
// `pnpm check` against a slower build of the same server. Listens on 127.0.0.1 only: load tests
// belong on loopback or staging, never on someone else's production.
import { createServer } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'

/** The delay of /api/users-slow, ms. */
export const SLOW_DELAY_MS = 50

const users = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `user ${i + 1}` }))
const body = JSON.stringify(users)

/** How long the one-at-a-time backend of /api/report takes per request, ms. */
export const REPORT_SERVICE_MS = 5

/** A backend that serves one request at a time: each waits for the ones before it. */
function oneAtATime(serviceMs) {
  let queue = Promise.resolve()
  return () => {
    const turn = queue.then(() => sleep(serviceMs))
    queue = turn
    return turn
  }
}

/** The request handler; `delayMs` is added to every response. */
export function handler(delayMs = 0) {
  const reportBackend = oneAtATime(REPORT_SERVICE_MS)
  return async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost')
    if (req.method === 'GET' && pathname === '/api/report') {
      if (delayMs > 0) await sleep(delayMs)
      await reportBackend()
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"users":${users.length}}`)
      return
    }
    if (req.method !== 'GET' || (pathname !== '/api/users' && pathname !== '/api/users-slow')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const delay = delayMs + (pathname === '/api/users-slow' ? SLOW_DELAY_MS : 0)
    if (delay > 0) await sleep(delay)
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  }
}

/** Start the API on 127.0.0.1; port 0 picks a free one. Resolves with the listening server. */
export function listen(port = 0, delayMs = 0) {
  const server = createServer(handler(delayMs))
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

// Run directly (`node server.mjs`, the budget's "command"): listen on PORT, 3737 by default.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3737)
  const server = await listen(port, Number(process.env.API_DELAY_MS ?? 0))
  console.log(`http-api listening on http://127.0.0.1:${server.address().port}`)
}

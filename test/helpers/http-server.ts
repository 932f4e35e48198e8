import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A real HTTP server on 127.0.0.1 at a port the system picks, for load tests. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  origin: string
  close(): Promise<void>
}

/**
 * Routes of the test server: `/fast` answers at once, `/delay/<ms>` after that many ms, `/status/<code>`
 * with that status, `/hang` never (until the server closes), `/only-json-post` 201 to a POST of `{"a":1}` as
 * application/json and 400 to anything else.
 */
export async function startTestServer(): Promise<TestServer> {
  const hanging = new Set<ServerResponse>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/'
    const delay = /^\/delay\/(\d+)$/.exec(url)
    const status = /^\/status\/(\d{3})$/.exec(url)
    if (url === '/fast') return void res.end('ok')
    if (delay) return void setTimeout(() => res.end('late'), Number(delay[1]))
    if (status) {
      res.statusCode = Number(status[1])
      return void res.end('status')
    }
    if (url === '/hang') {
      hanging.add(res)
      res.on('close', () => hanging.delete(res))
      return
    }
    if (url === '/only-json-post') {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        const ok =
          req.method === 'POST' && req.headers['content-type'] === 'application/json' && body === '{"a":1}'
        res.statusCode = ok ? 201 : 400
        res.end()
      })
      return
    }
    res.statusCode = 404
    res.end('not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { isPerfgateError, type PerfgateError } from '../../src/errors.js'
import { type RunningServer, type StartServerOptions, startServer } from '../../src/server/start-server.js'
import { probeUrl } from '../../src/server/wait-for-url.js'

// Real processes on real ports: the point is that the whole process tree starts and dies.
const root = fileURLToPath(new URL('../..', import.meta.url))
const serversDir = fileURLToPath(new URL('../fixtures/servers/', import.meta.url))
const parentScript = join(serversDir, 'start-server-parent.ts')
const posix = process.platform !== 'win32'

// `node server.mjs` as a user would write it; PATH leads to the node running the tests.
const command = 'node server.mjs'
const pathEnv = { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }

const started: RunningServer[] = []
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()))
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function start(env: Record<string, string>, options: Partial<StartServerOptions> = {}) {
  const server = await startServer({
    command,
    cwd: serversDir,
    waitFor: `http://127.0.0.1:${env.PORT}/`,
    env: { ...pathEnv, ...env },
    ...options,
  })
  started.push(server)
  return server
}

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<PerfgateError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  if (!('error' in outcome)) throw new Error('expected a rejection')
  if (!isPerfgateError(outcome.error)) throw outcome.error
  return outcome.error
}

/** A port nothing listens on: the system picks a free one for port 0, and we give it back. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function answers(port: number): Promise<boolean> {
  return (await probeUrl(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 })).status === 'answered'
}

/** Whether `pid` runs. A zombie does not: here PID 1 may never reap orphans (see groupAlive). */
function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]
      return state !== 'Z' && state !== 'X'
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function pidsIn(output: string): { server: number[]; child: number[] } {
  const all = (pattern: RegExp) => [...output.matchAll(pattern)].map((match) => Number(match[1]))
  return { server: all(/^server pid (\d+)/gm), child: all(/^child pid (\d+)/gm) }
}

function scrub(message: string, ports: number[]): string {
  let text = message.replace(/pid \d+/g, 'pid <pid>')
  for (const port of ports) text = text.replaceAll(String(port), '<port>')
  return text
}

describe('startServer', () => {
  it('starts the command, waits until it answers, and keeps its output', async () => {
    const port = await freePort()
    const server = await start({ PORT: String(port), LISTEN_DELAY_MS: '300' })
    expect(server.url).toBe(`http://127.0.0.1:${port}/`)
    expect(await answers(port)).toBe(true)
    expect(scrub(server.output(), [port])).toBe('server pid <pid> listening on port <port>')
  })

  it.skipIf(!posix)('stops the whole process group: shell, server and the child it started', async () => {
    const [port, childPort] = [await freePort(), await freePort()]
    const server = await start({ PORT: String(port), CHILD_PORT: String(childPort) })
    const pids = pidsIn(server.output())
    expect(pids.server).toHaveLength(2)
    expect(pids.child).toHaveLength(1)
    expect(await answers(childPort)).toBe(true)

    await server.stop()
    expect(await answers(port)).toBe(false)
    expect(await answers(childPort)).toBe(false)
    for (const pid of [server.pid, ...pids.server, ...pids.child]) expect(alive(pid)).toBe(false)
    // Idempotent: a second stop() (e.g. from a finally block) resolves without signalling again.
    await server.stop()
  })

  it.skipIf(!posix)('sends SIGKILL to a server that ignores SIGTERM, after the grace period', async () => {
    const port = await freePort()
    const server = await start({ PORT: String(port), IGNORE_SIGTERM: '1' }, { stopGraceMs: 300 })
    const [pid] = pidsIn(server.output()).server
    const startMs = performance.now()
    await server.stop()
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(300)
    expect(alive(pid!)).toBe(false)
    expect(server.output()).toContain('ignoring SIGTERM')
  })

  it('fails with the exit code and last output when the command exits before answering', async () => {
    const port = await freePort()
    const error = await rejection(start({ PORT: String(port), EXIT_CODE: '3' }))
    expect(error.code).toBe('SERVER_START_FAILED')
    expect(scrub(error.message, [port])).toMatchInlineSnapshot(`
      "perfgate: The server command "node server.mjs" did not make http://127.0.0.1:<port>/ answer: it exited with code 3.
      Its last output:
      fixture server: cannot start
      Error: exiting with code 3 as asked
      Check the command by running it yourself, or raise the wait with "waitTimeout"."
    `)
  })

  it('times out, stops the command and shows its output when the URL never answers', async () => {
    const port = await freePort()
    let output = ''
    const error = await rejection(
      start(
        { PORT: String(port), NEVER_LISTEN: '1' },
        { timeoutMs: 2_000, onOutput: (text) => (output += text) },
      ),
    )
    expect(error.code).toBe('SERVER_START_FAILED')
    expect(scrub(error.message, [port])).toMatchInlineSnapshot(`
      "perfgate: The server command "node server.mjs" did not make http://127.0.0.1:<port>/ answer: no answer after 2 s (last try: connect ECONNREFUSED 127.0.0.1:<port>).
      Its last output:
      server pid <pid> never listens
      Check the command by running it yourself, or raise the wait with "waitTimeout"."
    `)
    const [pid] = pidsIn(output).server
    expect(pid).toBeDefined()
    expect(alive(pid!)).toBe(false)
  })

  it('refuses to start when another server already answers on the URL', async () => {
    const port = await freePort()
    const other: Server = createServer((_req, res) => res.end('someone else'))
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => other.close(resolve)))
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-server-test-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const marker = join(dir, 'started')

    const error = await rejection(start({ PORT: String(port), MARKER_FILE: marker }))
    expect(error.code).toBe('SERVER_ALREADY_RUNNING')
    expect(scrub(error.message, [port])).toMatchInlineSnapshot(
      `"perfgate: http://127.0.0.1:<port>/ answers (status 200) before the server command "node server.mjs" has started: another server is running on port <port>, and perfgate would measure it instead of the one the command starts. Stop that server, or remove "command" from this budget in the "perfgate" section of package.json to measure the server that is running."`,
    )
    // Had the command been spawned, node would have written the marker well within this time.
    await sleep(300)
    expect(existsSync(marker)).toBe(false)
  })

  it('refuses options it cannot use before running anything', async () => {
    const messages = await Promise.all(
      [
        { waitFor: 'localhost:4173' },
        { command: ' ' },
        { cwd: join(serversDir, 'no-such-folder') },
        { timeoutMs: 0 },
      ].map(async (bad) => {
        const error = await rejection(
          startServer({ command, cwd: serversDir, waitFor: 'http://127.0.0.1:9/', ...bad }),
        )
        expect(error.code).toBe('SERVER_OPTIONS_INVALID')
        return error.message.replace(serversDir, '<fixtures>/')
      }),
    )
    expect(messages).toMatchInlineSnapshot(`
      [
        "perfgate: startServer() has an invalid option: waitFor must be an http:// or https:// URL, received "localhost:4173". Pass the address the server answers on, e.g. "http://127.0.0.1:4173/".",
        "perfgate: startServer() has an invalid option: command must be a shell command, received " ". Pass the command that starts the server, e.g. "pnpm preview".",
        "perfgate: startServer() has an invalid option: cwd must be an existing folder, received "<fixtures>/no-such-folder". Pass the folder the command runs in, usually the project root.",
        "perfgate: startServer() has an invalid option: timeoutMs must be a positive number of milliseconds, received 0. Pass a number of milliseconds such as 30000, or leave the option out for its default.",
      ]
    `)
  })

  it.skipIf(!posix)('stops the server when the process that started it gets SIGINT (Ctrl-C)', async () => {
    const [port, childPort] = [await freePort(), await freePort()]
    const options: StartServerOptions = {
      command,
      cwd: serversDir,
      waitFor: `http://127.0.0.1:${port}/`,
      env: { ...pathEnv, PORT: String(port), CHILD_PORT: String(childPort) },
    }
    const parent = spawn(process.execPath, ['--import', 'tsx', parentScript, JSON.stringify(options)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      parent.once('exit', (code, signal) => resolve({ code, signal })),
    )
    cleanups.push(async () => {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL')
    })
    let stdout = ''
    parent.stdout.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on('data', (text: string) => {
        stdout += text
        if (/^ready \d+$/m.test(stdout)) resolve()
      })
      void ended.then(({ code }) =>
        reject(new Error(`parent exited with code ${code} before ready:\n${stdout}`)),
      )
    })
    expect(await answers(childPort)).toBe(true)

    // A terminal sends Ctrl-C to its foreground group: the parent, not the server's own group.
    parent.kill('SIGINT')
    // Re-raised after stopping the server, so the parent still ends by SIGINT, as without perfgate.
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' })
    expect(await answers(port)).toBe(false)
    expect(await answers(childPort)).toBe(false)
  })
})

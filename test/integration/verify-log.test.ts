import { spawn } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  eventsFromRecord,
  parseEventLine,
  serializeEvent,
  type VerifyEvent,
} from '../../src/log/verify-event.js'
import {
  appendEvents,
  formatEcho,
  MAX_APPEND_BYTES,
  newRunId,
  packLines,
  readEvents,
} from '../../src/log/verify-log.js'
import { eventName, type VerifyChildConfig } from '../fixtures/verify-log-child.js'
import { type PipedChild, waitForLine } from '../helpers/wait-for-line.js'

// Real processes and a real file system. Assertions are about what the file holds, never about
// how long anything took.
const root = fileURLToPath(new URL('../..', import.meta.url))
const childScript = fileURLToPath(new URL('../fixtures/verify-log-child.ts', import.meta.url))
const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-verify-log-'))
  file = join(dir, 'logs', 'perfgate.jsonl')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

type Child = PipedChild

function startChild(config: VerifyChildConfig): { child: Child; exited: Promise<NodeJS.Signals | number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(config)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise<NodeJS.Signals | number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1))
  })
  return { child, exited }
}

/** Everything a child prints, once it has exited. */
function collectStdout(child: Child): Promise<string> {
  return new Promise((resolve) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stdout.once('end', () => resolve(out))
  })
}

/** Label and index of an event a child wrote, checking its name is exactly what was written. */
function origin(event: VerifyEvent): { label: string; index: number } {
  const match = /^(\w+)#(\d+)/.exec(event.name ?? '')
  expect(match, `unexpected name ${event.name?.slice(0, 40)}`).not.toBeNull()
  const label = match![1]!
  const index = Number(match![2])
  expect(event.name).toBe(eventName(label, index))
  return { label, index }
}

describe('appendEvents from many processes', () => {
  it('keeps every line of 8 concurrent writers whole, in order and counted', async () => {
    const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const children = labels.map((label) => startChild({ mode: 'append', file, label, count: 500 }))
    await Promise.all(children.map(({ child }) => waitForLine(child, 'ready')))
    for (const { child } of children) child.stdin.write('go\n')
    expect(await Promise.all(children.map(({ exited }) => exited))).toEqual(labels.map(() => 0))

    const text = readFileSync(file, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.slice(0, -1).split('\n')
    expect(lines).toHaveLength(labels.length * 500)
    // Strict parsing, line by line: a torn or interleaved line is not valid JSON, or has a wrong name.
    const events = lines.map((line, i) => parseEventLine(line, `${file}:${i + 1}`))
    const seen = new Map<string, number[]>(labels.map((label) => [label, []]))
    for (const event of events) {
      const { label, index } = origin(event)
      seen.get(label)!.push(index)
    }
    const expected = Array.from({ length: 500 }, (_, i) => i)
    for (const label of labels) expect(seen.get(label)).toEqual(expected)
    // The writers really were concurrent: their lines are mixed, not one block after another.
    const firstLabels = new Set(events.slice(0, 200).map((event) => origin(event).label))
    expect(firstLabels.size).toBeGreaterThan(1)
    // Each process made its own run id.
    expect(new Set(events.map((event) => event.runId)).size).toBe(labels.length)
    expect(readEvents(file)).toEqual({ events, problems: [] })
  })

  it('leaves a log whose complete lines all parse when the writer is killed mid-stream', async () => {
    const { child, exited } = startChild({ mode: 'stream', file, label: 'k' })
    await waitForLine(child, 'writing')
    // Let it write a few MB, then kill it wherever it is: in a write, between writes, in JSON.
    while (statSync(file).size < 4e6) await sleep(5)
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    const text = readFileSync(file, 'utf8')
    const complete = text.slice(0, text.lastIndexOf('\n')).split('\n')
    const parsed = complete.map((line, i) => parseEventLine(line, `${file}:${i + 1}`))
    expect(parsed.map((event) => origin(event).index)).toEqual(complete.map((_, i) => i))

    const { events, problems } = readEvents(file)
    expect(events).toEqual(parsed)
    // At most the tail is torn, and only when the kill landed inside a write.
    expect(problems.length).toBeLessThanOrEqual(1)
    for (const problem of problems) {
      expect(problem).toMatchObject({ kind: 'torn', line: complete.length + 1 })
    }
  })

  it('echoes each line to stdout as [VERIFY] {json}, after writing it', async () => {
    const { child, exited } = startChild({ mode: 'echo', file, label: 'e', count: 6 })
    const stdout = collectStdout(child)
    expect(await exited).toBe(0)
    const fileLines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect((await stdout).trimEnd().split('\n')).toEqual(fileLines.map((line) => `[VERIFY] ${line}`))
  })
})

describe('appendEvents', () => {
  const events = (names: string[]) =>
    names.flatMap((name) => eventsFromRecord({ kind: 'unguarded', name }, context))

  it('creates the folder, appends lines ending in a line break, and echoes to a function', () => {
    const echoed: string[] = []
    appendEvents(file, events(['a', 'b']), { echo: (line) => echoed.push(line) })
    appendEvents(file, events(['c']), { fsync: true })
    appendEvents(file, [])
    expect(readFileSync(file, 'utf8')).toBe(
      `${events(['a', 'b', 'c'])
        .map((event) => `${serializeEvent(event)}\n`)
        .join('')}`,
    )
    expect(echoed).toMatchInlineSnapshot(`
      [
        "[VERIFY] {"v":1,"ts":"2025-01-02T03:04:05.000Z","runId":"0m5eqsfpk-3fa9c01b","type":"unguarded","name":"a","metric":null,"value":null,"unit":null,"budget":null,"verdict":null,"baseline":null,"delta":null,"confidence":null}",
        "[VERIFY] {"v":1,"ts":"2025-01-02T03:04:05.000Z","runId":"0m5eqsfpk-3fa9c01b","type":"unguarded","name":"b","metric":null,"value":null,"unit":null,"budget":null,"verdict":null,"baseline":null,"delta":null,"confidence":null}",
      ]
    `)
    expect(formatEcho('{}')).toBe('[VERIFY] {}')
  })

  it('names the file and the reason when it cannot write', () => {
    writeFileSync(join(dir, 'plain-file'), '')
    const target = join(dir, 'plain-file', 'perfgate.jsonl')
    let error: unknown
    try {
      appendEvents(target, events(['a']))
    } catch (caught) {
      error = caught
    }
    expect((error as Error).message.replaceAll(dir, '<tmp>')).toMatchInlineSnapshot(
      `"perfgate: Could not append to the [VERIFY] log <tmp>/plain-file/perfgate.jsonl: a part of the path is a file, not a folder. Make its folder writable, or move the log with "output.log" in the "perfgate" section of package.json."`,
    )
    expect((error as Error).cause).toMatchObject({ code: 'EEXIST' })
  })
})

describe('packLines', () => {
  it('splits a batch at line boundaries, each write at most MAX_APPEND_BYTES, a long line alone', () => {
    const lines = ['a'.repeat(30_000), 'b'.repeat(30_000), 'c'.repeat(30_000), 'd'.repeat(70_000), 'e']
    const chunks = packLines(lines)
    expect(chunks.map((chunk) => chunk.length)).toEqual([60_002, 30_001, 70_001, 2])
    expect(
      chunks.every((chunk) => chunk.length <= MAX_APPEND_BYTES || chunk.indexOf('\n') === chunk.length - 1),
    ).toBe(true)
    expect(Buffer.concat(chunks).toString()).toBe(lines.map((line) => `${line}\n`).join(''))
    // Sizes are bytes, not characters.
    expect(packLines(['é'.repeat(3), 'x'], 7).map((chunk) => chunk.length)).toEqual([7, 2])
  })
})

describe('readEvents', () => {
  const line = (name: string) => serializeEvent(eventsFromRecord({ kind: 'unguarded', name }, context)[0]!)

  function write(text: string): void {
    mkdirSync(join(dir, 'logs'), { recursive: true })
    writeFileSync(file, text)
  }

  it('skips and reports a torn last line', () => {
    write(`${line('a')}\n${line('b')}\n${line('c').slice(0, 40)}`)
    const { events, problems } = readEvents(file)
    expect(events.map((event) => event.name)).toEqual(['a', 'b'])
    expect(problems.map((p) => ({ ...p, where: p.where.replace(dir, '<tmp>') }))).toMatchInlineSnapshot(`
      [
        {
          "kind": "torn",
          "line": 3,
          "reason": "the last line is cut short (no line break at its end): a crash while it was written; skipped",
          "where": "<tmp>/logs/perfgate.jsonl:3",
        },
      ]
    `)
  })

  it('keeps the complete event appended after a torn one, and reports other lines that are not events', () => {
    write(`${line('a').slice(0, 50)}${line('b')}\n\n{"v":1,"type":"bench"}\n${line('c')}\n`)
    // A later writer appends after the tear: that line must still be found.
    appendFileSync(file, `${line('d')}\n`)
    const { events, problems } = readEvents(file)
    expect(events.map((event) => event.name)).toEqual(['b', 'c', 'd'])
    expect(problems.map((p) => ({ ...p, where: p.where.replace(dir, '<tmp>') }))).toMatchInlineSnapshot(`
      [
        {
          "kind": "torn",
          "line": 1,
          "reason": "begins with 50 bytes of an event cut short while it was written; the complete event after them was kept",
          "where": "<tmp>/logs/perfgate.jsonl:1",
        },
        {
          "kind": "invalid",
          "line": 3,
          "reason": "✖ Invalid input: expected string, received undefined
        → at ts
      ✖ Invalid input: expected string, received undefined
        → at runId
      ✖ Invalid input: expected string, received undefined
        → at name
      ✖ Invalid input: expected "median"
        → at metric
      ✖ Invalid input: expected number, received undefined
        → at value
      ✖ Invalid input: expected "ns"
        → at unit
      ✖ Invalid input: expected null, received undefined
        → at budget
      ✖ Invalid input: expected null, received undefined
        → at verdict
      ✖ Invalid input: expected null, received undefined
        → at baseline
      ✖ Invalid input: expected null, received undefined
        → at delta
      ✖ Invalid input: expected number, received undefined
        → at confidence
      ✖ Invalid input: expected number, received undefined
        → at batchSize
      ✖ Invalid input: expected number, received undefined
        → at samples
      ✖ Invalid input: expected number, received undefined
        → at medianNs
      ✖ Invalid input: expected tuple, received undefined
        → at medianIntervalNs
      ✖ Invalid input: expected number, received undefined
        → at p95Ns
      ✖ Invalid input: expected number, received undefined
        → at meanNs
      ✖ Invalid input: expected number, received undefined
        → at opsPerSec
      ✖ Invalid option: expected one of "call"|"batch-mean"
        → at granularity",
          "where": "<tmp>/logs/perfgate.jsonl:3",
        },
      ]
    `)
  })

  it('throws naming the file when it cannot read it', () => {
    let error: unknown
    try {
      readEvents(join(dir, 'missing.jsonl'))
    } catch (caught) {
      error = caught
    }
    expect((error as Error).message.replace(dir, '<tmp>')).toMatchInlineSnapshot(
      `"perfgate: Could not read the [VERIFY] log <tmp>/missing.jsonl: the file does not exist. perfgate writes it during a run, at "output.log" in the "perfgate" section of package.json (default "logs/perfgate.jsonl"); check the path."`,
    )
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' })
  })
})

describe('newRunId', () => {
  it('is short, sorts by time, and differs within one millisecond', () => {
    const t = Date.UTC(2025, 0, 2, 3, 4, 5)
    expect(newRunId(t, () => '3fa9c01b')).toMatchInlineSnapshot(`"0m5eqsfpk-3fa9c01b"`)
    const ids = [newRunId(t - 1), newRunId(t), newRunId(t + 1), newRunId(t + 1000), newRunId(t + 1e9)]
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(Array.from({ length: 1000 }, () => newRunId(t))).size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}-[0-9a-f]{8}$/)
  })
})

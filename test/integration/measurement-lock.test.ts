import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  defaultLockDir,
  type LockOwner,
  MEASUREMENT_LOCK_FILE,
  measurementLockDisabled,
  withMeasurementLock,
} from '../../src/measure/measurement-lock.js'
import type { ChildConfig, ChildSection } from '../fixtures/measurement-lock-child.js'
import { type PipedChild, waitForLine } from '../helpers/wait-for-line.js'

// Real processes and a real file system; assertions are about order and overlap, which hold
// whatever the load, never about how long anything took (except bounds a stall cannot reach).
const root = fileURLToPath(new URL('../..', import.meta.url))
const childScript = fileURLToPath(new URL('../fixtures/measurement-lock-child.ts', import.meta.url))

let dir: string
let lockFile: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-lock-test-'))
  lockFile = join(dir, MEASUREMENT_LOCK_FILE)
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

type Child = PipedChild

function startChild(config: ChildConfig): { child: Child; exited: Promise<number | null> } {
  const env = { ...process.env }
  delete env.PERFGATE_LOCK
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(config)], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  return { child, exited }
}

/** The pid of a process that has come and gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

async function plantLock(owner: Partial<LockOwner>, mtime = new Date()): Promise<void> {
  const full: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    label: 'planted',
    acquiredAt: new Date().toISOString(),
    token: 'planted',
    ...owner,
  }
  await writeFile(lockFile, JSON.stringify(full))
  await utimes(lockFile, mtime, mtime)
}

describe('withMeasurementLock across processes', () => {
  it('never lets two processes time at once, and makes the later one wait', async () => {
    const outs = [join(dir, 'a.json'), join(dir, 'b.json')]
    const children = outs.map((out) => startChild({ mode: 'sections', dir, out, sections: 6, busyMs: 40 }))
    await Promise.all(children.map(({ child }) => waitForLine(child, 'ready')))
    // Both start together, so their first sections contend for the lock.
    for (const { child } of children) child.stdin.write('go\n')
    expect(await Promise.all(children.map(({ exited }) => exited))).toEqual([0, 0])

    const results = await Promise.all(
      outs.map(async (out) => JSON.parse(await readFile(out, 'utf8')) as { sections: ChildSection[] }),
    )
    const sections = results.flatMap((r) => r.sections).sort((a, b) => a.startMs - b.startMs)
    expect(sections).toHaveLength(12)
    for (let i = 1; i < sections.length; i++) {
      // Date.now() truncates to ms, so a section may start in the ms the previous one ended.
      expect(sections[i]!.startMs).toBeGreaterThanOrEqual(sections[i - 1]!.endMs)
    }
    expect(sections.some((s) => s.waitedNs > 0)).toBe(true)
    expect(existsSync(lockFile)).toBe(false)
  })

  it("keeps a live holder's lock past staleMs while its heartbeat beats", async () => {
    const out = join(dir, 'holder.json')
    const { child, exited } = startChild({ mode: 'hold', dir, out, holdMs: 2500, staleMs: 1000 })
    await waitForLine(child, 'holding')
    const mine = await withMeasurementLock(() => Date.now(), { dir, staleMs: 1000 })
    expect(await exited).toBe(0)
    const { endMs } = JSON.parse(await readFile(out, 'utf8')) as { endMs: number }
    expect(mine.value).toBeGreaterThanOrEqual(endMs)
    expect(mine.waitedNs).toBeGreaterThan(0)
  })

  it('removes the lock when the holder calls process.exit() inside the section', async () => {
    const { child, exited } = startChild({ mode: 'exit-while-holding', dir })
    await waitForLine(child, 'holding')
    expect(existsSync(lockFile)).toBe(true)
    child.stdin.write('exit\n')
    expect(await exited).toBe(0)
    expect(existsSync(lockFile)).toBe(false)
  })
})

describe('withMeasurementLock within a process', () => {
  it('runs concurrent calls one after another, in call order', async () => {
    const events: string[] = []
    const section = (i: number) =>
      withMeasurementLock(
        async () => {
          events.push(`start ${i}`)
          await sleep(5)
          events.push(`end ${i}`)
          return i
        },
        { dir },
      )
    const results = await Promise.all([0, 1, 2, 3].map(section))
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'])
    expect(results.map((r) => r.value)).toEqual([0, 1, 2, 3])
    expect(results[0]!.waitedNs).toBe(0)
    for (const r of results.slice(1)) expect(r.waitedNs).toBeGreaterThan(0)
  })

  it('writes who holds the lock into the lock file, and removes it afterwards', async () => {
    const { value: owner } = await withMeasurementLock(
      async () => JSON.parse(await readFile(lockFile, 'utf8')) as LockOwner,
      { dir, label: 'bench "sort 10k"' },
    )
    expect(owner).toEqual({
      pid: process.pid,
      hostname: hostname(),
      label: 'bench "sort 10k"',
      acquiredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      token: expect.any(String),
    })
    expect(await readdir(dir)).toEqual([])
  })

  it('runs a call nested in the holding flow at once, and queues one made after release', async () => {
    const events: string[] = []
    let detached: Promise<unknown> | undefined
    const outer = await withMeasurementLock(
      async () => {
        // A timer started inside the section keeps its async context, but fires after release.
        detached = sleep(20).then(() => withMeasurementLock(() => events.push('detached'), { dir }))
        return await withMeasurementLock(() => 'inner', { dir })
      },
      { dir },
    )
    expect(outer.value).toEqual({ value: 'inner', waitedNs: 0 })

    let openGate = () => {}
    const gate = new Promise<void>((resolve) => {
      openGate = resolve
    })
    const other = withMeasurementLock(
      async () => {
        events.push('other start')
        await gate
        events.push('other end')
      },
      { dir },
    )
    await sleep(100)
    openGate()
    await Promise.all([other, detached])
    expect(events).toEqual(['other start', 'other end', 'detached'])
  })

  it("passes fn's error through unchanged and releases the lock", async () => {
    const boom = new Error('boom')
    await expect(
      withMeasurementLock(
        () => {
          throw boom
        },
        { dir },
      ),
    ).rejects.toBe(boom)
    await expect(withMeasurementLock(() => Promise.reject(boom), { dir })).rejects.toBe(boom)
    expect(existsSync(lockFile)).toBe(false)
    expect(await withMeasurementLock(() => 'next', { dir })).toEqual({ value: 'next', waitedNs: 0 })
  })
})

describe('stale locks', () => {
  it('takes over at once a lock whose holder on this host has died', async () => {
    await plantLock({ pid: await deadPid(), label: 'crashed bench' })
    const result = await withMeasurementLock(() => 'ran', { dir })
    expect(result.value).toBe('ran')
    expect(result.waitedNs).toBeGreaterThan(0)
    // The heartbeat is fresh, so only the dead pid can explain a takeover well before 30 s.
    expect(result.waitedNs).toBeLessThan(10e9)
    expect(await readdir(dir)).toEqual([])
  })

  it('waits for a holder on another host while it beats, and takes over once it stops', async () => {
    await plantLock({ hostname: 'another-host', pid: 1 })
    let ran = false
    const result = withMeasurementLock(
      () => {
        ran = true
      },
      { dir, staleMs: 60_000 },
    )
    await sleep(300)
    expect(ran).toBe(false)
    const longAgo = new Date(Date.now() - 120_000)
    await utimes(lockFile, longAgo, longAgo)
    expect((await result).waitedNs).toBeGreaterThan(0)
    expect(ran).toBe(true)
  })

  it('lets several waiters in this process and a child share a takeover without overlapping', async () => {
    await plantLock({ pid: await deadPid() })
    const out = join(dir, 'child.json')
    const { child, exited } = startChild({ mode: 'sections', dir, out, sections: 3, busyMs: 30 })
    await waitForLine(child, 'ready')
    child.stdin.write('go\n')
    const mine = await Promise.all(
      [0, 1, 2].map(() =>
        withMeasurementLock(
          () => {
            const startMs = Date.now()
            while (Date.now() - startMs < 30);
            return { startMs, endMs: Date.now(), waitedNs: 0 }
          },
          { dir },
        ),
      ),
    )
    expect(await exited).toBe(0)
    const theirs = (JSON.parse(await readFile(out, 'utf8')) as { sections: ChildSection[] }).sections
    const sections = [...mine.map((m) => m.value), ...theirs].sort((a, b) => a.startMs - b.startMs)
    for (let i = 1; i < sections.length; i++) {
      expect(sections[i]!.startMs).toBeGreaterThanOrEqual(sections[i - 1]!.endMs)
    }
  })
})

describe('when the lock cannot be used', () => {
  it('warns once, saying what failed and how to fix it, and still runs fn', async () => {
    const aFile = join(dir, 'a-file')
    await writeFile(aFile, '')
    const warn = vi.fn()
    const unusable = join(aFile, 'lock')
    const first = await withMeasurementLock(() => 'first', { dir: unusable, warn })
    const second = await withMeasurementLock(() => 'second', { dir: unusable, warn })
    expect([first.value, second.value]).toEqual(['first', 'second'])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0]).replaceAll(dir, '<tmp>')).toMatchInlineSnapshot(
      `"perfgate: cannot use the measurement lock in <tmp>/a-file/lock (ENOTDIR: not a directory, mkdir '<tmp>/a-file/lock'). Measurements still run one at a time within this process, but may overlap with other processes' and disturb each other. Set PERFGATE_LOCK_DIR to a writable folder, or PERFGATE_LOCK=off to measure without the lock."`,
    )
  })

  it('skips the lock file when PERFGATE_LOCK=off, still one at a time in this process', async () => {
    vi.stubEnv('PERFGATE_LOCK', 'off')
    const events: string[] = []
    const section = (i: number) =>
      withMeasurementLock(
        async () => {
          events.push(`start ${i} ${existsSync(lockFile)}`)
          await sleep(5)
          events.push(`end ${i}`)
        },
        { dir },
      )
    await Promise.all([section(0), section(1)])
    expect(events).toEqual(['start 0 false', 'end 0', 'start 1 false', 'end 1'])
  })

  it('reads PERFGATE_LOCK and PERFGATE_LOCK_DIR', () => {
    for (const value of ['off', 'OFF', '0', 'false', ' off ']) {
      expect(measurementLockDisabled({ PERFGATE_LOCK: value })).toBe(true)
    }
    for (const value of [undefined, '', 'on', '1']) {
      expect(measurementLockDisabled({ PERFGATE_LOCK: value })).toBe(false)
    }
    expect(defaultLockDir({ PERFGATE_LOCK_DIR: '/srv/locks' })).toBe('/srv/locks')
    expect(defaultLockDir({})).toBe(join(tmpdir(), `perfgate-${process.getuid?.() ?? 'user'}`))
  })
})

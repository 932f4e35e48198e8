import { describe, expect, it } from 'vitest'
import {
  formatSeconds,
  type ProbeOutcome,
  type ProbeUrl,
  type WaitClock,
  waitForUrl,
} from '../../src/server/wait-for-url.js'

const url = 'http://127.0.0.1:4173/'
const refused: ProbeOutcome = { status: 'failed', reason: 'connect ECONNREFUSED 127.0.0.1:4173' }
const answered = (statusCode: number): ProbeOutcome => ({ status: 'answered', statusCode })

/** A clock that only moves when the code under test sleeps, or a probe says time passed. */
type FakeClock = WaitClock & { sleeps: number[]; advance(ms: number): void }

function fakeClock(): FakeClock {
  let nowMs = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms)
      nowMs += ms
    },
    advance: (ms) => {
      nowMs += ms
    },
  }
}

/** A probe that returns `outcomes` in turn (the last one forever) and records its calls. */
function fakeProbe(outcomes: ProbeOutcome[], onCall?: () => void): ProbeUrl & { timeouts: number[] } {
  const timeouts: number[] = []
  const probe = async (_url: string, { timeoutMs }: { timeoutMs: number }) => {
    timeouts.push(timeoutMs)
    onCall?.()
    return outcomes[Math.min(timeouts.length, outcomes.length) - 1]!
  }
  return Object.assign(probe, { timeouts })
}

describe('waitForUrl', () => {
  it('is up on the first answer, after pausing an interval between tries', async () => {
    const clock = fakeClock()
    const probe = fakeProbe([refused, refused, answered(200)])
    const result = await waitForUrl({ url, timeoutMs: 10_000, intervalMs: 100, probe, clock })
    expect(result).toEqual({ status: 'up', url, statusCode: 200, tries: 3, elapsedMs: 200 })
    expect(clock.sleeps).toEqual([100, 100])
  })

  it('counts any status below 500 as up: 404, 401 and redirects come from a running server', async () => {
    for (const statusCode of [204, 301, 401, 404, 499]) {
      const result = await waitForUrl({
        url,
        timeoutMs: 1_000,
        probe: fakeProbe([answered(statusCode)]),
        clock: fakeClock(),
      })
      expect(result).toMatchObject({ status: 'up', statusCode, tries: 1 })
    }
  })

  it('keeps waiting through 5xx, which a proxy answers while the app behind it starts', async () => {
    const probe = fakeProbe([answered(502), answered(503), answered(503), answered(200)])
    const result = await waitForUrl({ url, timeoutMs: 10_000, intervalMs: 50, probe, clock: fakeClock() })
    expect(result).toMatchObject({ status: 'up', statusCode: 200, tries: 4 })
  })

  it('times out with a reason naming what the last try saw', async () => {
    const clock = fakeClock()
    const probe = fakeProbe([refused])
    const result = await waitForUrl({ url, timeoutMs: 60_000, intervalMs: 250, probe, clock })
    expect(result).toMatchObject({ status: 'timeout', tries: 241, elapsedMs: 60_000 })
    expect(result.status === 'timeout' && result.reason).toMatchInlineSnapshot(
      `"no answer after 60 s (last try: connect ECONNREFUSED 127.0.0.1:4173)"`,
    )

    const busy = await waitForUrl({
      url,
      timeoutMs: 1_500,
      probe: fakeProbe([answered(503)]),
      clock: fakeClock(),
    })
    expect(busy.status === 'timeout' && busy.reason).toMatchInlineSnapshot(
      `"no answer after 1.5 s (last answer: status 503)"`,
    )
  })

  it('never lets one try outlast the deadline by more than an interval', async () => {
    const clock = fakeClock()
    // Each try hangs for its whole timeout, as against a server that accepts and never answers.
    const timeouts: number[] = []
    const probe: ProbeUrl = async (_url, { timeoutMs }) => {
      timeouts.push(timeoutMs)
      clock.advance(timeoutMs)
      return { status: 'failed', reason: `no response within ${formatSeconds(timeoutMs)}` }
    }
    const result = await waitForUrl({
      url,
      timeoutMs: 12_000,
      intervalMs: 100,
      requestTimeoutMs: 5_000,
      probe,
      clock,
    })
    expect(timeouts).toEqual([5_000, 5_000, 1_800])
    expect(result).toMatchObject({ status: 'timeout', elapsedMs: 12_000 })
    expect(result.status === 'timeout' && result.reason).toMatchInlineSnapshot(
      `"no answer after 12 s (last try: no response within 1.8 s)"`,
    )
  })

  it('stops at once when the signal aborts, e.g. because the server process exited', async () => {
    const controller = new AbortController()
    let calls = 0
    const probe = fakeProbe([refused], () => {
      if (++calls === 2) controller.abort()
    })
    const result = await waitForUrl({
      url,
      timeoutMs: 60_000,
      probe,
      clock: fakeClock(),
      signal: controller.signal,
    })
    expect(result).toMatchObject({ status: 'aborted', tries: 2 })
  })
})

describe('formatSeconds', () => {
  it('writes seconds as a person would', () => {
    expect([60_000, 1_500, 250, 12_345].map(formatSeconds)).toEqual(['60 s', '1.5 s', '0.25 s', '12.35 s'])
  })
})

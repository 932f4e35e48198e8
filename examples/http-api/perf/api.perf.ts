import type { AddressInfo } from 'node:net'
import { loadTest } from 'perfgate'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { listen } from '../server.mjs'

// The API runs in this process on a port of its own, on loopback: load your own servers only.
let server: Awaited<ReturnType<typeof listen>>
let origin: string

beforeAll(async () => {
  server = await listen(0)
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('GET /api/users keeps p95 under 25 ms with 10 connections, without errors', async () => {
  const result = await loadTest({
    name: 'GET /api/users',
    url: `${origin}/api/users`,
    connections: 10,
    duration: '3s',
  })
  await expect(result).toMeetBudget({ p95: '25ms', errorRate: '< 0.1%', rps: '>= 200' })
})

// The same list behind an injected 50 ms delay: its p95 cannot be under 25 ms. `.not` passes
// only on a proven failure; drop the `.not` to read the failure message.
test('GET /api/users-slow breaks the same budget', async () => {
  const result = await loadTest({
    name: 'GET /api/users-slow',
    url: `${origin}/api/users-slow`,
    connections: 10,
    amount: 500,
  })
  expect(result.latency.p50Ns).toBeGreaterThanOrEqual(50e6)
  await expect(result).not.toMeetBudget({ p95: '25ms', errorRate: '< 0.1%' })
})

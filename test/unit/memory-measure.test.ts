import { describe, expect, it, vi } from 'vitest'
import { bench } from '../../src/measure/bench.js'
import { findGc, gcAccess } from '../../src/memory/force-gc.js'
import { measureLeak } from '../../src/memory/measure-leak.js'
import { measureMemory } from '../../src/memory/measure-memory.js'

/*
 * Real measurements in this Vitest worker, which runs without --expose-gc. Heap figures depend
 * on V8's object layout, not on the machine's speed, so they hold on a loaded machine; the
 * leaks are tens of times their floor.
 */

/** 1000 objects of 32 B and an 8 kB array: about 40 kB per call on 64-bit V8, none of it kept. */
function allocate(): number {
  const items = new Array(1000)
  for (let i = 0; i < 1000; i++) items[i] = { i }
  return items.length
}

const kept: object[] = []
/** Keeps an object and a string per call (about 120 B). */
function remember(): number {
  kept.push({ id: kept.length, label: `item #${kept.length}` })
  return kept.length
}

const NO_GC = { available: false, reason: 'not in this test' } as const

describe('gcAccess', () => {
  it('forces GC in a Vitest worker without --expose-gc', () => {
    const gc = gcAccess()
    expect(gc.available).toBe(true)
    if (!gc.available) return
    expect(gc.source).toBe(
      typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'global.gc' : 'v8-flag',
    )
    // And it collects: garbage made now is gone after it.
    let garbage: number[][] | undefined = Array.from({ length: 2000 }, () => new Array(500).fill(1))
    const before = process.memoryUsage().heapUsed
    garbage = undefined
    gc.collect()
    expect(garbage).toBeUndefined()
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 4e6)
  })

  it('uses --expose-gc when the process has it', () => {
    const gc = vi.fn()
    const access = findGc({ gc })
    expect(access).toMatchObject({ available: true, source: 'global.gc' })
    if (access.available) access.collect()
    expect(gc).toHaveBeenCalledOnce()
  })
})

describe('bench({ memory: true })', () => {
  it('records heap allocated per call, retained per call and peak RSS', async () => {
    const result = await bench('allocate', allocate, { time: '100ms', memory: true, calibrationCache: false })
    const memory = result.memory!
    expect(memory.heapPerCallBytes).toBeGreaterThan(35_000)
    expect(memory.heapPerCallBytes).toBeLessThan(45_000)
    // Nothing is kept: the worker's own heap moves (up to ~200 kB between GCs) stay far below
    // the 40 kB per call that keeping the objects would show.
    expect(Math.abs(memory.retainedPerCallBytes!)).toBeLessThan(memory.heapPerCallBytes / 100)
    expect(memory.batches).toBeGreaterThanOrEqual(10)
    expect(memory.batchSize).toBe(result.batchSize)
    expect(memory.rssPeakBytes).toBeGreaterThan(10e6)
    // Timings are untouched: the memory batches come after the timed ones.
    expect(result.batchTimesNs).toHaveLength(result.stats.samples)
  })

  it('counts about nothing for a function that allocates nothing', async () => {
    const result = await bench('empty', () => {}, { time: '50ms', memory: true, calibrationCache: false })
    expect(Math.abs(result.memory!.heapPerCallBytes)).toBeLessThan(1)
  })

  it('has no memory section unless asked', async () => {
    const result = await bench('no memory', allocate, { time: '20ms', calibrationCache: false })
    expect(result.memory).toBeUndefined()
  })

  it('rejects a memory option it cannot use', async () => {
    await expect(bench('x', allocate, { memory: { batches: 3 } })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "x" has an invalid option: memory.batches must be a whole number from 10 to 1000, received 3. Use e.g. memory: { batches: 20 }.]`,
    )
  })
})

describe('measureMemory', () => {
  it('counts allocation through the GCs V8 runs by itself, so it needs no forced GC', async () => {
    // 40 MB per batch: more than V8's young generation holds (16 MB semi-spaces at most), so
    // scavenges run inside every batch.
    const options = { batches: 10, batchSize: 1024, confidence: 0.95, timeCapNs: 1e9 }
    const forced = await measureMemory(allocate, false, {}, { ...options, gc: gcAccess() })
    const unforced = await measureMemory(allocate, false, {}, { ...options, gc: NO_GC })
    expect(unforced.gc).toBeNull()
    expect(unforced.retainedPerCallBytes).toBeNull()
    expect(unforced.gcsInBatches).toBeGreaterThan(0)
    // Within 1% of each other: growth plus what each GC freed is the allocation either way.
    expect(unforced.heapPerCallBytes / forced.heapPerCallBytes).toBeGreaterThan(0.99)
    expect(unforced.heapPerCallBytes / forced.heapPerCallBytes).toBeLessThan(1.01)
  })
})

describe('measureLeak', () => {
  const quick = { time: '200ms', rounds: 20 }

  it('finds a leak in a growing module-level array', async () => {
    const result = await measureLeak(remember, quick)
    expect(result.status).toBe('leak')
    expect(result.judgement!.slopeIntervalBytesPerCall[0]).toBeGreaterThan(60)
    expect(result.points).toHaveLength(result.rounds + 1)
  })

  it('finds leaks that grow in steps: numbers pushed onto an array, entries set in a Map', async () => {
    // Neither keeps an object per call: the heap grows only when V8 enlarges the array's store
    // or the Map's table, and is flat in between.
    const numbers: number[] = []
    const table = new Map<number, number>()
    let key = 0
    // More rounds than `quick`: a step that lands among the last few readings cannot show as a
    // persistent rise, and with 20 readings the Map's one doubling in the fitted half did so in
    // about 1 of 12 runs (3 of 25 in a loop of runs). A fixed number of calls, not a time: the
    // steps fall where V8 grows the store, whatever the load. Over 400 ms, a loaded full-suite
    // run on 2026-11-22 made too few calls and read the Map as no leak; with 1M calls, 18 of 18
    // runs (8 of them beside two busy loops) found both, at 3 MB and 22 MB.
    const stepped = { iterations: 1_000_000, rounds: 40 }
    for (const fn of [() => numbers.push(key++), () => table.set(key++, 1).size]) {
      const result = await measureLeak(fn, stepped)
      expect(result.status).toBe('leak')
      expect(result.judgement!.persistentGrowthBytes).toBeGreaterThan(1e6)
      numbers.length = 0
      table.clear()
    }
  })

  it('finds a leak in an async function too', async () => {
    const result = await measureLeak(async () => remember(), quick)
    expect(result.async).toBe(true)
    expect(result.status).toBe('leak')
  })

  it('finds none in a function that allocates 40 kB per call and keeps nothing', async () => {
    const result = await measureLeak(allocate, quick)
    expect(result.status).toBe('no-leak')
  })

  it('does not count what a call keeps in its input, which is dropped each round', async () => {
    const result = await measureLeak((list: number[]) => list.push(list.length), {
      ...quick,
      input: () => [],
    })
    expect(result.status).toBe('no-leak')
  })

  it('measures nothing, and says why, when GC cannot be forced', async () => {
    const fn = vi.fn()
    const result = await measureLeak(fn, {}, NO_GC)
    expect(result).toMatchObject({ status: 'inconclusive', gc: null, gcUnavailable: 'not in this test' })
    expect(fn).not.toHaveBeenCalled()
  })

  it('rejects options it cannot use, and says when the function throws', async () => {
    await expect(measureLeak(allocate, { rounds: 5 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: The leak check of "allocate" has an invalid option: rounds must be a whole number from 16 to 400, received 5. Use e.g. rounds: 40.]`,
    )
    await expect(measureLeak(allocate, { threshold: 'tiny' })).rejects.toThrow(
      'Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "tiny" at leak check "allocate".threshold.',
    )
    const error = new Error('boom')
    await expect(
      measureLeak(() => {
        throw error
      }),
    ).rejects.toMatchObject({
      code: 'LEAK_CHECK_FAILED',
      message:
        'perfgate: "() => { throw error; }" threw during the first call of its leak check. The checked function must run without throwing; the original error is attached as cause.',
      cause: error,
    })
  })
})

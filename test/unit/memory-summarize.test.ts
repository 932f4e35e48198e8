import { describe, expect, it } from 'vitest'
import { baselineFromResults, parseBaseline, serializeBaseline } from '../../src/baseline/baseline-file.js'
import { poolMemory } from '../../src/memory/summarize-memory.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { memoryOf, withMemory } from '../fixtures/memory-results.js'

const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1)

describe('summarizeMemory', () => {
  it('gives the median of the batches with its order-statistic interval', () => {
    // Of 20 samples, the 95% sign-test interval for the median is X(6)–X(15): with B ~
    // Binomial(20, ½), P(B ≤ 5) = P(B ≥ 15) = 0.0207, so its coverage is 1 − 2·0.0207 = 95.9%.
    const memory = memoryOf({
      allocated: [...oneToTwenty].reverse(),
      retained: oneToTwenty.map((x) => x - 10),
    })
    expect(memory.heapPerCallBytes).toBe(10.5)
    expect(memory.heapPerCallIntervalBytes).toEqual([6, 15])
    expect(memory.retainedPerCallBytes).toBe(0.5)
    expect(memory.retainedPerCallIntervalBytes).toEqual([-4, 5])
    expect(memory.batches).toBe(20)
    // The per-batch values are kept, in recording order.
    expect(memory.allocatedBytesPerCall).toEqual([...oneToTwenty].reverse())
  })

  it('leaves a side open when there are too few batches to bound it: 0 for allocation, -∞ for retention', () => {
    const memory = memoryOf({ allocated: [5, 6, 7], retained: [-1, 0, 1] })
    expect(memory.heapPerCallIntervalBytes).toEqual([0, Number.POSITIVE_INFINITY])
    expect(memory.retainedPerCallIntervalBytes).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])
  })

  it('has no retained figures without forced GC', () => {
    const memory = memoryOf({ allocated: oneToTwenty, gc: null })
    expect(memory.gc).toBeNull()
    expect(memory.retainedPerCallBytes).toBeNull()
    expect(memory.retainedPerCallIntervalBytes).toBeNull()
    expect(memory.retainedBytesPerCall).toBeNull()
  })
})

describe('poolMemory', () => {
  it('pools the batches of several processes, keeps the highest RSS, and forced GC only if all had it', () => {
    const a = memoryOf({ allocated: oneToTwenty.slice(0, 10), rssPeakBytes: 100e6 })
    const b = memoryOf({ allocated: oneToTwenty.slice(10), rssPeakBytes: 150e6 })
    const pooled = poolMemory([a, b], 0.95)
    expect(pooled.allocatedBytesPerCall).toEqual(oneToTwenty)
    expect(pooled.heapPerCallIntervalBytes).toEqual([6, 15])
    expect(pooled.rssPeakBytes).toBe(150e6)
    expect(pooled.gc).toBe('v8-flag')
    const withoutGc = poolMemory([a, memoryOf({ allocated: [1, 2, 3], gc: null })], 0.95)
    expect(withoutGc.gc).toBeNull()
    expect(withoutGc.retainedBytesPerCall).toBeNull()
  })
})

describe('baselines', () => {
  const timed = benchResult({ name: 'parse', perCallNs: uniformTimes(25e3, 0.1, 20) })
  const memory = memoryOf({ allocated: oneToTwenty, retained: oneToTwenty.map(() => 0) })

  it('keep the memory section of a bench, and read it back unchanged', () => {
    const file = baselineFromResults(
      'main',
      [withMemory(timed, memory), benchResult({ name: 'sum', perCallNs: [1, 2, 3] })],
      undefined,
      {
        createdAt: '2025-01-02T03:04:05.000Z',
      },
    )
    expect(file.benches.parse?.memory).toEqual(memory)
    expect(file.benches.sum?.memory).toBeUndefined()
    const read = parseBaseline(serializeBaseline(file), 'main.json')
    expect(read.benches.parse?.memory).toEqual(memory)
    expect(read.benches.sum).not.toHaveProperty('memory')
  })

  it('pool the memory batches of several processes', () => {
    const other = memoryOf({ allocated: oneToTwenty.map((x) => x + 20), rssPeakBytes: 200e6 })
    const file = baselineFromResults('main', [withMemory(timed, memory), withMemory(timed, other)])
    expect(file.benches.parse?.memory?.batches).toBe(40)
    expect(file.benches.parse?.memory?.heapPerCallBytes).toBe(20.5)
    expect(file.benches.parse?.memory?.rssPeakBytes).toBe(200e6)
  })

  it('write open interval ends as null, which read back as NaN', () => {
    const few = withMemory(timed, memoryOf({ allocated: [5, 6, 7], retained: [-1, 0, 1] }))
    const text = serializeBaseline(baselineFromResults('main', [few]))
    expect(text).toContain('"retainedPerCallIntervalBytes": [\n          null,\n          null\n        ]')
    const read = parseBaseline(text, 'main.json').benches.parse?.memory
    expect(read?.retainedPerCallIntervalBytes?.every(Number.isNaN)).toBe(true)
  })
})

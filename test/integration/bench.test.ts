import { describe, expect, it } from 'vitest'
import { PerfgateError } from '../../src/errors.js'
import { bench } from '../../src/measure/bench.js'
import { batchSizeFor } from '../../src/measure/calibrate.js'
import { memoryCalibrationCache } from '../../src/measure/calibration-cache.js'
import { TARGET_BATCH_NS } from '../../src/measure/defaults.js'

// Real measurements on a possibly loaded 2-core machine: assertions are about properties that
// hold whatever the load (shapes, bounds, orders of magnitude), never about exact timings.
let input = 200
const work = () => {
  let sum = 0
  for (let i = 0; i < input; i++) sum += Math.sqrt(i)
  return sum
}

describe('bench()', () => {
  it('returns per-call stats whose interval holds the median, from calibrated power-of-two batches', async () => {
    const result = await bench('sqrt loop', work, { time: 100 })
    const { stats } = result
    expect(result.name).toBe('sqrt loop')
    expect(Math.log2(result.batchSize) % 1).toBe(0)
    expect(result.batchTimesNs).toHaveLength(stats.samples)
    expect(stats.calls).toBe(stats.samples * result.batchSize)
    expect(stats.samples).toBeGreaterThanOrEqual(10)
    expect(stats.minNs).toBeLessThanOrEqual(stats.medianNs)
    expect(stats.medianIntervalNs[0]).toBeLessThanOrEqual(stats.medianNs)
    expect(stats.medianIntervalNs[1]).toBeGreaterThanOrEqual(stats.medianNs)
    expect(stats.p95Ns).toBeGreaterThanOrEqual(stats.medianNs)
    expect(stats.p99Ns).toBeLessThanOrEqual(stats.maxNs)
    expect(stats.granularity).toBe('batch-mean')
    expect(stats.opsPerSec).toBeCloseTo(1e9 / stats.medianNs, 5)
    expect(result.env.runtime.version).toBe(process.versions.node)
    expect(result.timing.batchSizeSource).toBe('calibrated')
    expect(() => JSON.stringify(result)).not.toThrow()
  })

  it('tells a 10x heavier function apart by an order of magnitude', async () => {
    input = 100
    const light = await bench('light', work, { time: 100 })
    input = 1000
    const heavy = await bench('heavy', work, { time: 100 })
    input = 200
    expect(heavy.stats.medianNs / light.stats.medianNs).toBeGreaterThan(4)
    expect(heavy.batchSize).toBeLessThan(light.batchSize)
  })

  it('measures per call with batchSize: 1, and says so', async () => {
    const result = await bench('per call', work, { time: 50, batchSize: 1 })
    expect(result.batchSize).toBe(1)
    expect(result.stats.granularity).toBe('call')
    expect(result.timing.batchSizeSource).toBe('option')
  })

  it('awaits async functions and marks the result async', async () => {
    const result = await bench('async', async () => work(), { time: 50 })
    expect(result.async).toBe(true)
    expect(result.stats.medianNs).toBeGreaterThan(0)
  })

  it('keeps setup and teardown out of the timed region', async () => {
    let setups = 0
    let teardowns = 0
    // One call per batch: a timed setup would make every batch take at least 2 ms.
    const result = await bench('cheap with slow setup', () => 1 + 1, {
      time: 60,
      minSamples: 3,
      batchSize: 1,
      setup: () => {
        setups++
        const until = Date.now() + 2
        while (Date.now() < until) {} // 2 ms of untimed work per batch
      },
      teardown: () => {
        teardowns++
      },
    })
    expect(setups).toBe(teardowns)
    expect(setups).toBeGreaterThan(result.stats.samples)
    // Were setup timed, each batch would take >= 2 ms.
    expect(Math.min(...result.batchTimesNs)).toBeLessThan(2e6)
  })

  it('sizes its batches again when the function speeds up after calibration, as late-optimised code does', async () => {
    // 400 µs per call for the first 150 calls (warm-up and calibration see only that), then
    // 50 µs: batches sized for the slow phase would last 0.4 ms instead of 3–6 ms.
    let calls = 0
    const settles = () => {
      const end = performance.now() + (++calls <= 150 ? 0.4 : 0.05)
      while (performance.now() < end) {}
    }
    const result = await bench('settles late', settles, { time: 400, calibrationCache: false })
    expect(result.batchSize).toBeGreaterThanOrEqual(32)
    expect(result.stats.medianNs).toBeLessThan(100e3)
    // The slow phase counts as warm-up, and none of its batches is in the sample.
    expect(result.timing.warmupNs).toBeGreaterThan(150 * 0.4e6)
    expect(result.stats.calls).toBeLessThan(calls - 150)
  })

  it('keeps memory bounded: never more batches than maxSamples', async () => {
    const result = await bench('bounded', () => 0, { time: 100, maxSamples: 50 })
    expect(result.stats.samples).toBeLessThanOrEqual(50)
  })

  it('records minSamples even when one call exceeds the budget', async () => {
    // Slower than a whole target batch (TARGET_BATCH_NS), so each call is its own batch.
    const slow = () => {
      const until = performance.now() + TARGET_BATCH_NS / 1e6 + 1
      while (performance.now() < until) {}
    }
    const result = await bench('slower than budget', slow, { time: 5, minSamples: 4 })
    expect(result.stats.samples).toBe(4)
    expect(result.batchSize).toBe(1)
  })

  it('fails with the bench name and keeps the cause when the function throws', async () => {
    const boom = new Error('boom')
    const error = await bench('explodes', () => {
      throw boom
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerfgateError)
    expect((error as PerfgateError).code).toBe('BENCH_FAILED')
    expect((error as PerfgateError).cause).toBe(boom)
    expect((error as Error).message).toMatchInlineSnapshot(
      `"perfgate: Bench "explodes" threw during the first call. The benchmarked function must run without throwing; the original error is attached as cause."`,
    )
  })

  it('reports the phase when a function starts throwing later', async () => {
    let calls = 0
    const error = await bench('fails later', () => {
      if (++calls > 1000) throw new RangeError('late')
    }).catch((e: unknown) => e)
    expect((error as PerfgateError).message).toContain('threw during warm-up')
    expect((error as PerfgateError).cause).toBeInstanceOf(RangeError)
  })

  it('rejects async functions that reject, with the rejection as cause', async () => {
    const error = await bench('rejects', async () => {
      throw new TypeError('nope')
    }).catch((e: unknown) => e)
    expect((error as PerfgateError).code).toBe('BENCH_FAILED')
    expect((error as PerfgateError).cause).toBeInstanceOf(TypeError)
  })

  it('explains invalid options', async () => {
    await expect(bench('x', () => 0, { minSamples: 0 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "x" has an invalid option: minSamples must be a whole number of at least 1, received 0. Use e.g. minSamples: 1.]`,
    )
    await expect(
      bench('x', () => 0, { minSamples: 20, maxSamples: 10 }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "x" has an invalid option: maxSamples (10) is below minSamples (20). Raise maxSamples or lower minSamples.]`,
    )
    await expect(bench('x', () => 0, { confidence: 95 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "x" has an invalid option: confidence must be between 0.5 and 1 (exclusive), received 95. Use a value like 0.95 or 0.99.]`,
    )
    await expect(bench('x', 'not a function' as never)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "x" has an invalid option: the function to measure is string. Call bench('x', () => work()).]`,
    )
    await expect(bench('x', () => 0, { time: 'soon' })).rejects.toThrow(/Expected a duration/)
  })
})

describe('batchSizeFor', () => {
  it('picks the largest power of two whose batch stays within the target', () => {
    expect(batchSizeFor(1_000, 180_000)).toBe(128) // 180 calls fit → 128
    expect(batchSizeFor(100, 180_000)).toBe(1024) // 1800 → 1024
    expect(batchSizeFor(10_000, 180_000)).toBe(16) // 18 → 16
    expect(batchSizeFor(100_000, 180_000)).toBe(1) // 1.8 → 1
    expect(batchSizeFor(1e6, 180_000)).toBe(1)
    expect(batchSizeFor(0, 180_000)).toBe(2 ** 30)
  })

  it('keeps round per-call costs away from a power-of-two boundary', () => {
    // A per-call estimate that wobbles ±8% between processes must not change the batch size.
    for (const perCallNs of [100, 1_000, 10_000]) {
      const sizes = new Set([0.92, 1, 1.08].map((f) => batchSizeFor(perCallNs * f, TARGET_BATCH_NS)))
      expect(sizes.size).toBe(1)
    }
  })
})

describe('bench() batch size across runs', () => {
  it('reuses a remembered batch size that still fits, and says so', async () => {
    const cache = memoryCalibrationCache()
    const first = await bench('remembered', work, { time: 60, calibrationCache: cache })
    expect(first.timing.batchSizeSource).toBe('calibrated')
    expect(cache.get('bench:remembered')).toBe(first.batchSize)
    // Half the batch size is still within the sticky band (target / 4 … target × 1.5): kept.
    expect(first.batchSize).toBeGreaterThan(1)
    const neighbour = first.batchSize / 2
    cache.set('bench:remembered', neighbour)
    const second = await bench('remembered', work, { time: 60, calibrationCache: cache })
    expect(second.batchSize).toBe(neighbour)
    expect(second.timing.batchSizeSource).toBe('remembered')
  })

  it('recalibrates when the remembered size is far off, and never consults the cache for a fixed size', async () => {
    const cache = memoryCalibrationCache()
    cache.set('bench:far off', 2 ** 24)
    const result = await bench('far off', work, { time: 60, calibrationCache: cache })
    expect(result.batchSize).toBeLessThan(2 ** 24)
    expect(result.timing.batchSizeSource).toBe('calibrated')
    expect(cache.get('bench:far off')).toBe(result.batchSize)

    const fixed = await bench('far off', work, { time: 30, batchSize: 3, calibrationCache: cache })
    expect(fixed.batchSize).toBe(3)
    expect(cache.get('bench:far off')).toBe(result.batchSize)
  })
})

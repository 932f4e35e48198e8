import { describe, expect, it } from 'vitest'
import { judgeLeak, LEAK_STEP_MIN_BYTES, MIN_LEAK_FIT_POINTS } from '../../src/memory/leak-rule.js'
import { DEFAULT_RULE, heapSeries } from '../fixtures/memory-results.js'

/*
 * The leak rule on synthetic heap series (each point: the heap after a forced GC), with the
 * defaults: 4 B per call, 100 kB over the fitted calls, the last half of the rounds fitted.
 * Magnitudes are those measured in a Vitest worker (docs/memory.md): the heap of an idle worker
 * moves by ~0.1 kB per round, with steps of up to ~13 kB now and then.
 */

/** A GC sawtooth: 8 kB more at each of 5 rounds, then back down. */
const sawtooth = (round: number) => (round % 5) * 8_000

describe('judgeLeak', () => {
  it('finds no leak in a sawtooth with no trend', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const points = heapSeries((round, random) => sawtooth(round) + random() * 2_000, { seed })
      const judgement = judgeLeak(points, DEFAULT_RULE)
      expect(judgement.status, `seed ${seed}`).toBe('no-leak')
      expect(judgement.slopeIntervalBytesPerCall[1]).toBeLessThan(judgement.floorBytesPerCall)
    }
  })

  it('finds a small steady trend under the sawtooth: 8 B per call is a leak', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const points = heapSeries((round, random) => sawtooth(round) + random() * 2_000 + 8 * 1000 * round, {
        seed,
      })
      const judgement = judgeLeak(points, DEFAULT_RULE)
      expect(judgement.status, `seed ${seed}`).toBe('leak')
      // The slope is the trend, 8 B per call, within the sawtooth's pull.
      expect(judgement.slopeBytesPerCall).toBeGreaterThan(7)
      expect(judgement.slopeBytesPerCall).toBeLessThan(9)
      expect(judgement.slopeIntervalBytesPerCall[0]).toBeGreaterThan(judgement.floorBytesPerCall)
    }
  })

  it('finds no leak when the heap grows at first and then stays flat (a cache filling up)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // 50 kB per round for 15 rounds with noise, then flat: a cache of 750 kB, full by round 15.
      const points = heapSeries(
        (round, random) => Math.min(round, 15) * 50_000 + random() * (round < 15 ? 30_000 : 3_000),
        { seed },
      )
      const judgement = judgeLeak(points, DEFAULT_RULE)
      expect(judgement.status, `seed ${seed}`).toBe('no-leak')
      // The growth is still reported: it happened, it just stopped.
      expect(judgement.growthBytes).toBeGreaterThan(700_000)
    }
  })

  it('finds a leak that grows in steps (an array or Map enlarged 1.5–2× at a time)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // Flat with ±1 kB noise, then 4 MB more at round 27 and 8 MB more at round 36: a Map's
      // table doubling as it keeps growing. The median pairwise slope over rounds 20–40 is 0.
      const points = heapSeries(
        (round, random) => (round >= 27 ? 4e6 : 0) + (round >= 36 ? 8e6 : 0) + random() * 1_000,
        { seed, callsPerRound: 100_000 },
      )
      const judgement = judgeLeak(points, DEFAULT_RULE)
      expect(judgement.slopeIntervalBytesPerCall[0]).toBeLessThanOrEqual(judgement.floorBytesPerCall)
      expect(judgement.status, `seed ${seed}`).toBe('leak')
      expect(judgement.grewInSteps).toBe(true)
      expect(judgement.persistentGrowthBytes).toBeGreaterThan(11.9e6)
    }
  })

  it('does not call a rise under LEAK_STEP_MIN_BYTES a leak when the slope does not show one', () => {
    // 600 kB at round 30 that stays, across 20 000 fitted calls: 30 B per call if it were a
    // slope, but the slope is ~0 and 600 kB is within what a worker's heap may do on its own.
    const points = heapSeries((round, random) => (round >= 30 ? 600_000 : 0) + random() * 1_000, {
      seed: 5,
    })
    const judgement = judgeLeak(points, DEFAULT_RULE)
    expect(judgement.persistentGrowthBytes).toBeGreaterThan(590_000)
    expect(judgement.persistentGrowthBytes).toBeLessThan(LEAK_STEP_MIN_BYTES)
    expect(judgement.grewInSteps).toBe(false)
    expect(judgement.status).not.toBe('leak')
  })

  it('is not moved by one wild reading', () => {
    const points = heapSeries((round) => (round === 30 ? 5e6 : 0) + (round % 3) * 100)
    expect(judgeLeak(points, DEFAULT_RULE).status).toBe('no-leak')
  })

  it('holds few, slow calls to the minimum growth, not the per-call threshold', () => {
    // 12 calls per round (a 2 ms function), a 13 kB step halfway through the fitted rounds: the
    // step alone reads as ~50 B per call, far above 4 B, but below 100 kB over 240 calls.
    const points = heapSeries((round) => (round >= 30 ? 13_000 : 0) + round * 80, { callsPerRound: 12 })
    const judgement = judgeLeak(points, DEFAULT_RULE)
    expect(judgement.fittedCalls).toBe(240)
    expect(judgement.floorBytesPerCall).toBeCloseTo(100_000 / 240, 9)
    expect(judgement.slopeBytesPerCall).toBeGreaterThan(DEFAULT_RULE.thresholdBytesPerCall)
    expect(judgement.status).toBe('no-leak')
  })

  it('is inconclusive when the interval straddles the floor', () => {
    // A trend right at the floor (100 kB over the 20,000 fitted calls: 5 B per call), under noise
    // of ±20 kB per reading.
    const points = heapSeries((round, random) => 5 * 1000 * round + (random() - 0.5) * 40_000, { seed: 3 })
    const judgement = judgeLeak(points, DEFAULT_RULE)
    const [lo, hi] = judgement.slopeIntervalBytesPerCall
    expect(lo).toBeLessThan(judgement.floorBytesPerCall)
    expect(hi).toBeGreaterThan(judgement.floorBytesPerCall)
    expect(judgement.status).toBe('inconclusive')
  })

  it('fits only the points after the settling share, and at least MIN_LEAK_FIT_POINTS', () => {
    const points = heapSeries(() => 0, { rounds: 40 })
    expect(judgeLeak(points, DEFAULT_RULE).fittedPoints).toBe(21)
    const short = heapSeries(() => 0, { rounds: MIN_LEAK_FIT_POINTS })
    expect(judgeLeak(short, DEFAULT_RULE).fittedPoints).toBe(MIN_LEAK_FIT_POINTS)
  })

  it('rejects series it cannot judge', () => {
    expect(() =>
      judgeLeak(
        heapSeries(() => 0, { rounds: 5 }),
        DEFAULT_RULE,
      ),
    ).toThrow(`judgeLeak needs at least ${MIN_LEAK_FIT_POINTS} points, got 6`)
    const backwards = heapSeries(() => 0).map((p, i) => (i === 3 ? { ...p, calls: 0 } : p))
    expect(() => judgeLeak(backwards, DEFAULT_RULE)).toThrow(
      'calls must increase from point to point (point 3)',
    )
  })
})

import { describe, expect, it } from 'vitest'
import {
  batchSizeFor,
  resizedBatchSize,
  SETTLE_BATCHES,
  warmUpAndCalibrate,
} from '../../src/measure/calibrate.js'

const TARGET_NS = 5.82e6

/** A fake loop: `perCallNs` per call, plus whatever `extraNs` adds to the n-th batch it runs. */
function fakeRunner(perCallNs: number, extraNs: (batch: number, k: number) => number = () => 0) {
  const calls: number[] = []
  const run = (k: number) => {
    calls.push(k)
    return k * perCallNs + extraNs(calls.length - 1, k)
  }
  return { run, calls }
}

describe('warmUpAndCalibrate', () => {
  it('sizes batches from the probes when nothing disturbs them', async () => {
    const { run } = fakeRunner(350)
    const calibration = await warmUpAndCalibrate(run, {}, { warmupNs: 0, targetBatchNs: TARGET_NS })
    expect(calibration.perCallNs).toBe(350)
    expect(calibration.batchSize).toBe(batchSizeFor(350, TARGET_NS))
    expect(calibration.batchSize).toBe(16384)
  })

  it('is misled by stalls in four of the seven probes, and sampling then sizes the batches again', async () => {
    // Once batches reach the 0.5 ms probe size, a 20 ms stall hits four of every seven, so
    // whichever seven are the probes, four are stalled. The warm-up spins for 1 ms of real time.
    let atProbeSize = 0
    const { run, calls } = fakeRunner(350, (_batch, k) =>
      k * 350 >= 500e3 && atProbeSize++ % 7 < 4 ? 20e6 : 0,
    )
    const calibration = await warmUpAndCalibrate(run, {}, { warmupNs: 1e6, targetBatchNs: TARGET_NS })
    expect(calls.slice(-7).every((k) => k * 350 >= 500e3)).toBe(true)
    // The median is a stalled probe: batches far too short for the target ...
    expect(calibration.batchSize).toBeLessThan(1024)
    // ... which the first five undisturbed batches of sampling correct.
    const k = calibration.batchSize
    expect(resizedBatchSize(Array(SETTLE_BATCHES).fill(k * 350), k, TARGET_NS)).toBe(16384)
  })

  it('grows batches to the probe size even when the warm-up ended early', async () => {
    // warmupNs 0 ends the warm-up after one batch of one call; the estimate must still come from
    // batches of at least 0.5 ms, not from single calls that carry the cost of timing them.
    const { run, calls } = fakeRunner(350, () => 5_000)
    const calibration = await warmUpAndCalibrate(run, {}, { warmupNs: 0, targetBatchNs: TARGET_NS })
    const probeK = calls.at(-1)!
    expect(probeK * 350).toBeGreaterThanOrEqual(500e3)
    expect(calibration.batchSize).toBe(batchSizeFor(350 + 5_000 / probeK, TARGET_NS))
    expect(calibration.batchSize).toBe(16384)
  })

  it('takes one call per batch when a single call fills half the target', async () => {
    const { run } = fakeRunner(4e6)
    const calibration = await warmUpAndCalibrate(run, {}, { warmupNs: 0, targetBatchNs: TARGET_NS })
    expect(calibration).toMatchObject({ batchSize: 1, perCallNs: 4e6, source: 'calibrated' })
  })

  it('keeps a fixed batch size as given', async () => {
    const { run, calls } = fakeRunner(350)
    const calibration = await warmUpAndCalibrate(
      run,
      {},
      { warmupNs: 0, targetBatchNs: TARGET_NS, fixedBatchSize: 512 },
    )
    expect(calibration).toMatchObject({ batchSize: 512, source: 'option' })
    expect(calls.every((k) => k === 512)).toBe(true)
  })
})

describe('resizedBatchSize', () => {
  const batches = (batchNs: number, count = SETTLE_BATCHES) => Array<number>(count).fill(batchNs)

  it('sizes batches again when the code sped up after calibration (V8 optimised it late)', () => {
    // Calibrated at ~450 µs per call: 8 calls per batch. Optimised, a call takes ~100 µs, so the
    // batches last 0.8 ms where 2.9–5.8 ms were meant.
    expect(resizedBatchSize(batches(8 * 100e3), 8, TARGET_NS)).toBe(32)
  })

  it('waits for enough batches, and leaves batches within the sticky band alone', () => {
    expect(resizedBatchSize(batches(8 * 100e3, SETTLE_BATCHES - 1), 8, TARGET_NS)).toBeUndefined()
    // 1.6 ms batches are above target / 4: kept, as a remembered size would be.
    expect(resizedBatchSize(batches(1.6e6), 16, TARGET_NS)).toBeUndefined()
    // Slower code is not the case this is for.
    expect(resizedBatchSize(batches(9e6), 16, TARGET_NS)).toBeUndefined()
  })

  it('looks at the median of the recent batches, so one fast batch does not resize', () => {
    expect(resizedBatchSize([4e6, 4e6, 0.5e6, 4e6, 4e6], 16, TARGET_NS)).toBeUndefined()
    expect(resizedBatchSize([4e6, 4e6, 0.5e6, 0.5e6, 0.5e6, 0.5e6], 16, TARGET_NS)).toBe(128)
  })

  it('keeps a remembered size that fits the new speed', () => {
    // 100 µs per call: fresh would be 32 (3.2 ms); a remembered 16 (1.6 ms) is within the band.
    expect(resizedBatchSize(batches(8 * 100e3), 8, TARGET_NS, 16)).toBe(16)
  })
})

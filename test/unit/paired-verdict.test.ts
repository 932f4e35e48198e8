import { describe, expect, it } from 'vitest'
import { COMPARE_FIRST_LOOK_ROUNDS, COMPARE_MAX_LOOKS } from '../../src/measure/defaults.js'
import { analyzePairedLogRatios, type LookVerdict, lookSchedule } from '../../src/measure/paired-verdict.js'
import { normalQuantile } from '../../src/stats/normal.js'
import { createRandom } from '../../src/stats/random.js'

const options = { confidence: 0.95, threshold: 0.02, maxLooks: COMPARE_MAX_LOOKS }

/** Synthetic per-round log-ratios: a true shift plus noise of a chosen shape, from a seeded PRNG. */
function rounds(n: number, shift: number, noise: (random: () => number) => number, seed: number): number[] {
  const random = createRandom(seed)
  return Array.from({ length: n }, () => Math.log1p(shift) + noise(random))
}
const gaussian = (sd: number) => (random: () => number) =>
  sd * normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, random())))
// Cauchy noise: no mean, no variance. A mean-based rule breaks on it; the median does not.
const cauchy = (scale: number) => (random: () => number) => scale * Math.tan(Math.PI * (random() - 0.5))
// Two modes (e.g. a GC pause in some rounds hitting a or b): symmetric, so no true difference.
const bimodal = (sd: number, jump: number) => (random: () => number) =>
  gaussian(sd)(random) + (random() < 0.1 ? (random() < 0.5 ? jump : -jump) : 0)

/** The sequential procedure of compare(), on synthetic data: look on the schedule, stop at the first decision. */
function sequentialVerdict(data: readonly number[]): LookVerdict {
  for (const n of lookSchedule(COMPARE_FIRST_LOOK_ROUNDS, COMPARE_MAX_LOOKS)) {
    if (n > data.length) break
    const verdict = analyzePairedLogRatios(data.slice(0, n), options).verdict
    if (verdict !== 'undecided') return verdict
  }
  return analyzePairedLogRatios(data, options).verdict
}

describe('analyzePairedLogRatios', () => {
  it('calls identical timings equivalent once the interval fits in the band', () => {
    const result = analyzePairedLogRatios(rounds(400, 0, gaussian(0.03), 1), options)
    expect(result.verdict).toBe('equivalent')
    expect(result.interval[0]).toBeLessThan(1)
    expect(result.interval[1]).toBeGreaterThan(1)
    expect(result.ratio).toBeCloseTo(1, 1)
  })

  it('calls a 2x difference slower, and the mirror image faster, from 20 rounds', () => {
    expect(analyzePairedLogRatios(rounds(20, 1, gaussian(0.05), 2), options).verdict).toBe('slower')
    expect(analyzePairedLogRatios(rounds(20, -0.5, gaussian(0.05), 3), options).verdict).toBe('faster')
  })

  it('with minDifference, holds back a difference below it but still calls a large one', () => {
    // A clear 10% shift on 24 rounds: beyond the 2% band, not beyond a 25% minimum difference.
    const shifted = rounds(24, 0.1, gaussian(0.01), 5)
    expect(analyzePairedLogRatios(shifted, options).verdict).toBe('slower')
    const held = analyzePairedLogRatios(shifted, { ...options, minDifference: 0.25 })
    expect(held.verdict).toBe('undecided')
    expect(held.heldBack).toBe('slower')
    expect(
      analyzePairedLogRatios(rounds(24, -0.1, gaussian(0.01), 6), { ...options, minDifference: 0.25 })
        .heldBack,
    ).toBe('faster')
    // 2x is beyond it: decided as before. Equivalence keeps the 2% band.
    expect(
      analyzePairedLogRatios(rounds(24, 1, gaussian(0.01), 7), { ...options, minDifference: 0.25 }).verdict,
    ).toBe('slower')
    const same = analyzePairedLogRatios(rounds(400, 0, gaussian(0.01), 8), {
      ...options,
      minDifference: 0.25,
    })
    expect(same.verdict).toBe('equivalent')
    expect(same.heldBack).toBeUndefined()
  })

  it('never decides on too few rounds to reach the look confidence', () => {
    // 8 rounds cannot reach 99.5% with a sign-test interval (max coverage 1 - 2/256), even for 10x.
    const result = analyzePairedLogRatios(rounds(8, 9, gaussian(0.01), 4), options)
    expect(result.verdict).toBe('undecided')
    expect(result.detectableEffect).toBe(Number.POSITIVE_INFINITY)
  })

  it('leaves a difference inside the band undecided or equivalent, never slower', () => {
    // A true 1% shift with a 2% band: real, but smaller than the practical threshold.
    for (let seed = 0; seed < 20; seed++) {
      const verdict = analyzePairedLogRatios(rounds(2000, 0.01, gaussian(0.05), seed), options).verdict
      expect(['equivalent', 'undecided']).toContain(verdict)
    }
  })

  it('is inconclusive when noise is too wide for the rounds taken, and says what it could detect', () => {
    const result = analyzePairedLogRatios(rounds(40, 0.03, gaussian(0.3), 5), options)
    expect(result.verdict).toBe('undecided')
    expect(result.detectableEffect).toBeGreaterThan(0.1)
    expect(Number.isFinite(result.detectableEffect)).toBe(true)
  })

  it('raises the bar with a larger threshold (`by`)', () => {
    const data = rounds(640, 0.1, gaussian(0.03), 6)
    expect(analyzePairedLogRatios(data, options).verdict).toBe('slower')
    expect(analyzePairedLogRatios(data, { ...options, threshold: 0.2 }).verdict).toBe('equivalent')
  })

  it('treats the interval as symmetric in log space: a 2x speed-up mirrors a 2x slow-down', () => {
    const slow = analyzePairedLogRatios(rounds(100, 1, gaussian(0.05), 7), options)
    const fast = analyzePairedLogRatios(
      rounds(100, 1, gaussian(0.05), 7).map((x) => -x),
      options,
    )
    expect(fast.ratio).toBeCloseTo(1 / slow.ratio, 10)
    expect(fast.interval[0]).toBeCloseTo(1 / slow.interval[1], 10)
  })
})

describe('sequential looks keep the false-alarm rate', () => {
  const trials = 400
  const cases = [
    ['gaussian noise', gaussian(0.05)],
    ['heavy-tailed (Cauchy) noise', cauchy(0.03)],
    ['bimodal noise', bimodal(0.03, 0.5)],
  ] as const

  for (const [label, noise] of cases) {
    it(`A/A with ${label}: never 'faster' or 'slower' in ${trials} sequential runs`, () => {
      let alarms = 0
      for (let seed = 0; seed < trials; seed++) {
        const verdict = sequentialVerdict(rounds(2560, 0, noise, 1000 + seed))
        if (verdict === 'faster' || verdict === 'slower') alarms++
      }
      // The guarantee is <= 5% for differences at the band edge; with no difference at all the
      // interval must clear the whole 2% band, which the data here essentially never do.
      expect(alarms).toBe(0)
    })
  }

  it('calls a true 5% slowdown slower in at least 95% of runs with per-round noise of 5%', () => {
    let slower = 0
    for (let seed = 0; seed < trials; seed++) {
      if (sequentialVerdict(rounds(2560, 0.05, gaussian(0.05), 5000 + seed)) === 'slower') slower++
    }
    expect(slower / trials).toBeGreaterThanOrEqual(0.95)
  })

  it('puts its errors where the theory says: at the band edge, alarms stay under 1 - confidence', () => {
    // A true difference exactly at the threshold: calling it 'slower' is the error the
    // interval rule bounds (one-sided, so at most (1 - confidence) / 2 per run in theory).
    let slower = 0
    for (let seed = 0; seed < trials; seed++) {
      if (sequentialVerdict(rounds(2560, 0.02, gaussian(0.05), 9000 + seed)) === 'slower') slower++
    }
    expect(slower / trials).toBeLessThanOrEqual(0.05)
  })
})

describe('lookSchedule', () => {
  it('doubles from the first look and leaves the last look to the time cap', () => {
    expect(lookSchedule(20, 10)).toEqual([20, 40, 80, 160, 320, 640, 1280, 2560, 5120])
  })
})

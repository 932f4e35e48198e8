import { describe, expect, it } from 'vitest'
import {
  compareProcesses,
  DEFAULT_PROCESS_SPREAD,
  PROCESS_SPREAD_PRIOR_DF,
  processMediansNs,
  typicalProcesses,
  wildProcesses,
} from '../../src/baseline/process-spread.js'
import { studentTCdf } from '../../src/stats/student-t.js'

describe('processMediansNs', () => {
  it('gives the per-call median of each process, split by batchesPerRun', () => {
    // Batches of 4 calls: 400, 800, 1200 ns → 100, 200, 300 ns per call; then 40, 44 → 10, 11.
    const bench = { batchSize: 4, batchTimesNs: [400, 1200, 800, 40, 44], batchesPerRun: [3, 2] }
    expect(processMediansNs(bench)).toEqual([200, 10.5])
  })

  it('counts everything as one process when the split is missing or does not add up', () => {
    expect(processMediansNs({ batchSize: 1, batchTimesNs: [1, 2, 3] })).toEqual([2])
    expect(processMediansNs({ batchSize: 1, batchTimesNs: [1, 2, 3], batchesPerRun: [1, 1] })).toEqual([2])
    expect(processMediansNs({ batchSize: 1, batchTimesNs: [1, 2, 3], batchesPerRun: [3, 0] })).toEqual([2])
  })
})

describe('compareProcesses', () => {
  // With no prior it is the classic pooled two-sample t test on the logs. Reference: R 4.3,
  // t.test(1:5, c(2, 4, 6, 8, 10), var.equal = TRUE): t = −1.8974, df = 8, p = 0.09435,
  // 95% CI −6.646 to 0.646.
  const x = [1, 2, 3, 4, 5].map(Math.exp)
  const y = [2, 4, 6, 8, 10].map(Math.exp)

  it('without a prior, is the pooled t test (R t.test with var.equal)', () => {
    const c = compareProcesses(x, y, 0.95, { priorDf: 0 })
    expect(c.df).toBe(8)
    expect(c.direction).toBe('faster')
    expect(2 * c.pValue).toBeCloseTo(0.09435, 5)
    expect(Math.log(c.interval[0])).toBeCloseTo(-6.646, 3)
    expect(Math.log(c.interval[1])).toBeCloseTo(0.646, 3)
    expect(Math.log(c.ratio)).toBeCloseTo(-3, 12)
    expect(c.spread).toBeCloseTo(2.5, 12) // √(50 / 8)
    expect(c.processes).toEqual([5, 5])
    expect(c.centerNs[0]).toBeCloseTo(Math.exp(3), 9)
  })

  it('shrinks the spread toward the prior, which adds its degrees of freedom', () => {
    // Squares 4·1² + 10 + 40 = 54 over 4 + 8 = 12 degrees of freedom.
    const c = compareProcesses(x, y, 0.95, { priorDf: 4, priorSpread: 1 })
    expect(c.df).toBe(12)
    expect(c.spread).toBeCloseTo(Math.sqrt(54 / 12), 12)
    const t = -3 / (Math.sqrt(54 / 12) * Math.sqrt(2 / 5))
    expect(c.pValue).toBeCloseTo(studentTCdf(t, 12), 14)
  })

  it('gives one process on each side an honest, wide interval from the default prior', () => {
    const c = compareProcesses([1100], [1000], 0.95)
    expect(c.df).toBe(PROCESS_SPREAD_PRIOR_DF)
    expect(c.spread).toBeCloseTo(DEFAULT_PROCESS_SPREAD, 12)
    // t(0.975, 4) = 2.776 × 3% × √2: ±11.8% around a 10% slowdown.
    expect(c.halfWidthLog).toBeCloseTo(2.776445 * 0.03 * Math.SQRT2, 5)
    expect(c.interval[0]).toBeLessThan(1)
    expect(c.ratio).toBeCloseTo(1.1, 12)
  })

  it('takes medians of 0 as the smallest positive one, and says nothing without processes', () => {
    expect(compareProcesses([0, 2], [2, 2], 0.95).centerNs[0]).toBeCloseTo(2, 12)
    const none = compareProcesses([], [1], 0.95)
    expect(none.ratio).toBeNaN()
    expect(none.interval).toEqual([0, Number.POSITIVE_INFINITY])
  })
})

describe('wildProcesses', () => {
  it('finds one process far from four that agree', () => {
    const wild = wildProcesses([1000, 1010, 990, 1005, 1700])
    expect(wild).toHaveLength(1)
    expect(wild[0]).toMatchObject({ index: 4, medianNs: 1700 })
    expect(wild[0]!.ratio).toBeCloseTo(1.7 / 1.005, 2)
  })

  it('finds a second state two processes share', () => {
    expect(wildProcesses([1000, 1200, 1000, 1210, 1005]).map((w) => w.index)).toEqual([1, 3])
  })

  it('leaves the ordinary spread alone, and says nothing with fewer than 4 processes', () => {
    // 2–4% between processes: this machine's usual spread.
    expect(wildProcesses([1000, 1030, 980, 1040, 1010])).toEqual([])
    // 9% off four that agree exactly: beyond 3.5 robust deviations, but not 10% off.
    expect(wildProcesses([1000, 1000, 1000, 1000, 1090])).toEqual([])
    expect(wildProcesses([1000, 1000, 1700])).toEqual([])
  })
})

describe('typicalProcesses', () => {
  it('keeps the processes that agree, in order, and names the wild ones', () => {
    const { keptNs, wild } = typicalProcesses([1000, 1200, 1000, 1210, 1005])
    expect(keptNs).toEqual([1000, 1000, 1005])
    expect(wild.map((w) => w.medianNs)).toEqual([1200, 1210])
  })

  it('keeps everything when no process is wild, or there are fewer than 4', () => {
    expect(typicalProcesses([1000, 1030, 980, 1040, 1010])).toEqual({
      keptNs: [1000, 1030, 980, 1040, 1010],
      wild: [],
    })
    expect(typicalProcesses([1000, 1000, 1700]).keptNs).toEqual([1000, 1000, 1700])
  })
})

import { describe, expect, it } from 'vitest'
import {
  compareProcesses,
  DEFAULT_PROCESS_SPREAD,
  PROCESS_SPREAD_PRIOR_DF,
  PROCESS_TIME_QUANTILE,
  processMediansNs,
  processTimesNs,
  typicalProcesses,
  wildProcesses,
} from '../../src/baseline/process-spread.js'
import { createRandom } from '../../src/stats/random.js'
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

describe('processTimesNs', () => {
  it("gives each process's per-call 10th percentile, split by batchesPerRun", () => {
    expect(PROCESS_TIME_QUANTILE).toBe(0.1)
    // 11 batches of 2 calls, 200..1200 ns in steps of 100 → per call 100..600; the 10th
    // percentile of 11 sorted values is the second (index 1): 150. Then 2 batches: 10, 20 per call
    // → 10 + 0.1 × (20 − 10) = 11.
    const first = [1200, 200, 1100, 300, 1000, 400, 900, 500, 800, 600, 700]
    const bench = { batchSize: 2, batchTimesNs: [...first, 20, 40], batchesPerRun: [11, 2] }
    expect(processTimesNs(bench)).toEqual([150, 11])
    expect(processMediansNs(bench)).toEqual([350, 15])
  })

  it('is not moved by a slow stretch that covers most of a process, where the median is', () => {
    // 30 batches: the last 18 ran at 1.9× (the machine's slow period), the first 12 at ~1000 ns.
    const fast = Array.from({ length: 12 }, (_, i) => 1000 + i)
    const slow = Array.from({ length: 18 }, (_, i) => 1900 + i)
    const bench = { batchSize: 1, batchTimesNs: [...fast, ...slow] }
    expect(processMediansNs(bench)[0]).toBeGreaterThan(1900)
    expect(processTimesNs(bench)[0]).toBeCloseTo(1002.9, 6)
  })

  it('counts everything as one process when the split is missing, and gives none without batches', () => {
    expect(processTimesNs({ batchSize: 1, batchTimesNs: [1, 2, 3], batchesPerRun: [1, 1] })).toEqual([1.2])
    expect(processTimesNs({ batchSize: 1, batchTimesNs: [] })).toEqual([])
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
    expect(wild[0]).toMatchObject({ index: 4, timeNs: 1700 })
    expect(wild[0]!.ratio).toBeCloseTo(1.7 / 1.005, 2)
  })

  it('finds a second state two processes share', () => {
    expect(wildProcesses([1000, 1200, 1000, 1210, 1005]).map((w) => w.index)).toEqual([1, 3])
  })

  it('finds 3–4 slow processes of 10, which the spread of all ten would hide', () => {
    // Baseline of 'map filter reduce 1k', bench/regression-accuracy.ts run 13 (a disturbed hour):
    // six processes at 94–102 µs, four at 115–149 µs. Over all ten, the robust deviation is 9%
    // and only 145 and 149 µs are beyond 3.5 of them; the six fast ones alone spread 2%.
    const mediansNs = [97054, 94492, 133869, 101605, 145194, 149371, 115175, 102373, 100828, 99685]
    expect(wildProcesses(mediansNs).map((w) => w.index)).toEqual([2, 4, 5, 6])
  })

  it('looks again once the slowest are out: they hid a less slow one', () => {
    // 'CSV split 200 fields', the same run: 227 and 212 µs widen the deviation until 189 µs
    // (1.25× the fastest) counts as ordinary; without them it does not.
    const mediansNs = [151631, 153543, 163498, 160036, 227165, 188970, 211665, 151666, 155464, 151739]
    expect(wildProcesses(mediansNs).map((w) => w.index)).toEqual([4, 5, 6])
  })

  it('still finds a fast process, whose deviation the fast half cannot hide', () => {
    expect(wildProcesses([600, 1000, 1005, 1010, 1000]).map((w) => w.index)).toEqual([0])
  })

  it('never leaves out half of the processes or more', () => {
    // Two of four at 1.3 and 1.6: no majority to measure the others against.
    expect(wildProcesses([1000, 1000, 1300, 1600])).toEqual([])
    // Two states of five processes each: neither is "the rest".
    expect(wildProcesses([1000, 1010, 1000, 1005, 995, 1300, 1310, 1290, 1305, 1300])).toEqual([])
    // Any mix of ordinary and slow processes: 4–12 of them, 2% spread, some 1.1–3× slow.
    const random = createRandom(4)
    for (let trial = 0; trial < 2000; trial++) {
      const n = 4 + Math.floor(random() * 9)
      const mediansNs = Array.from({ length: n }, () => {
        const ordinary = 1000 * Math.exp(0.02 * (random() + random() + random() - 1.5))
        return random() < 0.45 ? ordinary * (1.1 + 1.9 * random()) : ordinary
      })
      expect(wildProcesses(mediansNs).length, JSON.stringify(mediansNs)).toBeLessThan(n / 2)
    }
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
    expect(wild.map((w) => w.timeNs)).toEqual([1200, 1210])
  })

  it('keeps everything when no process is wild, or there are fewer than 4', () => {
    expect(typicalProcesses([1000, 1030, 980, 1040, 1010])).toEqual({
      keptNs: [1000, 1030, 980, 1040, 1010],
      wild: [],
    })
    expect(typicalProcesses([1000, 1020, 1100]).keptNs).toEqual([1000, 1020, 1100])
  })

  it('leaves out any process 1.3× the fastest or slower as a slow period, however many, and keeps the fastest', () => {
    // Run 15 of bench/regression-accuracy.ts, 'regex test email': fresh processes at 1.01, 1.95, 1.02.
    const three = typicalProcesses([569, 1109, 580])
    expect(three.keptNs).toEqual([569, 580])
    expect(three.wild).toEqual([{ index: 1, timeNs: 1109, kind: 'slow-period', ratio: 1109 / 569 }])
    // Six of ten slow: more than the far rule would ever leave out, but a change of the code
    // would have moved all ten.
    const ten = typicalProcesses([1000, 1900, 1010, 1850, 1950, 990, 2000, 1005, 1880, 1920])
    expect(ten.keptNs).toEqual([1000, 1010, 990, 1005])
    expect(ten.wild.every((w) => w.kind === 'slow-period')).toBe(true)
    expect(ten.wild.map((w) => w.index)).toEqual([1, 3, 4, 6, 8, 9])
    // All slow together is no slow period to tell apart: a real slowdown moves every process.
    expect(typicalProcesses([1900, 1950, 1880]).keptNs).toEqual([1900, 1950, 1880])
    // Just under the margin stays.
    expect(typicalProcesses([1000, 1290]).keptNs).toEqual([1000, 1290])
    expect(typicalProcesses([1000, 1300]).keptNs).toEqual([1000])
  })

  it('takes a process far faster than the rest out before it looks for slow periods', () => {
    // Otherwise the four ordinary processes would all read 1.67× the fastest.
    const { keptNs, wild } = typicalProcesses([1000, 1010, 990, 1000, 600])
    expect(keptNs).toEqual([1000, 1010, 990, 1000])
    expect(wild).toEqual([expect.objectContaining({ index: 4, kind: 'far' })])
  })

  it('applies the far rule to what the slow-period rule keeps', () => {
    // 1.2× is no slow period, but far from four that agree within 1%.
    const { keptNs, wild } = typicalProcesses([1000, 1200, 1005, 995, 1000, 1950])
    expect(keptNs).toEqual([1000, 1005, 995, 1000])
    expect(wild.map((w) => [w.index, w.kind])).toEqual([
      [1, 'far'],
      [5, 'slow-period'],
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { benjaminiHochbergAdjust, holmAdjust } from '../../src/stats/multiple-testing.js'

/*
 * Reference values. R was not available where these tests were written, so the outputs are the
 * ones recorded from R in statsmodels' test suite (statsmodels/stats/tests/test_multi.py,
 * `res_multtest1` and `res_multtest3`): R's multtest::mt.rawp2adjp(p, c("Holm", "BH")), whose Holm
 * and BH are the same step-down / step-up formulas as stats::p.adjust(p, "holm") and
 * p.adjust(p, "BH"). statsmodels lists them sorted by raw p-value; below they are in input order.
 */

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((value, i) => {
    expect(Math.abs(value - expected[i]!), `entry ${i}: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-14 * Math.max(1, expected[i]!),
    )
  })
}

// p <- c(0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238,
//        0.177096952723, 5.23656777208e-05, 0.0202732688798, 0.00028140506198, 0.0149877310796)
const p10 = [
  0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238, 0.177096952723,
  5.23656777208e-5, 0.0202732688798, 0.00028140506198, 0.0149877310796,
]

// p3 <- c(0.001, 0.002, 0.003, 0.004, 0.005, 0.05, 0.06, 0.07, 0.08, 0.09)
const p3 = [0.001, 0.002, 0.003, 0.004, 0.005, 0.05, 0.06, 0.07, 0.08, 0.09]

describe('holmAdjust', () => {
  it("matches R's Holm adjustment (mt.rawp2adjp / p.adjust(p, 'holm'))", () => {
    // Holm, sorted: 5.2365677720800005e-04 2.5326455578199999e-03 1.1990184863680001e-01
    //               1.4191288215860001e-01 1 1 1 1 1 1
    expectClose(
      holmAdjust(p10),
      [1, 1, 1, 1, 1, 1, 5.2365677720800005e-4, 0.1419128821586, 0.00253264555782, 0.1199018486368],
    )
    // Holm: 0.01 0.018 0.024 0.028 0.03 0.25 0.25 0.25 0.25 0.25
    expectClose(holmAdjust(p3), [0.01, 0.018, 0.024, 0.028, 0.03, 0.25, 0.25, 0.25, 0.25, 0.25])
  })

  it('is Holm by hand on a small vector: sorted 0.01, 0.03, 0.05, 0.5 times 4, 3, 2, 1', () => {
    expectClose(holmAdjust([0.05, 0.03, 0.01, 0.5]), [0.1, 0.09, 0.04, 0.5])
  })

  it('keeps running maxima, so a larger raw p-value never gets a smaller adjusted one', () => {
    // 3 × 0.02 = 0.06 would undercut the first step's 4 × 0.019 = 0.076.
    expectClose(holmAdjust([0.019, 0.02, 0.9, 0.95]), [0.076, 0.076, 1, 1])
  })
})

describe('benjaminiHochbergAdjust', () => {
  it("matches R's BH adjustment (mt.rawp2adjp / p.adjust(p, 'BH'))", () => {
    // BH, sorted: 5.2365677720800005e-04 1.4070253098999999e-03 4.9959103598666670e-02
    //             5.0683172199499998e-02 3.5419390544599999e-01 8.9533672797500008e-01 (×3)
    //             9.3171263061444454e-01 9.6783382430900000e-01
    expectClose(
      benjaminiHochbergAdjust(p10),
      [
        0.93171263061444454, 0.89533672797500008, 0.89533672797500008, 0.967833824309, 0.89533672797500008,
        0.354193905446, 5.2365677720800005e-4, 0.050683172199499998, 0.0014070253098999999,
        0.04995910359866667,
      ],
    )
    // BH: 0.01 (×5) 0.08333333333333334 0.0857142857142857 0.0875 0.0888888888888889 0.09
    expectClose(
      benjaminiHochbergAdjust(p3),
      [
        0.01, 0.01, 0.01, 0.01, 0.01, 0.08333333333333334, 0.0857142857142857, 0.0875, 0.0888888888888889,
        0.09,
      ],
    )
  })

  it('is BH by hand on a small vector: sorted p × 4 / rank, running minimum from the top', () => {
    expectClose(benjaminiHochbergAdjust([0.05, 0.03, 0.01, 0.5]), [0.05 * (4 / 3), 0.06, 0.04, 0.5])
  })
})

describe.each([
  ['holmAdjust', holmAdjust],
  ['benjaminiHochbergAdjust', benjaminiHochbergAdjust],
] as const)('%s', (name, adjust) => {
  it('returns values in input order, monotone in the raw p-values, capped at 1, never below the raw p-value', () => {
    const p = [0.3, 0.001, 0.04, 0.04, 0.9, 0.0002, 0.5, 0.02, 0.011]
    const adjusted = adjust(p)
    const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!)
    for (let k = 1; k < order.length; k++) {
      expect(adjusted[order[k]!]!).toBeGreaterThanOrEqual(adjusted[order[k - 1]!]!)
    }
    adjusted.forEach((q, i) => {
      expect(q).toBeLessThanOrEqual(1)
      expect(q).toBeGreaterThanOrEqual(p[i]!)
    })
    // Tied raw p-values get tied adjusted ones.
    expect(adjusted[2]).toBe(adjusted[3])
  })

  it('leaves a single p-value as it is and an empty list empty', () => {
    expect(adjust([0.03])).toEqual([0.03])
    expect(adjust([])).toEqual([])
  })

  it('passes NaN through and does not count it, as R does with NA', () => {
    const withNaN = adjust([0.01, Number.NaN, 0.04])
    expect(withNaN[1]).toBeNaN()
    expect([withNaN[0], withNaN[2]]).toEqual(adjust([0.01, 0.04]))
  })

  it('rejects p-values outside [0, 1]', () => {
    expect(() => adjust([0.2, 1.5])).toThrow(`${name}: p-value 1 is 1.5; p-values must lie in [0, 1]`)
    expect(() => adjust([-0.1])).toThrow(RangeError)
  })
})

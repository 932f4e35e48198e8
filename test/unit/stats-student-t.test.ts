import { describe, expect, it } from 'vitest'
import { studentTCdf, studentTQuantile } from '../../src/stats/student-t.js'

describe('studentTQuantile', () => {
  // Reference values: standard t tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), which
  // agree with scipy.stats.t.ppf to the digits shown.
  it.each([
    [0.975, 10, 2.228139],
    [0.975, 30, 2.042272],
    [0.95, 9, 1.833113],
    [0.995, 20, 2.84534],
    [0.9, 100, 1.290075],
  ])('t(%f, df=%i) ≈ %f within 5e-5 relative', (p, df, expected) => {
    expect(Math.abs(studentTQuantile(p, df) - expected) / expected).toBeLessThan(5e-5)
  })

  it('is antisymmetric and approaches the normal quantile as df grows', () => {
    expect(studentTQuantile(0.025, 12)).toBeCloseTo(-studentTQuantile(0.975, 12), 12)
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5)
  })
})

describe('studentTQuantile at small df', () => {
  // The same tables (NIST/SEMATECH 1.3.6.7.2); df 1 and 2 also have closed forms:
  // df 1 is Cauchy, tan(π(p − ½)); df 2 is (2p − 1)·√(2 / (4p(1 − p))).
  it.each([
    [0.975, 4, 2.776445],
    [0.975, 6, 2.446912],
    [0.95, 5, 2.015048],
    [0.995, 3, 5.840909],
    [0.9995, 4, 8.610302],
  ])('t(%f, df=%i) ≈ %f within 1e-6 relative', (p, df, expected) => {
    expect(Math.abs(studentTQuantile(p, df) - expected) / expected).toBeLessThan(1e-6)
  })

  it.each([0.6, 0.9, 0.975, 0.999])('matches the closed forms at df 1 and 2 (p = %f)', (p) => {
    expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8)
    expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 8)
  })
})

describe('studentTCdf', () => {
  it.each([0.3, 1, 2.5, 10])('matches the closed forms at df 1 and 2 (t = %f)', (t) => {
    expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13)
    expect(studentTCdf(-t, 2)).toBeCloseTo(0.5 - t / (2 * Math.sqrt(2 + t * t)), 13)
  })

  it('inverts studentTQuantile and keeps far-tail p-values relative', () => {
    for (const df of [3, 4.5, 8, 20, 200]) {
      for (const p of [0.001, 0.025, 0.3, 0.9])
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10)
    }
    // df 2 closed form: P(T < −1000) = ½ − 1000 / (2√(1000002)) ≈ 4.99999e−7, not 0.
    const tail = studentTCdf(-1000, 2)
    expect(Math.abs(tail - (0.5 - 1000 / (2 * Math.sqrt(1_000_002)))) / tail).toBeLessThan(1e-6)
  })

  it('is a distribution function: 0 and 1 at the ends, ½ at 0, symmetric', () => {
    expect(studentTCdf(Number.NEGATIVE_INFINITY, 5)).toBe(0)
    expect(studentTCdf(Number.POSITIVE_INFINITY, 5)).toBe(1)
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 14)
    expect(studentTCdf(1.3, 7) + studentTCdf(-1.3, 7)).toBeCloseTo(1, 14)
    expect(studentTCdf(1, 0)).toBeNaN()
  })
})

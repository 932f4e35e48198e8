import { describe, expect, it } from 'vitest'
import { studentTQuantile } from '../../src/stats/student-t.js'

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

import { describe, expect, it } from 'vitest'
import { normalCdf, normalPdf, normalQuantile, normalQuantileApproximation } from '../../src/stats/normal.js'

const relativeError = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / Math.abs(expected)

describe('normalQuantile', () => {
  it('matches R qnorm at the usual confidence levels', () => {
    // R 4.x: qnorm(0.975), qnorm(0.995).
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14)
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12)
    expect(normalQuantile(0.5)).toBe(0)
  })

  // Reference: mpmath 1.3 at 40 digits, solving ln Φ(z) = ln p with findroot.
  it.each([
    [1e-300, -37.0470962993612],
    [1e-100, -21.273453560965326],
    [1e-20, -9.262340089798407],
    [1e-10, -6.361340902404057],
    [1e-5, -4.264890793922825],
    [0.001, -3.0902323061678136],
    [0.025, -1.9599639845400543],
    [0.1, -1.2815515655446006],
    [0.3, -0.5244005127080408],
  ])('p = %s within 1e-13 relative (and the approximation alone within 1.15e-9)', (p, expected) => {
    expect(relativeError(normalQuantile(p), expected)).toBeLessThan(1e-13)
    // The upper half mirrors the lower; 1 − p itself is inexact in the far tail, so check it from 1e-5.
    if (p >= 1e-5) expect(relativeError(normalQuantile(1 - p), -expected)).toBeLessThan(1e-10)
    expect(relativeError(normalQuantileApproximation(p), expected)).toBeLessThan(1.15e-9)
  })

  it('is the inverse of normalCdf', () => {
    for (const p of [1e-8, 0.01, 0.2, 0.5, 0.8, 0.99]) {
      expect(relativeError(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-13)
    }
  })

  it('returns infinities at 0 and 1 and rejects anything outside', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY)
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY)
    expect(() => normalQuantile(1.5)).toThrow(RangeError)
    expect(() => normalQuantile(-0.1)).toThrow(RangeError)
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError)
  })
})

describe('normalCdf', () => {
  // Reference: mpmath 1.3 ncdf at 30 digits.
  it.each([
    [-37, 5.725571222524577e-300],
    [-20, 2.7536241186062337e-89],
    [-10, 7.619853024160525e-24],
    [-5, 2.866515718791939e-7],
    [-3, 0.0013498980316300946],
    [-2, 0.02275013194817921],
    [-1.5, 0.06680720126885807],
    [-1, 0.15865525393145705],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [2, 0.9772498680518208],
    [3, 0.9986501019683699],
    [5, 0.9999997133484281],
  ])('Φ(%s) = %s within 1e-14 relative', (x, expected) => {
    expect(relativeError(normalCdf(x), expected)).toBeLessThan(1e-14)
  })

  it('is symmetric and continuous across the method switch at |x| = 2', () => {
    for (const x of [0.1, 1.9999999, 2, 2.0000001, 4]) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15)
    }
    expect(relativeError(normalCdf(-2.0000001), normalCdf(-1.9999999))).toBeLessThan(1e-6)
  })

  it('saturates and passes NaN through', () => {
    expect(normalCdf(-50)).toBe(0)
    expect(normalCdf(50)).toBe(1)
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0)
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1)
    expect(normalCdf(Number.NaN)).toBeNaN()
  })

  it('normalPdf matches 1/√(2π) at 0', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 16)
  })
})

import { leastSquaresLine } from '../stats/linear-regression.js'

/**
 * The growth classes a scaling claim can name, fastest-growing last. Each is a function f(n) of
 * the input size; a claim says the time per call grows no faster than f (see judge-scaling.ts).
 */
export const SCALING_CLASSES = ['constant', 'log', 'linear', 'nlogn', 'quadratic', 'cubic'] as const

/** A growth class: `'linear'` means time ∝ n, `'nlogn'` time ∝ n·log n, and so on. */
export type ScalingClass = (typeof SCALING_CLASSES)[number]

/** Whether `value` names a growth class. */
export function isScalingClass(value: unknown): value is ScalingClass {
  return typeof value === 'string' && (SCALING_CLASSES as readonly string[]).includes(value)
}

/** How each class reads in messages: `n log n`, `n²`. */
export const SCALING_CLASS_FORMULA: Readonly<Record<ScalingClass, string>> = {
  constant: '1',
  log: 'log n',
  linear: 'n',
  nlogn: 'n log n',
  quadratic: 'n²',
  cubic: 'n³',
}

/**
 * The class's growth function at size n. log n is taken as ln(n + 1) so that size 1 has a
 * positive value; above a few hundred the difference from ln n is below 0.1%. The base of the
 * logarithm does not matter: it is a constant factor, which the exponent ignores.
 */
export function classGrowth(scalingClass: ScalingClass, n: number): number {
  const log = Math.log(n + 1)
  switch (scalingClass) {
    case 'constant':
      return 1
    case 'log':
      return log
    case 'linear':
      return n
    case 'nlogn':
      return n * log
    case 'quadratic':
      return n * n
    case 'cubic':
      return n * n * n
  }
}

/**
 * The exponent a class shows over these sizes: the least-squares slope of log f(n) against
 * log n, fitted the way the measured times are. Power laws give their power whatever the sizes
 * (0, 1, 2, 3); log n and n log n have a local exponent that shrinks as n grows (1/ln n more than
 * n's), so theirs depends on the range: n log n over 1e3–1e5 is 1.11, over 10–100 it is 1.28.
 */
export function classExponent(scalingClass: ScalingClass, sizes: readonly number[]): number {
  const x = sizes.map((n) => Math.log(n))
  const y = sizes.map((n) => Math.log(classGrowth(scalingClass, n)))
  // Two sizes (the largest-sizes check) have one slope; a line fit needs three points.
  const slope = sizes.length === 2 ? (y[1]! - y[0]!) / (x[1]! - x[0]!) : leastSquaresLine(x, y).slope
  // Exact for power laws; rounding would otherwise show 0.9999999999999998 for 'linear'.
  return Math.abs(slope - Math.round(slope)) < 1e-9 ? Math.round(slope) : slope
}

/** The class whose exponent over these sizes is nearest `exponent` (the slower-growing one on a tie). */
export function nearestClass(exponent: number, sizes: readonly number[]): ScalingClass {
  let best: ScalingClass = SCALING_CLASSES[0]
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of SCALING_CLASSES) {
    const distance = Math.abs(classExponent(c, sizes) - exponent)
    if (distance < bestDistance) {
      best = c
      bestDistance = distance
    }
  }
  return best
}

import { normalQuantile } from './normal.js'

/**
 * Student t quantile by the Cornish–Fisher expansion around the normal quantile (Abramowitz &
 * Stegun 26.7.5, four terms). Relative error below 5e−5 for df ≥ 9 at p ≤ 0.995 and below 4e−4 at
 * p = 0.9995 (checked against scipy.stats.t.ppf); compareResults keeps df ≥ 9. Fractional df
 * (Welch) are fine.
 */
export function studentTQuantile(p: number, df: number): number {
  const x = normalQuantile(p)
  const x2 = x * x
  const g1 = (x * (x2 + 1)) / 4
  const g2 = (x * ((5 * x2 + 16) * x2 + 3)) / 96
  const g3 = (x * (((3 * x2 + 19) * x2 + 17) * x2 - 15)) / 384
  const g4 = (x * ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945)) / 92160
  return x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

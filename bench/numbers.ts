/** Small statistics and formatting helpers for the self-benchmark (not part of perfgate). */

import { mean } from '../src/stats/moments.js'
import { quantile as quantileOfSorted } from '../src/stats/quantile.js'
import { sortSamples } from '../src/stats/sorted-samples.js'

/** Type-7 quantile of unsorted values (perfgate's own); NaN for no values, so a table shows a gap. */
export function quantile(values: readonly number[], p: number): number {
  return values.length === 0 ? Number.NaN : quantileOfSorted(sortSamples(values), p)
}

/** Pearson correlation of two equally long series; NaN when either does not vary. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my)
    sxx += (xs[i]! - mx) ** 2
    syy += (ys[i]! - my) ** 2
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy)
}

export const median = (values: readonly number[]): number => quantile(values, 0.5)
export const minOf = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : Math.min(...values)
export const maxOf = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : Math.max(...values)

/** A duration in nanoseconds with a unit that keeps 3 significant digits. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns)
  const abs = Math.abs(ns)
  if (abs < 10) return `${ns.toFixed(2)} ns`
  if (abs < 1e3) return `${ns.toFixed(1)} ns`
  if (abs < 1e6) return `${(ns / 1e3).toFixed(abs < 1e4 ? 2 : 1)} µs`
  if (abs < 1e9) return `${(ns / 1e6).toFixed(abs < 1e7 ? 2 : 0)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

export const formatMs = (ns: number): string => `${(ns / 1e6).toFixed(0)} ms`

/** A relative error, signed: +1.2% / -0.4%. */
export function formatSignedPercent(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
}

/** A share of a count: `3/100 (3.0%)`. */
export function formatShare(count: number, total: number): string {
  return `${count}/${total} (${total === 0 ? '–' : ((count / total) * 100).toFixed(1)}%)`
}

export const formatRatio = (x: number): string => x.toFixed(3)

export function formatRange(values: readonly number[]): string {
  return values.length === 0 ? '–' : `${formatRatio(minOf(values))}–${formatRatio(maxOf(values))}`
}

/** Run a full collection between trials (node --expose-gc), so garbage of one trial does not land in the next. */
export function collectGarbage(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

import { quantile } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'
import type { WebAggregation, WebMetricSeries, WebUnit } from './types.js'

/**
 * Aggregate one metric's per-run values. Nulls (runs without the metric) are left out; with no
 * value at all the result is null. The median of an even count is the mean of the middle two,
 * and p75 interpolates between order statistics, as Lighthouse CI does.
 */
export function aggregateRuns(
  values: readonly (number | null)[],
  aggregation: WebAggregation,
): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (present.length === 0) return null
  switch (aggregation) {
    case 'min':
      return Math.min(...present)
    case 'max':
      return Math.max(...present)
    case 'mean':
      return present.reduce((sum, v) => sum + v, 0) / present.length
    case 'median':
      return quantile(sortSamples(present), 0.5)
    case 'p75':
      return quantile(sortSamples(present), 0.75)
  }
}

/** Build a metric series from per-run values. */
export function metricSeries(
  unit: WebUnit,
  runs: readonly (number | null)[],
  aggregation: WebAggregation,
  missing?: string,
): WebMetricSeries {
  const series: WebMetricSeries = { unit, runs: [...runs], value: aggregateRuns(runs, aggregation) }
  if (missing !== undefined && runs.some((v) => v === null)) series.missing = missing
  return series
}

import { mean, standardDeviation } from '../stats/moments.js'
import { classifyOutliers } from '../stats/outliers.js'
import { quantile } from '../stats/quantile.js'
import { quantileInterval } from '../stats/quantile-interval.js'
import { sortSamples } from '../stats/sorted-samples.js'
import type { BenchStats } from './types.js'

/**
 * Summarise raw batch times into per-call statistics. Pure: the same batches give the same stats
 * in any process, which is what lets a baseline be re-summarised later.
 */
export function summarizeBatches(
  batchTimesNs: readonly number[],
  batchSize: number,
  confidence: number,
): BenchStats {
  if (batchTimesNs.length === 0) throw new RangeError('summarizeBatches needs at least one batch')
  const perCall = batchTimesNs.map((t) => t / batchSize)
  const sorted = sortSamples(perCall)
  const meanNs = mean(perCall)
  const sdNs = standardDeviation(perCall)
  const medianNs = quantile(sorted, 0.5)
  const median = quantileInterval(sorted, 0.5, confidence)
  const p95 = quantileInterval(sorted, 0.95, confidence)
  const outliers = classifyOutliers(sorted)
  return {
    granularity: batchSize === 1 ? 'call' : 'batch-mean',
    samples: perCall.length,
    calls: perCall.length * batchSize,
    meanNs,
    medianNs,
    p75Ns: quantile(sorted, 0.75),
    p90Ns: quantile(sorted, 0.9),
    p95Ns: quantile(sorted, 0.95),
    p99Ns: quantile(sorted, 0.99),
    minNs: sorted[0]!,
    maxNs: sorted[sorted.length - 1]!,
    sdNs,
    cv: meanNs > 0 ? sdNs / meanNs : 0,
    opsPerSec: medianNs > 0 ? 1e9 / medianNs : Number.POSITIVE_INFINITY,
    confidence,
    medianIntervalNs: [median.lo, median.hi],
    p95IntervalNs: [p95.lo, p95.hi],
    outliers: {
      lowSevere: outliers.lowSevere,
      lowMild: outliers.lowMild,
      highMild: outliers.highMild,
      highSevere: outliers.highSevere,
    },
  }
}

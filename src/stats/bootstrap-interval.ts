import { quantile } from './quantile.js'
import { createRandom, DEFAULT_SEED } from './random.js'
import { assumeSorted } from './sorted-samples.js'

/** Default confidence of a bootstrap interval. */
export const DEFAULT_BOOTSTRAP_CONFIDENCE = 0.95
/**
 * Default number of bootstrap resamples: enough that the 2.5% and 97.5% percentiles of the
 * bootstrap distribution move by well under their own sampling error between seeds.
 */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Coverage of the interval, in (0, 1). @default DEFAULT_BOOTSTRAP_CONFIDENCE (0.95) */
  confidence?: number
  /** Number of resamples, a whole number ≥ 1. @default DEFAULT_BOOTSTRAP_RESAMPLES (2000) */
  resamples?: number
  /** Uniform [0, 1) source. @default createRandom(DEFAULT_SEED), so results are reproducible */
  random?: () => number
}

/** A bootstrap confidence interval around a point estimate. */
export interface BootstrapInterval {
  /** Lower percentile of the bootstrap distribution. */
  lo: number
  /** Upper percentile of the bootstrap distribution. */
  hi: number
  /** The statistic on the original samples. */
  estimate: number
}

/**
 * Percentile bootstrap interval (Efron 1979): resample `xs` with replacement `resamples` times,
 * apply `statistic` to each resample, and take the α/2 and 1 − α/2 type-7 quantiles of the results.
 * Deterministic with the default generator. O(resamples · (n + cost of statistic)).
 *
 * To spare an allocation per resample, `statistic` receives the same scratch array every time,
 * refilled between calls: it may reorder it (e.g. sort it in place) but must not keep it. It also
 * receives a copy of `xs` for the estimate, so `xs` itself is never touched.
 *
 * The percentile bootstrap can under-cover for small n (say below 20) and for statistics of the
 * far tails; prefer `quantileInterval` for a quantile, which is exact.
 *
 * @throws {RangeError} when `xs` is empty, an option is out of range, or `statistic` returns NaN.
 */
export function bootstrapInterval(
  xs: readonly number[],
  statistic: (resample: number[]) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const n = xs.length
  if (n === 0) throw new RangeError('bootstrapInterval: no samples')
  const confidence = options.confidence ?? DEFAULT_BOOTSTRAP_CONFIDENCE
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`bootstrapInterval: confidence must be in (0, 1), e.g. 0.95, received ${confidence}`)
  }
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`bootstrapInterval: resamples must be a whole number ≥ 1, received ${resamples}`)
  }
  const random = options.random ?? createRandom(DEFAULT_SEED)
  const estimate = statistic(xs.slice())
  const scratch = new Array<number>(n)
  const results = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) scratch[i] = xs[Math.floor(random() * n)]!
    const value = statistic(scratch)
    if (Number.isNaN(value))
      throw new RangeError(`bootstrapInterval: statistic returned NaN on resample ${r}`)
    results[r] = value
  }
  results.sort()
  const sorted = assumeSorted(Array.from(results))
  const alpha = 1 - confidence
  return { lo: quantile(sorted, alpha / 2), hi: quantile(sorted, 1 - alpha / 2), estimate }
}

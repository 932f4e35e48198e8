import type { LoadLatency } from './types.js'
/**
 * A fixed-resolution latency histogram: memory stays bounded however long a load test runs
 * (autocannon answers tens of thousands of requests a second on loopback), and every percentile
 * is within {@link HISTOGRAM_RELATIVE_ERROR} of the exact one.
 *
 * Layout (the log-linear one of HdrHistogram): values below 2^SUB_BUCKET_BITS ns (1,024 ns) get
 * one bucket per nanosecond; above, each power of two [2^e, 2^(e+1)) is split into 2^(SUB_BUCKET_BITS−1)
 * equal buckets, so a bucket is at most 1/512 of the values in it wide. A value is reported as its
 * bucket's midpoint, clamped to the exact minimum and maximum, which are kept on the side.
 */

/** Bits of the linear part: values below 2^10 ns are exact, and each octave above has 512 buckets. */
export const SUB_BUCKET_BITS = 10
const SUB_BUCKETS = 2 ** SUB_BUCKET_BITS
const HALF = SUB_BUCKETS / 2
/** Largest octave tracked: 2^46 ns is 19.5 hours; a slower response is counted in the top bucket. */
const MAX_EXPONENT = 46
const BUCKET_COUNT = SUB_BUCKETS + (MAX_EXPONENT - SUB_BUCKET_BITS + 1) * HALF

/** Largest relative error of a reported percentile: half a bucket of the narrowest octave it can be in. */
export const HISTOGRAM_RELATIVE_ERROR = 1 / SUB_BUCKETS

/** A histogram as plain JSON: the non-empty buckets, ascending by index. */
export interface LatencyHistogramData {
  /** Layout parameter: see SUB_BUCKET_BITS. Stored so a reader never guesses the layout. */
  subBucketBits: number
  /** `[bucket index, count]` for every non-empty bucket, ascending. */
  buckets: [number, number][]
  /** Number of recorded values. */
  count: number
  /** Exact smallest and largest recorded values, ns; 0 when empty. */
  minNs: number
  maxNs: number
  /** Exact sum of the recorded values, ns. */
  sumNs: number
}

/** Bucket index of a latency in ns (integer ≥ 0 after rounding). */
export function bucketOf(ns: number): number {
  const v = Math.max(0, Math.round(ns))
  if (v < SUB_BUCKETS) return v
  const exponent = Math.floor(Math.log2(v))
  if (exponent > MAX_EXPONENT) return BUCKET_COUNT - 1
  // log2 can be off by one near exact powers of two; correct with integer arithmetic.
  const e = 2 ** exponent > v ? exponent - 1 : 2 ** (exponent + 1) <= v ? exponent + 1 : exponent
  const width = 2 ** (e - SUB_BUCKET_BITS + 1)
  const top = Math.floor(v / width) // in [HALF, SUB_BUCKETS)
  return SUB_BUCKETS + (e - SUB_BUCKET_BITS) * HALF + (top - HALF)
}

/** The range [lo, hi) of values a bucket holds, ns. */
export function bucketRange(index: number): [number, number] {
  if (index < SUB_BUCKETS) return [index, index + 1]
  const e = SUB_BUCKET_BITS + Math.floor((index - SUB_BUCKETS) / HALF)
  const top = HALF + ((index - SUB_BUCKETS) % HALF)
  const width = 2 ** (e - SUB_BUCKET_BITS + 1)
  return [top * width, (top + 1) * width]
}

/** Records latencies into fixed buckets; `toData()` gives the JSON form. */
export class LatencyHistogram {
  // Float64: counts stay exact far beyond 2^32.
  private readonly counts = new Float64Array(BUCKET_COUNT)
  private n = 0
  private min = Number.POSITIVE_INFINITY
  private max = 0
  private sum = 0

  /** Record one latency in ns. Negative or non-finite values are a caller bug and are refused. */
  record(ns: number): void {
    if (!(Number.isFinite(ns) && ns >= 0)) throw new RangeError(`LatencyHistogram: invalid latency ${ns}`)
    this.counts[bucketOf(ns)]! += 1
    this.n++
    this.sum += ns
    if (ns < this.min) this.min = ns
    if (ns > this.max) this.max = ns
  }

  get count(): number {
    return this.n
  }

  toData(): LatencyHistogramData {
    const buckets: [number, number][] = []
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const c = this.counts[i]!
      if (c > 0) buckets.push([i, c])
    }
    return {
      subBucketBits: SUB_BUCKET_BITS,
      buckets,
      count: this.n,
      minNs: this.n === 0 ? 0 : this.min,
      maxNs: this.max,
      sumNs: this.sum,
    }
  }
}

/**
 * The value of the k-th smallest recorded latency (0-based), as its bucket's midpoint clamped to
 * the exact minimum and maximum: within HISTOGRAM_RELATIVE_ERROR of the exact order statistic.
 *
 * @throws {RangeError} when k is outside [0, count).
 */
export function valueAtRank(data: LatencyHistogramData, k: number): number {
  if (!(k >= 0 && k < data.count)) throw new RangeError(`valueAtRank: rank ${k} outside 0…${data.count - 1}`)
  if (k === 0) return data.minNs
  if (k === data.count - 1) return data.maxNs
  let seen = 0
  for (const [index, c] of data.buckets) {
    seen += c
    if (k < seen) {
      const [lo, hi] = bucketRange(index)
      // A 1-ns bucket holds integers only after rounding: its value is the integer itself.
      const mid = hi - lo === 1 ? lo : (lo + hi) / 2
      return Math.min(data.maxNs, Math.max(data.minNs, mid))
    }
  }
  return data.maxNs
}

/**
 * Sample quantile of the recorded latencies with the house definition (type 7, as `quantile()`
 * in src/stats): interpolated between the order statistics around (n − 1)·p. Null when empty.
 */
export function histogramQuantile(data: LatencyHistogramData, p: number): number | null {
  if (data.count === 0) return null
  if (!(p >= 0 && p <= 1)) throw new RangeError(`histogramQuantile: p must be in [0, 1], received ${p}`)
  const h = (data.count - 1) * p
  const j = Math.floor(h)
  const below = valueAtRank(data, j)
  const fraction = h - j
  if (fraction === 0 || j + 1 >= data.count) return below
  return below + fraction * (valueAtRank(data, j + 1) - below)
}

/**
 * The histogram seen as the sorted array of its values (read-only, by index), so order-statistic
 * functions such as `quantileInterval` that read `length` and a few indexes work on it without
 * materialising millions of numbers.
 */
export function histogramAsSorted(data: LatencyHistogramData): readonly number[] {
  return new Proxy([] as number[], {
    get(target, property, receiver) {
      if (property === 'length') return data.count
      if (typeof property === 'string' && /^\d+$/.test(property)) return valueAtRank(data, Number(property))
      return Reflect.get(target, property, receiver)
    },
  })
}

/** The latency summary of a load test result, read from its histogram (null fields when empty). */
export function latencySummary(data: LatencyHistogramData): LoadLatency {
  const q = (p: number) => histogramQuantile(data, p)
  return {
    samples: data.count,
    minNs: data.count === 0 ? null : data.minNs,
    meanNs: data.count === 0 ? null : data.sumNs / data.count,
    p50Ns: q(0.5),
    p90Ns: q(0.9),
    p95Ns: q(0.95),
    p99Ns: q(0.99),
    maxNs: data.count === 0 ? null : data.maxNs,
    histogram: data,
  }
}

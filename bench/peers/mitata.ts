import { measure } from 'mitata'

/** A mitata estimate of one function, per call, in nanoseconds (mitata reports ns). */
export interface MitataEstimate {
  meanNs: number
  medianNs: number
  samples: number
}

/** `measure()` at mitata's default settings (at least 642 ms of samples). */
export async function mitataOne(fn: () => unknown): Promise<MitataEstimate> {
  const stats = await measure(fn)
  return { meanNs: stats.avg, medianNs: stats.p50, samples: stats.samples.length }
}

/** Both functions measured one after the other, as a user of mitata's `measure()` would. */
export async function mitataPair(
  a: () => unknown,
  b: () => unknown,
): Promise<{ a: MitataEstimate; b: MitataEstimate; wallNs: number }> {
  const start = process.hrtime.bigint()
  const first = await mitataOne(a)
  const second = await mitataOne(b)
  return { a: first, b: second, wallNs: Number(process.hrtime.bigint() - start) }
}

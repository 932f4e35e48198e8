import type { CompareOptions } from '../../src/measure/types.js'
import type { InconclusivePolicy } from '../../src/results/result-sink.js'

/** Options of `toBeFasterThan` / `toBeSlowerThan`: compare() options, plus Vitest 5's `delta`. */
export interface FasterThanOptions extends Omit<CompareOptions, 'env'> {
  /**
   * Vitest 5's spelling of the threshold, as a fraction: `toBeFasterThan(b, { delta: 0.1 })`
   * means "at least 10% faster" (a's time below 0.9 × b's). Translated to the `by` that means
   * the same; give one or the other.
   */
  delta?: number
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
}

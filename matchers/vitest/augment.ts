import type { BenchBudgetInput } from '../../src/config/schema.js'
import type { HttpLimitsInput } from '../../src/http/evaluate-http-budget.js'
import type { VitestBenchResult } from '../../src/measure/compare-results.js'
import type { BenchFn, BenchResult, CompareSide } from '../../src/measure/types.js'
import type { ScalingClass } from '../../src/scaling/scaling-classes.js'
import type { FasterThanOptions } from './comparison-options.js'
import type { PerfgateTaskMeta } from './record-results.js'
import type { LeakMemoryOptions } from './to-leak-memory.js'
import type { MeetBudgetOptions } from './to-meet-budget.js'
import type { SizeBudgetInput } from './to-meet-size-budget.js'
import type { ToScaleOptions } from './to-scale.js'

/** What the comparison matchers accept on either side: functions, or results of the same kind. */
export type Comparand = BenchFn | CompareSide | BenchResult | VitestBenchResult

/** perfgate's matchers, as they appear on `expect(x)`. Always await them. */
export interface PerfgateMatchers {
  /**
   * Assert that a bench result (or a function, benched first) meets a budget:
   * `await expect(result).toMeetBudget({ p95: '2ms', opsPerSec: '>= 10000' })`; or a load test
   * result (from loadTest()) an HTTP budget: `{ p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }`.
   * Passes only when every metric's interval is within its limit.
   */
  toMeetBudget(budget: BenchBudgetInput | HttpLimitsInput, options?: MeetBudgetOptions): Promise<void>
  /** `await expect(resultOrFn).toHavePercentileBelow(99.9, '5ms')` */
  toHavePercentileBelow(
    percentile: number,
    limit: string | number,
    options?: MeetBudgetOptions,
  ): Promise<void>
  /** `await expect(resultOrFn).toHaveP95Below('5ms')` */
  toHaveP95Below(limit: string | number, options?: MeetBudgetOptions): Promise<void>
  /**
   * Assert that a is faster than b, from an interleaved, paired comparison of the two functions
   * (or, weaker, from two stored results): `await expect(fnA).toBeFasterThan(fnB, { by: '20%' })`.
   */
  toBeFasterThan(other: Comparand, options?: FasterThanOptions): Promise<void>
  /** The mirror of toBeFasterThan. */
  toBeSlowerThan(other: Comparand, options?: FasterThanOptions): Promise<void>
  /**
   * toBeFasterThan under another name, for Vitest 5's types: Vitest 5 declares its own
   * `toBeFasterThan(expected: BenchResult)` in a way augmentation cannot widen, so TypeScript
   * rejects functions there even though perfgate accepts them at run time.
   */
  toRunFasterThan(other: Comparand, options?: FasterThanOptions): Promise<void>
  /** toBeSlowerThan under another name, for Vitest 5's types (see toRunFasterThan). */
  toRunSlowerThan(other: Comparand, options?: FasterThanOptions): Promise<void>
  /**
   * Assert that a file or glob (relative to package.json) meets a size budget, measured with
   * size-limit: `await expect('dist/index.js').toMeetSizeBudget({ gzip: '10 kB' })`. Without a
   * budget, the one in package.json `budgets.size` with this path (or name) applies, growth rule
   * against the baseline included.
   */
  toMeetSizeBudget(budget?: SizeBudgetInput): Promise<void>
  /**
   * Assert that a function leaks memory, or (the usual form) that it does not:
   * `await expect(() => handle(request)).not.toLeakMemory()`. Calls it in rounds with a forced
   * GC after each, and fits the heap left after each GC against the calls (docs/memory.md).
   */
  toLeakMemory<T = unknown>(options?: LeakMemoryOptions<T>): Promise<void>
  /**
   * Assert that time per call grows no faster than a complexity class (an upper bound, as in
   * Big-O, with a tolerance of half a power of n), measured at each size:
   * `await expect((xs) => sum(xs)).toScale('linear', { sizes: [1e3, 1e4, 1e5], input: (n) => range(n) })`.
   */
  toScale<T = unknown>(claim: ScalingClass, options?: ToScaleOptions<T>): Promise<void>
}

// No type parameters on purpose: Vitest 4 declares Matchers<T = any> and Vitest 5
// Matchers<R = …, T = unknown>; a declaration without parameters merges with either.
declare module 'vitest' {
  interface Matchers extends PerfgateMatchers {}
  interface TaskMeta extends PerfgateTaskMeta {}
}

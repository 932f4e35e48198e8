import type { BreakingPointResult } from '../breaking-point/types.js'
import type { BudgetVerdict } from '../budget/verdict.js'
import type { HttpBudgetVerdict } from '../http/evaluate-http-budget.js'
import type { LoadTestResult } from '../http/types.js'
import type { BenchResult, Comparison } from '../measure/types.js'
import type { LeakResult } from '../memory/leak-types.js'
import type { BenchProfile } from '../profile/types.js'
import type { ScalingVerdict } from '../scaling/judge-scaling.js'
import type { ScalingResult } from '../scaling/types.js'
import type { SizeBudgetVerdict } from '../size/evaluate-size-budget.js'
import type { SizeResult } from '../size/measure-size.js'
import type { WebBudgetVerdict } from '../web/evaluate-web-budget.js'
import type { WebResult } from '../web/types.js'

/**
 * Everything a test run measures or decides, as plain JSON-serialisable data. A host adapter
 * (the Vitest setup file) attaches each record to the test that made it, and a reporter in the
 * host's main process collects them.
 */
export type PerfRecord =
  | { kind: 'bench'; result: BenchResult }
  | { kind: 'comparison'; comparison: Comparison }
  | {
      kind: 'budget'
      verdict: BudgetVerdict
      inconclusivePolicy: InconclusivePolicy
      /** True for `expect(…).not.toMeetBudget(…)`: the test expected the budget to be broken. */
      negated?: boolean
    }
  /** A bench declared with no budget anywhere: recorded, and listed as unguarded in summaries. */
  | { kind: 'unguarded'; name: string }
  /** A page measured in a browser (Web Vitals or Lighthouse), every run kept. */
  | { kind: 'web'; result: WebResult }
  /** The verdict of a web budget (Playwright's `expect(vitals).toMeetBudget(…)`, or `perfgate check`). */
  | {
      kind: 'web-budget'
      verdict: WebBudgetVerdict
      /** True for `expect(…).not.toMeetBudget(…)`. */
      negated?: boolean
    }
  /** A bundle size measured with size-limit, and its verdict when it had a budget. */
  | {
      kind: 'size'
      /** The budget's name, else its path. */
      name: string
      result: SizeResult
      verdict: SizeBudgetVerdict | null
      /** True for `expect(…).not.toMeetSizeBudget(…)`. */
      negated?: boolean
    }

  /** An HTTP load test (loadTest, or `perfgate check`), and its verdict when it had a budget. */
  | {
      kind: 'http'
      result: LoadTestResult
      verdict: HttpBudgetVerdict | null
      /** What an inconclusive verdict did; 'fail' in `perfgate check`. */
      inconclusivePolicy: InconclusivePolicy
      /** True for `expect(…).not.toMeetBudget(…)`. */
      negated?: boolean
    }
  /** A breaking-point search (findBreakingPoint): every probe and the outcome, without run results. */
  | { kind: 'breaking-point'; result: BreakingPointResult<never> }
  /** A CPU profile taken after a bench's timed batches (failed budget, regression, or 'always'). */
  | { kind: 'profile'; profile: BenchProfile }
  /** A scaling measurement (measureScaling, toScale), and the verdict on its claim when one was judged. */
  | {
      kind: 'scaling'
      result: ScalingResult
      verdict: ScalingVerdict | null
      /** What an inconclusive verdict did; absent without a verdict. */
      inconclusivePolicy?: InconclusivePolicy
      /** True for `expect(…).not.toScale(…)`. */
      negated?: boolean
    }
  /**
   * A perfTest timed against the base ref's version of its function in the same process
   * (PERFGATE_BASE_REF): `comparison` is head vs base, or null when the base has no such bench
   * (`missing` says why).
   */
  | {
      kind: 'base-comparison'
      name: string
      base: { ref: string; commit: string }
      comparison: Comparison | null
      /** Why there is no comparison: the base has no such file or bench, or its file failed to load. */
      missing?: { reason: 'file' | 'bench' | 'error'; detail: string }
      /** The regression threshold the comparison used (relative). */
      threshold: number
      /** The config entry of a bench's own threshold (`regression.benches["sort*"] in package.json`). */
      thresholdSource?: string
      /** The regression confidence the comparison used. */
      confidence: number
    }
  /** A leak check (toLeakMemory, measureLeak) and what its verdict did. */
  | {
      kind: 'leak'
      result: LeakResult
      inconclusivePolicy: InconclusivePolicy
      /** True for `expect(fn).toLeakMemory()` (a leak was expected), false for `.not.toLeakMemory()`. */
      expectsLeak: boolean
    }

/** Whether an inconclusive verdict fails its test or only warns. */
export type InconclusivePolicy = 'fail' | 'warn'

/** Receives every record; set by a host adapter. */
export type ResultSink = (record: PerfRecord) => void

// On globalThis so that every copy of perfgate loaded in a process (bundled chunks, a second
// install) reports to the one sink the host registered.
const SINK_KEY = Symbol.for('perfgate.result-sink')
type SinkHolder = { [SINK_KEY]?: ResultSink | undefined }

/**
 * Register where records go. The core keeps no host import: the Vitest setup file registers a
 * sink that attaches records to the current test. Returns the previous sink so tests can restore it.
 */
export function setResultSink(sink: ResultSink | undefined): ResultSink | undefined {
  const holder = globalThis as SinkHolder
  const previous = holder[SINK_KEY]
  holder[SINK_KEY] = sink
  return previous
}

/** Hand a record to the registered sink; without one (plain scripts), records go nowhere. */
export function recordResult(record: PerfRecord): void {
  const sink = (globalThis as SinkHolder)[SINK_KEY]
  if (sink !== undefined) sink(record)
}

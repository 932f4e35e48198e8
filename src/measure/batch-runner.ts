import { compilePrivateLoop } from './private-loop.js'
import { nowNs } from './timer.js'

/** Runs k calls of the measured function and returns the elapsed nanoseconds of the batch. */
export type BatchRunner = (k: number) => number | Promise<number>

/**
 * Where a loop puts every call's result, so that each result is used and the optimiser can
 * neither drop a call nor skip what it allocates: with only the last result kept, V8 inlined
 * `() => ({ a: 1, b: 2 })` into the loop and removed the allocation of every other call by escape
 * analysis, timing 1.6 ns per call for work that costs ~7 ns wherever the caller uses the object
 * (bench/result-sink.ts). Numbers go to a Float64Array ring instead: storing a double in a
 * field boxes it, an allocation the function itself does not make, and summing them would chain
 * every call on the one before through the add's latency.
 */
export interface ResultSink {
  last: unknown
  /** The last 16 numeric results, by call index modulo 16. */
  numbers: Float64Array
}

/** A sink for one set of loops. */
export function createResultSink(): ResultSink {
  return { last: undefined, numbers: new Float64Array(16) }
}

/**
 * Loop-body code (for the compiled loops) that uses the result `r` of call `i`: stores it in the
 * `numbers` ring (a local holding `sink.numbers`) when it is a number, in `sink.last` otherwise. V8 keeps only the branch a function's
 * results take, so the cost is a store or an add per call.
 */
export const USE_RESULT = `if (typeof r === 'number') numbers[i & 15] = r; else sink.last = r`

const sink: ResultSink = createResultSink()

/**
 * Build a fresh timing loop for one function.
 *
 * Each bench gets its own compiled loop rather than one shared loop: V8 keeps type feedback per
 * closure of a function literal only while there is one closure, so a shared loop turns
 * megamorphic after a few benches, stops inlining the measured function, and adds a few ns of
 * call overhead to every call. A private loop keeps the call site monomorphic, which is what gets
 * the empty-function overhead under 1 ns. "Private" needs a source text of its own as well
 * (compilePrivateLoop): V8 caches `new Function` code by its text.
 */
export function createBatchRunner(fn: () => unknown, isAsync: boolean): BatchRunner {
  const factory = compilePrivateLoop(['fn', 'now', 'sink'], batchLoopBody(isAsync)) as (
    f: () => unknown,
    clock: () => number,
    s: ResultSink,
  ) => BatchRunner
  return factory(fn, nowNs, sink)
}

/**
 * The source of a timing loop, for `new Function('fn', 'now', 'sink', body)`: k calls of `fn`
 * between two readings of `now`, each result used (USE_RESULT). bench/loop-optimisation.ts
 * compiles the same text both ways, shared and private.
 */
export function batchLoopBody(isAsync: boolean): string {
  return isAsync
    ? `return async function runAsyncBatch(k) {
         const numbers = sink.numbers
         const start = now()
         for (let i = 0; i < k; i++) {
           const r = await fn()
           ${USE_RESULT}
         }
         const elapsed = now() - start
         return elapsed
       }`
    : `return function runBatch(k) {
         const numbers = sink.numbers
         const start = now()
         for (let i = 0; i < k; i++) {
           const r = fn()
           ${USE_RESULT}
         }
         const elapsed = now() - start
         return elapsed
       }`
}

/** True when a value is a promise-like, so the function under test is treated as async. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

import { nowNs } from './timer.js'

/** Runs k calls of the measured function and returns the elapsed nanoseconds of the batch. */
export type BatchRunner = (k: number) => number | Promise<number>

/** Keeps the last result of a batch observable so the optimiser cannot drop the calls. */
interface Sink {
  last: unknown
}

const sink: Sink = { last: undefined }

/**
 * Build a fresh timing loop for one function.
 *
 * Each bench gets its own compiled loop (new Function) rather than one shared loop: V8 keeps type
 * feedback per closure of a function literal only while there is one closure, so a shared loop
 * turns megamorphic after a few benches, stops inlining the measured function, and adds a few ns
 * of call overhead to every call. A private loop keeps the call site monomorphic, which is what
 * gets the empty-function overhead under 1 ns.
 */
export function createBatchRunner(fn: () => unknown, isAsync: boolean): BatchRunner {
  const body = isAsync
    ? `return async function runAsyncBatch(k) {
         let last
         const start = now()
         for (let i = 0; i < k; i++) last = await fn()
         const elapsed = now() - start
         sink.last = last
         return elapsed
       }`
    : `return function runBatch(k) {
         let last
         const start = now()
         for (let i = 0; i < k; i++) last = fn()
         const elapsed = now() - start
         sink.last = last
         return elapsed
       }`
  const factory = new Function('fn', 'now', 'sink', body) as (
    f: () => unknown,
    clock: () => number,
    s: Sink,
  ) => BatchRunner
  return factory(fn, nowNs, sink)
}

/** True when a value is a promise-like, so the function under test is treated as async. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

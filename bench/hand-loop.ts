import { compilePrivateLoop } from '../src/measure/private-loop.js'
import { median } from './numbers.js'

/**
 * The reference: process.hrtime.bigint() around a plain for-loop of N calls, median of several
 * repetitions, per call in nanoseconds.
 *
 * The loop is compiled fresh for every function (compilePrivateLoop), as perfgate's own batch
 * runner is: one shared loop would see several functions at its call site, stop inlining them, and
 * so add a few ns of call overhead to the reference itself.
 */
export function createHandLoop(fn: () => unknown): (calls: number) => number {
  const factory = compilePrivateLoop(
    ['fn', 'hrtime'],
    `return function handLoop(calls) {
       let last
       const start = hrtime()
       for (let i = 0; i < calls; i++) last = fn()
       const elapsed = Number(hrtime() - start)
       handLoop.last = last
       return elapsed
     }`,
  ) as (f: () => unknown, clock: () => bigint) => (calls: number) => number
  return factory(fn, process.hrtime.bigint)
}

/** Per-call time by the hand loop: `repetitions` loops of about `loopNs` each; their median. */
export function handLoopPerCallNs(
  loop: (calls: number) => number,
  options: { repetitions?: number; loopNs?: number } = {},
): { perCallNs: number; calls: number; repetitions: number[] } {
  const { repetitions = 9, loopNs = 20e6 } = options
  // Size the loop from a short probe, after a warm-up that lets V8 optimise loop and function.
  let calls = 1
  while (loop(calls) < 2e6) calls *= 2
  const perCallGuess = loop(calls) / calls
  const n = Math.max(1, Math.round(loopNs / perCallGuess))
  const perCall: number[] = []
  for (let r = 0; r < repetitions; r++) perCall.push(loop(n) / n)
  return { perCallNs: median(perCall), calls: n, repetitions: perCall }
}

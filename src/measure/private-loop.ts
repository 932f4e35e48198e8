/**
 * Compile a timing loop that belongs to one caller alone: `new Function(...params, body)` with a
 * serial number prepended to the source.
 *
 * Why the serial: V8 caches the code of `new Function` by its source text. From the second loop
 * compiled from the same text on, every loop shares one SharedFunctionInfo, so the loops of all
 * benches share their optimisation state as well. On Node 20 the later loops mostly ran without
 * an optimised version of their own: in six compare() calls only 3 of 48 loops were ever
 * optimised, and the rest called the measured function through its own compiled code instead of
 * inlining it. That code is one per function, so a slow state of it (this machine runs the same
 * compiled loop at two speeds 1.2× apart, switching over tens of milliseconds) hit all four loop
 * copies of a side at once, and identical functions were called 'faster' or 'slower' in 2–5% of
 * trials (docs/accuracy.md, "What the misses mean"). With a serial, each loop is its own function:
 * all 48 were optimised, each with the measured function inlined, as the loops were designed to be.
 */
let serial = 0

export function compilePrivateLoop(params: readonly string[], body: string): (...args: never[]) => unknown {
  serial++
  return new Function(...params, `// perfgate loop ${serial}\n${body}`) as (...args: never[]) => unknown
}

import { afterEach, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { measureScaling } from '../../src/scaling/measure-scaling.js'

/*
 * measureScaling on real functions, without Vitest's matchers. Every property asserted holds on
 * a loaded 2-core machine: a nested loop against a single loop over a 30× size range (exponent
 * ~2 against ~1, judged with half a power of n to spare), never a time.
 */

const numbers = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) - 500)

/** O(n²): every pair of elements. */
function pairsSummingToZero(xs: readonly number[]): number {
  let count = 0
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[i]! + xs[j]! === 0) count++
  }
  return count
}

/** O(n): one pass. */
function sumOf(xs: readonly number[]): number {
  let total = 0
  for (let i = 0; i < xs.length; i++) total += xs[i]!
  return total
}

const SIZES = [100, 300, 1000, 3000]

afterEach(() => {
  setResultSink(undefined)
})

describe('measureScaling', () => {
  it('fits ~2 to a nested loop and ~1 to a single loop, and the claim rule tells them apart', async () => {
    const quadratic = await measureScaling(pairsSummingToZero, { sizes: SIZES, input: numbers, time: '1s' })
    const linear = await measureScaling(sumOf, { sizes: SIZES, input: numbers, time: '1s' })
    expect(quadratic.fit.exponent).toBeGreaterThan(1.7)
    expect(quadratic.fit.exponent).toBeLessThan(2.3)
    expect(linear.fit.exponent).toBeGreaterThan(0.6)
    expect(linear.fit.exponent).toBeLessThan(1.3)
    expect(judgeScaling(quadratic, 'linear').status).toBe('fail')
    expect(judgeScaling(linear, 'linear').status).toBe('pass')
    expect(judgeScaling(quadratic, 'quadratic').status).toBe('pass')

    // What the result holds: every size, calibrated batches, the same rounds for all sizes.
    expect(quadratic.name).toBe('pairsSummingToZero')
    expect(quadratic.points.map((p) => p.size)).toEqual(SIZES)
    expect(quadratic.fit.rounds).toBeGreaterThanOrEqual(5)
    for (const p of quadratic.points) expect(p.roundTimesNs).toHaveLength(quadratic.fit.rounds)
    // A 100-element pair loop takes microseconds: many calls per batch; 3000 takes milliseconds.
    expect(quadratic.points[0]!.batchSize).toBeGreaterThan(quadratic.points[3]!.batchSize)
    expect(quadratic.timing.lockWaitNs).toBeGreaterThanOrEqual(0)
    expect(quadratic.async).toBe(false)
  })

  it('records a scaling record without a verdict, and the seed it shuffled with', async () => {
    const records: PerfRecord[] = []
    setResultSink((record) => records.push(record))
    const result = await measureScaling(sumOf, {
      sizes: [10, 100, 1000],
      input: numbers,
      time: '100ms',
      seed: 42,
      name: 'sum',
    })
    expect(result.seed).toBe(42)
    expect(records).toEqual([{ kind: 'scaling', result, verdict: null }])
  })

  it('gives every call a fresh input with freshInput, for functions that change their input', async () => {
    // Sorting in place: a reused input would be sorted already. This one refuses to run twice.
    const sortOnce = (xs: number[] & { sorted?: boolean }) => {
      if (xs.sorted) throw new Error('this input was sorted before')
      xs.sorted = true
      return xs.sort((a, b) => a - b)
    }
    let built = 0
    const fresh = await measureScaling(sortOnce, {
      sizes: [100, 1000, 10_000],
      input: (n) => {
        built++
        return numbers(n)
      },
      freshInput: true,
      time: '300ms',
    })
    expect(fresh.freshInput).toBe(true)
    expect(fresh.points.map((p) => p.batchSize)).toEqual([1, 1, 1])
    // One input per call: far more than one per size.
    expect(built).toBeGreaterThan(3 * fresh.fit.rounds * fresh.batchesPerRound)

    const reused = await measureScaling(sortOnce, {
      sizes: [100, 1000, 10_000],
      input: numbers,
      time: '300ms',
    }).catch((error: unknown) => error)
    expect(isPerfgateError(reused, 'BENCH_FAILED')).toBe(true)
    expect((reused as Error).message).toContain('threw during warm-up at size 100')
    expect(((reused as Error).cause as Error).message).toBe('this input was sorted before')
  })

  it('awaits async functions and async inputs', async () => {
    const result = await measureScaling(async (xs: number[]) => sumOf(xs), {
      sizes: [10, 100, 1000],
      input: async (n) => numbers(n),
      time: '200ms',
    })
    expect(result.async).toBe(true)
    expect(result.points.every((p) => p.medianNs > 0)).toBe(true)
  })

  it('names the size at which the function threw', async () => {
    const error = await measureScaling(
      (xs: number[]) => {
        if (xs.length > 500) throw new Error('too big')
      },
      { sizes: [10, 100, 1000], input: numbers, name: 'picky' },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toBe(
      'perfgate: Bench "picky" threw during the first call at size 1000. The benchmarked function must run without throwing; the original error is attached as cause.',
    )
  })
})

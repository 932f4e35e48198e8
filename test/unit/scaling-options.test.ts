import { describe, expect, it } from 'vitest'
import { toScale } from '../../matchers/vitest/to-scale.js'
import { measureScaling } from '../../src/scaling/measure-scaling.js'
import { parseScalingClass } from '../../src/scaling/resolve-scaling-options.js'

/*
 * Every mistake in a scaling claim is an error from the catalogue, thrown before anything is
 * measured, that says what is wrong and how to write it instead.
 */

const input = (n: number) => Array.from({ length: n }, (_, i) => i)
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('measureScaling options', () => {
  it('needs at least three sizes', async () => {
    expect(await errorOf(measureScaling(sum, { sizes: [10, 1000], input }))).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: \`sizes\` has 2 sizes, and a fit needs at least 3 (two points always lie on a line). Add sizes, e.g. sizes: [1e3, 1e4, 1e5]."`,
    )
  })

  it('needs increasing sizes', async () => {
    expect(await errorOf(measureScaling(sum, { sizes: [1e4, 1e3, 1e5], input }))).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: sizes must increase, but sizes[1] (1000) is not above sizes[0] (10000). List each size once, smallest first: sizes: [1000, 10000, 100000]."`,
    )
    expect(await errorOf(measureScaling(sum, { sizes: [1e3, 1e3, 1e5], input }))).toMatch(
      /sizes\[1\] \(1000\) is not above sizes\[0\] \(1000\)/,
    )
  })

  it('needs whole, positive sizes', async () => {
    expect(await errorOf(measureScaling(sum, { sizes: [0, 10, 100], input }))).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: sizes[0] is 0, but a size is a whole number of at least 1. Write sizes as counts, e.g. sizes: [1e3, 1e4, 1e5]."`,
    )
    expect(await errorOf(measureScaling(sum, { sizes: [1, 2.5, 100], input }))).toMatch(/sizes\[1\] is 2.5/)
    expect(await errorOf(measureScaling(sum, { sizes: [1, '10', 100] as never, input }))).toMatch(
      /sizes\[1\] is "10"/,
    )
  })

  it('needs sizes at least ten times apart end to end', async () => {
    expect(await errorOf(measureScaling(sum, { sizes: [100, 300, 900], input }))).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: the sizes span only 9× (100 to 900), too narrow to tell growth classes apart. Make the largest size at least 10× the smallest, e.g. sizes: [100, 1000, 10000]; two decades or more separate the classes best."`,
    )
  })

  it('needs an input function and the options at all', async () => {
    expect(
      await errorOf(measureScaling(sum, { sizes: [1e3, 1e4, 1e5], input: [1, 2] as never })),
    ).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: \`input\` must be a function that builds the input of size n, received an array. Write e.g. input: (n) => Array.from({ length: n }, (_, i) => i)."`,
    )
    expect(await errorOf(measureScaling(sum, undefined as never))).toMatchInlineSnapshot(
      `"perfgate: measureScaling() has an invalid option: the options with \`sizes\` and \`input\` are missing. Pass them: { sizes: [1e3, 1e4, 1e5], input: (n) => makeInput(n) }."`,
    )
    expect(await errorOf(measureScaling('sum' as never, { sizes: [1e3, 1e4, 1e5], input }))).toMatch(
      /the function to measure is string/,
    )
  })

  it('checks the other options', async () => {
    const sizes = [1e3, 1e4, 1e5]
    expect(await errorOf(measureScaling(sum, { sizes, input, freshInput: 'yes' as never }))).toMatch(
      /`freshInput` must be true or false, received "yes"/,
    )
    expect(await errorOf(measureScaling(sum, { sizes, input, minRounds: 1 }))).toMatch(
      /minRounds must be at least 2/,
    )
    expect(await errorOf(measureScaling(sum, { sizes, input, minRounds: 10, maxRounds: 5 }))).toMatch(
      /maxRounds \(5\) is below minRounds \(10\)/,
    )
    expect(await errorOf(measureScaling(sum, { sizes, input, time: 'soon' }))).toMatch(
      /Expected a duration like "250us", "5ms" or "1.5s" \(a bare number means ms\), received "soon" at measureScaling\(\)\.time/,
    )
    expect(await errorOf(measureScaling(sum, { sizes, input, confidence: 2 }))).toMatch(
      /confidence must be between 0.5 and 1/,
    )
  })

  it('names the size whose input could not be built, keeping the error', async () => {
    const error = await measureScaling(sum, {
      sizes: [10, 100, 1000],
      input: (n) => {
        if (n === 100) throw new Error('no memory for 100')
        return input(n)
      },
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    )
    expect(error?.code).toBe('SCALING_INPUT_FAILED')
    expect(error?.message).toMatchInlineSnapshot(
      `"perfgate: Building the input of size 100 for "sum" threw: input(n) must return an input for every size in sizes. The original error is attached as cause."`,
    )
    expect((error?.cause as Error | undefined)?.message).toBe('no memory for 100')
  })
})

describe('the claimed class', () => {
  it('suggests the class meant by a typo or a Big-O spelling', () => {
    const message = (claim: unknown) => {
      try {
        parseScalingClass('toScale()', claim)
      } catch (error) {
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(message('lienar')).toMatchInlineSnapshot(
      `"perfgate: toScale() received "lienar" as the growth class; did you mean 'linear'? The classes are 'constant', 'log', 'linear', 'nlogn', 'quadratic', 'cubic', as in toScale('linear', { sizes: [1e3, 1e4, 1e5], input: (n) => makeInput(n) })."`,
    )
    expect(message('O(n)')).toContain("did you mean 'linear'?")
    expect(message('O(n log n)')).toContain("did you mean 'nlogn'?")
    expect(message('n^2')).toContain("did you mean 'quadratic'?")
    expect(message('O(1)')).toContain("did you mean 'constant'?")
    expect(message('exponential')).toMatchInlineSnapshot(
      `"perfgate: toScale() received "exponential" as the growth class. The classes are 'constant', 'log', 'linear', 'nlogn', 'quadratic', 'cubic', as in toScale('linear', { sizes: [1e3, 1e4, 1e5], input: (n) => makeInput(n) })."`,
    )
    expect(message(2)).toContain('received 2 as the growth class.')
    expect(message('cubic')).toBe('accepted')
  })

  it('is checked by toScale before anything is measured', () => {
    const context = { isNot: false, utils: { matcherHint: () => '' } }
    let built = 0
    const options = {
      sizes: [1e3, 1e4, 1e5],
      input: (n: number) => {
        built++
        return input(n)
      },
    }
    expect(() => toScale.call(context, sum, 'quadratc', options)).toThrow(/did you mean 'quadratic'\?/)
    expect(() =>
      toScale.call(context, sum, 'linear', { ...options, tolerance: -0.1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: toScale() has an invalid option: \`tolerance\` must be a number of powers of n from 0 to 2, received -0.1. Leave it out for the default (0.5: halfway to the next class), or write e.g. tolerance: 0.3.]`,
    )
    expect(built).toBe(0)
  })

  it('says what toScale accepts when it receives something else', () => {
    const context = { isNot: false, utils: { matcherHint: () => '' } }
    expect(() => toScale.call(context, [1, 2, 3], 'linear')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: expect(…).toScale() received an array, but it accepts a function of the input (measured at every size) or a ScalingResult from measureScaling().]`,
    )
  })
})

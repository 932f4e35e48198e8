import { expect, test } from 'vitest'
import { parsePairsSplit } from '../src/parse.js'
import { insertionSort, sortNumbers } from '../src/sort.js'
import { pairs } from './inputs.js'

/** n numbers in [0, 1) from a fixed seed: the same input every run, built outside the timing. */
function randomNumbers(n: number): number[] {
  let seed = n
  return Array.from({ length: n }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  })
}

// A claim about growth is an upper bound, as in Big-O: the fitted exponent of time against size
// must not lie clearly above the claimed class's (n log n over 1e3–1e5 is n^1.11), plus 0.5.
test('sortNumbers grows no faster than n log n', async () => {
  await expect((xs: number[]) => sortNumbers(xs)).toScale('nlogn', {
    sizes: [1_000, 10_000, 100_000],
    input: randomNumbers,
  })
})

// .not passes only when the data prove the claim wrong: insertion sort is quadratic (n^2), far
// above linear's n^1.5 limit. The message of the positive form gives the exponent and sizes.
test('insertionSort is not linear', async () => {
  await expect((xs: number[]) => insertionSort(xs)).not.toScale('linear', {
    sizes: [100, 300, 1_000, 3_000],
    input: randomNumbers,
  })
})

// The heap after forced GCs, fitted against calls: a parser that allocates and drops its
// result every call keeps nothing, so the slope stays below 4 bytes per call.
test('parsePairsSplit keeps no memory between calls', async () => {
  await expect(() => parsePairsSplit(pairs)).not.toLeakMemory()
})

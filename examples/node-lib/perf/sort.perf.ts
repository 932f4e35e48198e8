import { perfTest } from 'perfgate/vitest'
import { expect, test } from 'vitest'
import { insertionSort, sortNumbers, sortWithComparator } from '../src/sort.js'
import { numbers } from './inputs.js'

// Budget from package.json, by exact name: "sortNumbers 2k": { "median": "500us", "p95": "1ms" }.
perfTest('sortNumbers 2k', () => sortNumbers(numbers))

// Budget inline: it wins over package.json, and keeps a one-off budget next to its test.
perfTest('sortWithComparator 2k', () => sortWithComparator(numbers), { budget: { median: '3ms' } })

// Named functions name the sides in messages ("typedArraySort" rather than "a").
const typedArraySort = () => sortNumbers(numbers)
const comparatorSort = () => sortWithComparator(numbers)
const quadraticSort = () => insertionSort(numbers)

// A paired, interleaved comparison: passes only when the whole confidence interval of the time
// ratio lies beyond "20% faster", so it cannot pass on a lucky run.
test('sortNumbers is at least 20% faster than insertionSort', async () => {
  await expect(typedArraySort).toBeFasterThan(quadraticSort, { by: '20%' })
})

// The mirror: the O(n²) variant is slower than the comparator sort (beyond the default noise band).
test('insertionSort is slower than sortWithComparator', async () => {
  await expect(quadraticSort).toBeSlowerThan(comparatorSort)
})

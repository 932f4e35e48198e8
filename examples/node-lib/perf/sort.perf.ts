import { perfTest } from 'perfgate/vitest'
import { expect, test } from 'vitest'
import { insertionSort, sortNumbers, sortWithComparator } from '../src/sort.js'
import { numbers } from './inputs.js'

// Budget from package.json, by exact name: "sortNumbers 2k": { "median": "500us", "p95": "1ms" }.
perfTest('sortNumbers 2k', () => sortNumbers(numbers))

// Budget inline: it wins over package.json, and keeps a one-off budget next to its test.
perfTest('sortWithComparator 2k', () => sortWithComparator(numbers), { budget: { median: '3ms' } })

// A paired, interleaved comparison: the typed-array sort must beat the O(n²) insertion sort by at
// least 20% of its time, with the whole confidence interval beyond that margin.
test('sortNumbers is at least 20% faster than insertionSort', async () => {
  await expect(() => sortNumbers(numbers)).toBeFasterThan(() => insertionSort(numbers), { by: '20%' })
})

// The mirror: documents that the slow variant really is slower than the comparator sort.
test('insertionSort is slower than sortWithComparator', async () => {
  await expect(() => insertionSort(numbers)).toBeSlowerThan(() => sortWithComparator(numbers))
})

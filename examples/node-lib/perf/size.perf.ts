import { expect, test } from 'vitest'

// The build (pnpm run build, which `pnpm run perf` runs first) must stay within the "library"
// size budget in package.json: its limits, and no growth over the accepted baseline's bytes.
test('the built library meets its size budget', async () => {
  await expect('library').toMeetSizeBudget()
})

// An inline budget, for one file: the tree-shaken cost of one export would need a browser
// bundle; this library is for Node, so it is measured as built.
test('sort.js stays small', async () => {
  await expect('dist/sort.js').toMeetSizeBudget({ gzip: '400 B' })
})

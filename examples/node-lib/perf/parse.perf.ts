import { bench } from 'perfgate'
import { perfTest } from 'perfgate/vitest'
import { expect, test } from 'vitest'
import { parsePairsRegex, parsePairsSplit } from '../src/parse.js'
import { pairs } from './inputs.js'

// Both get their budget from one glob in package.json: "parsePairs* 50 pairs".
perfTest('parsePairsSplit 50 pairs', () => parsePairsSplit(pairs))
perfTest('parsePairsRegex 50 pairs', () => parsePairsRegex(pairs))

// bench() gives you the result to check as you like. batchSize: 1 times every call on its own,
// so p95 is the 95th percentile of single calls rather than of batch means.
test('parsePairsSplit: 95% of single calls under 100 µs', async () => {
  const result = await bench('parsePairsSplit per call', () => parsePairsSplit(pairs), { batchSize: 1 })
  await expect(result).toHaveP95Below('100us')
})

// No budget inline or in package.json (the glob needs " 50 pairs"): measured, recorded and
// reported as unguarded, never failed. Add a budget once you know what the number should be.
const longInput = Array.from({ length: 20 }, () => pairs).join(';')
perfTest('parsePairsRegex 1000 pairs', () => parsePairsRegex(longInput))

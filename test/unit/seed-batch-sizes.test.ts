import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seedBatchSizesFromBaseline } from '../../reporters/seed-batch-sizes.js'
import { baselineFromResults, baselinePath, writeBaselineAtomic } from '../../src/baseline/baseline-file.js'
import { memoryCalibrationCache } from '../../src/measure/calibration-cache.js'
import { benchResult } from '../fixtures/bench-results.js'

describe('seedBatchSizesFromBaseline', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'perfgate-seed-'))
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'p', perfgate: {} }))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const writeBaseline = async (name: string, sizes: Record<string, number>) => {
    const results = Object.entries(sizes).map(([bench, batchSize]) =>
      benchResult({ name: bench, perCallNs: [350, 351, 352], batchSize }),
    )
    await writeBaselineAtomic(
      baselinePath(join(root, '.perfgate'), name),
      baselineFromResults(name, results, new Map()),
    )
  }

  it("writes the baseline's batch sizes under the keys bench() reads", async () => {
    await writeBaseline('default', { 'small objects': 8192, sieve: 4 })
    const cache = memoryCalibrationCache()
    cache.set('bench:small objects', 512)
    cache.set('bench:not in the baseline', 64)
    expect(seedBatchSizesFromBaseline(root, {}, {}, cache)).toBe(2)
    expect(cache.get('bench:small objects')).toBe(8192)
    expect(cache.get('bench:sieve')).toBe(4)
    expect(cache.get('bench:not in the baseline')).toBe(64)
    // Already in place: nothing to write.
    expect(seedBatchSizesFromBaseline(root, {}, {}, cache)).toBe(0)
  })

  it('reads the baseline the run compares with (PERFGATE_BASELINE)', async () => {
    await writeBaseline('default', { parse: 1024 })
    await writeBaseline('v2', { parse: 2048 })
    const cache = memoryCalibrationCache()
    seedBatchSizesFromBaseline(root, {}, { PERFGATE_BASELINE: 'v2' }, cache)
    expect(cache.get('bench:parse')).toBe(2048)
  })

  it('does nothing, and does not throw, without a baseline, with a corrupt one, or without a cache', async () => {
    const cache = memoryCalibrationCache()
    expect(seedBatchSizesFromBaseline(root, {}, {}, cache)).toBe(0)
    const file = baselinePath(join(root, '.perfgate'), 'default')
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, '{ oops')
    expect(seedBatchSizesFromBaseline(root, {}, {}, cache)).toBe(0)
    expect(seedBatchSizesFromBaseline(join(root, 'no such folder'), {}, {}, cache)).toBe(0)
    await writeBaseline('default', { parse: 1024 })
    expect(seedBatchSizesFromBaseline(root, {}, {}, undefined)).toBe(0)
    expect(cache.get('bench:parse')).toBeUndefined()
  })
})

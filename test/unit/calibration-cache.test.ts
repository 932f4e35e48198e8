import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  defaultCacheDir,
  fileCalibrationCache,
  memoryCalibrationCache,
  STICKY_BATCH_FACTOR,
  STICKY_OVERSHOOT,
  stickyBatchSize,
} from '../../src/measure/calibration-cache.js'

describe('stickyBatchSize', () => {
  const target = 180_000

  it('takes the fresh size when nothing is remembered', () => {
    expect(stickyBatchSize(undefined, 2048, 90, target)).toBe(2048)
  })

  it('keeps a remembered size near a power-of-two boundary, where fresh calibrations flip', () => {
    // ~88 ns per call sits on the 1024/2048 boundary (180 µs / 2048 = 87.9 ns): one process
    // calibrates 2048, the next 1024. Whichever was remembered stays, on either side.
    expect(stickyBatchSize(1024, 2048, 87, target)).toBe(1024)
    expect(stickyBatchSize(2048, 1024, 89, target)).toBe(2048)
  })

  it(`drops a remembered size once its batch leaves target / ${STICKY_BATCH_FACTOR} … target × ${STICKY_OVERSHOOT}`, () => {
    // The code got 10x slower: 2048 calls of 900 ns = 1.8 ms per batch, 10x the target.
    expect(stickyBatchSize(2048, 128, 900, target)).toBe(128)
    // Or 10x faster: 2048 × 9 ns = 18 µs, a tenth of the target.
    expect(stickyBatchSize(2048, 16384, 9, target)).toBe(16384)
    // Just past the overshoot allowance: 2048 × 135 ns = 276 µs > 1.5 × 180 µs.
    expect(stickyBatchSize(2048, 1024, 135, target)).toBe(1024)
  })
})

describe('fileCalibrationCache', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-cache-'))
  })
  afterEach(async () => {
    await chmod(dir, 0o755).catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  it('remembers across instances, as separate processes would', async () => {
    const cacheDir = join(dir, 'nested', 'cache')
    fileCalibrationCache(cacheDir).set('bench:sort', 512)
    fileCalibrationCache(cacheDir).set('bench:parse', 64)
    const reader = fileCalibrationCache(cacheDir)
    expect(reader.get('bench:sort')).toBe(512)
    expect(reader.get('bench:parse')).toBe(64)
    expect(reader.get('bench:other')).toBeUndefined()
    expect(JSON.parse(await readFile(join(cacheDir, 'batch-sizes.json'), 'utf8'))).toEqual({
      version: 1,
      batchSizes: { 'bench:sort': 512, 'bench:parse': 64 },
    })
  })

  it('treats a corrupt, foreign or wrong-version file as empty, and then repairs it', async () => {
    const file = join(dir, 'batch-sizes.json')
    const cache = fileCalibrationCache(dir)
    await writeFile(file, '{ not json')
    expect(cache.get('bench:sort')).toBeUndefined()
    await writeFile(file, JSON.stringify({ version: 99, batchSizes: { 'bench:sort': 8 } }))
    expect(cache.get('bench:sort')).toBeUndefined()
    await writeFile(file, JSON.stringify({ version: 1, batchSizes: { 'bench:sort': -3, 'bench:x': 1.5 } }))
    expect(cache.get('bench:sort')).toBeUndefined()
    expect(cache.get('bench:x')).toBeUndefined()
    cache.set('bench:sort', 16)
    expect(cache.get('bench:sort')).toBe(16)
  })

  it('never throws when the folder cannot be written', async () => {
    if (process.getuid?.() === 0) {
      // Root ignores permissions; a file where the folder should be blocks the write instead.
      await writeFile(join(dir, 'blocked'), 'a file, not a folder')
      expect(() => fileCalibrationCache(join(dir, 'blocked')).set('bench:x', 2)).not.toThrow()
      expect(fileCalibrationCache(join(dir, 'blocked')).get('bench:x')).toBeUndefined()
      return
    }
    await chmod(dir, 0o500)
    expect(() => fileCalibrationCache(join(dir, 'sub')).set('bench:x', 2)).not.toThrow()
  })
})

describe('defaultCacheDir', () => {
  it('lives under node_modules/.cache/perfgate, and only where node_modules exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-project-'))
    try {
      expect(defaultCacheDir(dir, {})).toBeUndefined()
      await mkdir(join(dir, 'node_modules'))
      expect(defaultCacheDir(dir, {})).toBe(join(dir, 'node_modules', '.cache', 'perfgate'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('follows PERFGATE_CACHE_DIR: a folder moves it, off turns it off', () => {
    expect(defaultCacheDir('/nowhere', { PERFGATE_CACHE_DIR: '/tmp/ci-cache' })).toBe('/tmp/ci-cache')
    for (const off of ['off', 'OFF', 'false', '0']) {
      expect(defaultCacheDir('/nowhere', { PERFGATE_CACHE_DIR: off })).toBeUndefined()
    }
  })
})

describe('memoryCalibrationCache', () => {
  it('remembers within the process', () => {
    const cache = memoryCalibrationCache()
    cache.set('a', 4)
    expect(cache.get('a')).toBe(4)
    expect(cache.get('b')).toBeUndefined()
  })
})

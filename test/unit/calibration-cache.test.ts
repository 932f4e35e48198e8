import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  defaultCacheDir,
  fileCalibrationCache,
  memoryCalibrationCache,
  STICKY_BATCH_FACTOR,
  stickyBatchSize,
} from '../../src/measure/calibration-cache.js'

describe('stickyBatchSize', () => {
  const target = 180_000

  it('takes the fresh size when nothing is remembered', () => {
    expect(stickyBatchSize(undefined, 2048, 90, target)).toBe(2048)
  })

  it('keeps a remembered size near a power-of-two boundary, where fresh calibrations flip', () => {
    // ~88 ns per call: one process calibrates 2048, the next 4096. The remembered one stays.
    expect(stickyBatchSize(2048, 4096, 87, target)).toBe(2048)
    expect(stickyBatchSize(4096, 2048, 89, target)).toBe(4096)
  })

  it(`drops a remembered size once its batch is more than ${STICKY_BATCH_FACTOR}x off the target`, () => {
    // The code got 10x slower: 2048 calls of 900 ns = 1.8 ms per batch, 10x the target.
    expect(stickyBatchSize(2048, 256, 900, target)).toBe(256)
    // Or 10x faster: 2048 × 9 ns = 18 µs, a tenth of the target.
    expect(stickyBatchSize(2048, 32768, 9, target)).toBe(32768)
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

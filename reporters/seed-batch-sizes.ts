import { readFileSync } from 'node:fs'
import { baselinePath, parseBaseline } from '../src/baseline/baseline-file.js'
import { loadConfigSync } from '../src/config/load-config.js'
import {
  benchCacheKey,
  type CalibrationCache,
  defaultCalibrationCache,
} from '../src/measure/calibration-cache.js'
import { guardSettings, type VitestRunConfig } from './baseline-guard.js'

/*
 * A run compared with a baseline should time the batches the baseline timed. The median of batch
 * means depends a little on the batch size, and for code that allocates, a lot: in
 * bench/regression-accuracy.ts a bench whose baseline had 512 calls per batch read 15–20% slower
 * in every later run that calibrated 8192, because long batches take in the minor GCs its
 * allocation causes and short ones mostly miss them. A fresh CI checkout has no calibration cache,
 * so each run would calibrate afresh and could land on another size.
 *
 * So, before any bench runs, the reporter writes the baseline's batch sizes into the calibration
 * cache that bench() reads in every worker. They count as remembered sizes: a bench keeps its
 * baseline's size unless its code now runs so much faster or slower that those batches fall out
 * of the sticky band (calibration-cache.ts), and then a change that size is plain anyway.
 */

/**
 * Write the batch sizes of the run's baseline into `cache` (by default the one bench() uses from
 * this process's folder, which the workers share). Returns how many entries it wrote.
 *
 * Never throws: without a readable config or baseline there is nothing to seed, and the guard at
 * the end of the run reports those problems with their fixes.
 */
export function seedBatchSizesFromBaseline(
  root: string,
  vitest: VitestRunConfig,
  env: NodeJS.ProcessEnv = process.env,
  cache: CalibrationCache | undefined = defaultCalibrationCache(),
): number {
  if (cache === undefined) return 0
  let benches: Record<string, { batchSize: number }>
  try {
    const settings = guardSettings(loadConfigSync(root), vitest, env)
    const file = baselinePath(settings.dir, settings.name)
    benches = parseBaseline(readFileSync(file, 'utf8'), file).benches
  } catch {
    return 0
  }
  return seedBatchSizes(cache, benches)
}

/** Write each bench's batch size into `cache` where it differs; returns how many it wrote. */
export function seedBatchSizes(
  cache: CalibrationCache,
  benches: Readonly<Record<string, { batchSize: number }>>,
): number {
  let written = 0
  for (const [name, bench] of Object.entries(benches)) {
    const key = benchCacheKey(name)
    if (cache.get(key) === bench.batchSize) continue
    cache.set(key, bench.batchSize)
    written++
  }
  return written
}

/**
 * One fresh process of the batch-size section: bench each workload at default settings and print
 * the batch size it chose (and its median per-call time) as one line of JSON.
 * Run by bench/batch-size-stability.ts as `node --import tsx bench/batch-size-child.ts <off|cacheDir>`.
 */
import { bench } from '../src/index.js'
import { fileCalibrationCache } from '../src/measure/calibration-cache.js'
import { edge, workloads } from './workloads.js'

// argv[2]: 'off' for raw calibration (no memory across processes), or a cache folder to share.
const cacheArg = process.argv[2] ?? 'off'
const calibrationCache = cacheArg === 'off' ? false : fileCalibrationCache(cacheArg)

const fns = [...workloads.map((w) => ({ id: w.id, fn: w.a })), { id: 'edge', fn: edge }]
const batchSize: Record<string, number> = {}
const medianNs: Record<string, number> = {}
for (const { id, fn } of fns) {
  const result = await bench(id, fn, { calibrationCache })
  batchSize[id] = result.batchSize
  medianNs[id] = result.stats.medianNs
}
process.stdout.write(`${JSON.stringify({ batchSize, medianNs })}\n`)

/**
 * One fresh process of the batch-size section: bench each workload at default settings and print
 * the batch size it chose (and its median per-call time) as one line of JSON.
 * Run by bench/batch-size-stability.ts as `node --import tsx bench/batch-size-child.ts`.
 */
import { bench } from '../src/index.js'
import { edge, workloads } from './workloads.js'

const fns = [...workloads.map((w) => ({ id: w.id, fn: w.a })), { id: 'edge', fn: edge }]
const batchSize: Record<string, number> = {}
const medianNs: Record<string, number> = {}
for (const { id, fn } of fns) {
  const result = await bench(id, fn)
  batchSize[id] = result.batchSize
  medianNs[id] = result.stats.medianNs
}
process.stdout.write(`${JSON.stringify({ batchSize, medianNs })}\n`)

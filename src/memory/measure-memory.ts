import { createResultSink, type ResultSink, USE_RESULT } from '../measure/batch-runner.js'
import { YIELD_EVERY_NS } from '../measure/defaults.js'
import { compilePrivateLoop } from '../measure/private-loop.js'
import { nowNs } from '../measure/timer.js'
import type { BatchHooks, BenchMemory } from '../measure/types.js'
import { MEMORY_OVERHEAD_PROBES, MEMORY_WARMUP_BATCHES, MIN_MEMORY_BATCHES } from './defaults.js'
import type { GcAccess } from './force-gc.js'
import { heapUsedBytes, startAllocationCount } from './heap-counter.js'
import { summarizeMemory } from './summarize-memory.js'

/** Runs k calls of the measured function, untimed; the memory counterpart of a BatchRunner. */
export type MemoryRunner = (k: number) => undefined | Promise<undefined>

/** Takes every call's result during a batch (see ResultSink); emptied after. */
type Sink = ResultSink

/**
 * A loop of k calls with nothing else in it: no clock reads, which allocate (a bigint each) and
 * would be counted as the function's. Compiled per bench for the reason createBatchRunner gives.
 */
export function createMemoryRunner(fn: () => unknown, isAsync: boolean, sink: Sink): MemoryRunner {
  const body = isAsync
    ? `return async function memoryBatchAsync(k) {
         const numbers = sink.numbers
         for (let i = 0; i < k; i++) {
           const r = await fn()
           ${USE_RESULT}
         }
       }`
    : `return function memoryBatch(k) {
         const numbers = sink.numbers
         for (let i = 0; i < k; i++) {
           const r = fn()
           ${USE_RESULT}
         }
       }`
  const factory = compilePrivateLoop(['fn', 'sink'], body) as (f: () => unknown, s: Sink) => MemoryRunner
  return factory(fn, sink)
}

export interface MemoryBatchOptions {
  /** Most batches to record. */
  batches: number
  /** Stop recording past this wall time, once MIN_MEMORY_BATCHES are recorded. */
  timeCapNs: number
  /** Calls per batch. */
  batchSize: number
  confidence: number
  gc: GcAccess
}

interface BatchReading {
  allocatedBytes: number
  retainedBytes: number | null
  rssBytes: number
  gcs: number
}

/**
 * Memory batches, run after the timed batches of a bench. Each batch:
 *
 * 1. runs `setup`, and forces a full GC, so the batch starts from live data only;
 * 2. counts the bytes allocated by k calls (heap growth plus what any GC inside freed);
 * 3. samples RSS, the heap being at its fullest;
 * 4. drops the last result, runs `teardown`, forces a full GC, and reads the heap again: what
 *    grew since step 1 was retained by the calls.
 *
 * Without a setup hook, the GC that ends a batch also starts the next (nothing runs between
 * them), which halves the GCs: on a large heap a full GC takes tens of milliseconds. A first few
 * batches are not recorded (the loop's own code is compiled then), and what the counting
 * allocates by itself is measured on empty batches and subtracted. Batches stop at `batches`,
 * or once `timeCapNs` has passed with at least MIN_MEMORY_BATCHES recorded.
 */
export async function measureMemory(
  fn: () => unknown,
  isAsync: boolean,
  hooks: BatchHooks,
  options: MemoryBatchOptions,
): Promise<BenchMemory> {
  const start = nowNs()
  const sink: Sink = createResultSink()
  const run = createMemoryRunner(fn, isAsync, sink)
  const { gc, batchSize } = options
  // True while the heap holds live data only: a GC has just run and nothing since.
  let collected = false
  let lastYield = nowNs()
  const batch = async (k: number): Promise<BatchReading> => {
    if (nowNs() - lastYield > YIELD_EVERY_NS) {
      // A long run of batches would starve the worker's timers and IPC.
      await new Promise<void>((resolve) => setImmediate(resolve))
      lastYield = nowNs()
      collected = false
    }
    if (hooks.setup) {
      await hooks.setup()
      collected = false
    }
    if (gc.available && !collected) gc.collect()
    const stop = startAllocationCount()
    await run(k)
    const count = stop()
    const rssBytes = process.memoryUsage.rss()
    sink.last = undefined
    if (hooks.teardown) await hooks.teardown()
    let retainedBytes: number | null = null
    if (gc.available) {
      gc.collect()
      collected = true
      // Both readings follow a full GC, so the difference is what the batch left alive.
      retainedBytes = heapUsedBytes() - count.startHeapBytes
    }
    return { allocatedBytes: count.allocatedBytes, retainedBytes, rssBytes, gcs: count.gcs }
  }

  // Neither needs a clean heap, so no GC: on a large heap each one is slow.
  for (let i = 0; i < MEMORY_WARMUP_BATCHES; i++) {
    if (hooks.setup) await hooks.setup()
    await run(batchSize)
    sink.last = undefined
    if (hooks.teardown) await hooks.teardown()
  }
  const overheadBytesPerBatch = await countingOverhead(run)

  const allocated: number[] = []
  const retained: number[] = []
  let rssPeakBytes = 0
  let gcsInBatches = 0
  while (allocated.length < options.batches) {
    if (allocated.length >= MIN_MEMORY_BATCHES && nowNs() - start > options.timeCapNs) break
    const reading = await batch(batchSize)
    allocated.push((reading.allocatedBytes - overheadBytesPerBatch) / batchSize)
    if (reading.retainedBytes !== null) retained.push(reading.retainedBytes / batchSize)
    rssPeakBytes = Math.max(rssPeakBytes, reading.rssBytes)
    gcsInBatches += reading.gcs
  }
  return summarizeMemory(
    {
      gc: gc.available ? gc.source : null,
      batchSize,
      allocatedBytesPerCall: allocated,
      retainedBytesPerCall: gc.available ? retained : null,
      rssPeakBytes,
      // maxRSS is in kilobytes (KiB) on every platform Node reports it for.
      processMaxRssBytes: process.resourceUsage().maxRSS * 1024,
      gcsInBatches,
      overheadBytesPerBatch,
      wallNs: nowNs() - start,
    },
    options.confidence,
  )
}

/** Bytes the counting allocates around a batch by itself: the median of empty batches, at least 0. */
async function countingOverhead(run: MemoryRunner): Promise<number> {
  const overheads: number[] = []
  for (let i = 0; i < MEMORY_OVERHEAD_PROBES; i++) {
    const stop = startAllocationCount()
    await run(0)
    overheads.push(stop().allocatedBytes)
  }
  overheads.sort((a, b) => a - b)
  return Math.max(0, overheads[overheads.length >> 1]!)
}

import type { BenchMemory } from '../measure/types.js'
import { quantile } from '../stats/quantile.js'
import { quantileBounds } from '../stats/quantile-interval.js'
import { sortSamples } from '../stats/sorted-samples.js'
import type { GcSource } from './force-gc.js'

/** What the memory batches of one bench recorded, before summarising. */
export interface MemorySamples {
  gc: GcSource | null
  batchSize: number
  /** Allocated bytes per call of each batch. */
  allocatedBytesPerCall: readonly number[]
  /** Retained bytes per call of each batch; null without forced GC. */
  retainedBytesPerCall: readonly number[] | null
  rssPeakBytes: number
  processMaxRssBytes: number
  gcsInBatches: number
  overheadBytesPerBatch: number
  wallNs: number
}

/**
 * Summarise memory batches: the median of the per-batch values with its distribution-free
 * interval (order statistics, the same rule as the time percentiles). Pure, so pooled baselines
 * can be summarised again.
 *
 * @throws RangeError when there are no batches.
 */
export function summarizeMemory(samples: MemorySamples, confidence: number): BenchMemory {
  const allocated = samples.allocatedBytesPerCall
  if (allocated.length === 0) throw new RangeError('summarizeMemory needs at least one memory batch')
  // Allocation cannot be negative, so an open lower side is 0; retained bytes can be (the heap
  // shrank), so theirs is -∞.
  const heap = medianWithInterval(allocated, confidence, 0)
  const retained =
    samples.retainedBytesPerCall === null
      ? null
      : medianWithInterval(samples.retainedBytesPerCall, confidence, Number.NEGATIVE_INFINITY)
  return {
    gc: samples.gc,
    batches: allocated.length,
    batchSize: samples.batchSize,
    confidence,
    heapPerCallBytes: heap.median,
    heapPerCallIntervalBytes: heap.interval,
    retainedPerCallBytes: retained?.median ?? null,
    retainedPerCallIntervalBytes: retained?.interval ?? null,
    rssPeakBytes: samples.rssPeakBytes,
    processMaxRssBytes: samples.processMaxRssBytes,
    gcsInBatches: samples.gcsInBatches,
    overheadBytesPerBatch: samples.overheadBytesPerBatch,
    wallNs: samples.wallNs,
    allocatedBytesPerCall: [...allocated],
    retainedBytesPerCall: samples.retainedBytesPerCall === null ? null : [...samples.retainedBytesPerCall],
  }
}

/**
 * The memory of one bench measured in several processes (a pooled baseline): the batches
 * together, the highest RSS, and GC forced only if it was in every process.
 *
 * @throws RangeError when `memories` is empty.
 */
export function poolMemory(memories: readonly BenchMemory[], confidence: number): BenchMemory {
  const first = memories[0]
  if (first === undefined) throw new RangeError('poolMemory needs at least one memory section')
  const everyRetained = memories.every((m) => m.retainedBytesPerCall !== null)
  return summarizeMemory(
    {
      gc: memories.every((m) => m.gc !== null) ? first.gc : null,
      batchSize: first.batchSize,
      allocatedBytesPerCall: memories.flatMap((m) => m.allocatedBytesPerCall),
      retainedBytesPerCall: everyRetained ? memories.flatMap((m) => m.retainedBytesPerCall!) : null,
      rssPeakBytes: Math.max(...memories.map((m) => m.rssPeakBytes)),
      processMaxRssBytes: Math.max(...memories.map((m) => m.processMaxRssBytes)),
      gcsInBatches: memories.reduce((sum, m) => sum + m.gcsInBatches, 0),
      overheadBytesPerBatch: first.overheadBytesPerBatch,
      wallNs: memories.reduce((sum, m) => sum + m.wallNs, 0),
    },
    confidence,
  )
}

/** The median and its interval; with too few batches a side is open: `openLower`, or +∞ above. */
function medianWithInterval(
  values: readonly number[],
  confidence: number,
  openLower: number,
): { median: number; interval: [number, number] } {
  const sorted = sortSamples(values)
  const { interval, samplesNeeded } = quantileBounds(sorted, 0.5, confidence)
  // quantileBounds writes an open lower side as 0.
  const lower = samplesNeeded !== null && interval[0] === 0 ? openLower : interval[0]
  return { median: quantile(sorted, 0.5), interval: [lower, interval[1]] }
}

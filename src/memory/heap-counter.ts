import { GCProfiler } from 'node:v8'

/** Bytes in use on V8's JS heap now (all spaces, garbage included until a GC frees it). */
export function heapUsedBytes(): number {
  return process.memoryUsage().heapUsed
}

/** What a stopped allocation count found. */
export interface AllocationCount {
  /** Bytes allocated on the JS heap while counting, garbage included. */
  allocatedBytes: number
  /** Heap in use when counting started and when it stopped. */
  startHeapBytes: number
  heapBytes: number
  /** GCs V8 ran while counting. */
  gcs: number
}

/**
 * Count the bytes allocated on the JS heap from now until the returned function is called.
 *
 * Heap growth alone undercounts as soon as V8 collects garbage in between (a scavenge every
 * megabyte or so of young allocation), so every GC in the window is recorded with V8's
 * GCProfiler and the bytes it freed are added back: allocated = growth + Σ(used before − used
 * after each GC). This holds whatever the young generation's size, so batches need not be kept
 * small enough to avoid GCs. The count includes what the counting itself allocates (reading
 * the heap makes an object); measure an empty window to subtract it.
 */
export function startAllocationCount(): () => AllocationCount {
  const profiler = new GCProfiler()
  profiler.start()
  const startBytes = heapUsedBytes()
  return () => {
    const heapBytes = heapUsedBytes()
    const { freedBytes, gcs } = freedByGcs(profiler.stop())
    return { allocatedBytes: heapBytes - startBytes + freedBytes, startHeapBytes: startBytes, heapBytes, gcs }
  }
}

type GcProfile = ReturnType<GCProfiler['stop']>

/** Bytes freed by the GCs of a profile. Kept apart so the profile is garbage once this returns. */
function freedByGcs(profile: GcProfile): { freedBytes: number; gcs: number } {
  const events = profile?.statistics ?? []
  let freedBytes = 0
  for (const event of events) {
    freedBytes += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize
  }
  return { freedBytes, gcs: events.length }
}

/*
 * The shape of a V8 CPU profile, as the inspector's Profiler.stop returns it and Chrome DevTools
 * reads it from a .cpuprofile file (Chrome DevTools Protocol, Profiler.Profile). Declared here so
 * the pure code that reads profiles needs no node:inspector import.
 */

/** A JavaScript function's location as V8 reports it: 0-based line and column of its start. */
export interface CpuProfileCallFrame {
  functionName: string
  scriptId: string
  /** `file:///…` for files, `node:…` for Node's internals, '' for builtins and eval'd code. */
  url: string
  lineNumber: number
  columnNumber: number
}

/** Samples that landed on one line (1-based) of a node's function. */
export interface CpuProfilePositionTick {
  line: number
  ticks: number
}

/** One node of the call tree: a function reached through one particular chain of callers. */
export interface CpuProfileNode {
  id: number
  callFrame: CpuProfileCallFrame
  /** Samples whose top frame was this node. */
  hitCount?: number
  children?: number[]
  positionTicks?: CpuProfilePositionTick[]
}

export interface CpuProfile {
  nodes: CpuProfileNode[]
  /** Microseconds, on the profiler's clock. */
  startTime: number
  endTime: number
  /** The node id of each sample, in time order. */
  samples?: number[]
  /** Microseconds between a sample and the one before it (the first: since startTime). */
  timeDeltas?: number[]
}

/** Whether a parsed JSON value looks like a CPU profile (enough to read it, not a full check). */
export function isCpuProfile(value: unknown): value is CpuProfile {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Partial<CpuProfile>
  return (
    Array.isArray(p.nodes) &&
    typeof p.startTime === 'number' &&
    typeof p.endTime === 'number' &&
    p.nodes.every(
      (n) =>
        typeof n === 'object' &&
        n !== null &&
        typeof n.id === 'number' &&
        typeof n.callFrame === 'object' &&
        n.callFrame !== null &&
        typeof n.callFrame.functionName === 'string' &&
        typeof n.callFrame.url === 'string',
    )
  )
}

import { isAbsolute, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CpuProfile, CpuProfileCallFrame, CpuProfileNode } from './cpu-profile.js'
import type { FrameOrigin, Hotspot, SourcePosition } from './types.js'

/*
 * The hottest functions of a CPU profile. Pure: a profile in, numbers out; where positions come
 * from (source maps) and which frames are perfgate's are passed in.
 *
 * Self time is what Chrome DevTools' Bottom-Up view calls "Self Time": each sample is charged the
 * time until the next sample (the last one, until the profile's end), to the function on top of
 * the stack. Nodes of the same function reached through different callers are summed.
 */

/** How many functions a profile summary keeps. */
export const MAX_HOTSPOTS = 10

/** V8's pseudo-frames: no JavaScript function, but time all the same. */
const IDLE = '(idle)'
const PROGRAM = '(program)'
const GC = '(garbage collector)'
const ROOT = '(root)'

/** A position in generated code mapped to its original source; positions 0-based as in V8. */
export interface MappedPosition {
  /** The original source: a file URL, an absolute path, or whatever the map names. */
  source: string
  line: number
  /** null when only the line is known (a line tick has no column). */
  column: number | null
}

/** Maps V8's positions (0-based) through source maps; null where no map covers them. */
export interface PositionMapper {
  /** A function's start. */
  position(url: string, line: number, column: number): MappedPosition | null
  /** A whole line (V8's per-line ticks carry no column). */
  line(url: string, line: number): MappedPosition | null
}

export interface HotspotOptions {
  /** @default no mapping: positions as V8 reports them */
  mapper?: PositionMapper
  /** Frames of perfgate itself (its calling loop): left out of the list, counted in harnessShare. */
  isOwnFrame?: (frame: CpuProfileCallFrame) => boolean
  /** Files under this folder are shown relative to it. @default process.cwd() */
  root?: string
  /** @default MAX_HOTSPOTS */
  limit?: number
}

/** What a profile says about where the time went. */
export interface ProfileHotspots {
  /** Functions by self time, most first, perfgate's own frames and V8's pseudo-frames left out. */
  hotspots: Hotspot[]
  /** Time the thread was not idle, in nanoseconds: the denominator of every share. */
  busyNs: number
  /** Samples in the profile. */
  samples: number
  gcShare: number
  harnessShare: number
  programShare: number
  /** Share of the sampled time the thread was idle (an async function waiting). */
  idleShare: number
}

interface Aggregate {
  frame: CpuProfileCallFrame
  origin: FrameOrigin
  selfNs: number
  /** 1-based line of the generated code → samples on it. */
  lineTicks: Map<number, number>
  /** For native and Node frames: the calling user function → self time charged while it called. */
  callers: Map<string, { frame: CpuProfileCallFrame; ns: number }>
}

/**
 * The hottest functions of `profile` by self time, with their shares of the busy time (the
 * samples that were not idle), and the shares of garbage collection, of perfgate's own loop and
 * of V8's "(program)" time.
 */
export function profileHotspots(profile: CpuProfile, options: HotspotOptions = {}): ProfileHotspots {
  const { mapper, isOwnFrame = () => false, root = process.cwd(), limit = MAX_HOTSPOTS } = options
  const selfNs = selfTimesNs(profile)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)

  let idleNs = 0
  let totalNs = 0
  let gcNs = 0
  let harnessNs = 0
  let programNs = 0
  const aggregates = new Map<string, Aggregate>()
  for (const node of profile.nodes) {
    const ns = selfNs.get(node.id) ?? 0
    totalNs += ns
    const name = node.callFrame.functionName
    if (name === IDLE) idleNs += ns
    else if (name === GC) gcNs += ns
    else if (name === PROGRAM) programNs += ns
    if (isPseudoFrame(node.callFrame)) continue
    if (isOwnFrame(node.callFrame) || calledByOwnCode(node, byId, parentOf, isOwnFrame)) {
      harnessNs += ns
      continue
    }
    const key = frameKey(node.callFrame)
    let aggregate = aggregates.get(key)
    if (aggregate === undefined) {
      aggregate = {
        frame: node.callFrame,
        origin: originOf(node.callFrame.url),
        selfNs: 0,
        lineTicks: new Map(),
        callers: new Map(),
      }
      aggregates.set(key, aggregate)
    }
    aggregate.selfNs += ns
    for (const tick of node.positionTicks ?? []) {
      aggregate.lineTicks.set(tick.line, (aggregate.lineTicks.get(tick.line) ?? 0) + tick.ticks)
    }
    if (aggregate.origin === 'native' || aggregate.origin === 'node') {
      const caller = userCaller(node, byId, parentOf, isOwnFrame)
      if (caller !== undefined) {
        const callerKey = frameKey(caller)
        const entry = aggregate.callers.get(callerKey) ?? { frame: caller, ns: 0 }
        entry.ns += ns
        aggregate.callers.set(callerKey, entry)
      }
    }
  }

  const busyNs = totalNs - idleNs
  const share = (ns: number) => (busyNs > 0 ? ns / busyNs : 0)
  const show = (source: string) => displayPath(source, root)
  const hotspots = [...aggregates.values()]
    .filter((a) => a.selfNs > 0)
    .sort((a, b) => b.selfNs - a.selfNs || frameKey(a.frame).localeCompare(frameKey(b.frame)))
    .slice(0, limit)
    .map((a): Hotspot => {
      const defined = definedAt(a.frame, a.origin, mapper, show)
      const topCaller = [...a.callers.values()].sort((x, y) => y.ns - x.ns)[0]
      return {
        functionName: a.frame.functionName || '(anonymous)',
        origin: a.origin,
        definedAt: defined.at,
        hottestLine: hottestLine(a, mapper, show, defined.mapped),
        mapped: defined.mapped,
        selfNs: a.selfNs,
        selfShare: share(a.selfNs),
        calledFrom:
          topCaller === undefined
            ? null
            : {
                functionName: topCaller.frame.functionName || '(anonymous)',
                at: definedAt(topCaller.frame, 'user', mapper, show).at,
              },
      }
    })
  return {
    hotspots,
    busyNs,
    samples: profile.samples?.length ?? profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0),
    gcShare: share(gcNs),
    harnessShare: share(harnessNs),
    programShare: share(programNs),
    idleShare: totalNs > 0 ? idleNs / totalNs : 0,
  }
}

/**
 * Self time of every node, in nanoseconds. From the sample timeline when the profile has one
 * (each sample is charged the time until the next; the last, until endTime); otherwise the
 * profile's span split by hit counts.
 */
export function selfTimesNs(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>()
  const { samples, timeDeltas } = profile
  if (samples !== undefined && timeDeltas !== undefined && samples.length === timeDeltas.length) {
    let t = profile.startTime
    const times = timeDeltas.map((delta) => {
      t += delta
      return t
    })
    for (let i = 0; i < samples.length; i++) {
      const next = i + 1 < times.length ? times[i + 1]! : profile.endTime
      // A clock step backwards would charge negative time; a sample never costs less than nothing.
      const us = Math.max(0, next - times[i]!)
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + us * 1e3)
    }
    return self
  }
  const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0)
  const perHitNs = hits > 0 ? ((profile.endTime - profile.startTime) * 1e3) / hits : 0
  for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * perHitNs)
  return self
}

function isPseudoFrame(frame: CpuProfileCallFrame): boolean {
  const name = frame.functionName
  return frame.url === '' && (name === IDLE || name === PROGRAM || name === GC || name === ROOT)
}

/** Where a frame's code comes from, by its URL. */
export function originOf(url: string): FrameOrigin {
  if (url === '') return 'native'
  if (url.startsWith('node:')) return 'node'
  if (/[\\/]node_modules[\\/]/.test(url)) return 'dependency'
  return 'user'
}

function frameKey(frame: CpuProfileCallFrame): string {
  return `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`
}

/**
 * A native or Node.js frame that perfgate's own code called (the inspector call that stops the
 * profiler, the clock read of the calling loop) belongs to perfgate, not to the user's code.
 */
function calledByOwnCode(
  node: CpuProfileNode,
  byId: ReadonlyMap<number, CpuProfileNode>,
  parentOf: ReadonlyMap<number, number>,
  isOwnFrame: (frame: CpuProfileCallFrame) => boolean,
): boolean {
  const origin = originOf(node.callFrame.url)
  if (origin !== 'native' && origin !== 'node') return false
  let id = parentOf.get(node.id)
  while (id !== undefined) {
    const frame = byId.get(id)?.callFrame
    if (frame === undefined || isPseudoFrame(frame)) return false
    if (isOwnFrame(frame)) return true
    const callerOrigin = originOf(frame.url)
    if (callerOrigin !== 'native' && callerOrigin !== 'node') return false
    id = parentOf.get(id)
  }
  return false
}

/** The nearest caller of `node` that is user code (not perfgate's, not native, not a dependency). */
function userCaller(
  node: CpuProfileNode,
  byId: ReadonlyMap<number, CpuProfileNode>,
  parentOf: ReadonlyMap<number, number>,
  isOwnFrame: (frame: CpuProfileCallFrame) => boolean,
): CpuProfileCallFrame | undefined {
  let id = parentOf.get(node.id)
  while (id !== undefined) {
    const parent = byId.get(id)
    if (parent === undefined) return undefined
    const frame = parent.callFrame
    if (!isPseudoFrame(frame) && !isOwnFrame(frame) && originOf(frame.url) === 'user') return frame
    id = parentOf.get(id)
  }
  return undefined
}

function definedAt(
  frame: CpuProfileCallFrame,
  origin: FrameOrigin,
  mapper: PositionMapper | undefined,
  show: (source: string) => string,
): { at: SourcePosition | null; mapped: boolean } {
  if (origin === 'native' || frame.lineNumber < 0) return { at: null, mapped: false }
  const mapped = mapper?.position(frame.url, frame.lineNumber, frame.columnNumber) ?? null
  if (mapped !== null) {
    return {
      at: { file: show(mapped.source), line: mapped.line + 1, column: (mapped.column ?? 0) + 1 },
      mapped: true,
    }
  }
  return {
    at: { file: show(frame.url), line: frame.lineNumber + 1, column: frame.columnNumber + 1 },
    mapped: false,
  }
}

function hottestLine(
  aggregate: Aggregate,
  mapper: PositionMapper | undefined,
  show: (source: string) => string,
  functionMapped: boolean,
): SourcePosition | null {
  if (aggregate.origin === 'native' || aggregate.lineTicks.size === 0) return null
  // Several generated lines can come from one original line; count ticks per original line.
  const perLine = new Map<string, { position: SourcePosition; ticks: number }>()
  for (const [line, ticks] of aggregate.lineTicks) {
    const mapped = mapper?.line(aggregate.frame.url, line - 1) ?? null
    // A generated line number beside an original file name would point at the wrong line.
    if (mapped === null && functionMapped) continue
    const position: SourcePosition =
      mapped === null
        ? { file: show(aggregate.frame.url), line, column: 1 }
        : { file: show(mapped.source), line: mapped.line + 1, column: (mapped.column ?? 0) + 1 }
    const key = `${position.file}:${position.line}`
    const entry = perLine.get(key) ?? { position, ticks: 0 }
    entry.ticks += ticks
    perLine.set(key, entry)
  }
  const best = [...perLine.values()].sort((a, b) => b.ticks - a.ticks || a.position.line - b.position.line)[0]
  return best?.position ?? null
}

/** A source as people read it: a path relative to `root` when inside it, else absolute (or the URL). */
export function displayPath(source: string, root: string): string {
  let path = source
  if (source.startsWith('file://')) {
    try {
      path = fileURLToPath(source)
    } catch {
      return source
    }
  }
  if (!isAbsolute(path)) return path
  const inside = relative(root, path)
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)
    ? inside
    : path
}

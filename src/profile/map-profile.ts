import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { CpuProfile, CpuProfileNode } from './cpu-profile.js'
import type { PositionMapper } from './hotspots.js'

/**
 * A copy of `profile` whose positions are the original source's wherever a source map covers
 * them, so Chrome DevTools, which cannot see the code Vitest ran, shows `hot-loop.ts:9` rather
 * than a line of transformed JavaScript. Lines a map does not cover lose their line ticks (the
 * node's hitCount still counts them); frames without a map are left as they are.
 */
export function sourceMappedProfile(profile: CpuProfile, mapper: PositionMapper): CpuProfile {
  return { ...profile, nodes: profile.nodes.map((node) => mapNode(node, mapper)) }
}

function mapNode(node: CpuProfileNode, mapper: PositionMapper): CpuProfileNode {
  const { callFrame } = node
  if (callFrame.url === '' || callFrame.lineNumber < 0) return node
  const start = mapper.position(callFrame.url, callFrame.lineNumber, callFrame.columnNumber)
  if (start === null) return node
  const ticks = new Map<number, number>()
  for (const tick of node.positionTicks ?? []) {
    const line = mapper.line(callFrame.url, tick.line - 1)
    if (line === null || line.source !== start.source) continue
    ticks.set(line.line + 1, (ticks.get(line.line + 1) ?? 0) + tick.ticks)
  }
  return {
    ...node,
    callFrame: {
      ...callFrame,
      url: toFileUrl(start.source),
      lineNumber: start.line,
      columnNumber: start.column ?? 0,
    },
    ...(node.positionTicks !== undefined && {
      positionTicks: [...ticks].map(([line, count]) => ({ line, ticks: count })),
    }),
  }
}

function toFileUrl(source: string): string {
  return isAbsolute(source) ? pathToFileURL(source).href : source
}

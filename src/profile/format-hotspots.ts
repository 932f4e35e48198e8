import { formatDuration } from '../budget/format.js'
import { displayPath } from './hotspots.js'
import type { BenchProfile, Hotspot, SourcePosition } from './types.js'

/*
 * The hotspot section of a failure message: the functions where the time went, each with the
 * file:line to open, then where the .cpuprofile is and how to open it.
 */

/** Functions a failure message lists; the report and the profile file have the rest. */
export const MESSAGE_HOTSPOTS = 5

/** Below this share, GC, V8's own time and perfgate's loop are not worth a mention. */
const MENTION_SHARE = 0.01

export interface FormatProfileOptions {
  /** @default MESSAGE_HOTSPOTS */
  limit?: number
  /** The .cpuprofile path is shown relative to it. @default process.cwd() */
  root?: string
  /** The section's first words. @default 'Hottest functions' */
  title?: string
}

/** The profile as lines of a failure message (no trailing blank line). */
export function formatProfileSection(profile: BenchProfile, options: FormatProfileOptions = {}): string[] {
  const { limit = MESSAGE_HOTSPOTS, root = process.cwd(), title = 'Hottest functions' } = options
  if (profile.status === 'unavailable') return [`${title}: not profiled, because ${profile.why}.`]
  // Functions under 1% are noise in a message (timers, IPC); the report and the file keep them.
  const shown = profile.hotspots.filter((h, i) => i === 0 || h.selfShare >= MENTION_SHARE).slice(0, limit)
  const calls = `${profile.calls.toLocaleString('en-US')} ${profile.calls === 1 ? 'call' : 'calls'}`
  const lines = [
    `${title} by self time (profiled after measuring: ${formatDuration(profile.profiledNs)}, ${calls}, ${profile.samples.toLocaleString('en-US')} samples):`,
  ]
  if (shown.length === 0) {
    lines.push('  No JavaScript function took measurable time in the profile.')
  } else {
    const shares = shown.map((h) => percent(h.selfShare))
    const times = shown.map((h) => formatDuration(h.selfNs))
    const names = shown.map((h) => h.functionName)
    const shareWidth = Math.max(...shares.map((s) => s.length))
    const timeWidth = Math.max(...times.map((t) => t.length))
    const nameWidth = Math.max(...names.map((n) => n.length))
    shown.forEach((h, i) => {
      lines.push(
        `  ${shares[i]!.padStart(shareWidth)}  ${times[i]!.padStart(timeWidth)}  ${names[i]!.padEnd(nameWidth)}  ${whereText(h)}`.trimEnd(),
      )
    })
  }
  const also = [
    ['garbage collection', profile.gcShare],
    ['V8 outside JavaScript (program)', profile.programShare],
    ["perfgate's calling loop", profile.harnessShare],
  ]
    .filter(([, share]) => (share as number) >= MENTION_SHARE)
    .map(([what, share]) => `${what} ${percent(share as number)}`)
  if (also.length > 0) lines.push(`  Also: ${also.join(', ')} of the busy time.`)
  if (profile.inlining === 'on') {
    lines.push(
      "  V8's inlining stayed on (coverage is being collected): a function's self time includes the functions inlined into it.",
    )
  }
  if (profile.idleShare >= 0.2) {
    lines.push(
      `  The thread was idle ${percent(profile.idleShare)} of the time (waiting for I/O or timers): self time counts only the rest.`,
    )
  }
  if (profile.file !== null) {
    lines.push(
      `CPU profile: ${displayPath(profile.file, root)} (open it in Chrome DevTools: Performance → Load profile)`,
    )
  } else if (profile.fileError !== null) {
    lines.push(`CPU profile not saved: ${profile.fileError}.`)
  }
  return lines
}

/** Where to look for a hotspot: its hottest line, else its definition; natives by their caller. */
export function whereText(h: Hotspot): string {
  if (h.origin === 'native') {
    const caller = h.calledFrom
    return caller === null
      ? '(native)'
      : `(native), called from ${caller.functionName}${caller.at === null ? '' : ` ${positionText(caller.at)}`}`
  }
  const at = h.hottestLine ?? h.definedAt
  if (at === null) return ''
  const caller = h.calledFrom
  if (h.origin === 'node' && caller !== null) {
    return `${positionText(at)}, called from ${caller.functionName}${caller.at === null ? '' : ` ${positionText(caller.at)}`}`
  }
  const text = positionText(at)
  // An unmapped position in a file that is not JavaScript is a line of the transformed code.
  const generated = !h.mapped && !/\.[cm]?js$/.test(at.file) && !at.file.startsWith('node:')
  return generated ? `${text} (line of the transformed code: no source map found)` : text
}

function positionText(at: SourcePosition): string {
  return `${shortPath(at.file)}:${at.line}`
}

/** A dependency's file from its package on: `lodash/lodash.js`, not the whole pnpm store path. */
function shortPath(file: string): string {
  const parts = file.split(/[\\/]node_modules[\\/]/)
  return parts.length > 1 ? parts.at(-1)! : file.replace(/^node_modules[\\/]/, '')
}

function percent(share: number): string {
  const value = share * 100
  return `${value >= 9.95 ? value.toFixed(0) : value.toFixed(1)}%`
}

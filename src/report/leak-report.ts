import { formatRange, formatSize } from '../budget/format.js'
import type { VerifyEventOf } from '../log/verify-event.js'
import { formatBytesPerCall } from '../memory/explain-leak.js'
import { escapeHtml, escapeMarkdown } from './escape.js'
import type { VerdictText } from './report-text.js'

/*
 * Leak checks (toLeakMemory, measureLeak) in the reports: one row each, with the heap's growth per
 * call after forced GCs, its interval, the floor it was held to and the verdict read against what
 * the test expected. Rebuilt from the `leak` event alone.
 */

/** A leak check as the reports show it; numbers the log lost are NaN. */
export interface ReportLeak {
  name: string
  status: VerifyEventOf<'leak'>['status']
  /** Growth of the heap after forced GCs, per call (the fitted slope). */
  slopeBytesPerCall: number
  intervalBytesPerCall: [number, number]
  confidence: number
  /** The floor the slope was held to: the larger of `threshold` and `minGrowth` spread over the fitted calls. */
  floorBytesPerCall: number
  /** Heap after the last forced GC minus after the first. */
  growthBytes: number
  calls: number
  /** `toLeakMemory()`: a leak was what the test wanted. */
  expectsLeak: boolean
  /** Why GC could not be forced, when it could not (then nothing was measured). */
  gcUnavailable: string | null
}

const num = (value: number | null | undefined): number => value ?? Number.NaN

/** The report's view of a `leak` event. */
export function leakFromEvent(event: VerifyEventOf<'leak'>): ReportLeak {
  return {
    name: event.name,
    status: event.status,
    slopeBytesPerCall: num(event.value),
    intervalBytesPerCall:
      event.interval === null ? [Number.NaN, Number.NaN] : [num(event.interval[0]), num(event.interval[1])],
    confidence: num(event.confidence),
    floorBytesPerCall: num(event.budget?.value),
    growthBytes: num(event.growthBytes),
    calls: event.calls,
    expectsLeak: event.expectsLeak,
    gcUnavailable: event.gcUnavailable ?? null,
  }
}

/** The verdict as words and a tone, read against what the test expected. */
export function leakVerdict(leak: Pick<ReportLeak, 'status' | 'expectsLeak'>): VerdictText {
  if (leak.status === 'inconclusive') return { text: 'inconclusive', tone: 'unsure' }
  if (leak.status === 'leak')
    return leak.expectsLeak
      ? { text: 'leak (expected by toLeakMemory)', tone: 'good' }
      : { text: 'leak', tone: 'bad' }
  return leak.expectsLeak
    ? { text: 'no leak (toLeakMemory expected a leak)', tone: 'bad' }
    : { text: 'no leak', tone: 'good' }
}

/** `312 B per call (95% CI 298–330 B)`, or why nothing was measured. */
export function slopeText(leak: ReportLeak): string {
  if (!Number.isFinite(leak.slopeBytesPerCall))
    return leak.gcUnavailable === null ? '—' : `not measured: ${leak.gcUnavailable}`
  const [lo, hi] = leak.intervalBytesPerCall
  const interval = Number.isFinite(lo)
    ? ` (${Math.round(leak.confidence * 100)}% CI ${formatRange(lo, hi, formatBytesPerCall)})`
    : ''
  return `${formatBytesPerCall(leak.slopeBytesPerCall)} per call${interval}`
}

function floorText(leak: ReportLeak): string {
  return Number.isFinite(leak.floorBytesPerCall)
    ? `≤ ${formatBytesPerCall(leak.floorBytesPerCall)} per call`
    : '—'
}

function retainedText(leak: ReportLeak): string {
  return Number.isFinite(leak.growthBytes)
    ? `${formatSize(leak.growthBytes)} in ${leak.calls.toLocaleString('en-US')} calls`
    : '—'
}

const HEADER = ['leak check', 'heap growth after GC', 'floor', 'retained over the run', 'verdict'] as const

/** The leak checks as a Markdown table; '' when there are none. */
export function leaksMarkdown(leaks: readonly ReportLeak[], emoji: (verdict: VerdictText) => string): string {
  if (leaks.length === 0) return ''
  const rows = leaks.map((leak) => {
    const verdict = leakVerdict(leak)
    return [
      escapeMarkdown(leak.name),
      escapeMarkdown(slopeText(leak)),
      escapeMarkdown(floorText(leak)),
      escapeMarkdown(retainedText(leak)),
      `${emoji(verdict)} ${escapeMarkdown(verdict.text)}`,
    ]
  })
  return [
    `| ${HEADER.join(' | ')} |`,
    '| :-- | :-- | :-- | :-- | :-- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
}

/** The leak checks as an HTML section; '' when there are none. */
export function leaksHtml(leaks: readonly ReportLeak[], badge: (verdict: VerdictText) => string): string {
  if (leaks.length === 0) return ''
  const rows = leaks.map((leak) => {
    const cells = [leak.name, slopeText(leak), floorText(leak), retainedText(leak)].map(
      (text, i) => `<td${i === 0 ? ' class="name"' : ''}>${escapeHtml(text)}</td>`,
    )
    return `<tr>${cells.join('')}<td>${badge(leakVerdict(leak))}</td></tr>`
  })
  return `<section class="leaks">
<h2>Leak checks</h2>
<table>
<thead><tr>${HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`
}

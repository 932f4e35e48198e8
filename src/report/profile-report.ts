import { formatDuration } from '../budget/format.js'
import type { VerifyEventOf } from '../log/verify-event.js'
import { whereText } from '../profile/format-hotspots.js'
import type { FrameOrigin, Hotspot } from '../profile/types.js'
import { escapeHtml, escapeMarkdown } from './escape.js'
import type { ReportBench } from './run-report.js'

/*
 * A bench's CPU profile in the reports: the hottest functions as a small table under the bench
 * (HTML), and a short list per profiled bench (Markdown), with the .cpuprofile to open.
 */

/** A profile event as the reports keep it under its bench. */
export type ReportProfile = VerifyEventOf<'profile'>

/** Functions the Markdown report lists per bench; the HTML report shows every one logged. */
const MARKDOWN_HOTSPOTS = 3

const REASON_TEXT: Readonly<Record<string, string>> = {
  budget: 'its budget failed',
  regression: 'its regression was confirmed (in a fresh process)',
  always: 'profile: "always"',
}

/** The hotspots table of one bench, or '' without a profile. */
export function profileHtml(profile: ReportProfile | undefined): string {
  if (profile === undefined) return ''
  const why = REASON_TEXT[profile.reason] ?? profile.reason
  if (profile.status === 'unavailable') {
    return `<p class="detail">${escapeHtml(`Not profiled after ${why}: ${profile.why ?? 'no reason given'}.`)}</p>`
  }
  const rows = profile.hotspots.map(
    (h) =>
      `<tr><td class="num">${escapeHtml(percent(h.selfShare))}</td><td class="num">${escapeHtml(h.selfNs === null ? '—' : formatDuration(h.selfNs))}</td><td><code>${escapeHtml(h.functionName)}</code></td><td>${escapeHtml(whereText(asHotspot(h)))}</td></tr>`,
  )
  const file =
    profile.file === null
      ? profile.fileError === null
        ? ''
        : ` Not saved: ${profile.fileError}.`
      : ` CPU profile: ${profile.file} (open it in Chrome DevTools: Performance → Load profile).`
  return `<div class="profile">
<h3>Hottest functions by self time</h3>
<table class="hotspots">
<thead><tr><th>share</th><th>self time</th><th>function</th><th>where</th></tr></thead>
<tbody>
${rows.length === 0 ? '<tr><td colspan="4">No JavaScript function took measurable time in the profile.</td></tr>' : rows.join('\n')}
</tbody></table>
<p class="detail">${escapeHtml(`Profiled after measuring, because ${why}${profile.profiledNs === null ? '' : `: ${formatDuration(profile.profiledNs)}`}${profile.samples === null ? '' : `, ${profile.samples} samples`}.${file}`)}</p>
</div>`
}

/** A short list of the hottest functions per profiled bench, problems first; '' when none. */
export function profilesMarkdown(benches: readonly ReportBench[]): string {
  const profiled = benches.filter((b) => b.profile !== undefined && b.profile.status === 'profiled')
  if (profiled.length === 0) return ''
  const blocks = profiled.map((bench) => {
    const profile = bench.profile!
    const lines = profile.hotspots
      .slice(0, MARKDOWN_HOTSPOTS)
      .map(
        (h) =>
          `- ${escapeMarkdown(percent(h.selfShare))} \`${h.functionName.replace(/`/g, "'")}\` ${escapeMarkdown(whereText(asHotspot(h)))}`,
      )
    return [`**Hottest functions of ${escapeMarkdown(bench.name)}** (self time):`, ...lines].join('\n')
  })
  return blocks.join('\n\n')
}

function asHotspot(h: ReportProfile['hotspots'][number]): Hotspot {
  return {
    ...h,
    origin: h.origin as FrameOrigin,
    selfNs: h.selfNs ?? Number.NaN,
    selfShare: h.selfShare ?? Number.NaN,
  }
}

function percent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—'
  const value = share * 100
  return `${value >= 9.95 ? value.toFixed(0) : value.toFixed(1)}%`
}

import { formatDuration, formatSize } from '../budget/format.js'
import type { WebProfile, WebUnit } from './types.js'

/**
 * A web metric's value for people, in its unit: `2.46 s`, `0.87`, `148 kB`, `12 requests`,
 * `0.102`. Times use the same format as bench results, so a value can be pasted into a budget.
 */
export function formatWebValue(unit: WebUnit, value: number): string {
  switch (unit) {
    case 'ms':
      // A TBT or INP of nothing reads "0 ms", in the unit web budgets are written in.
      return value === 0 ? '0 ms' : formatDuration(value * 1e6)
    case 'bytes':
      return formatSize(value)
    case 'score':
      return value.toFixed(2)
    case 'count':
      return `${Math.round(value)}`
    case 'unitless':
      // CLS budgets are written like 0.1 and 0.25: three decimals show what decides them.
      return Number(value.toFixed(3)).toString()
  }
}

/**
 * A profile in one short phrase, recorded next to every web value because the same page's LCP
 * differs tenfold between profiles: `desktop (1350×940, CPU 1×, 40 ms RTT, 10.0 Mbps)`.
 */
export function formatProfile(profile: WebProfile): string {
  const parts = [`${profile.viewport.width}×${profile.viewport.height}`, `CPU ${profile.cpuSlowdown}×`]
  if (profile.network === null) parts.push('network unthrottled')
  else {
    parts.push(`${Math.round(profile.network.latencyMs)} ms RTT`)
    parts.push(`${formatKbps(profile.network.downloadKbps)}`)
  }
  return `${profile.name} (${parts.join(', ')})`
}

function formatKbps(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1024).toFixed(1)} Mbps` : `${Math.round(kbps)} kbps`
}

/**
 * Whether a metric is shown in tables when no budget checked it: the vitals and Lighthouse's
 * category scores are what people read; the hundred other audit values stay in the log and
 * baseline.
 */
export function isHeadlineWebMetric(metric: string): boolean {
  return /^(LCP|FCP|CLS|INP|TTFB|TBT|performance|accessibility|best-practices|seo)$/.test(metric)
}

/** An aggregate with the runs' range, for tables: `236 ms (216 ms … 244 ms)`; `—` without a value. */
export function formatWebRuns(unit: WebUnit, value: number | null, runs: readonly (number | null)[]): string {
  if (value === null) return '—'
  const present = runs.filter((v): v is number => v !== null)
  if (present.length <= 1) return formatWebValue(unit, value)
  return `${formatWebValue(unit, value)} (${formatWebValue(unit, Math.min(...present))} … ${formatWebValue(unit, Math.max(...present))})`
}

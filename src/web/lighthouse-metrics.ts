import type { WebUnit } from './types.js'

/**
 * The parts of a Lighthouse result (LHR) that perfgate reads. Written out here instead of
 * importing Lighthouse's own types so that perfgate's declarations never name the optional peer,
 * and so that both Lighthouse 12 and 13 results fit: every field is read defensively.
 */
export interface LighthouseReport {
  lighthouseVersion?: string
  requestedUrl?: string
  finalDisplayedUrl?: string
  fetchTime?: string
  userAgent?: string
  environment?: { hostUserAgent?: string; networkUserAgent?: string; benchmarkIndex?: number }
  runtimeError?: { code?: string; message?: string }
  runWarnings?: string[]
  configSettings?: LighthouseSettings
  categories?: Record<string, { id?: string; score?: number | null } | undefined>
  audits?: Record<string, LighthouseAudit | undefined>
  entities?: { name?: string; isFirstParty?: boolean }[]
}

/** One audit of an LHR, as far as perfgate reads it. */
export interface LighthouseAudit {
  id?: string
  score?: number | null
  scoreDisplayMode?: string
  numericValue?: number
  numericUnit?: string
  errorMessage?: string
  details?: { type?: string; items?: unknown[] }
}

/** The emulation and throttling Lighthouse applied, from `lhr.configSettings`. */
export interface LighthouseSettings {
  formFactor?: string
  throttlingMethod?: string
  throttling?: {
    rttMs?: number
    throughputKbps?: number
    requestLatencyMs?: number
    downloadThroughputKbps?: number
    uploadThroughputKbps?: number
    cpuSlowdownMultiplier?: number
  }
  screenEmulation?: {
    mobile?: boolean
    width?: number
    height?: number
    deviceScaleFactor?: number
    disabled?: boolean
  }
}

/** One metric of one Lighthouse run. */
export interface LighthouseMetric {
  unit: WebUnit
  /** null where Lighthouse gave no value (a not-applicable or informative audit, an audit error). */
  value: number | null
  /** Why value is null, in words for a report. */
  missing?: string
}

/** Prefix of the resource summary keys, and the id of the Lighthouse audit they come from. */
export const RESOURCE_SUMMARY_PREFIX = 'resource-summary'

/**
 * Every number a Lighthouse result offers for a budget, keyed as budgets name them:
 *
 * - category ids ("performance"), unit score (0–1);
 * - audit ids with a numeric value ("largest-contentful-paint"), in the audit's unit: ms, bytes,
 *   count (DOM elements and the like), or unitless (CLS);
 * - every audit's score as "<audit id>.score", unit score; null where Lighthouse gave none;
 * - the page's requests by resource type as "resource-summary.<type>.size" (transfer bytes) and
 *   "resource-summary.<type>.count", types as Lighthouse names them (document, script, stylesheet,
 *   image, media, font, other, total, third-party).
 *
 * Pure: reads only `lhr`. Categories are written last, so an audit can never shadow one.
 */
export function lighthouseMetrics(lhr: LighthouseReport): Record<string, LighthouseMetric> {
  const metrics: Record<string, LighthouseMetric> = {}
  const audits = lhr.audits ?? {}

  for (const [id, audit] of Object.entries(audits)) {
    if (!audit) continue
    if (isNumber(audit.numericValue)) {
      metrics[id] = { unit: unitOf(audit.numericUnit), value: audit.numericValue }
    }
    const score = audit.score
    metrics[`${id}.score`] = isNumber(score)
      ? { unit: 'score', value: score }
      : { unit: 'score', value: null, missing: whyNoScore(id, audit) }
  }

  Object.assign(metrics, resourceSummaryMetrics(lhr))

  for (const [id, category] of Object.entries(lhr.categories ?? {})) {
    const score = category?.score
    metrics[id] = isNumber(score)
      ? { unit: 'score', value: score }
      : { unit: 'score', value: null, missing: `Lighthouse gave the "${id}" category no score` }
  }
  return metrics
}

/** Lighthouse's numericUnit as a perfgate unit. Lighthouse uses millisecond, byte, element and unitless. */
function unitOf(numericUnit: string | undefined): WebUnit {
  switch (numericUnit) {
    case 'millisecond':
      return 'ms'
    case 'byte':
      return 'bytes'
    case 'element':
    case 'count':
      return 'count'
    default:
      return 'unitless'
  }
}

function whyNoScore(id: string, audit: LighthouseAudit): string {
  switch (audit.scoreDisplayMode) {
    case 'notApplicable':
      return `"${id}" does not apply to this page`
    case 'informative':
      return `"${id}" is informative: Lighthouse does not score it`
    case 'manual':
      return `"${id}" is a manual check: Lighthouse does not score it`
    case 'error':
      return `"${id}" failed: ${audit.errorMessage ?? 'no reason given'}`
    default:
      return `Lighthouse gave "${id}" no score`
  }
}

/**
 * Resource summary keys. Lighthouse 12 and 13 compute them in the hidden "resource-summary"
 * audit; should a version drop that audit (it was proposed for removal upstream, PR #15299), the
 * same sums come from the hidden "network-requests" audit, following Lighthouse's own rules.
 */
function resourceSummaryMetrics(lhr: LighthouseReport): Record<string, LighthouseMetric> {
  const rows = resourceSummaryRows(lhr)
  const metrics: Record<string, LighthouseMetric> = {}
  for (const row of rows) {
    metrics[`${RESOURCE_SUMMARY_PREFIX}.${row.resourceType}.size`] = {
      unit: 'bytes',
      value: row.transferSize,
    }
    metrics[`${RESOURCE_SUMMARY_PREFIX}.${row.resourceType}.count`] = {
      unit: 'count',
      value: row.requestCount,
    }
  }
  return metrics
}

/** One row of a resource summary: the requests of one resource type, as Lighthouse's audit lists them. */
export interface ResourceSummaryRow {
  /** "document", "script", …, "total" or "third-party". */
  resourceType: string
  transferSize: number
  requestCount: number
}

function resourceSummaryRows(lhr: LighthouseReport): ResourceSummaryRow[] {
  const items = lhr.audits?.[RESOURCE_SUMMARY_PREFIX]?.details?.items
  if (Array.isArray(items)) {
    return items.flatMap((item): ResourceSummaryRow[] => {
      if (!isRecord(item) || typeof item.resourceType !== 'string') return []
      const { resourceType, transferSize, requestCount } = item
      if (!isNumber(transferSize) || !isNumber(requestCount)) return []
      return [{ resourceType, transferSize, requestCount }]
    })
  }
  const requests = lhr.audits?.['network-requests']?.details?.items
  return Array.isArray(requests) ? summarizeRequests(requests, lhr.entities ?? []) : []
}

/** Lighthouse's resource types by DevTools resource type; everything else is "other". */
const RESOURCE_TYPES: Record<string, string> = {
  Stylesheet: 'stylesheet',
  Image: 'image',
  Media: 'media',
  Font: 'font',
  Script: 'script',
  Document: 'document',
}

/** Schemes Lighthouse does not count as network requests (its NON_NETWORK_SCHEMES). */
const NON_NETWORK_SCHEMES = new Set(['blob', 'data', 'intent', 'file', 'filesystem', 'chrome-extension'])

/**
 * The resource summary summed from "network-requests" items the way Lighthouse 12's
 * computed/resource-summary.js does: favicon.ico and non-network schemes left out; third-party
 * are the requests whose entity Lighthouse did not mark first-party (only when it lists entities).
 */
export function summarizeRequests(
  items: readonly unknown[],
  entities: LighthouseReport['entities'],
): ResourceSummaryRow[] {
  const order = ['total', 'document', 'script', 'stylesheet', 'image', 'media', 'font', 'other']
  const rows = new Map(order.map((type) => [type, { resourceType: type, transferSize: 0, requestCount: 0 }]))
  const firstParty = new Set((entities ?? []).filter((e) => e.isFirstParty && e.name).map((e) => e.name))
  const thirdParty = { resourceType: 'third-party', transferSize: 0, requestCount: 0 }

  for (const item of items) {
    if (!isRecord(item) || typeof item.url !== 'string') continue
    const type = (typeof item.resourceType === 'string' && RESOURCE_TYPES[item.resourceType]) || 'other'
    // Headless Chrome may or may not ask for /favicon.ico; Lighthouse ignores it so counts are stable.
    if (type === 'other' && item.url.endsWith('/favicon.ico')) continue
    const scheme = typeof item.protocol === 'string' && item.protocol ? item.protocol : item.url
    if (NON_NETWORK_SCHEMES.has(scheme.split(':')[0] ?? '')) continue
    const bytes = isNumber(item.transferSize) ? item.transferSize : 0
    for (const row of [rows.get('total'), rows.get(type)]) {
      if (!row) continue
      row.requestCount++
      row.transferSize += bytes
    }
    if (firstParty.size > 0 && !(typeof item.entity === 'string' && firstParty.has(item.entity))) {
      thirdParty.requestCount++
      thirdParty.transferSize += bytes
    }
  }
  return [...rows.values(), ...(firstParty.size > 0 ? [thirdParty] : [])]
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

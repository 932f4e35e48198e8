import { z } from 'zod'
import type { WebAggregation, WebMetricSeries, WebProfile, WebResult, WebUnit } from '../web/types.js'
import { WEB_AGGREGATIONS } from '../web/types.js'
import type { BaselineFile } from './baseline-file.js'
import { isSizeRun, keepSizes, mergeSizeRun } from './baseline-sizes.js'

/*
 * Web pages in a baseline: every metric of every page measured in the run, with each run's value,
 * so a later run can be compared with the same numbers the budget saw. A page is keyed by its
 * name, the tool and the profile ("home [web-vitals, desktop]"): the same page measured by
 * Lighthouse on a mobile profile is another series, and is never compared with the desktop one.
 */

/** One page in a baseline. */
export interface BaselinePage {
  url: string
  /** "web-vitals" or "lighthouse", and its version. */
  tool: { name: WebResult['tool']['name']; version: string }
  /** The browser's product string, e.g. "Chrome/156.0.8078.79". */
  browser: string
  profile: WebProfile
  aggregation: WebAggregation
  /** Page loads. */
  runs: number
  /** Metrics by key, keys sorted. */
  metrics: Record<string, BaselinePageMetric>
}

/** One metric of a page: its unit, each run's value (null where a run had none), the aggregate. */
export interface BaselinePageMetric {
  unit: WebUnit
  runs: (number | null)[]
  value: number | null
}

/** The key of a page in a baseline: `home [web-vitals, desktop]`. */
export function pageKey(result: Pick<WebResult, 'name' | 'tool' | 'profile'>): string {
  return `${result.name} [${result.tool.name}, ${result.profile.name}]`
}

/** A result as stored in a baseline; the environment lives once at the file's top. */
export function pageFromResult(result: WebResult): BaselinePage {
  return orderedPage({
    url: result.url,
    tool: { name: result.tool.name, version: result.tool.version },
    browser: result.browser.version,
    profile: result.profile,
    aggregation: result.aggregation,
    runs: result.runs,
    metrics: Object.fromEntries(
      Object.entries(result.metrics).map(([key, series]: [string, WebMetricSeries]) => [
        key,
        { unit: series.unit, runs: [...series.runs], value: series.value },
      ]),
    ),
  })
}

/** Pages keyed by {@link pageKey}; a page measured twice in one run keeps its last result. */
export function pagesFromResults(results: readonly WebResult[]): Record<string, BaselinePage> {
  const pages: Record<string, BaselinePage> = {}
  for (const result of results) pages[pageKey(result)] = pageFromResult(result)
  return orderedPages(pages)
}

/** Pages with keys sorted and every object's keys in a fixed order, for stable files. */
export function orderedPages(pages: Record<string, BaselinePage>): Record<string, BaselinePage> {
  const ordered: Record<string, BaselinePage> = {}
  for (const key of Object.keys(pages).sort(byCodeUnits)) ordered[key] = orderedPage(pages[key]!)
  return ordered
}

function orderedPage(page: BaselinePage): BaselinePage {
  const metrics: Record<string, BaselinePageMetric> = {}
  for (const key of Object.keys(page.metrics).sort(byCodeUnits)) {
    const m = page.metrics[key]!
    metrics[key] = { unit: m.unit, runs: [...m.runs], value: m.value }
  }
  const p = page.profile
  return {
    url: page.url,
    tool: { name: page.tool.name, version: page.tool.version },
    browser: page.browser,
    profile: {
      name: p.name,
      viewport: { width: p.viewport.width, height: p.viewport.height },
      deviceScaleFactor: p.deviceScaleFactor,
      mobile: p.mobile,
      cpuSlowdown: p.cpuSlowdown,
      network:
        p.network === null
          ? null
          : {
              latencyMs: p.network.latencyMs,
              downloadKbps: p.network.downloadKbps,
              uploadKbps: p.network.uploadKbps,
            },
    },
    aggregation: page.aggregation,
    runs: page.runs,
    metrics,
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const webUnit = z.enum(['ms', 'score', 'bytes', 'count', 'unitless'])
const value = z.number().nullable()

/** Schema of the pages of a baseline file. */
export const baselinePagesSchema = z.record(
  z.string(),
  z.object({
    url: z.string(),
    tool: z.object({ name: z.enum(['web-vitals', 'lighthouse']), version: z.string() }),
    browser: z.string(),
    profile: z.object({
      name: z.string(),
      viewport: z.object({ width: z.number(), height: z.number() }),
      deviceScaleFactor: z.number(),
      mobile: z.boolean(),
      cpuSlowdown: z.number(),
      network: z
        .object({ latencyMs: z.number(), downloadKbps: z.number(), uploadKbps: z.number() })
        .nullable(),
    }),
    aggregation: z.enum(WEB_AGGREGATIONS),
    runs: z.int().min(1),
    metrics: z.record(z.string(), z.object({ unit: webUnit, runs: z.array(value), value })),
  }),
) satisfies z.ZodType<Record<string, BaselinePage>, unknown>

/**
 * A run written into an existing baseline or candidate file without losing what it did not
 * measure. Vitest measures benches and Playwright or `perfgate check` measure pages, often into the
 * same baseline name, so:
 *
 * - a run of pages only keeps the file's benches (and its environment, which the benches were
 *   measured in) and replaces only the pages it measured, so `perfgate check --page home` leaves
 *   the other pages as they were;
 * - a run of benches only keeps the file's pages and replaces the benches as a whole (a bench
 *   deleted from the suite leaves the baseline with it);
 * - a run of both replaces the file;
 * - sizes (`perfgate check`) are kept by every run that measured none, and a run of sizes only
 *   replaces the sizes and keeps the rest.
 */
export function mergeRunInto(existing: BaselineFile | undefined, run: BaselineFile): BaselineFile {
  if (existing === undefined) return run
  if (isSizeRun(run)) return mergeSizeRun(existing, run)
  return keepSizes(existing, mergeMeasured(existing, run))
}

function mergeMeasured(existing: BaselineFile, run: BaselineFile): BaselineFile {
  const hasBenches = Object.keys(run.benches).length > 0
  const hasPages = run.pages !== undefined && Object.keys(run.pages).length > 0
  if (hasBenches && hasPages) return run
  if (hasBenches) return existing.pages === undefined ? run : { ...run, pages: existing.pages }
  const keepEnv = Object.keys(existing.benches).length > 0
  return {
    ...run,
    env: keepEnv ? existing.env : run.env,
    benches: existing.benches,
    pages: orderedPages({ ...existing.pages, ...run.pages }),
  }
}

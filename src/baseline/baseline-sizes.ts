import { z } from 'zod'
import type { SizeBytes } from '../size/evaluate-size-budget.js'
import type { SizeResult } from '../size/measure-size.js'
import type { BaselineFile } from './baseline-file.js'

/*
 * Bundle sizes in a baseline: the bytes every size budget measured, so a later run can report
 * the change and fail on growth. Sizes are exact and do not depend on the machine, so unlike
 * benches and pages they are compared whatever the environment; only a change of what is
 * measured (another import) makes two sizes incomparable.
 */

/** One size budget's measurement in a baseline. */
export interface BaselineSize {
  /** The budget's path or glob. */
  path: string
  /** The import measured, or null for the files as they are. */
  import: string | Record<string, string> | null
  /** Files the path matched, relative to the package.json's folder. */
  files: string[]
  rawBytes: number
  gzipBytes: number
  brotliBytes: number
  /** "size-limit 12.1.0": brotli output can differ by a few bytes between library versions. */
  tool: string
}

/** The key of a size budget in reports and the baseline: its name, else its path (and import). */
export function sizeKey(budget: {
  name?: string | undefined
  path: string
  import?: string | Readonly<Record<string, string>> | undefined
}): string {
  if (budget.name !== undefined) return budget.name
  if (budget.import === undefined) return budget.path
  return `${budget.path} ${typeof budget.import === 'string' ? budget.import : JSON.stringify(budget.import)}`
}

/** A size measured under its key: the budget's name, else its path (and import). */
export interface KeyedSize {
  key: string
  result: SizeResult
}

/** A result as stored in a baseline. */
export function sizeFromResult(result: SizeResult): BaselineSize {
  return orderedSize({
    path: result.path,
    import:
      result.import === null
        ? null
        : typeof result.import === 'string'
          ? result.import
          : { ...result.import },
    files: [...result.files],
    rawBytes: result.rawBytes,
    gzipBytes: result.gzipBytes,
    brotliBytes: result.brotliBytes,
    tool: `${result.tool.name} ${result.tool.version}`,
  })
}

/** Sizes keyed, keys sorted; a key measured twice keeps its last result. */
export function sizesFromResults(sizes: readonly KeyedSize[]): Record<string, BaselineSize> {
  const out: Record<string, BaselineSize> = {}
  for (const { key, result } of sizes) out[key] = sizeFromResult(result)
  return orderedSizes(out)
}

/** Sizes with keys sorted and every object's keys in a fixed order, for stable files. */
export function orderedSizes(sizes: Record<string, BaselineSize>): Record<string, BaselineSize> {
  const ordered: Record<string, BaselineSize> = {}
  for (const key of Object.keys(sizes).sort(byCodeUnits)) ordered[key] = orderedSize(sizes[key]!)
  return ordered
}

function orderedSize(size: BaselineSize): BaselineSize {
  const spec = size.import
  return {
    path: size.path,
    import:
      spec === null || typeof spec === 'string'
        ? spec
        : Object.fromEntries(
            Object.keys(spec)
              .sort(byCodeUnits)
              .map((k) => [k, spec[k]!]),
          ),
    files: [...size.files],
    rawBytes: size.rawBytes,
    gzipBytes: size.gzipBytes,
    brotliBytes: size.brotliBytes,
    tool: size.tool,
  }
}

/** Whether a run measured sizes and nothing else. */
export function isSizeRun(run: BaselineFile): boolean {
  return (
    run.sizes !== undefined &&
    Object.keys(run.benches).length === 0 &&
    (run.pages === undefined || Object.keys(run.pages).length === 0)
  )
}

/**
 * A run of sizes written into an existing file: the sizes are replaced as a whole (a budget
 * deleted from the config leaves the baseline with it), everything else is kept as it was,
 * environment included: the benches and pages were measured in it, the sizes need none.
 */
export function mergeSizeRun(existing: BaselineFile, run: BaselineFile): BaselineFile {
  return { ...existing, createdAt: run.createdAt, sizes: orderedSizes(run.sizes ?? {}) }
}

/** `merged` with the sizes of `existing` when the run that made it measured none. */
export function keepSizes(existing: BaselineFile, merged: BaselineFile): BaselineFile {
  if (merged.sizes !== undefined || existing.sizes === undefined) return merged
  return { ...merged, sizes: existing.sizes }
}

/** The baseline's bytes for a size, or why they cannot be compared. */
export interface SizeBaselineLookup {
  bytes: SizeBytes | null
  /** Why a stored size was not compared, or null (also null when there is none). */
  note: string | null
}

/**
 * The baseline's bytes for `key`, when the stored size measured the same thing: a different
 * import measures another bundle, so it is not compared (and the note says so).
 */
export function sizeBaselineFor(
  baseline: BaselineFile | undefined,
  key: string,
  result: Pick<SizeResult, 'import'>,
): SizeBaselineLookup {
  const stored = baseline?.sizes?.[key]
  if (stored === undefined) return { bytes: null, note: null }
  if (JSON.stringify(orderedImport(stored.import)) !== JSON.stringify(orderedImport(result.import))) {
    return {
      bytes: null,
      note: `the baseline measured ${describeImport(stored.import)}, this run ${describeImport(result.import)}`,
    }
  }
  return {
    bytes: { rawBytes: stored.rawBytes, gzipBytes: stored.gzipBytes, brotliBytes: stored.brotliBytes },
    note: null,
  }
}

function orderedImport(spec: string | Readonly<Record<string, string>> | null): unknown {
  if (spec === null || typeof spec === 'string') return spec
  return Object.keys(spec)
    .sort(byCodeUnits)
    .map((k) => [k, spec[k]])
}

function describeImport(spec: string | Readonly<Record<string, string>> | null): string {
  if (spec === null) return 'the files as they are'
  return `the import ${typeof spec === 'string' ? spec : JSON.stringify(spec)}`
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const bytes = z.int().min(0)

/** Schema of the sizes of a baseline file. */
export const baselineSizesSchema = z.record(
  z.string(),
  z.object({
    path: z.string(),
    import: z.union([z.string(), z.record(z.string(), z.string())]).nullable(),
    files: z.array(z.string()),
    rawBytes: bytes,
    gzipBytes: bytes,
    brotliBytes: bytes,
    tool: z.string(),
  }),
) satisfies z.ZodType<Record<string, BaselineSize>, unknown>

import type { BaselineFile } from '../baseline/baseline-file.js'
import { regressionOptionsFor } from '../baseline/check-suite.js'
import {
  adjustForSuite,
  checkRegression,
  type RegressionStatus,
  type RegressionVerdict,
  resultsFromBaselineBench,
  type SuiteAdjustMethod,
} from '../baseline/regression.js'
import { type EnvironmentDifference, environmentDifferences } from '../env/differences.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import { jsonText } from './json-text.js'

/*
 * Two baseline-format files compared bench by bench: the model behind `perfgate compare`, its
 * table, its Markdown and its JSON. Pure: files in, comparison out.
 */

/** Version of the comparison JSON (`perfgate compare --json` and the comparison file). */
export const COMPARISON_SCHEMA_VERSION = 1

/** One side of a comparison. */
export interface ComparedSide {
  /** The argument as the user gave it. */
  given: string
  /** The file as shown to the user (relative to the cwd when inside it). */
  path: string
  /** How `given` was read: as a path, or as a baseline name (`<dir>/baselines/<name>.json`). */
  via: 'path' | 'baseline-name'
  file: BaselineFile
  /** SHA-256 of the file's text, so a comparison names exactly what it compared. */
  sha256: string
}

/** A bench's outcome: a regression status, or present on one side only. */
export type CompareStatus = RegressionStatus | 'new' | 'removed'

/** Every status in the order counts list them. */
export const COMPARE_STATUSES = [
  'regressed',
  'improved',
  'unchanged',
  'inconclusive',
  'environment-changed',
  'new',
  'removed',
] as const satisfies readonly CompareStatus[]

/** One bench of the comparison. */
export interface CompareRow {
  name: string
  status: CompareStatus
  /** Median per call (ns) in the base file; null for a 'new' bench. */
  baseMedianNs: number | null
  /** Median per call (ns) in the head file; null for a 'removed' bench. */
  headMedianNs: number | null
  /** The regression verdict (head against base), for benches in both files. */
  verdict: RegressionVerdict | null
}

/** Settings of a comparison. */
export interface CompareSettings {
  /** Relative threshold, 0.05 = 5%. */
  threshold: number
  confidence: number
  failOnEnvironmentChange: boolean
  /** How false alarms are controlled across the compared benches (`regression.correction`). */
  correction: SuiteAdjustMethod
  /** Thresholds of single benches over `threshold` (`regression.benches`), keyed by name or glob. */
  benchThresholds?: Readonly<Record<string, number>>
  /** The config file they came from, as reasons name it. */
  configFile?: string
}

export interface FileComparison {
  base: ComparedSide
  head: ComparedSide
  settings: CompareSettings
  /** Benches by name (UTF-16 code unit order, as baseline files sort them). */
  rows: CompareRow[]
  counts: Record<CompareStatus, number>
  /** How head's environment differs from base's, major differences first. */
  environmentDifferences: EnvironmentDifference[]
}

/**
 * Compare `head` with `base`: every bench in both gets a regression verdict from their raw batch
 * times (checkRegression, head as the current run), the verdicts are adjusted together across the
 * suite (Holm or Benjamini–Hochberg, as `regression.correction` says), and benches in one file only are listed as 'new' or 'removed'. There is no
 * re-measurement: files cannot be re-run, so a 'regressed' rests on the one run of each side.
 */
export function compareBaselineFiles(
  base: ComparedSide,
  head: ComparedSide,
  settings: CompareSettings,
): FileComparison {
  const baseBenches = base.file.benches
  const headBenches = head.file.benches
  const names = [...new Set([...Object.keys(baseBenches), ...Object.keys(headBenches)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  const compared = names.filter((name) => baseBenches[name] !== undefined && headBenches[name] !== undefined)
  const verdicts = adjustForSuite(
    compared.map((name) =>
      checkRegression(
        resultsFromBaselineBench(name, headBenches[name]!, head.file.env),
        { name, ...baseBenches[name]! },
        { baseline: base.file.env, current: head.file.env },
        regressionOptionsFor(name, settings),
      ),
    ),
    { method: settings.correction },
  )
  const verdictOf = new Map(compared.map((name, i) => [name, verdicts[i]!]))
  const rows = names.map((name): CompareRow => {
    const verdict = verdictOf.get(name)
    const baseBench = baseBenches[name]
    const headBench = headBenches[name]
    return {
      name,
      status: verdict?.status ?? (baseBench === undefined ? 'new' : 'removed'),
      // The verdict's medians are per call, as the stats' are; take them from one place.
      baseMedianNs: verdict?.medianNs[1] ?? baseBench?.stats.medianNs ?? null,
      headMedianNs: verdict?.medianNs[0] ?? headBench?.stats.medianNs ?? null,
      verdict: verdict ?? null,
    }
  })
  const counts = Object.fromEntries(COMPARE_STATUSES.map((s) => [s, 0])) as Record<CompareStatus, number>
  for (const row of rows) counts[row.status]++
  return {
    base,
    head,
    settings,
    rows,
    counts,
    environmentDifferences: environmentDifferences(base.file.env, head.file.env),
  }
}

/** The exit code of a comparison: 1 when any bench regressed. */
export function comparisonExitCode(comparison: FileComparison): number {
  return comparison.counts.regressed > 0 ? 1 : 0
}

/**
 * The comparison as JSON text (2-space, trailing newline): both files' identity, the settings,
 * the counts, and per bench its medians, change with interval, p-values and verdict. Every bench
 * has every key (null where it does not apply) so tools can read it without checks; non-finite
 * numbers (an open interval's ∞) are null.
 */
export function serializeComparison(comparison: FileComparison, createdAt: string): string {
  const side = (s: ComparedSide) => ({
    given: s.given,
    path: s.path,
    via: s.via,
    sha256: s.sha256,
    name: s.file.name,
    createdAt: s.file.createdAt,
    benches: Object.keys(s.file.benches).length,
    git: s.file.env.git,
    environment: formatEnvironmentLine(s.file.env),
  })
  const { settings } = comparison
  const json = {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    createdAt,
    base: side(comparison.base),
    head: side(comparison.head),
    settings: {
      threshold: settings.threshold,
      confidence: settings.confidence,
      failOnEnvironmentChange: settings.failOnEnvironmentChange,
      correction: settings.correction,
      remeasured: false,
    },
    counts: comparison.counts,
    exitCode: comparisonExitCode(comparison),
    benches: comparison.rows.map((row) => {
      const v = row.verdict
      return {
        name: row.name,
        status: row.status,
        baseMedianNs: row.baseMedianNs,
        headMedianNs: row.headMedianNs,
        ratio: v?.ratio ?? null,
        ratioInterval: v?.interval ?? null,
        delta: v?.delta ?? null,
        deltaInterval: v === null ? null : [v.interval[0] - 1, v.interval[1] - 1],
        confidence: v?.confidence ?? null,
        threshold: v?.threshold ?? null,
        pValue: v?.pValue ?? null,
        adjustedPValue: v?.adjustment?.adjustedPValue ?? null,
        demotedFrom: v?.adjustment?.demotedFrom ?? null,
        detectableEffect: v?.detectableEffect ?? null,
        samples: v === null ? null : { base: v.samples[1], head: v.samples[0] },
        batchSize: v === null ? null : { base: v.batchSize[1], head: v.batchSize[0] },
        environmentChanged: v?.environmentChanged ?? null,
        reason: v?.reason ?? null,
        notes: v?.notes ?? [],
      }
    }),
    environmentDifferences: comparison.environmentDifferences,
  }
  return jsonText(json)
}

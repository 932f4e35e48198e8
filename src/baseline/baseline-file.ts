import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { BENCH_BUDGET_KEYS } from '../budget/evaluate-bench-budget.js'
import type { BudgetSource } from '../budget/verdict.js'
import { formatIssues } from '../config/format-issues.js'
import { expected } from '../config/issue-messages.js'
import { type BenchBudget, type BenchBudgetInput, DEFAULT_BASELINE_NAME } from '../config/schema.js'
import { type EnvironmentDifference, environmentDifferences } from '../env/differences.js'
import type { Environment, EnvironmentWarning } from '../env/types.js'
import { perfgateError, reasonOf } from '../errors.js'
import { summarizeBatches } from '../measure/summarize.js'
import type { BenchMemory, BenchResult, BenchStats, BenchTiming } from '../measure/types.js'
import { poolMemory } from '../memory/summarize-memory.js'
import type { WebResult } from '../web/types.js'
import { type BaselinePage, baselinePagesSchema, orderedPages, pagesFromResults } from './baseline-pages.js'
import { type BaselineSize, baselineSizesSchema, orderedSizes } from './baseline-sizes.js'

/*
 * Baseline files: what a run measured, kept so later runs can be compared with it.
 *
 * One JSON file per baseline name under `<output.dir>/baselines/<name>.json`, committed by users.
 * It holds the raw batch times of every bench (comparisons use those, not the summaries), the
 * environment they were measured in, and the summary with intervals for people reading a diff.
 * Keys are written in a fixed order and bench names sorted, so re-recording a baseline changes
 * only the lines whose numbers changed. Files are replaced atomically: a reader sees the old file
 * or the new one, never half of one, even if the writer is killed.
 */

/** Version of the baseline file format. Bumped on any change an older perfgate could misread. */
export const BASELINE_SCHEMA_VERSION = 1
/** Name of the baseline when none is given. */
export { DEFAULT_BASELINE_NAME }

/** Environment variable naming the baseline to compare with and accept into, over `output.baseline`. */
export const BASELINE_NAME_ENV = 'PERFGATE_BASELINE'

/**
 * The baseline a run or command uses: an explicit choice (`--name`), else PERFGATE_BASELINE
 * (one baseline per branch or machine type, set in CI), else the config's `output.baseline`.
 */
export function chooseBaselineName(configured: string, env: NodeJS.ProcessEnv, explicit?: string): string {
  const fromEnv = env[BASELINE_NAME_ENV]
  return explicit ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : configured)
}
/** Folder under `output.dir` that holds one file per baseline name. */
export const BASELINES_FOLDER = 'baselines'
/** Folder (inside `output.dir`) of each run's results, waiting to be accepted as a baseline. */
export const CANDIDATES_FOLDER = 'candidates'
/** Longest baseline name, in characters; keeps the encoded file name within 255 bytes. */
export const MAX_BASELINE_NAME_LENGTH = 80

/** A bench's budget as it was when the baseline was recorded. */
export interface BaselineBudget {
  /** The budget as the user wrote it, e.g. `{ p95: '2ms', opsPerSec: '>= 10000' }`. */
  written: BenchBudgetInput
  /** Where it was written. */
  source: BudgetSource
}

/** One bench in a baseline. */
export interface BaselineBench {
  /** Calls per timed batch; re-measure with the same batch size to measure the same way. */
  batchSize: number
  /** Raw duration of every timed batch (the whole batch, not per call), in recording order. */
  batchTimesNs: number[]
  /** How many runs (processes) were pooled into `batchTimesNs`. */
  runs: number
  /**
   * Batches each run contributed, in the order of `batchTimesNs`; present when `runs` > 1. The
   * regression check treats each process as one measurement (see process-spread.ts), so it must
   * know where one ends.
   */
  batchesPerRun?: number[]
  /** Summary of `batchTimesNs`, with intervals; for people and reports, not for comparisons. */
  stats: BenchStats
  /** The bench's budget when the baseline was recorded, if it had one. */
  budget?: BaselineBudget
  /** How the bench was timed; present when the baseline comes from a single run. */
  timing?: BenchTiming
  /**
   * Heap per call and peak RSS, when the bench ran with `memory`; the memory batches of pooled
   * runs are pooled too (see poolMemory).
   */
  memory?: BenchMemory
}

/** A baseline file, as read and written. */
export interface BaselineFile {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION
  /** The baseline's name, e.g. "default" or "main". */
  name: string
  /** ISO 8601 time the baseline was recorded. */
  createdAt: string
  /** Where the benches were measured. */
  env: Environment
  /** Benches by name. */
  benches: Record<string, BaselineBench>
  /** Web pages by {@link pageKey} (`home [web-vitals, desktop]`); absent when the run measured none. */
  pages?: Record<string, BaselinePage>
  /** Bundle sizes by size budget name (else path); absent when the run measured none. */
  sizes?: Record<string, BaselineSize>
}

/** A budget to store with a bench: as parsed or as written, with where it came from (a FoundBudget fits). */
export interface BudgetToStore {
  budget: BenchBudget | BenchBudgetInput
  source: BudgetSource
}

// ---------------------------------------------------------------------------------------------
// Names and paths

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const SAFE_CHARACTER = /^[A-Za-z0-9_.-]$/
// Names Windows reserves for devices, with any extension ("con.json" opens the console).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i

/**
 * The file name of a baseline: `<encoded name>.json`. The rules:
 *
 * - A name is any text of 1 to {@link MAX_BASELINE_NAME_LENGTH} characters, without control
 *   characters, leading or trailing whitespace, or unpaired surrogates.
 * - Names that would leave the baselines folder are rejected: a `.` or `..` segment between
 *   slashes or backslashes (`..`, `a/../b`), or an absolute path (`/x`, `\x`, `C:\x`).
 * - Letters, digits, `_`, `-` and `.` are kept; every other character is percent-encoded as its
 *   UTF-8 bytes (`ci/linux x64` → `ci%2Flinux%20x64.json`). The encoding is reversible (see
 *   {@link baselineNameOf}), so distinct names never share a file, and ASCII-only, so macOS's
 *   Unicode normalisation cannot rename a file behind git's back.
 * - A leading `.` is encoded (no hidden files), and so is the first letter of a Windows device
 *   name (`con` → `%63on.json`).
 *
 * Names differing only in letter case (`Main`, `main`) share a file on case-insensitive file
 * systems (macOS, Windows); pick one spelling.
 *
 * @throws PerfgateError BASELINE_NAME_INVALID naming the problem.
 */
export function baselineFileName(name: string): string {
  const problem = baselineNameProblem(name)
  if (problem !== undefined)
    throw perfgateError('BASELINE_NAME_INVALID', { name, problem, maxLength: MAX_BASELINE_NAME_LENGTH })
  let encoded = ''
  for (const character of name) {
    encoded += SAFE_CHARACTER.test(character) ? character : percentEncode(character)
  }
  if (encoded.startsWith('.')) encoded = `%2E${encoded.slice(1)}`
  const stem = encoded.split('.')[0]!
  if (WINDOWS_DEVICE.test(stem)) encoded = percentEncode(encoded[0]!) + encoded.slice(1)
  return `${encoded}.json`
}

/**
 * The baseline name a file in the baselines folder holds, or undefined for anything else (such
 * as the temporary files of an interrupted write). Inverse of {@link baselineFileName}.
 */
export function baselineNameOf(fileName: string): string | undefined {
  if (!fileName.endsWith('.json') || fileName.startsWith('.')) return undefined
  try {
    const name = decodeURIComponent(fileName.slice(0, -'.json'.length))
    // Only names this module would have written: "a b.json" is not an encoded name.
    return baselineNameProblem(name) === undefined && baselineFileName(name) === fileName ? name : undefined
  } catch {
    return undefined
  }
}

/**
 * Where the baseline called `name` lives: `<dir>/baselines/<encoded name>.json`, with `dir` the
 * `output.dir` setting (`.perfgate` by default) resolved against the package.json's folder.
 * See {@link baselineFileName} for how names are encoded and which are rejected.
 */
export function baselinePath(dir: string, name: string = DEFAULT_BASELINE_NAME): string {
  return join(dir, BASELINES_FOLDER, baselineFileName(name))
}

/**
 * Where the last run's results for baseline `name` wait to be accepted:
 * `<dir>/candidates/<encoded name>.json`, the same format as a baseline. A sharded run
 * (`shard` given) writes one file per shard, `<encoded name>.shard-2-of-4.json`, for
 * `perfgate merge` to combine.
 */
export function candidatePath(
  dir: string,
  name: string = DEFAULT_BASELINE_NAME,
  shard?: { index: number; count: number },
): string {
  const file = baselineFileName(name)
  const shardSuffix = shard === undefined ? '' : `.shard-${shard.index}-of-${shard.count}`
  return join(dir, CANDIDATES_FOLDER, `${file.slice(0, -'.json'.length)}${shardSuffix}.json`)
}

function baselineNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty'
  if (name.trim() !== name) return 'it starts or ends with whitespace'
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character'
  if (LONE_SURROGATE.test(name)) return 'it contains an unpaired surrogate'
  if ([...name].length > MAX_BASELINE_NAME_LENGTH) {
    return `it has ${[...name].length} characters, more than ${MAX_BASELINE_NAME_LENGTH}`
  }
  if (/^([\\/]|[A-Za-z]:[\\/])/.test(name)) return 'it is an absolute path'
  if (name.split(/[\\/]/).some((segment) => segment === '.' || segment === '..')) {
    return 'it has a "." or ".." path segment, which could place the file outside the baselines folder'
  }
  return undefined
}

function percentEncode(character: string): string {
  let out = ''
  for (const byte of Buffer.from(character, 'utf8'))
    out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}

// ---------------------------------------------------------------------------------------------
// Building a baseline

/** Options of {@link baselineFromResults}. */
export interface BaselineFromResultsOptions {
  /** Time of recording. @default now */
  createdAt?: Date | string
  /** Pages the run measured in a browser (Web Vitals, Lighthouse), stored under `pages`. */
  webResults?: readonly WebResult[]
}

/**
 * A baseline from the results of a run. Results with the same name (the same bench measured in
 * several fresh processes) are pooled: their batch times are concatenated in the order given and
 * summarised afresh. The baseline's environment is that of the first result.
 *
 * @param name - The baseline's name; see {@link baselineFileName} for the rules.
 * @param budgets - Budgets by bench name, stored as written with their source (a `FoundBudget`
 *   from `findBenchBudget` fits).
 * @throws PerfgateError BASELINE_NAME_INVALID for a bad name; BASELINE_RESULTS_INVALID (both pending in
 *   errors.ts) when there are no results, when they come from environments that differ in a
 *   major way, or when one bench was measured with different batch sizes.
 */
export function baselineFromResults(
  name: string,
  results: readonly BenchResult[],
  budgets?: ReadonlyMap<string, BudgetToStore>,
  options: BaselineFromResultsOptions = {},
): BaselineFile {
  baselineFileName(name)
  const webResults = options.webResults ?? []
  // A run of web budgets only (Playwright, `perfgate check`) has no bench: its environment is
  // that of its first page.
  const first = results[0] ?? webResults[0]
  if (first === undefined) {
    throw perfgateError('BASELINE_RESULTS_INVALID', {
      problem: 'there are no bench results and no measured pages',
      fix: 'Run the benches or web budgets first; a baseline records what they measured.',
    })
  }
  for (const result of results) {
    const major = environmentDifferences(first.env, result.env).filter((d) => d.severity === 'major')
    if (major.length > 0) {
      throw perfgateError('BASELINE_RESULTS_INVALID', {
        problem: `"${result.name}" was measured in another environment than "${first.name}" (${describeDifferences(major)})`,
        fix: 'Record a baseline from one machine and Node.js major at a time.',
      })
    }
  }

  const groups = new Map<string, BenchResult[]>()
  for (const result of results) {
    const group = groups.get(result.name)
    if (group) group.push(result)
    else groups.set(result.name, [result])
  }

  const benches: Record<string, BaselineBench> = {}
  for (const [benchName, group] of groups) {
    const sizes = [...new Set(group.map((r) => r.batchSize))]
    if (sizes.length > 1) {
      throw perfgateError('BASELINE_RESULTS_INVALID', {
        problem: `"${benchName}" was measured with different batch sizes in different runs (${sizes.join(', ')} calls per batch)`,
        fix: `Pin the batch size so every process measures the same way: bench(${JSON.stringify(benchName)}, fn, { batchSize: ${sizes[0]} }).`,
      })
    }
    const single = group.length === 1 ? group[0] : undefined
    const batchTimesNs = group.flatMap((r) => r.batchTimesNs)
    const budget = budgets?.get(benchName)
    const memories = group.flatMap((r) => (r.memory === undefined ? [] : [r.memory]))
    benches[benchName] = {
      batchSize: sizes[0]!,
      batchTimesNs,
      runs: group.length,
      ...(group.length > 1 && { batchesPerRun: group.map((r) => r.batchTimesNs.length) }),
      stats: single ? single.stats : summarizeBatches(batchTimesNs, sizes[0]!, group[0]!.stats.confidence),
      ...(budget !== undefined && {
        budget: { written: writtenBudget(budget.budget), source: budget.source },
      }),
      ...(single !== undefined && { timing: single.timing }),
      ...(memories.length > 0 && {
        memory: memories.length === 1 ? memories[0]! : poolMemory(memories, memories[0]!.confidence),
      }),
    }
  }

  const createdAt = options.createdAt ?? new Date()
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    name,
    createdAt: typeof createdAt === 'string' ? createdAt : createdAt.toISOString(),
    env: first.env,
    benches,
    ...(webResults.length > 0 && { pages: pagesFromResults(webResults) }),
  }
}

/** A budget as written: parsed values give back their text; keys in the config's order. */
function writtenBudget(budget: BenchBudget | BenchBudgetInput): BenchBudgetInput {
  const written: Record<string, string | number> = {}
  for (const key of BENCH_BUDGET_KEYS) {
    const value: unknown = budget[key]
    if (value === undefined) continue
    if (typeof value === 'string' || typeof value === 'number') written[key] = value
    else if (typeof value === 'object' && value !== null && 'text' in value) written[key] = String(value.text)
  }
  return written as BenchBudgetInput
}

function describeDifferences(differences: readonly EnvironmentDifference[]): string {
  return differences.map((d) => `${d.field}: ${JSON.stringify(d.a)} vs ${JSON.stringify(d.b)}`).join('; ')
}

// ---------------------------------------------------------------------------------------------
// Serialising

/**
 * The file's text: 2-space JSON with a trailing newline, every object's keys in a fixed order
 * (the order of the interfaces above) and benches sorted by name (by UTF-16 code units, the same
 * in every locale), so the same baseline always gives the same bytes and a re-recorded one
 * differs only where its numbers do. Non-finite numbers (an `opsPerSec` of Infinity for a bench
 * below the timer's resolution, a NaN) are written as `null`, which reads back as NaN. Batch times
 * keep their recording order: it shows drift.
 */
export function serializeBaseline(file: BaselineFile): string {
  const benches: Record<string, unknown> = {}
  for (const name of Object.keys(file.benches).sort(byCodeUnits))
    benches[name] = orderedBench(file.benches[name]!)
  const ordered = {
    schemaVersion: file.schemaVersion,
    name: file.name,
    createdAt: file.createdAt,
    env: orderedEnvironment(file.env),
    benches,
    ...(file.pages !== undefined && { pages: orderedPages(file.pages) }),
    ...(file.sizes !== undefined && { sizes: orderedSizes(file.sizes) }),
  }
  // JSON.stringify would write null for non-finite numbers too; say so rather than rely on it.
  const text = JSON.stringify(
    ordered,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )
  return `${text}\n`
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// The return types name every field: a field added to these interfaces fails to compile here
// until it has its place in the file.
function orderedBench(bench: BaselineBench): BaselineBench {
  return {
    batchSize: bench.batchSize,
    batchTimesNs: [...bench.batchTimesNs],
    runs: bench.runs,
    ...(bench.batchesPerRun !== undefined && { batchesPerRun: [...bench.batchesPerRun] }),
    stats: orderedStats(bench.stats),
    ...(bench.budget !== undefined && {
      budget: { written: writtenBudget(bench.budget.written), source: orderedSource(bench.budget.source) },
    }),
    ...(bench.timing !== undefined && { timing: orderedTiming(bench.timing) }),
    ...(bench.memory !== undefined && { memory: orderedMemory(bench.memory) }),
  }
}

function orderedMemory(m: BenchMemory): BenchMemory {
  const pair = (p: [number, number]): [number, number] => [p[0], p[1]]
  return {
    gc: m.gc,
    batches: m.batches,
    batchSize: m.batchSize,
    confidence: m.confidence,
    heapPerCallBytes: m.heapPerCallBytes,
    heapPerCallIntervalBytes: pair(m.heapPerCallIntervalBytes),
    retainedPerCallBytes: m.retainedPerCallBytes,
    retainedPerCallIntervalBytes:
      m.retainedPerCallIntervalBytes === null ? null : pair(m.retainedPerCallIntervalBytes),
    rssPeakBytes: m.rssPeakBytes,
    processMaxRssBytes: m.processMaxRssBytes,
    gcsInBatches: m.gcsInBatches,
    overheadBytesPerBatch: m.overheadBytesPerBatch,
    wallNs: m.wallNs,
    allocatedBytesPerCall: [...m.allocatedBytesPerCall],
    retainedBytesPerCall: m.retainedBytesPerCall === null ? null : [...m.retainedBytesPerCall],
  }
}

function orderedStats(s: BenchStats): BenchStats {
  return {
    granularity: s.granularity,
    samples: s.samples,
    calls: s.calls,
    meanNs: s.meanNs,
    medianNs: s.medianNs,
    p75Ns: s.p75Ns,
    p90Ns: s.p90Ns,
    p95Ns: s.p95Ns,
    p99Ns: s.p99Ns,
    minNs: s.minNs,
    maxNs: s.maxNs,
    sdNs: s.sdNs,
    cv: s.cv,
    opsPerSec: s.opsPerSec,
    confidence: s.confidence,
    medianIntervalNs: [s.medianIntervalNs[0], s.medianIntervalNs[1]],
    p95IntervalNs: [s.p95IntervalNs[0], s.p95IntervalNs[1]],
    outliers: {
      lowSevere: s.outliers.lowSevere,
      lowMild: s.outliers.lowMild,
      highMild: s.outliers.highMild,
      highSevere: s.outliers.highSevere,
    },
  }
}

function orderedSource(source: BudgetSource): BudgetSource {
  return source.kind === 'inline'
    ? { kind: 'inline' }
    : { kind: 'config', file: source.file, key: source.key }
}

function orderedTiming(t: BenchTiming): BenchTiming {
  return {
    startedAt: t.startedAt,
    endedAt: t.endedAt,
    wallNs: t.wallNs,
    warmupNs: t.warmupNs,
    budgetNs: t.budgetNs,
    batchSizeSource: t.batchSizeSource,
    lockWaitNs: t.lockWaitNs,
  }
}

function orderedEnvironment(env: Environment): Environment {
  return {
    capturedAt: env.capturedAt,
    perfgateVersion: env.perfgateVersion,
    runtime: {
      name: env.runtime.name,
      version: env.runtime.version,
      v8: env.runtime.v8,
      execArgv: [...env.runtime.execArgv],
      nodeOptions: env.runtime.nodeOptions,
    },
    os: { platform: env.os.platform, release: env.os.release, kernel: env.os.kernel, arch: env.os.arch },
    cpu: {
      model: env.cpu.model,
      count: env.cpu.count,
      speedMHz: env.cpu.speedMHz,
      governor: env.cpu.governor,
      quotaCores: env.cpu.quotaCores,
    },
    memory: { totalBytes: env.memory.totalBytes, freeBytes: env.memory.freeBytes },
    load: { avg1: env.load.avg1, avg5: env.load.avg5, avg15: env.load.avg15 },
    ci: env.ci === null ? null : { name: env.ci.name },
    git: env.git === null ? null : { commit: env.git.commit, branch: env.git.branch, dirty: env.git.dirty },
    timer: { resolutionNs: env.timer.resolutionNs, costNs: env.timer.costNs },
    warnings: env.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
}

// ---------------------------------------------------------------------------------------------
// Schema

/** A statistic that may be non-finite: written as null, read back as NaN. */
const statistic = z.union([z.number(), z.null()]).transform((value) => value ?? Number.NaN)
const count = z.int().min(0)
const interval = z.tuple([statistic, statistic])

const environmentSchema = z.object({
  capturedAt: z.string(),
  perfgateVersion: z.string(),
  runtime: z.object({
    name: z.literal('node'),
    version: z.string(),
    v8: z.string(),
    execArgv: z.array(z.string()),
    nodeOptions: z.string().nullable(),
  }),
  os: z.object({
    platform: z.custom<NodeJS.Platform>((value) => typeof value === 'string', 'Expected a platform name'),
    release: z.string(),
    kernel: z.string(),
    arch: z.string(),
  }),
  cpu: z.object({
    model: z.string(),
    count: z.number(),
    speedMHz: z.number().nullable(),
    governor: z.string().nullable(),
    quotaCores: z.number().nullable(),
  }),
  memory: z.object({ totalBytes: z.number(), freeBytes: z.number() }),
  load: z.object({ avg1: z.number(), avg5: z.number(), avg15: z.number() }),
  ci: z.object({ name: z.string() }).nullable(),
  git: z.object({ commit: z.string(), branch: z.string().nullable(), dirty: z.boolean() }).nullable(),
  timer: z.object({ resolutionNs: z.number(), costNs: z.number() }),
  // Codes a newer perfgate adds must not make the file unreadable.
  warnings: z.array(
    z.object({
      code: z.custom<EnvironmentWarning['code']>(
        (value) => typeof value === 'string',
        'Expected a warning code',
      ),
      message: z.string(),
    }),
  ),
}) satisfies z.ZodType<Environment, unknown>

const statsSchema = z.object({
  granularity: z.enum(['call', 'batch-mean']),
  samples: count,
  calls: count,
  meanNs: statistic,
  medianNs: statistic,
  p75Ns: statistic,
  p90Ns: statistic,
  p95Ns: statistic,
  p99Ns: statistic,
  minNs: statistic,
  maxNs: statistic,
  sdNs: statistic,
  cv: statistic,
  opsPerSec: statistic,
  confidence: z.number().gt(0).lt(1),
  medianIntervalNs: interval,
  p95IntervalNs: interval,
  outliers: z.object({ lowSevere: count, lowMild: count, highMild: count, highSevere: count }),
}) satisfies z.ZodType<BenchStats, unknown>

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inline') }),
  z.object({ kind: z.literal('config'), file: z.string(), key: z.string() }),
]) satisfies z.ZodType<BudgetSource, unknown>

/** The memory section of a bench (BenchMemory); an open interval end is written as null. */
const memorySchema = z.object({
  gc: z.enum(['global.gc', 'v8-flag']).nullable(),
  batches: z.int().min(1),
  batchSize: z.int().min(1),
  confidence: z.number().gt(0).lt(1),
  heapPerCallBytes: statistic,
  heapPerCallIntervalBytes: interval,
  retainedPerCallBytes: statistic.nullable(),
  retainedPerCallIntervalBytes: interval.nullable(),
  rssPeakBytes: z.number().min(0),
  processMaxRssBytes: z.number().min(0),
  gcsInBatches: count,
  overheadBytesPerBatch: z.number().min(0),
  wallNs: z.number().min(0),
  allocatedBytesPerCall: z.array(z.number()),
  retainedBytesPerCall: z.array(z.number()).nullable(),
}) satisfies z.ZodType<BenchMemory, unknown>

const benchSchema = z
  .object({
    batchSize: z.int().min(1),
    batchTimesNs: z
      .array(z.number().min(0), { error: expected('the raw batch times, a list of numbers of ns') })
      .min(1, { error: 'Expected at least one batch time: comparisons need the raw batches' }),
    runs: z.int().min(1),
    batchesPerRun: z
      .array(z.int().min(1), {
        error: expected('the number of batches of each run, a list of whole numbers'),
      })
      .exactOptional(),
    stats: statsSchema,
    budget: z
      .object({
        written: z.record(z.string(), z.union([z.string(), z.number()])),
        source: sourceSchema,
      })
      .exactOptional(),
    timing: z
      .object({
        startedAt: z.string(),
        endedAt: z.string(),
        wallNs: z.number(),
        warmupNs: z.number(),
        budgetNs: z.number(),
        batchSizeSource: z.enum(['calibrated', 'remembered', 'option']),
        lockWaitNs: z.number(),
      })
      .exactOptional(),
    memory: memorySchema.exactOptional(),
  })
  .superRefine((bench, ctx) => {
    const perRun = bench.batchesPerRun
    if (perRun !== undefined && perRun.length !== bench.runs) {
      ctx.addIssue({
        code: 'custom',
        path: ['batchesPerRun'],
        message: `batchesPerRun lists ${perRun.length} runs but runs is ${bench.runs}`,
      })
    } else if (perRun !== undefined && perRun.reduce((a, b) => a + b, 0) !== bench.batchTimesNs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['batchesPerRun'],
        message: `batchesPerRun adds up to ${perRun.reduce((a, b) => a + b, 0)} batches but batchTimesNs holds ${bench.batchTimesNs.length}`,
      })
    }
    if (bench.stats.samples !== bench.batchTimesNs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['stats', 'samples'],
        message: `stats.samples is ${bench.stats.samples} but batchTimesNs holds ${bench.batchTimesNs.length} batch times`,
      })
    }
  })

/** Schema of a baseline file (schemaVersion 1). */
export const baselineFileSchema = z.object({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION, {
    error: expected(`schemaVersion ${BASELINE_SCHEMA_VERSION} (is this a perfgate baseline?)`),
  }),
  name: z.string().min(1),
  createdAt: z.string(),
  env: environmentSchema,
  benches: z.record(z.string(), benchSchema),
  pages: baselinePagesSchema.exactOptional(),
  sizes: baselineSizesSchema.exactOptional(),
}) satisfies z.ZodType<BaselineFile, unknown>

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Parse and validate a baseline file's text. Pure; `file` only names the file in errors.
 *
 * @throws PerfgateError BASELINE_NOT_JSON with file:line:column and what is wrong
 *   there (git conflict markers included); BASELINE_TOO_NEW for a schemaVersion above
 *   {@link BASELINE_SCHEMA_VERSION}; BASELINE_INVALID listing every problem with its key path.
 */
export function parseBaseline(text: string, file: string): BaselineFile {
  // A byte-order mark is valid in a file but not in JSON.parse; some Windows editors write one.
  const body = text.replace(/^\uFEFF/, '')
  const conflict = /^(<{7}|={7}|>{7})(?: |$)/m.exec(body)
  if (conflict) {
    throw perfgateError('BASELINE_NOT_JSON', {
      file,
      problem: 'it holds unresolved git merge conflict markers',
      ...lineAndColumn(body, conflict.index),
    })
  }
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch (error) {
    const { offset, problem } = locateJsonError(body)
    throw perfgateError('BASELINE_NOT_JSON', { file, problem, ...lineAndColumn(body, offset) }, error)
  }
  const version =
    typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined
  if (typeof version === 'number' && Number.isInteger(version) && version > BASELINE_SCHEMA_VERSION) {
    throw perfgateError('BASELINE_TOO_NEW', { file, version, supported: BASELINE_SCHEMA_VERSION })
  }
  const parsed = baselineFileSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, undefined, 'the file')
    throw perfgateError('BASELINE_INVALID', { file, problems }, parsed.error)
  }
  return parsed.data
}

/**
 * Read and validate the baseline at `path`; undefined when there is none (no file yet is the
 * normal state before the first `perfgate baseline accept`).
 *
 * @throws PerfgateError BASELINE_UNREADABLE when the file exists but cannot be
 *   read, and whatever {@link parseBaseline} throws.
 */
export async function readBaseline(path: string): Promise<BaselineFile | undefined> {
  return (await readBaselineWithText(path))?.file
}

/**
 * {@link readBaseline}, also returning the file's text (to hash or copy it byte for byte), with
 * errors naming the file as `shownAs` (a path as the user typed it).
 */
export async function readBaselineWithText(
  path: string,
  shownAs: string = path,
): Promise<{ file: BaselineFile; text: string } | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw perfgateError('BASELINE_UNREADABLE', { file: shownAs, reason: reasonOf(error) }, error)
  }
  return { file: parseBaseline(text, shownAs), text }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 }
}

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

/**
 * Where JSON.parse failed, and why, in words that are the same on every Node version (V8's own
 * messages change wording between majors and give no position for some errors). A small
 * recursive-descent scan that stops at the first error; only run once JSON.parse has failed.
 */
function locateJsonError(text: string): { offset: number; problem: string } {
  if (text.trim() === '') return { offset: 0, problem: 'the file is empty' }
  let i = 0
  const fail = (problem: string): never => {
    throw new JsonSyntaxError(
      i,
      i >= text.length ? 'the file ends early (was it cut off while being written?)' : problem,
    )
  }
  const unexpected = () => `unexpected ${JSON.stringify(text[i])}`
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const expectChar = (c: string, what: string) => {
    if (text[i] !== c) fail(`expected ${what}, found ${JSON.stringify(text[i])}`)
    i++
  }
  const string = () => {
    i++ // opening quote
    for (;;) {
      if (i >= text.length) fail('')
      const c = text[i]!
      if (c === '"') {
        i++
        return
      }
      if (c < ' ') fail('a control character (such as a line break) inside a string')
      if (c === '\\') {
        i++
        const e = text[i]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('a malformed \\u escape')
          i += 5
          continue
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('a malformed escape sequence')
      }
      i++
    }
  }
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
  const value = (): void => {
    skipSpace()
    const c = text[i]
    if (c === '{') {
      i++
      skipSpace()
      if (text[i] === '}') {
        i++
        return
      }
      for (;;) {
        skipSpace()
        if (text[i] !== '"')
          fail(`expected a property name in double quotes, found ${JSON.stringify(text[i])}`)
        string()
        skipSpace()
        expectChar(':', '":"')
        value()
        skipSpace()
        if (text[i] === ',') i++
        else if (text[i] === '}') {
          i++
          return
        } else fail(`expected "," or "}", found ${JSON.stringify(text[i])}`)
      }
    }
    if (c === '[') {
      i++
      skipSpace()
      if (text[i] === ']') {
        i++
        return
      }
      for (;;) {
        value()
        skipSpace()
        if (text[i] === ',') i++
        else if (text[i] === ']') {
          i++
          return
        } else fail(`expected "," or "]", found ${JSON.stringify(text[i])}`)
      }
    }
    if (c === '"') {
      string()
      return
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i
      if (!NUMBER.test(text)) fail('a malformed number')
      i = NUMBER.lastIndex
      return
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length
        return
      }
    }
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i)) {
      fail(`${unexpected()} (JSON has no NaN or Infinity; perfgate writes null)`)
    }
    fail(unexpected())
  }
  try {
    value()
    skipSpace()
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, problem: error.problem }
    throw error
  }
  // JSON.parse failed where this scan did not (it should not happen): no better place than the start.
  return { offset: 0, problem: 'JSON.parse rejected it' }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Write a baseline so that no reader ever sees half of it, even if this process is killed
 * mid-write: the text goes to a temporary file in the same folder (`.<file>.<pid>.<random>.tmp`,
 * which {@link baselineNameOf} ignores), is flushed to disk (fsync), and is then renamed over
 * `path` — an atomic replacement on POSIX file systems and on NTFS. The folder is fsynced after
 * the rename where the platform allows, so the new name survives a power cut. Creates the folder.
 *
 * This replaces any existing baseline: call it only on an explicit accept.
 *
 * @throws PerfgateError BASELINE_UNWRITABLE; the temporary file is removed and
 *   the previous baseline left as it was.
 */
export async function writeBaselineAtomic(path: string, file: BaselineFile): Promise<void> {
  const text = serializeBaseline(file)
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true })
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw perfgateError('BASELINE_UNWRITABLE', { file: path, reason: reasonOf(error) }, error)
  }
  await syncFolder(dir)
}

/** Best effort: Windows cannot open a folder for fsync, and some file systems refuse it. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // The rename itself is done; only its durability across a power cut is not guaranteed here.
  }
}

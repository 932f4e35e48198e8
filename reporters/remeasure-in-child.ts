import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { BASE_CODE_ENV, BASE_REF_ENV } from '../src/baseline/base-checkout.js'
import type { RemeasureRequest } from '../src/baseline/check-suite.js'
import { isBenchResult } from '../src/measure/compare-results.js'
import { PINNED_BATCH_SIZES_ENV, pinnedBatchSizesValue } from '../src/measure/pinned-batch-sizes.js'
import type { BenchResult } from '../src/measure/types.js'
import { PROFILE_ENV } from '../src/profile/profile-settings.js'
import type { BaseComparisonRecord } from './base-guard.js'
import type { TestRecords } from './collect-records.js'

/*
 * Benches measured again in a fresh Vitest process: a suspected regression before its verdict
 * (each process settles into its own speed, so only new processes are new evidence), and every
 * bench once per extra process when a run records the baseline (regression.baselineRuns). The child runs only the tests that measured the suspects (`-t` on their full names,
 * their files as filters) with perfgate's reporter alone, which, seeing REMEASURE_OUT_ENV, writes
 * the bench results to that file and does nothing else: no log, no baseline, no summary.
 */

/** Set in the child: the JSON file its reporter writes the re-measured results to. */
export const REMEASURE_OUT_ENV = 'PERFGATE_REMEASURE_OUT'

/** The longest a re-measurement may take before it is abandoned (the suspects stay unconfirmed). */
export const REMEASURE_TIMEOUT_MS = 15 * 60_000

export interface RemeasureContext {
  /** The Vitest project root. */
  root: string
  /** The config file the run used, if any. */
  configFile: string | undefined
  /** The run's tests with their records. */
  entries: readonly TestRecords[]
  /**
   * The run's worker flags (Vitest's resolved `execArgv`, from the config file or the command
   * line). Given to the child on its command line: it starts from the config file alone, and a
   * flag set only with `vitest --execArgv` (a young generation held at one size, say) would
   * otherwise be missing from the processes that decide.
   */
  execArgv?: readonly string[]
  /**
   * The run's Vitest command-line options that change where and how a file runs (`--pool`,
   * `--project`, `--no-isolate`…; see forwarded-cli-options.ts), for the same reason.
   */
  cliOptions?: readonly string[]
  env?: NodeJS.ProcessEnv
}

/**
 * The `-t` pattern matching exactly these tests. Vitest 4 matches it against the file path, suite
 * names and title joined by spaces; Vitest 5 against suite names and title joined by " > ".
 */
export function testNamePattern(tests: readonly Pick<TestRecords, 'names'>[]): string {
  const names = [...new Set(tests.map((t) => t.names.map(escapeRegExp).join('(?: | > )')))]
  return `(^| )(${names.join('|')})$`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** What a re-measurement child hands back: its bench results, and its base comparisons (PERFGATE_BASE_REF). */
export interface ChildResults {
  benches: BenchResult[]
  baseComparisons: BaseComparisonRecord[]
}

/** Re-measure `requests` by re-running, in a fresh Vitest process, the tests that measured them. */
export async function remeasureInChild(
  requests: readonly RemeasureRequest[],
  context: RemeasureContext,
): Promise<BenchResult[]> {
  const wanted = new Set(requests.map((r) => r.name))
  const tests = context.entries.filter((e) =>
    e.records.some((r) => r.kind === 'bench' && wanted.has(r.result.name)),
  )
  if (tests.length === 0) return []
  const results = await runTestsInChild(tests, context, {
    // The child times the same batches as the run it joins.
    [PINNED_BATCH_SIZES_ENV]: pinnedBatchSizesValue(requests),
    // Only bench results are wanted: no comparison with a base ref's code (PERFGATE_BASE_REF).
    [BASE_REF_ENV]: '',
    [BASE_CODE_ENV]: '',
  })
  return results.benches.filter((r) => wanted.has(r.name))
}

/**
 * Compare the named perfTests with the base once more, in a fresh Vitest process (which reuses
 * the run's base checkout): the confirmation a 'slower' needs before it fails the run.
 */
export async function confirmBaseInChild(
  names: readonly string[],
  context: RemeasureContext,
): Promise<BaseComparisonRecord[]> {
  const wanted = new Set(names)
  const tests = context.entries.filter((e) =>
    e.records.some((r) => r.kind === 'base-comparison' && wanted.has(r.name)),
  )
  if (tests.length === 0) return []
  const results = await runTestsInChild(tests, context, {})
  return results.baseComparisons.filter((r) => wanted.has(r.name))
}

/** Run `tests` again in a fresh Vitest process whose reporter only hands back what they recorded. */
async function runTestsInChild(
  tests: readonly TestRecords[],
  context: RemeasureContext,
  extraEnv: NodeJS.ProcessEnv,
): Promise<ChildResults> {
  const vitestBin = join(
    dirname(createRequire(join(context.root, 'package.json')).resolve('vitest/package.json')),
    'vitest.mjs',
  )
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-remeasure-'))
  const out = join(dir, 'results.json')
  const args = [
    vitestBin,
    'run',
    ...new Set(tests.map((t) => t.path)),
    '--root',
    context.root,
    ...(context.configFile === undefined ? [] : ['--config', context.configFile]),
    '--testNamePattern',
    testNamePattern(tests),
    '--reporter',
    'perfgate/reporter',
    '--passWithNoTests',
    // `=` keeps a value that starts with `--` a value.
    ...(context.execArgv ?? []).map((flag) => `--execArgv=${flag}`),
    ...(context.cliOptions ?? []),
  ]
  try {
    const { code, output } = await runChild(process.execPath, args, {
      ...(context.env ?? process.env),
      [REMEASURE_OUT_ENV]: out,
      PERFGATE_UPDATE: '',
      // Its failed budgets are the run's, already profiled there; a profile would only slow it.
      [PROFILE_ENV]: 'off',
      ...extraEnv,
    })
    let text: string
    try {
      text = readFileSync(out, 'utf8')
    } catch {
      throw new Error(
        `the re-measurement process (vitest ${args.slice(1).join(' ')}) exited with code ${code} without results; its last output:\n${output.slice(-2000)}`,
      )
    }
    return parseChildResults(JSON.parse(text))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The child's file: `{ benches, baseComparisons }`. */
export function parseChildResults(parsed: unknown): ChildResults {
  const value = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>
  const benches = Array.isArray(value.benches) ? value.benches.filter(isBenchResult) : []
  const baseComparisons = Array.isArray(value.baseComparisons)
    ? value.baseComparisons.filter(
        (r): r is BaseComparisonRecord =>
          typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'base-comparison',
      )
    : []
  return { benches, baseComparisons }
}

function runChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => child.kill('SIGKILL'), REMEASURE_TIMEOUT_MS)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { vi } from 'vitest'
import { baseCodeFromEnv, baseLabel, basePathOf } from '../../src/baseline/base-checkout.js'
import { regressionOptionsFor } from '../../src/baseline/check-suite.js'
import { benchThresholdsOf, configFileLabel, type LoadedConfig } from '../../src/config/load-config.js'
import { reasonOf } from '../../src/errors.js'
import { measureBench } from '../../src/measure/bench.js'
import { measureComparison } from '../../src/measure/compare.js'
import type { BenchOptions } from '../../src/measure/types.js'
import { type PerfRecord, recordResult } from '../../src/results/result-sink.js'
import { type BasePerfTest, batchHooksOf, collectBase, fullTestName } from './base-collection.js'

/*
 * A perfTest's second measurement when the run has a base ref (PERFGATE_BASE_REF): the head's
 * function against the base's version of it, in alternating rounds in this process (compare()),
 * with the regression threshold as the practical threshold. The test does not fail on it: the
 * reporter confirms a 'slower' in a fresh process first, as the regression guard does.
 */

/** The parts of a Vitest task that name it; the same in Vitest 4 and 5. */
export interface NamedTask {
  name: string
  suite?: NamedTask | undefined
  file?: { filepath: string } | undefined
  filepath?: string
}

/** The names of the describe blocks around a test, outermost first (the file is not one). */
export function suiteNames(task: NamedTask): string[] {
  const names: string[] = []
  for (let suite = task.suite; suite !== undefined; suite = suite.suite) {
    if (suite.filepath !== undefined) break
    names.unshift(suite.name)
  }
  return names
}

// One import per base file and worker: its perfTests, collected.
const loadedFiles = new Map<string, Promise<Map<string, BasePerfTest>>>()

function loadBaseFile(path: string): Promise<Map<string, BasePerfTest>> {
  let loading = loadedFiles.get(path)
  if (loading === undefined) {
    // vi.importActual goes through Vitest's module runner (a plain import() from perfgate's
    // own code would not transform TypeScript), and perfgate's Vite plugin gives the file the
    // base's stand-in for 'vitest'.
    loading = collectBase(() => vi.importActual(path))
    loadedFiles.set(path, loading)
  }
  return loading
}

/** The regression threshold of a bench: its `regression.benches` entry, else `regression.threshold`. */
export function baseThreshold(
  name: string,
  loaded: LoadedConfig,
): { threshold: number; thresholdSource?: string; confidence: number } {
  const { regression } = loaded.config
  // The same lookup the stored-baseline guard does, naming the entry the same way.
  const own = regressionOptionsFor(name, {
    threshold: regression.threshold.fraction,
    benchThresholds: benchThresholdsOf(regression),
    configFile: configFileLabel(loaded),
  })
  return {
    threshold: Number(own.threshold),
    ...(own.thresholdSource !== undefined && { thresholdSource: own.thresholdSource }),
    confidence: regression.confidence,
  }
}

/**
 * With a base ref, time the head's function (with its batch hooks) against the base's perfTest of the same full name and record the
 * comparison (or why there is none) for the reporter. Without one, does nothing.
 */
export async function compareWithBase(
  name: string,
  head: BasePerfTest,
  benchOptions: BenchOptions,
  task: NamedTask,
  loaded: LoadedConfig,
): Promise<void> {
  const code = baseCodeFromEnv()
  if (code === undefined) return
  const settings = baseThreshold(name, loaded)
  const record = (rest: Pick<Extract<PerfRecord, { kind: 'base-comparison' }>, 'comparison' | 'missing'>) =>
    recordResult({
      kind: 'base-comparison',
      name,
      base: { ref: code.ref, commit: code.commit },
      ...settings,
      ...rest,
    })
  const label = baseLabel(code)
  const testFile = task.file?.filepath
  const basePath = testFile === undefined ? undefined : basePathOf(code, testFile)
  if (testFile === undefined || basePath === undefined || !existsSync(basePath)) {
    const file = testFile === undefined ? 'its file' : relative(code.repoRoot, testFile)
    return record({ comparison: null, missing: { reason: 'file', detail: `${file} is not in ${label}` } })
  }
  let perfTests: Map<string, BasePerfTest>
  try {
    perfTests = await loadBaseFile(basePath)
  } catch (error) {
    const file = relative(code.repoRoot, testFile)
    return record({
      comparison: null,
      missing: { reason: 'error', detail: `${file} of ${label} failed to load: ${reasonOf(error)}` },
    })
  }
  const fullName = fullTestName(suiteNames(task), name)
  const base = perfTests.get(fullName)
  if (base === undefined) {
    const file = relative(code.repoRoot, testFile)
    return record({
      comparison: null,
      missing: { reason: 'bench', detail: `${file} of ${label} has no perfTest named "${fullName}"` },
    })
  }
  // The head's function has just been through bench(); the base's gets the same, unrecorded,
  // so both enter the comparison with the same history. Without it, V8 had optimised only the
  // head's copy: in bench/base-guard-accuracy.ts 'map filter reduce 1k' read 3× faster than its
  // identical base in every run, and an unchanged head was called faster.
  await measureBench(name, base.fn, { ...benchOptions, ...batchHooksOf(base) })
  const comparison = await measureComparison(
    { name, ...head },
    { name: `${name} @ ${label}`, ...base },
    { by: settings.threshold, confidence: settings.confidence },
  )
  record({ comparison })
}

import { test } from 'vitest'
import { budgetLimits, evaluateBenchBudget } from '../../src/budget/evaluate-bench-budget.js'
import { explainBudget, formatBudgetMessage } from '../../src/budget/explain-budget.js'
import { findBenchBudget } from '../../src/budget/find-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import { configFileLabel, type LoadedConfig } from '../../src/config/load-config.js'
import type { BenchBudget, BenchBudgetInput } from '../../src/config/schema.js'
import { bench } from '../../src/measure/bench.js'
import type { BenchFn, BenchOptions } from '../../src/measure/types.js'
import { formatProfileSection } from '../../src/profile/format-hotspots.js'
import { profileForFailure } from '../../src/profile/profile-targets.js'
import { type InconclusivePolicy, recordResult } from '../../src/results/result-sink.js'
import { baseCollection, fullTestName, perfTestSide } from './base-collection.js'
import { compareWithBase, type NamedTask } from './base-comparison.js'
import { inconclusivePolicy } from './bench-defaults.js'
import { warnInconclusive } from './matcher-context.js'
import { projectConfig } from './project-config.js'
import { withMemoryForLimits, withSamplesToBound } from './to-meet-budget.js'

/** Test timeout of a perf test unless `timeout` says otherwise: room for waiting on the measurement lock. */
export const DEFAULT_PERF_TEST_TIMEOUT_MS = 300_000

/** Options of {@link perfTest}: bench options, plus the budget and what an unsettled verdict does. */
export interface PerfTestOptions extends Omit<BenchOptions, 'env'> {
  /**
   * The budget, inline. When absent, `budgets.bench[<name>]` of package.json applies (names may
   * use `*` globs); with neither, the bench is recorded and reported as unguarded.
   */
  budget?: BenchBudgetInput
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
  /** Test timeout in ms. @default DEFAULT_PERF_TEST_TIMEOUT_MS */
  timeout?: number
}

/** A perf test failed its budget (or could not settle it, with `inconclusive: 'fail'`). */
export class PerfBudgetError extends Error {
  override readonly name = 'PerfBudgetError'
}

type TestDeclarer = (
  name: string,
  fn: (context: { task: NamedTask }) => Promise<void>,
  timeout?: number,
) => void

function declarePerfTest(declare: TestDeclarer, collected = true) {
  return (name: string, fn: BenchFn, options: PerfTestOptions = {}): void => {
    const { budget, inconclusive, timeout, ...benchOptions } = options
    // Importing the base ref's copy of this file (PERFGATE_BASE_REF): keep the function, declare nothing.
    const collection = baseCollection()
    if (collection !== undefined) {
      if (collected)
        collection.perfTests.set(fullTestName(collection.describePath, name), perfTestSide(fn, options))
      return
    }
    // Validate an inline budget where the test is declared, so a typo fails at once, by name.
    const inline = budget === undefined ? undefined : parseBenchBudget(budget, `perfTest("${name}")`)
    declare(
      name,
      async ({ task }) => {
        const loaded = projectConfig()
        const found = inline === undefined ? configBudget(name, loaded) : { budget: inline, source: INLINE }
        const limits = found === undefined ? [] : budgetLimits(found.budget)
        // Memory budgets (heapPerCall, rss) need the memory batches, which are off by default.
        const options = withMemoryForLimits(withSamplesToBound(benchOptions, limits), limits)
        const result = await bench(name, fn, options)
        // The base ref's version of the function, timed against this one in alternating rounds.
        await compareWithBase(name, perfTestSide(fn, benchOptions), options, task, loaded)
        if (found === undefined) {
          recordResult({ kind: 'unguarded', name })
          return
        }
        const policy = inconclusivePolicy(inconclusive, loaded)
        const verdict = evaluateBenchBudget(result, found.budget, found.source)
        recordResult({ kind: 'budget', verdict, inconclusivePolicy: policy })
        if (verdict.status === 'pass') return
        // A failed budget is profiled after the measurement, for the hottest functions (docs/profiles.md).
        const profile =
          verdict.status === 'fail' ? await profileForFailure(result, benchOptions.profile) : undefined
        const message = [
          formatBudgetMessage(explainBudget(verdict, result)),
          ...(profile === undefined ? [] : ['', ...formatProfileSection(profile)]),
        ].join('\n')
        if (verdict.status === 'inconclusive' && policy === 'warn') {
          warnInconclusive(message)
          return
        }
        const error = new PerfBudgetError(message)
        // The stack would point into perfgate; the message already says everything.
        error.stack = `${error.name}: ${message}`
        throw error
      },
      timeout ?? DEFAULT_PERF_TEST_TIMEOUT_MS,
    )
  }
}

const INLINE: BudgetSource = { kind: 'inline' }

function configBudget(
  name: string,
  loaded: LoadedConfig,
): { budget: BenchBudget; source: BudgetSource } | undefined {
  return findBenchBudget(name, loaded.config.budgets.bench, configFileLabel(loaded))
}

/**
 * Declare a perf test in one line: bench `fn` under `name`, record the result for the reporter,
 * and check it against its budget, inline or from package.json `budgets.bench[name]`.
 *
 * ```ts
 * perfTest('sort 10k', () => sortNumbers(data))                      // budget from package.json
 * perfTest('parse 1 kB', () => parse(input), { budget: { p95: '50us' }, time: '1s' })
 * ```
 */
export const perfTest = Object.assign(declarePerfTest(test), {
  /** Declared, not run (like `test.skip`). */
  skip: declarePerfTest(test.skip, false),
  /** Run only this one in its file (like `test.only`). */
  only: declarePerfTest(test.only),
})

/**
 * `perfgate/vitest`: the Vitest setup file. Listing it in `setupFiles` registers perfgate's
 * matchers (and their types), attaches every measurement and verdict to the test that made it
 * for the reporter, and warns when coverage or a debugger would spoil timings. It also exports
 * `perfTest`, the one-line perf test.
 */
import { expect } from 'vitest'
import { setBenchDefaults } from '../../src/measure/bench-defaults.js'
import { benchDefaultsFrom } from './bench-defaults.js'
import { projectConfig } from './project-config.js'
import { recordResultsOnTasks } from './record-results.js'
import { toBeFasterThan, toBeSlowerThan } from './to-be-faster-than.js'
import { toLeakMemory } from './to-leak-memory.js'
import { toHaveP95Below, toHavePercentileBelow, toMeetBudget } from './to-meet-budget.js'
import { toMeetSizeBudget } from './to-meet-size-budget.js'
import { toScale } from './to-scale.js'
import { registerVitestSourceMaps } from './vitest-source-maps.js'
import { warnAboutInstrumentation } from './warn-instrumentation.js'

expect.extend({
  toMeetBudget,
  toHavePercentileBelow,
  toHaveP95Below,
  toBeFasterThan,
  toBeSlowerThan,
  toRunFasterThan: toBeFasterThan,
  toRunSlowerThan: toBeSlowerThan,
  toMeetSizeBudget,
  toLeakMemory,
  toScale,
})
recordResultsOnTasks()
registerVitestSourceMaps() // CPU profiles on failure name TypeScript lines (docs/profiles.md)
// The "bench" section of package.json applies to every bench() and compare() in the worker, so a
// plain bench() in a test follows the project's settings just as perfTest does.
setBenchDefaults(benchDefaultsFrom(projectConfig()))
warnAboutInstrumentation()

export type { VitestBenchResult } from '../../src/measure/compare-results.js'
export type { Comparand, PerfgateMatchers } from './augment.js'
export type { FasterThanOptions } from './comparison-options.js'
export type { PerfTestOptions } from './perf-test.js'
export { DEFAULT_PERF_TEST_TIMEOUT_MS, PerfBudgetError, perfTest } from './perf-test.js'
export type { PerfgateTaskMeta } from './record-results.js'
export type { LeakMemoryOptions } from './to-leak-memory.js'
export type { MeetBudgetOptions } from './to-meet-budget.js'
export type { SizeBudgetInput } from './to-meet-size-budget.js'
export type { ToScaleOptions } from './to-scale.js'

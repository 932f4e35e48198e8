/**
 * perfgate: performance budgets as tests that pass or fail honestly.
 * The public core API. Explicit named exports only; adapters (Vitest, Playwright, reporters) live
 * in their own entry points.
 */

export { formatDuration, formatPercent, formatSize } from './budget/format.js'
export { parseDuration } from './budget/parse-duration.js'
export { parsePercent } from './budget/parse-percent.js'
export { parseSize } from './budget/parse-size.js'
export type { LoadedConfig } from './config/load-config.js'
export { loadConfig, loadConfigSync, parseConfig } from './config/load-config.js'
export { captureEnvironment } from './env/capture-environment.js'
export type { EnvironmentDifference } from './env/differences.js'
export { environmentDifferences } from './env/differences.js'
export { environmentWarnings } from './env/environment-warnings.js'
export { formatEnvironment, formatEnvironmentLine } from './env/format-environment.js'
export type { Environment, EnvironmentWarning } from './env/types.js'
export type { ErrorCode } from './errors.js'
export { isPerfgateError, PerfgateError } from './errors.js'
export { bench } from './measure/bench.js'
export { compare } from './measure/compare.js'
export * from './measure/defaults.js'
export type { LookVerdict, PairedAnalysis, PairedOptions } from './measure/paired-verdict.js'
export { analyzePairedLogRatios, lookSchedule } from './measure/paired-verdict.js'
export { summarizeBatches } from './measure/summarize.js'
export type { TimerProfile } from './measure/timer.js'
export { timerProfile } from './measure/timer.js'
export type {
  BatchHooks,
  BenchFn,
  BenchOptions,
  BenchResult,
  BenchStats,
  BenchTiming,
  CompareOptions,
  CompareSide,
  Comparison,
  ComparisonMethod,
  ComparisonVerdict,
  DurationInput,
  OutlierCounts,
} from './measure/types.js'

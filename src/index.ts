/**
 * perfgate: performance budgets as tests that pass or fail honestly.
 * The public core API. Explicit named exports only; adapters (Vitest, Playwright, reporters) live
 * in their own entry points.
 */

export type {
  BaselineBench,
  BaselineBudget,
  BaselineFile,
  BaselineFromResultsOptions,
  BudgetToStore,
} from './baseline/baseline-file.js'
export {
  BASELINE_NAME_ENV,
  BASELINE_SCHEMA_VERSION,
  baselineFileName,
  baselineFromResults,
  baselinePath,
  candidatePath,
  chooseBaselineName,
  DEFAULT_BASELINE_NAME,
  parseBaseline,
  readBaseline,
  serializeBaseline,
  writeBaselineAtomic,
} from './baseline/baseline-file.js'
export type { BaselinePage, BaselinePageMetric } from './baseline/baseline-pages.js'
export { pageKey } from './baseline/baseline-pages.js'
export type { PageRegressionVerdict, PagesCheck } from './baseline/check-pages.js'
export { checkPages, WEB_CHANGE_FLOORS } from './baseline/check-pages.js'
export type { Remeasure, RemeasureRequest, SuiteCheck, SuiteCheckOptions } from './baseline/check-suite.js'
export { checkSuite, regressionOptionsFor } from './baseline/check-suite.js'
export type {
  ProcessBatches,
  ProcessComparison,
  ProcessComparisonOptions,
  TypicalProcesses,
  WildProcess,
} from './baseline/process-spread.js'
export {
  compareProcesses,
  DEFAULT_PROCESS_SPREAD,
  PROCESS_SPREAD_PRIOR_DF,
  PROCESS_TIME_METRIC,
  PROCESS_TIME_QUANTILE,
  processMediansNs,
  processTimesNs,
  SLOW_PERIOD_RATIO,
  slowPeriodProcesses,
  typicalProcesses,
  WILD_PROCESS_MIN_RATIO,
  WILD_PROCESS_SCALES,
  wildProcesses,
} from './baseline/process-spread.js'
export type {
  RegressionOptions,
  RegressionStatus,
  RegressionVerdict,
  SuiteAdjustMethod,
  SuiteAdjustOptions,
} from './baseline/regression.js'
export {
  AT_BASELINE_SPEED,
  adjustForSuite,
  checkRegression,
  mergeRemeasured,
  needsRemeasure,
  REMEASURE_REACH_POWER,
  REMEASURE_SCREEN_FRACTION,
  reachesPastScreen,
  resultFromBaselineBench,
  resultsFromBaselineBench,
  SECOND_SPEED_MARGIN,
  SECOND_SPEED_PROCESSES,
  SHIFT_DECIDES_AT_MOST,
} from './baseline/regression.js'
export { unsettledBenches } from './baseline/unsettled-benches.js'
export { describeBreakingPoint } from './breaking-point/describe-breaking-point.js'
export {
  DEFAULT_BREAKING_POINT_PRECISION,
  DEFAULT_MAX_PROBES,
  findBreakingPoint,
} from './breaking-point/find-breaking-point.js'
export type {
  BreakingPointProbe,
  BreakingPointResult,
  BreakingPointStatus,
  CurvePoint,
  FindBreakingPointOptions,
  Inconsistency,
  ProbeCheck,
} from './breaking-point/types.js'
export type { MetricLimit } from './budget/evaluate-bench-budget.js'
export {
  BENCH_BUDGET_KEYS,
  budgetLimits,
  evaluateBenchBudget,
  evaluateLimits,
  samplesToBound,
} from './budget/evaluate-bench-budget.js'
export type { BudgetExplanation } from './budget/explain-budget.js'
export { explainBudget, formatBudgetMessage } from './budget/explain-budget.js'
export type { FoundBudget } from './budget/find-bench-budget.js'
export { findBenchBudget, findBenchKey, globMatches } from './budget/find-bench-budget.js'
export { formatDuration, formatPercent, formatSize } from './budget/format.js'
export { parseBenchBudget } from './budget/parse-bench-budget.js'
export { parseDuration } from './budget/parse-duration.js'
export { parsePercent } from './budget/parse-percent.js'
export { parseSize } from './budget/parse-size.js'
export type {
  BenchMetric,
  BudgetSource,
  BudgetStatus,
  BudgetVerdict,
  MetricVerdict,
} from './budget/verdict.js'
export { benchCommand } from './command/bench-command.js'
export {
  DEFAULT_COMMAND_RUNS,
  DEFAULT_COMMAND_TIMEOUT_NS,
  DEFAULT_COMMAND_WARMUP,
  POSIX_SHELL,
} from './command/resolve-command-options.js'
export { PYTHON_ENV } from './command/rusage-launcher.js'
export type {
  BenchCommandOptions,
  CommandMeasurement,
  CommandResult,
  CommandRun,
  CommandSpec,
} from './command/types.js'
export type { LoadedConfig } from './config/load-config.js'
export { loadConfig, loadConfigSync, parseConfig } from './config/load-config.js'
export type {
  BenchBudget,
  BenchBudgetInput,
  LighthouseBudget,
  LighthouseBudgetInput,
  PerfgateConfig,
  PerfgateConfigInput,
  VitalsBudget,
  VitalsBudgetInput,
  WebBudget,
} from './config/schema.js'
export { captureEnvironment } from './env/capture-environment.js'
export type { EnvironmentDifference } from './env/differences.js'
export { environmentDifferences } from './env/differences.js'
export { environmentWarnings } from './env/environment-warnings.js'
export { formatEnvironment, formatEnvironmentLine } from './env/format-environment.js'
export type { Environment, EnvironmentWarning } from './env/types.js'
export type { ErrorCode } from './errors.js'
export { isPerfgateError, PerfgateError } from './errors.js'
export type { CheckHttpBudgetsOptions, HttpBudgetCheck } from './http/check-http-budgets.js'
export { checkHttpBudgets } from './http/check-http-budgets.js'
export type {
  EvaluateHttpBudgetOptions,
  HttpBudgetVerdict,
  HttpLimit,
  HttpLimits,
  HttpLimitsInput,
  HttpMetric,
  HttpMetricVerdict,
  HttpUnit,
} from './http/evaluate-http-budget.js'
export {
  evaluateHttpBudget,
  evaluateHttpLimits,
  HTTP_BUDGET_KEYS,
  httpLimits,
} from './http/evaluate-http-budget.js'
export { explainHttpBudget, formatHttpLimit, formatHttpValue } from './http/explain-http-budget.js'
export type { LatencyHistogramData } from './http/latency-histogram.js'
export { HISTOGRAM_RELATIVE_ERROR, histogramQuantile } from './http/latency-histogram.js'
export type { LoadedAutocannon } from './http/load-autocannon.js'
export { loadAutocannon } from './http/load-autocannon.js'
export type { LoadResponse, LoadTestOptions } from './http/load-test.js'
export {
  DEFAULT_CONNECTIONS,
  DEFAULT_LOAD_DURATION,
  DEFAULT_REQUEST_TIMEOUT,
  loadTest,
} from './http/load-test.js'
export type { HttpMethod, LoadErrors, LoadLatency, LoadTestResult } from './http/types.js'
export { isLoadTestResult } from './http/types.js'
export type { VerifyEvent, VerifyEventOf, VerifyEventType } from './log/verify-event.js'
export {
  eventsFromRecord,
  parseEventLine,
  serializeEvent,
  VERIFY_SCHEMA_VERSION,
  verifyEventSchema,
} from './log/verify-event.js'
export type { AppendEventsOptions, ReadEventsResult } from './log/verify-log.js'
export { appendEvents, newRunId, readEvents } from './log/verify-log.js'
export { bench } from './measure/bench.js'
export type { BenchDefaults } from './measure/bench-defaults.js'
export { benchDefaults, setBenchDefaults } from './measure/bench-defaults.js'
export { compare, functionLabel } from './measure/compare.js'
export type { ComparableResult, CompareResultsOptions, VitestBenchResult } from './measure/compare-results.js'
export { compareResults } from './measure/compare-results.js'
export * from './measure/defaults.js'
export type { ComparisonClaim, ComparisonExplanation } from './measure/explain-comparison.js'
export { explainComparison, formatComparisonMessage } from './measure/explain-comparison.js'
export type { LockOwner, LockTiming, MeasurementLockOptions } from './measure/measurement-lock.js'
export {
  defaultLockDir,
  LOCK_STALE_MS,
  measurementLockDisabled,
  withMeasurementLock,
} from './measure/measurement-lock.js'
export type { LookVerdict, PairedAnalysis, PairedOptions } from './measure/paired-verdict.js'
export { analyzePairedLogRatios, lookSchedule } from './measure/paired-verdict.js'
export { summarizeBatches } from './measure/summarize.js'
export type { TimerProfile } from './measure/timer.js'
export { timerProfile } from './measure/timer.js'
export type {
  BatchHooks,
  BenchFn,
  BenchMemory,
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
  MemoryOptions,
  OutlierCounts,
} from './measure/types.js'
export * from './memory/defaults.js'
export type { LeakExplanation } from './memory/explain-leak.js'
export { explainLeak, formatLeakMessage } from './memory/explain-leak.js'
export type { GcAccess, GcSource } from './memory/force-gc.js'
export { ENABLE_GC_HINT, gcAccess } from './memory/force-gc.js'
export type { HeapPoint, LeakJudgement, LeakRule, LeakStatus } from './memory/leak-rule.js'
export { judgeLeak, MIN_LEAK_FIT_POINTS } from './memory/leak-rule.js'
export type { LeakCheckOptions, LeakFn, LeakResult, LeakStop } from './memory/leak-types.js'
export { measureLeak } from './memory/measure-leak.js'
export type { MemorySamples } from './memory/summarize-memory.js'
export { poolMemory, summarizeMemory } from './memory/summarize-memory.js'
export type { CaptureOptions, CaptureResult, ProfileWork } from './profile/capture-cpu-profile.js'
export {
  captureCpuProfile,
  DEFAULT_PROFILE_TIME_NS,
  DEFAULT_SAMPLING_INTERVAL_US,
} from './profile/capture-cpu-profile.js'
export type { CpuProfile, CpuProfileCallFrame, CpuProfileNode } from './profile/cpu-profile.js'
export { formatProfileSection } from './profile/format-hotspots.js'
export type { HotspotOptions, PositionMapper, ProfileHotspots } from './profile/hotspots.js'
export { profileHotspots } from './profile/hotspots.js'
export type { ProfileBenchOptions } from './profile/profile-bench.js'
export { profileBench } from './profile/profile-bench.js'
export {
  DEFAULT_PROFILE_MODE,
  PROFILE_DIR_ENV,
  PROFILE_ENV,
} from './profile/profile-settings.js'
export { MIN_PROFILED_CALL_NS, profileForFailure } from './profile/profile-targets.js'
export type { FoundSourceMap, SourceMapLookup } from './profile/source-map.js'
export { createPositionMapper, setSourceMapLookup } from './profile/source-map.js'
export type {
  BenchProfile,
  FrameOrigin,
  Hotspot,
  ProfileMode,
  ProfileReason,
  SourcePosition,
} from './profile/types.js'
export type { HtmlReportInput } from './report/html.js'
export { renderHtmlReport } from './report/html.js'
export type { MarkdownOptions } from './report/markdown.js'
export { renderMarkdown, writeStepSummary } from './report/markdown.js'
export type { ReportBench, ReportComparison, ReportRegression, RunReport } from './report/run-report.js'
export { runsFromEvents } from './report/run-report.js'
export type { InconclusivePolicy, PerfRecord, ResultSink } from './results/result-sink.js'
export { recordResult, setResultSink } from './results/result-sink.js'
export type { ScalingExplanation } from './scaling/explain-scaling.js'
export { explainScaling, formatScalingMessage } from './scaling/explain-scaling.js'
export type { ExponentFit, ScalingFit } from './scaling/fit-scaling.js'
export { fitScaling } from './scaling/fit-scaling.js'
export type {
  JudgedExponent,
  JudgeScalingOptions,
  ScalingJudgeInput,
  ScalingVerdict,
} from './scaling/judge-scaling.js'
export { DEFAULT_SCALING_TOLERANCE, judgeScaling } from './scaling/judge-scaling.js'
export { measureScaling } from './scaling/measure-scaling.js'
export type { ScalingClass } from './scaling/scaling-classes.js'
export { classExponent, SCALING_CLASSES } from './scaling/scaling-classes.js'
export * from './scaling/scaling-defaults.js'
export type { MeasureScalingOptions, ScalingFn, ScalingPoint, ScalingResult } from './scaling/types.js'
export { isScalingResult } from './scaling/types.js'
export type { RunningServer, StartServerOptions } from './server/start-server.js'
export { DEFAULT_SERVER_TIMEOUT_MS, startServer } from './server/start-server.js'
export type {
  SizeBudgetVerdict,
  SizeBytes,
  SizeEvaluationInput,
  SizeLimits,
  SizeMetric,
  SizeMetricVerdict,
} from './size/evaluate-size-budget.js'
export {
  DEFAULT_SIZE_ALLOWED_GROWTH,
  evaluateSizeBudget,
  SIZE_BUDGET_KEYS,
  SIZE_METRICS,
} from './size/evaluate-size-budget.js'
export { explainSizeBudget } from './size/explain-size-budget.js'
export type { LoadedSizeLimit, LoadSizeLimitOptions } from './size/load-size-limit.js'
export { loadSizeLimit } from './size/load-size-limit.js'
export type { MeasureSizeOptions, SizeResult, SizeTarget } from './size/measure-size.js'
export { measureSize } from './size/measure-size.js'
export { benjaminiHochbergAdjust, holmAdjust } from './stats/multiple-testing.js'
export type { ChromiumArgsOptions } from './web/browser-flags.js'
export { CHROMIUM_FLAGS, chromiumArgs } from './web/browser-flags.js'
export type { CheckWebBudgetsOptions, WebBudgetCheck } from './web/check-web-budgets.js'
export { checkWebBudgets } from './web/check-web-budgets.js'
export type { CollectVitalsOptions } from './web/collect-vitals.js'
export { collectVitals } from './web/collect-vitals.js'
export type { WebBudgetVerdict, WebLimit, WebMetricVerdict } from './web/evaluate-web-budget.js'
export { evaluateWebBudget, lighthouseLimits, vitalsLimits } from './web/evaluate-web-budget.js'
export { explainWebBudget } from './web/explain-web-budget.js'
export type { ChromiumSource, FindChromiumOptions, FoundChromium } from './web/find-chromium.js'
export { findChromium } from './web/find-chromium.js'
export { formatProfile, formatWebValue } from './web/format-web-value.js'
export { parseLighthouseBudget, parseVitalsBudget } from './web/parse-web-budget.js'
export type { WebProfileName } from './web/profiles.js'
export { applyProfile, DEFAULT_WEB_PROFILE, resolveProfile, WEB_PROFILES } from './web/profiles.js'
export type { LighthousePreset, RunLighthouseOptions } from './web/run-lighthouse.js'
export { runLighthouse } from './web/run-lighthouse.js'
export type {
  NetworkConditions,
  VitalName,
  WebAggregation,
  WebBrowser,
  WebMetricSeries,
  WebProfile,
  WebResult,
  WebTool,
  WebUnit,
} from './web/types.js'
export { DEFAULT_WEB_AGGREGATION, DEFAULT_WEB_RUNS, VITAL_NAMES, WEB_AGGREGATIONS } from './web/types.js'

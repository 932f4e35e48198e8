/**
 * The one catalogue of user-facing errors. Every error perfgate throws at a user comes from here,
 * keyed by a stable code, and says what is wrong, where, and how to fix it. Message wording is API:
 * tests pin it with inline snapshots.
 */

const CONFIG_HINT = 'Fix it in the "perfgate" section of package.json.'

const catalogue = {
  DURATION_INVALID: (p: { received: unknown; where?: string }) =>
    `Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received ${show(p.received)}${at(p.where)}.`,
  SIZE_INVALID: (p: { received: unknown; where?: string }) =>
    `Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received ${show(p.received)}${at(p.where)}.`,
  PERCENT_INVALID: (p: { received: unknown; where?: string }) =>
    `Expected a percentage like "0.1%" or "5%", received ${show(p.received)}${at(p.where)}.`,
  NUMBER_INVALID: (p: { received: unknown; where?: string }) =>
    `Expected a non-negative number like 10000 or "10000", received ${show(p.received)}${at(p.where)}.`,
  BOUND_INVALID: (p: { received: unknown; where?: string; defaultOp: string }) =>
    `Expected a bound like ">= 10000" or "< 0.1%": one of the operators <, <=, >, >= and a value (a bare value means ${p.defaultOp}), received ${show(p.received)}${at(p.where)}.`,
  CONFIG_INVALID: (p: { file: string; problems: string }) =>
    `Invalid "perfgate" config in ${p.file}:\n${p.problems}\n${CONFIG_HINT}`,
  CONFIG_UNREADABLE: (p: { file: string; reason: string }) =>
    `Could not read ${p.file}: ${p.reason}. perfgate reads its config from the "perfgate" key of package.json; make sure the file is valid JSON.`,
  BENCH_FAILED: (p: { name: string; phase: string }) =>
    `Bench "${p.name}" threw during ${p.phase}. The benchmarked function must run without throwing; the original error is attached as cause.`,
  BENCH_OPTIONS_INVALID: (p: { name: string; problem: string; fix: string }) =>
    `Bench "${p.name}" has an invalid option: ${p.problem}. ${p.fix}`,
  PROFILE_ENV_INVALID: (p: { variable: string; received: string; accepted: string }) =>
    `The environment variable ${p.variable} is ${show(p.received)}, but it accepts ${p.accepted}. Set it to one of them (e.g. ${p.variable}=off to never profile), or unset it to follow "profile" in the "bench" section of the perfgate config.`,
  COMPARE_OPTIONS_INVALID: (p: { problem: string; fix: string }) =>
    `compare() has an invalid option: ${p.problem}. ${p.fix}`,
  COMPARE_RESULTS_INVALID: (p: { problem: string; fix: string }) =>
    `compareResults() received an invalid argument: ${p.problem}. ${p.fix}`,
  BUDGET_INVALID: (p: { where: string; problems: string }) =>
    `Invalid budget in ${p.where}:\n${p.problems}\nA bench budget limits mean, median, p50, p75, p90, p95, p99 and max from above with durations ("2ms", "250us"), opsPerSec with a bound (">= 10000"), and heapPerCall and rss from above with sizes ("1 kB", "200 MB"), e.g. { p95: '2ms', opsPerSec: '>= 10000', heapPerCall: '1 kB' }.`,
  BENCH_MEMORY_MISSING: (p: { name: string; metrics: string }) =>
    `"${p.name}" was benched without memory, so its ${p.metrics} budget cannot be checked. Bench it with memory on: bench(${JSON.stringify(p.name)}, fn, { memory: true }); or give toMeetBudget the function itself, which turns memory on for heapPerCall and rss budgets.`,
  LEAK_OPTIONS_INVALID: (p: { name: string; problem: string; fix: string }) =>
    `The leak check of "${p.name}" has an invalid option: ${p.problem}. ${p.fix}`,
  LEAK_CHECK_FAILED: (p: { name: string; phase: string }) =>
    `"${p.name}" threw during ${p.phase} of its leak check. The checked function must run without throwing; the original error is attached as cause.`,
  MATCHER_RECEIVED_INVALID: (p: { matcher: string; received: string; accepted: string }) =>
    `${p.matcher} received ${p.received}, but it accepts ${p.accepted}.`,
  MATCHER_OPTIONS_INVALID: (p: { matcher: string; problem: string; fix: string }) =>
    `${p.matcher} has an invalid option: ${p.problem}. ${p.fix}`,
  SCALING_OPTIONS_INVALID: (p: { fn: string; problem: string; fix: string }) =>
    `${p.fn} has an invalid option: ${p.problem}. ${p.fix}`,
  SCALING_CLASS_UNKNOWN: (p: { fn: string; received: unknown; suggestion?: string; known: string }) =>
    `${p.fn} received ${show(p.received)} as the growth class${p.suggestion ? `; did you mean '${p.suggestion}'?` : '.'} The classes are ${p.known}, as in toScale('linear', { sizes: [1e3, 1e4, 1e5], input: (n) => makeInput(n) }).`,
  SCALING_INPUT_FAILED: (p: { name: string; size: number }) =>
    `Building the input of size ${p.size} for "${p.name}" threw: input(n) must return an input for every size in sizes. The original error is attached as cause.`,
  VERIFY_EVENT_INVALID: (p: { where: string; problems: string; version: number }) =>
    `Invalid [VERIFY] event at ${p.where}:\n${p.problems}\nEach line of a [VERIFY] log is one JSON object in the event schema of perfgate (version ${p.version}); a line that is not was edited, or written by another tool.`,
  VERIFY_LOG_UNREADABLE: (p: { file: string; reason: string; defaultFile: string }) =>
    `Could not read the [VERIFY] log ${p.file}: ${p.reason}. perfgate writes it during a run, at "output.log" in the "perfgate" section of package.json (default "${p.defaultFile}"); check the path.`,
  VERIFY_LOG_UNWRITABLE: (p: { file: string; reason: string }) =>
    `Could not append to the [VERIFY] log ${p.file}: ${p.reason}. Make its folder writable, or move the log with "output.log" in the "perfgate" section of package.json.`,
  STEP_SUMMARY_UNWRITABLE: (p: { file: string; reason: string }) =>
    `Could not append the report to the job summary ${p.file} (named by GITHUB_STEP_SUMMARY): ${p.reason}. On GitHub Actions the runner creates this file; elsewhere, unset GITHUB_STEP_SUMMARY or point it at a writable file.`,
  BASELINE_NAME_INVALID: (p: { name: string; problem: string; maxLength: number }) =>
    `Invalid baseline name ${show(p.name)}: ${p.problem}. A baseline name is any text of up to ${p.maxLength} characters without control characters or "." and ".." path segments, such as "main" or "ci/linux-x64".`,
  BASELINE_UNREADABLE: (p: { file: string; reason: string }) =>
    `Could not read the baseline ${p.file}: ${p.reason}. Check the file's permissions, or record a new baseline with \`perfgate baseline accept\`.`,
  BASELINE_NOT_JSON: (p: { file: string; problem: string; line: number; column: number }) =>
    `The baseline ${p.file} is not valid JSON: ${p.problem} at ${p.file}:${p.line}:${p.column}. Restore it from version control (git checkout -- ${p.file}) or record a new one with \`perfgate baseline accept\`.`,
  BASELINE_TOO_NEW: (p: { file: string; version: number; supported: number }) =>
    `The baseline ${p.file} has schemaVersion ${p.version}, but this perfgate reads schemaVersion ${p.supported} and older. A newer perfgate wrote it: upgrade perfgate (pnpm add -D perfgate@latest), or record a new baseline with this version.`,
  BASELINE_INVALID: (p: { file: string; problems: string }) =>
    `Invalid baseline ${p.file}:\n${p.problems}\nperfgate writes baselines itself; if this one was edited by hand or merged by git, restore it from version control or record a new one with \`perfgate baseline accept\`.`,
  BASELINE_UNWRITABLE: (p: { file: string; reason: string }) =>
    `Could not write the baseline ${p.file}: ${p.reason}. Check that its folder can be created and written to; the previous baseline, if any, is unchanged.`,
  BASELINE_RESULTS_INVALID: (p: { problem: string; fix: string }) =>
    `baselineFromResults() received an invalid argument: ${p.problem}. ${p.fix}`,
  REGRESSION_OPTIONS_INVALID: (p: { problem: string; fix: string; where?: string }) =>
    `${p.where ?? 'checkRegression()'} has an invalid option: ${p.problem}. ${p.fix}`,
  SUITE_ADJUST_OPTIONS_INVALID: (p: { problem: string; fix: string }) =>
    `adjustForSuite() has an invalid option: ${p.problem}. ${p.fix}`,
  PEER_MISSING: (p: { pkg: string; feature: string }) =>
    `${p.feature} need the "${p.pkg}" package. Install it: pnpm add -D ${p.pkg}`,
  CLI_USAGE: (p: { problem: string; fix: string; usage: string }) => `${p.problem}. ${p.fix}\n\n${p.usage}`,
  BASELINE_MISSING: (p: { name: string; file: string }) =>
    `There is no baseline "${p.name}" at ${p.file}. Record it from a perf run (pnpm test:perf) with \`perfgate baseline accept --name ${p.name}\`, or see the baselines there with \`perfgate baseline list\`.`,
  COMPARE_INPUT_MISSING: (p: { given: string; tried: string }) =>
    `Cannot find ${show(p.given)}: there is no ${p.tried}. Pass the path of a baseline or candidate JSON file, or the name of a baseline listed by \`perfgate baseline list\`.`,
  CANDIDATE_MISSING: (p: { name: string; file: string }) =>
    `There is no candidate at ${p.file} to accept as baseline "${p.name}": run the perf suite first (pnpm test:perf; perfgate/reporter writes the candidate), or pass the file to accept with --from <file>.`,
  CANDIDATE_SHARDED: (p: { name: string; file: string; problem: string; command: string }) =>
    `The candidate for baseline "${p.name}" at ${p.file} is incomplete: ${p.problem}. Merge the shards first: ${p.command}`,
  MERGE_CONFLICT: (p: { bench: string; first: string; second: string }) =>
    `Bench "${p.bench}" is in both ${p.first} and ${p.second}, so one result would be lost. Each bench must run in exactly one shard: merge the files of one sharded run only, or give the bench a unique name.`,
  MERGE_INPUT_MISSING: (p: { file: string }) =>
    `There is no file at ${p.file} to merge. Pass the files a sharded run wrote: its candidates (<output.dir>/candidates/<name>.shard-<i>-of-<n>.json) or its [VERIFY] logs (.jsonl).`,
  VERIFY_LOG_EMPTY: (p: { file: string; other: string }) =>
    `The [VERIFY] log ${p.file} has no events. Run the perf suite (pnpm test:perf) with "perfgate/reporter" among its reporters, which appends to it, or ${p.other}.`,
  CLI_OUTPUT_UNWRITABLE: (p: { file: string; reason: string }) =>
    `Could not write ${p.file}: ${p.reason}. Check that its folder can be created and written to, or choose another path with --out.`,
  CHROMIUM_NOT_FOUND: (p: { tried: string; install: string }) =>
    `No Chromium or Chrome to measure pages in. Tried: ${p.tried}. Install one (${p.install}), or point perfgate at one with the executablePath option or the PERFGATE_CHROME (or CHROME_PATH) environment variable.`,
  CHROMIUM_PATH_INVALID: (p: { path: string; from: string; reason: string }) =>
    `The browser ${show(p.path)} given by ${p.from} cannot be used: ${p.reason}. Point ${p.from} at a Chromium or Chrome executable (on Debian: /usr/bin/chromium), or unset it to let perfgate search.`,
  WEB_OPTIONS_INVALID: (p: { fn: string; problem: string; fix: string }) =>
    `${p.fn} has an invalid option: ${p.problem}. ${p.fix}`,
  WEB_PAGE_FAILED: (p: { url: string; run: number; runs: number; reason: string }) =>
    `Loading ${p.url} failed in run ${p.run} of ${p.runs}: ${p.reason}. Check that the server is up and answers on that address (curl -I ${p.url}).`,
  LIGHTHOUSE_FAILED: (p: { url: string; run: number; runs: number; reason: string }) =>
    `Lighthouse could not audit ${p.url} (run ${p.run} of ${p.runs}): ${p.reason}. Check that the page loads in the browser; Lighthouse's own error is attached as cause.`,
  WEB_BUDGET_INVALID: (p: { where: string; problems: string; known: string }) =>
    `Invalid web budget in ${p.where}:\n${p.problems}\n${p.known}`,
  SERVER_START_FAILED: (p: { command: string; url: string; reason: string; output: string }) =>
    `The server command ${show(p.command)} did not make ${p.url} answer: ${p.reason}.${p.output ? `\nIts last output:\n${p.output}` : ''}\nCheck the command by running it yourself, or raise the wait with "waitTimeout".`,
  SERVER_ALREADY_RUNNING: (p: { command: string; url: string; statusCode: number; port: string }) =>
    `${p.url} answers (status ${p.statusCode}) before the server command ${show(p.command)} has started: another server is running on port ${p.port}, and perfgate would measure it instead of the one the command starts. Stop that server, or remove "command" from this budget in the "perfgate" section of package.json to measure the server that is running.`,
  SERVER_OPTIONS_INVALID: (p: { problem: string; fix: string }) =>
    `startServer() has an invalid option: ${p.problem}. ${p.fix}`,
  LIGHTHOUSE_MISSING: (p: { install: string; note: string }) =>
    `Lighthouse budgets need the "lighthouse" package. Install it: ${p.install}${p.note ? ` (${p.note})` : ''}`,
  LIGHTHOUSE_UNUSABLE: (p: { version: string; problem: string; fix: string }) =>
    `The installed Lighthouse ${p.version} cannot be used: ${p.problem}. ${p.fix}`,
  AUTOCANNON_UNUSABLE: (p: { problem: string; fix: string }) =>
    `The installed autocannon cannot be used: ${p.problem}. ${p.fix}`,
  HTTP_OPTIONS_INVALID: (p: { fn: string; problem: string; fix: string }) =>
    `${p.fn} has an invalid option: ${p.problem}. ${p.fix}`,
  HTTP_BUDGET_INVALID: (p: { where: string; problems: string }) =>
    `Invalid HTTP budget in ${p.where}:\n${p.problems}\nAn HTTP budget limits p50, p90, p95 and p99 latency from above with durations ("200ms"), errorRate with a percentage ("< 0.1%") and rps with a bound (">= 1000"), e.g. { p95: '200ms', errorRate: '< 0.1%', rps: '>= 1000' }.`,
  HTTP_LOAD_FAILED: (p: { url: string; reason: string }) =>
    `The load test of ${p.url} could not run: ${p.reason}. Check that the server is up and answers on that address (curl -I ${p.url}).`,
  SIZE_LIMIT_MISSING: (p: { feature: string; packages: string; install: string }) =>
    `${p.feature} need ${p.packages}, which ${p.packages.includes(' and ') ? 'are' : 'is'} not installed. Install: ${p.install}`,
  SIZE_LIMIT_UNUSABLE: (p: { pkg: string; problem: string; fix: string }) =>
    `The installed "${p.pkg}" cannot be used: ${p.problem}. ${p.fix}`,
  SIZE_FILES_NOT_FOUND: (p: { path: string; root: string; where: string }) =>
    `No file matches ${show(p.path)} in ${p.root} (${p.where}). A size budget over nothing would pass without measuring anything: build first (e.g. pnpm run build), or fix the path or glob. ${CONFIG_HINT}`,
  SIZE_MEASURE_FAILED: (p: { path: string; reason: string }) =>
    `Measuring the size of ${show(p.path)} failed: ${p.reason}. For an "import" budget the file must be a module esbuild can bundle for the browser, as size-limit bundles it (Node built-ins such as "fs" cannot be resolved there: measure such files without "import"); size-limit's own error is attached as cause.`,
  SIZE_BUDGET_INVALID: (p: { where: string; problems: string }) =>
    `Invalid size budget in ${p.where}:\n${p.problems}\nA size budget limits "limit" (uncompressed), "gzip" and "brotli" with sizes ("10 kB", "512 B"), and may set "allowedGrowth" ("1%"), e.g. { gzip: '10 kB' }.`,
  SIZE_BUDGET_MISSING: (p: { path: string; file: string; known: string }) =>
    `There is no size budget for ${show(p.path)} in ${p.file}${p.known ? ` (the size budgets are for ${p.known})` : ''}. Pass one inline, toMeetSizeBudget({ gzip: '10 kB' }), or add { "path": ${show(p.path)}, "gzip": "10 kB" } to "budgets.size". ${CONFIG_HINT}`,
  COMMAND_OPTIONS_INVALID: (p: { command: string; problem: string; fix: string }) =>
    `benchCommand(${show(p.command)}) has an invalid option: ${p.problem}. ${p.fix}`,
  COMMAND_FAILED: (p: { name: string; run: string; outcome: string; command: string; stderr: string }) =>
    `Command ${show(p.name)} failed in ${p.run}: ${p.outcome}.${p.stderr ? `\nIts last stderr:\n${p.stderr}` : ' It wrote nothing to stderr.'}\nA timed command must succeed: run it yourself in the same folder (${p.command}) and fix it, or time a command that exits with 0.`,
  COMMAND_TIMEOUT: (p: { name: string; run: string; timeout: string }) =>
    `Command ${show(p.name)} did not finish within its ${p.timeout} timeout in ${p.run}, and was killed with its process group. Raise the "timeout" option of benchCommand(), or check that the command does not wait for input (its stdin is empty) or keep running as a server.`,
  BASE_NOT_GIT: (p: { ref: string; root: string; reason: string }) =>
    `PERFGATE_BASE_REF=${show(p.ref)} asks perf tests to time the code of that ref beside the working tree's, but ${p.root} is not in a git repository (${p.reason}). Run the perf tests from a git checkout, or unset PERFGATE_BASE_REF to compare with the stored baseline.`,
  BASE_REF_UNKNOWN: (p: { ref: string; repo: string }) =>
    `PERFGATE_BASE_REF=${show(p.ref)} names no commit in ${p.repo}. Check the name (git rev-parse ${p.ref}); in CI the clone may hold one commit only: fetch the base first (${fetchHint(p.ref)}, or actions/checkout with fetch-depth: 0).`,
  BASE_GIT_MISSING: (p: { ref: string }) =>
    `PERFGATE_BASE_REF=${show(p.ref)} needs git to check out the base, and there is no git on the PATH. Install git, or unset PERFGATE_BASE_REF to compare with the stored baseline.`,
  BASE_CHECKOUT_FAILED: (p: { ref: string; commit: string; dir: string; reason: string }) =>
    `Could not check out ${show(p.ref)} (${p.commit.slice(0, 12)}) into ${p.dir} for the base comparison: ${p.reason}. Set PERFGATE_BASE_DIR to a writable folder, or remove a stale worktree with git worktree prune.`,
  BREAKING_POINT_OPTIONS_INVALID: (p: { name: string; problem: string; fix: string }) =>
    `findBreakingPoint(${show(p.name)}) has an invalid option: ${p.problem}. ${p.fix}`,
  BREAKING_POINT_RUN_FAILED: (p: { name: string; level: number; step: string }) =>
    `findBreakingPoint(${show(p.name)}): ${p.step} threw at level ${p.level}. A load the system cannot take should make check() return false, not throw; the original error is attached as cause.`,
} as const

export type ErrorCode = keyof typeof catalogue
type ErrorParams<C extends ErrorCode> = Parameters<(typeof catalogue)[C]>[0]

/** An error perfgate raises at its user. `code` is stable; `cause` keeps the underlying error. */
export class PerfgateError extends Error {
  override readonly name = 'PerfgateError'
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`perfgate: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** Build the catalogue's error for `code`. Pass the underlying error as `cause` so nothing is lost. */
export function perfgateError<C extends ErrorCode>(
  code: C,
  params: ErrorParams<C>,
  cause?: unknown,
): PerfgateError {
  const render = catalogue[code] as (p: ErrorParams<C>) => string
  return new PerfgateError(code, render(params), cause === undefined ? undefined : { cause })
}

/** An error's message as a reason inside a sentence: "…: ENOENT: no such file" (no final period). */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')
}

export function isPerfgateError(value: unknown, code?: ErrorCode): value is PerfgateError {
  return value instanceof PerfgateError && (code === undefined || value.code === code)
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  // JSON has no NaN or Infinity: show numbers as JavaScript prints them.
  if (typeof value === 'number' || value === undefined) return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** How to fetch a base ref into a shallow clone: its branch for `origin/<branch>`, else a placeholder. */
function fetchHint(ref: string): string {
  const branch = /^origin\/(.+)$/.exec(ref)?.[1]
  return `git fetch --depth=1 origin ${branch ?? '<base branch>'}`
}

function at(where: string | undefined): string {
  return where ? ` at ${where}` : ''
}

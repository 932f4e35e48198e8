import { z } from 'zod'
import {
  type Bound,
  type BoundOp,
  boundPattern,
  parseBound,
  type ValueParser,
} from '../budget/parse-bound.js'
import { DURATION_PATTERN, parseDuration } from '../budget/parse-duration.js'
import { NUMBER_PATTERN, parseNumber } from '../budget/parse-number.js'
import { PERCENT_PATTERN, parsePercent } from '../budget/parse-percent.js'
import { parseSize, SIZE_PATTERN } from '../budget/parse-size.js'
import { GUARDED_METRIC_NAMES, isGuardedMetric } from '../web/guarded-metrics.js'
import { WEB_AGGREGATIONS } from '../web/types.js'
import { expected, problemLine, rejectedBy, showValue } from './issue-messages.js'

/*
 * The zod schema of the "perfgate" key of package.json.
 *
 * Shape of the parsed config: every unit string is parsed once, here, into a value object that
 * keeps the text as written next to the number in a named unit, e.g. `"p95": "2ms"` becomes
 * `{ text: '2ms', ns: 2000000 }`. Code downstream computes with `ns` and can still quote what the
 * user wrote. Sections with defaults are always present in the output, so `config.regression
 * .threshold.fraction` needs no optional chaining.
 *
 * The input side (what users type) is exported as JSON Schema by scripts/write-schema.ts; unit
 * strings carry the same regular expression the parsers use, so editors flag "fast" as well.
 */

/** A duration from the config: the text as written (numbers stringified) and its nanoseconds. */
export interface ParsedDuration {
  readonly text: string
  readonly ns: number
}

/** A size from the config: the text as written (numbers stringified) and its bytes. */
export interface ParsedSize {
  readonly text: string
  readonly bytes: number
}

/** A percentage from the config: the text as written and its fraction (`"5%"` → 0.05). */
export interface ParsedPercent {
  readonly text: string
  readonly fraction: number
}

/** A bound from the config (`">= 10000"`): the text as written, its operator and its value. */
export interface ParsedBound extends Bound {
  readonly text: string
}

/**
 * A Lighthouse target. A number is the minimum score (0–1) of a category or audit; a duration
 * or size string is the maximum numeric value of an audit such as `largest-contentful-paint`.
 */
export type LighthouseTarget =
  | { readonly kind: 'score'; readonly text: string; readonly score: number }
  | { readonly kind: 'duration'; readonly text: string; readonly ns: number }
  | { readonly kind: 'size'; readonly text: string; readonly bytes: number }

/** Regression threshold when none is configured: changes under 5% are not called regressions. */
export const DEFAULT_REGRESSION_THRESHOLD = '5%'
/** Confidence level a regression must reach before it fails a run. */
export const DEFAULT_REGRESSION_CONFIDENCE = 0.95
/** Whether comparing against a baseline from a different environment fails the run. */
export const DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE = false
/** The baseline runs are compared with when none is named: `<output.dir>/baselines/default.json`. */
export const DEFAULT_BASELINE_NAME = 'default'
/** How false alarms are controlled across the benches of a run. */
export const DEFAULT_REGRESSION_CORRECTION = 'holm'
/**
 * Fresh processes a suspected regression is measured in again before the verdict. Three
 * processes, with a baseline of five, catch a true 10% slowdown at this machine's 2–4% spread
 * between processes (docs/accuracy.md, "Regression guard").
 */
export const DEFAULT_REMEASURE_RUNS = 3
/**
 * Rounds of re-measurement a suspect may get: one that still looks slower than half the threshold
 * but is not significant after a round is measured in `remeasureRuns` more fresh processes. Each
 * round tests at (1 − confidence) / rounds, so together they keep the false-alarm rate.
 */
export const DEFAULT_REMEASURE_ROUNDS = 3
/** Most rounds `remeasureRounds` accepts. */
export const MAX_REMEASURE_ROUNDS = 5
/** Fresh processes a baseline is recorded from on an update (PERFGATE_UPDATE=1 or vitest -u). */
export const DEFAULT_BASELINE_RUNS = 5
/** Most processes either setting accepts: each one is a whole run of the benches concerned. */
export const MAX_PROCESS_RUNS = 20
/** Folder for perfgate's files, relative to the package.json that holds the config. */
export const DEFAULT_OUTPUT_DIR = '.perfgate'
/** The [VERIFY] JSONL event log, relative to the package.json that holds the config. */
export const DEFAULT_LOG_FILE = 'logs/perfgate.jsonl'

// ---------------------------------------------------------------------------------------------
// Building blocks. Each names what it expects, so a problem line says what to write instead.

interface UnitSpec<T> {
  /** Anchored pattern of the string form, shared with the parser. */
  pattern: string
  /** Largest allowed number form; numbers are always >= 0. */
  max?: number
  parse: (input: string | number) => T
  description: string
  examples: readonly (string | number)[]
}

/**
 * A value written as a string with a unit or as a bare number. Validation messages come from
 * the unit parser itself, so "fast" gets the same DURATION_INVALID wording everywhere.
 */
function unit<T>({ pattern, max, parse, description, examples }: UnitSpec<T>) {
  const error = rejectedBy(parse)
  const number =
    max === undefined
      ? z.number({ error }).min(0, { error })
      : z.number({ error }).min(0, { error }).max(max, { error })
  return (
    z
      .union([z.string({ error }).regex(new RegExp(pattern), { error }), number], { error })
      // Metadata on the input side, which is what the JSON Schema describes.
      .meta({ description, examples: [...examples] })
      .transform((input, ctx): T => {
        try {
          return parse(input)
        } catch (thrown) {
          ctx.issues.push({ code: 'custom', input, message: problemLine(thrown) })
          return z.NEVER
        }
      })
  )
}

const duration = (description: string) =>
  unit<ParsedDuration>({
    pattern: DURATION_PATTERN,
    parse: (input) => ({ text: String(input), ns: parseDuration(input) }),
    description: `${description} A duration like "250us", "5ms", "1.5s" or "2m"; a bare number means ms.`,
    examples: ['5ms', '1.5s'],
  })

const size = (description: string) =>
  unit<ParsedSize>({
    pattern: SIZE_PATTERN,
    parse: (input) => ({ text: String(input), bytes: parseSize(input) }),
    description: `${description} A size like "512 B", "10 kB" (1 kB = 1000 B) or "1.2 MiB" (1 MiB = 1024 KiB); a bare number means bytes.`,
    examples: ['10 kB', '1.2 MiB'],
  })

const percent = (description: string) =>
  unit<ParsedPercent>({
    pattern: PERCENT_PATTERN,
    max: 1,
    parse: (input) => ({ text: String(input), fraction: parsePercent(input) }),
    description: `${description} A percentage like "0.1%" or "5%", or a fraction from 0 to 1.`,
    examples: ['5%', '0.1%'],
  })

const bound = (
  description: string,
  value: { pattern: string; parse: ValueParser; max?: number },
  defaultOp: BoundOp,
  examples: readonly (string | number)[],
) =>
  unit<ParsedBound>({
    pattern: boundPattern(value.pattern),
    ...(value.max === undefined ? {} : { max: value.max }),
    parse: (input) => ({ text: String(input), ...parseBound(input, value.parse, undefined, defaultOp) }),
    description: `${description} An operator (<, <=, >, >=) and a value; a bare value means ${defaultOp}.`,
    examples,
  })

const text = (description: string, what: string) =>
  z
    .string({ error: expected(what) })
    .min(1, { error: expected(what) })
    .meta({ description })

const positiveInt = (description: string) => {
  const error = expected('a whole number of 1 or more')
  return z.int({ error }).min(1, { error }).meta({ description })
}

const processRuns = (description: string, min: 0 | 1) => {
  const error = expected(`a whole number of processes from ${min} to ${MAX_PROCESS_RUNS}`)
  return z.int({ error }).min(min, { error }).max(MAX_PROCESS_RUNS, { error }).meta({ description })
}

const confidence = (description: string) => {
  const error = expected('a confidence level above 0.5 and below 1, like 0.95')
  return z.number({ error }).gt(0.5, { error }).lt(1, { error }).meta({ description })
}

const httpUrl = (description: string) => {
  const error = expected('an absolute http(s) URL like "http://127.0.0.1:3000/"')
  return z.url({ protocol: /^https?$/, error }).meta({ description })
}

/**
 * An object that rejects unknown keys. The unknown-key problem is worded by formatIssues (it
 * needs the known keys for "Did you mean"); any other problem with the object itself says what
 * was expected, with a ready-to-paste example.
 */
function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string) {
  const wrongType = expected(what)
  const error = (issue: { code?: string; input?: unknown }) =>
    issue.code === 'unrecognized_keys' ? undefined : wrongType(issue)
  return z.strictObject(shape, { error })
}

function list<T extends z.ZodType>(item: T, what: string, description: string) {
  return z.array(item, { error: expected(what) }).meta({ description })
}

// ---------------------------------------------------------------------------------------------
// Lighthouse targets: a minimum score, or a maximum audit value with a unit.

const LIGHTHOUSE_TEXT_PATTERN = `^(?=[\\s\\S]*[A-Za-zµμ]\\s*$)(?:${DURATION_PATTERN.slice(1, -1)}|${SIZE_PATTERN.slice(1, -1)})$`

function parseLighthouseTarget(input: string | number): LighthouseTarget {
  if (typeof input === 'number' && input >= 0 && input <= 1)
    return { kind: 'score', text: String(input), score: input }
  // Duration and size units do not overlap, so the unit decides; a bare numeric string is
  // ambiguous (score? ms? bytes?) and rejected.
  if (typeof input === 'string' && /[a-zµμ]\s*$/i.test(input)) {
    const ns = attempt(() => parseDuration(input))
    if (ns !== undefined) return { kind: 'duration', text: input, ns }
    const bytes = attempt(() => parseSize(input))
    if (bytes !== undefined) return { kind: 'size', text: input, bytes }
  }
  throw new Error(
    `Expected a score from 0 to 1 (like 0.9), a duration (like "2.5s") or a size (like "500 kB"), received ${showValue(input)}`,
  )
}

function attempt(parse: () => number): number | undefined {
  try {
    return parse()
  } catch {
    return undefined
  }
}

const lighthouseTarget = unit<LighthouseTarget>({
  pattern: LIGHTHOUSE_TEXT_PATTERN,
  max: 1,
  parse: parseLighthouseTarget,
  description:
    'A number is the minimum score from 0 to 1 (categories such as "performance", or audits); a duration or size is the maximum numeric value of an audit (e.g. "largest-contentful-paint": "2.5s", "total-byte-weight": "500 kB").',
  examples: [0.9, '2.5s', '500 kB'],
})

// ---------------------------------------------------------------------------------------------
// Budgets

/** Schema of one bench budget, also usable for inline budgets such as `toMeetBudget({ p95: '2ms' })`. */
export const benchBudgetSchema = strict(
  {
    mean: duration(
      'Largest allowed mean time per call. Reported but noisy; prefer median or a percentile.',
    ).optional(),
    median: duration('Largest allowed median time per call.').optional(),
    p50: duration('Largest allowed 50th percentile time per call.').optional(),
    p75: duration('Largest allowed 75th percentile time per call.').optional(),
    p90: duration('Largest allowed 90th percentile time per call.').optional(),
    p95: duration('Largest allowed 95th percentile time per call.').optional(),
    p99: duration('Largest allowed 99th percentile time per call.').optional(),
    max: duration('Largest allowed slowest call.').optional(),
    opsPerSec: bound('Operations per second.', { pattern: NUMBER_PATTERN, parse: parseNumber }, '>=', [
      '>= 10000',
      10000,
    ]).optional(),
    heapPerCall: size(
      'Largest allowed JS heap allocation per call (garbage included), measured in memory batches; the bench runs with memory on.',
    ).optional(),
    rss: size(
      'Largest allowed resident set size of the process while the bench runs its memory batches.',
    ).optional(),
  },
  'a bench budget like { "p95": "2ms" }',
)

/** Schema of one bundle-size budget (checked with size-limit). */
export const sizeBudgetSchema = strict(
  {
    path: text(
      'File or glob of the files to measure, relative to package.json.',
      'a file path or glob like "dist/index.js"',
    ),
    name: text('Name shown in reports; defaults to path.', 'a non-empty name').optional(),
    limit: size('Largest allowed size, uncompressed.').optional(),
    gzip: size('Largest allowed size after gzip.').optional(),
    brotli: size('Largest allowed size after brotli.').optional(),
    import: z
      .union([z.string(), z.record(z.string(), z.string())], {
        error: expected('an import like "{ createStore }" or an object of file → import'),
      })
      .meta({ description: 'Only measure what this import pulls in (tree-shaken), as in size-limit.' })
      .optional(),
    allowedGrowth: percent('Largest allowed growth over the baseline size.').optional(),
  },
  'a size budget like { "path": "dist/index.js", "gzip": "10 kB" }',
)

/** Schema of Web Vitals budgets, also usable inline: `toMeetBudget({ LCP: '2.5s', CLS: 0.1 })`. */
export const vitalsBudgetSchema = strict(
  {
    LCP: duration('Largest Contentful Paint, at most.').optional(),
    FCP: duration('First Contentful Paint, at most.').optional(),
    INP: duration(
      'Interaction to Next Paint, at most (needs an interaction; perfgate clicks the page).',
    ).optional(),
    TTFB: duration('Time to First Byte, at most.').optional(),
    TBT: duration('Total Blocking Time (long tasks after FCP, each beyond 50 ms), at most.').optional(),
    CLS: z
      .number({ error: expected('a layout shift score (a number like 0.1)') })
      .min(0, { error: expected('a layout shift score (a number like 0.1)') })
      .meta({ description: 'Cumulative Layout Shift, at most. Unitless.' })
      .optional(),
  },
  'Web Vitals like { "LCP": "2.5s", "CLS": 0.1 }',
)

/**
 * Schema of Lighthouse targets keyed by category id ("performance"), audit id
 * ("total-blocking-time") or resource summary ("resource-summary.script.size"); also usable inline.
 */
export const lighthouseBudgetSchema = z
  .record(z.string(), lighthouseTarget, {
    error: expected('Lighthouse targets like { "performance": 0.9 }'),
  })
  .meta({ description: 'Lighthouse targets, keyed by category or audit id.' })

/** A custom device and network profile, for when neither "desktop" nor "mobile" fits. */
const customProfileSchema = strict(
  {
    name: text('Name recorded with every value.', 'a profile name like "tablet"'),
    width: positiveInt('Viewport width, CSS pixels.'),
    height: positiveInt('Viewport height, CSS pixels.'),
    deviceScaleFactor: z
      .number({ error: expected('a device scale factor like 2') })
      .positive({ error: expected('a device scale factor like 2') })
      .meta({ description: 'Device pixel ratio; 1 when not set.' })
      .optional(),
    mobile: z
      .boolean({ error: expected('true or false') })
      .meta({ description: 'Emulate a touch device with a mobile viewport.' })
      .optional(),
    cpuSlowdown: z
      .number({ error: expected('a CPU slowdown factor of 1 or more, like 4') })
      .min(1, { error: expected('a CPU slowdown factor of 1 or more, like 4') })
      .meta({ description: 'CPU slowdown factor (4 = four times slower); 1 when not set.' })
      .optional(),
    latency: duration('Added round-trip latency per request.').optional(),
    downloadKbps: z
      .number({ error: expected('a throughput in kilobits per second, like 1600') })
      .positive({ error: expected('a throughput in kilobits per second, like 1600') })
      .meta({ description: 'Download throughput, kilobits per second; unthrottled when not set.' })
      .optional(),
    uploadKbps: z
      .number({ error: expected('a throughput in kilobits per second, like 750') })
      .positive({ error: expected('a throughput in kilobits per second, like 750') })
      .meta({ description: 'Upload throughput, kilobits per second; unthrottled when not set.' })
      .optional(),
  },
  'a profile like "desktop", "mobile" or { "name": "tablet", "width": 768, "height": 1024 }',
)

/** Schema of one web page budget (Lighthouse and Web Vitals). */
export const webBudgetSchema = strict(
  {
    url: httpUrl('Page to measure.'),
    name: text('Name shown in reports; defaults to url.', 'a non-empty name').optional(),
    vitals: vitalsBudgetSchema.meta({ description: 'Web Vitals budgets.' }).optional(),
    lighthouse: lighthouseBudgetSchema.optional(),
    runs: positiveInt(
      'How many times to load the page; results are aggregated across runs (3 when not set).',
    ).optional(),
    aggregation: z
      .enum(WEB_AGGREGATIONS, { error: expected(`one of ${WEB_AGGREGATIONS.join(', ')}`) })
      .meta({ description: 'How the runs are combined before the budget check; "median" when not set.' })
      .optional(),
    profile: z
      .union([z.enum(['desktop', 'mobile']), customProfileSchema], {
        error: expected(
          'a profile: "desktop", "mobile", or { "name": "tablet", "width": 768, "height": 1024 }',
        ),
      })
      .meta({ description: 'Device and network profile; "desktop" when not set.' })
      .optional(),
    command: text(
      'Command that starts the server for url, stopped after the run.',
      'a command like "pnpm preview"',
    ).optional(),
    waitFor: httpUrl(
      'URL that must respond before measuring starts (with command); the url when not set.',
    ).optional(),
    waitTimeout: duration(
      'How long to wait for waitFor to respond (with command); 60s when not set.',
    ).optional(),
  },
  'a web budget like { "url": "http://127.0.0.1:4173/", "vitals": { "LCP": "2.5s" } }',
)

/** HTTP methods a load test may use. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** Schema of one HTTP load budget (autocannon). */
export const httpBudgetSchema = strict(
  {
    url: httpUrl('Endpoint to load.'),
    name: text('Name shown in reports; defaults to method and url.', 'a non-empty name').optional(),
    method: z
      .enum(HTTP_METHODS, { error: expected(`one of ${HTTP_METHODS.join(', ')}`) })
      .meta({ description: 'HTTP method; GET when not set.' })
      .optional(),
    headers: z
      .record(z.string(), z.string(), { error: expected('headers like { "accept": "application/json" }') })
      .meta({ description: 'Request headers.' })
      .optional(),
    body: text('Request body, sent as is.', 'a request body string').optional(),
    connections: positiveInt('Concurrent connections; 10 when not set.').optional(),
    duration: duration(
      'How long to load the endpoint; 5s when neither duration nor amount is set.',
    ).optional(),
    amount: positiveInt('Number of requests to send; takes the place of duration.').optional(),
    p50: duration('Largest allowed median latency.').optional(),
    p90: duration('Largest allowed 90th percentile latency.').optional(),
    p95: duration('Largest allowed 95th percentile latency.').optional(),
    p99: duration('Largest allowed 99th percentile latency.').optional(),
    errorRate: bound(
      'Share of failed requests (errors, timeouts, non-2xx).',
      { pattern: PERCENT_PATTERN, parse: parsePercent, max: 1 },
      '<=',
      ['0.1%', '< 1%'],
    ).optional(),
    rps: bound('Requests per second.', { pattern: NUMBER_PATTERN, parse: parseNumber }, '>=', [
      '>= 500',
      500,
    ]).optional(),
    command: text(
      'Command that starts the server for url, stopped after the run.',
      'a command like "node server.js"',
    ).optional(),
    waitFor: httpUrl(
      'URL that must respond before load starts (with command); the url when not set.',
    ).optional(),
    waitTimeout: duration(
      'How long to wait for waitFor to respond (with command); 60s when not set.',
    ).optional(),
    timeout: duration(
      'How long one request may wait for its response before it counts as a timeout (at least 1s); 10s when not set.',
    ).optional(),
  },
  'an HTTP budget like { "url": "http://127.0.0.1:3000/", "p95": "200ms" }',
)

const budgetsSchema = strict(
  {
    bench: z
      .record(z.string(), benchBudgetSchema, {
        error: expected('bench budgets like { "sort 10k": { "p95": "2ms" } }'),
      })
      .meta({ description: 'Bench budgets keyed by bench name; a name may contain * globs.' })
      .prefault({}),
    size: list(
      sizeBudgetSchema,
      'a list of size budgets like [{ "path": "dist/index.js", "gzip": "10 kB" }]',
      'Bundle-size budgets.',
    ).prefault([]),
    web: list(
      webBudgetSchema,
      'a list of web budgets like [{ "url": "http://127.0.0.1:4173/" }]',
      'Web page budgets.',
    ).prefault([]),
    http: list(
      httpBudgetSchema,
      'a list of HTTP budgets like [{ "url": "http://127.0.0.1:3000/" }]',
      'HTTP load budgets.',
    ).prefault([]),
  },
  'budgets like { "bench": { "sort 10k": { "p95": "2ms" } } }',
)

// ---------------------------------------------------------------------------------------------
// Settings

const regressionSchema = strict(
  {
    /** Smallest relative slowdown that counts as a regression. @default DEFAULT_REGRESSION_THRESHOLD */
    threshold: percent('Smallest relative slowdown that counts as a regression.').prefault(
      DEFAULT_REGRESSION_THRESHOLD,
    ),
    /** Confidence a regression must reach to fail. @default DEFAULT_REGRESSION_CONFIDENCE */
    confidence: confidence('Confidence a regression must reach to fail, above 0.5 and below 1.').default(
      DEFAULT_REGRESSION_CONFIDENCE,
    ),
    /**
     * Compare with a baseline measured in another environment (CPU model, Node.js major, arch, OS)
     * anyway, so that a regression fails the run; off, such a comparison only warns.
     * @default DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE
     */
    failOnEnvironmentChange: z
      .boolean({ error: expected('true or false') })
      .meta({
        description:
          'Compare with a baseline measured in another environment (CPU model, Node.js major, arch, OS) anyway, so a regression fails the run; off, it only warns.',
      })
      .default(DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE),
    /**
     * How false alarms are controlled across the benches of a run: "holm" bounds the chance of any
     * false regression; "benjamini-hochberg" the expected share of false ones among those reported.
     * @default DEFAULT_REGRESSION_CORRECTION
     */
    correction: z
      .enum(['holm', 'benjamini-hochberg'], { error: expected('"holm" or "benjamini-hochberg"') })
      .meta({
        description:
          'How false alarms are controlled across the benches of a run: "holm" bounds the chance of any false regression, "benjamini-hochberg" the expected share of false ones among those reported.',
      })
      .default(DEFAULT_REGRESSION_CORRECTION),
    /** Fresh processes a suspected regression is measured in again. @default DEFAULT_REMEASURE_RUNS */
    remeasureRuns: processRuns(
      'Fresh processes a suspected regression (slower than half the threshold, or with an interval reaching past twice it) is measured in again before the verdict, and the whole suite when the run was too disturbed for its shift to decide; 0 judges the run alone.',
      0,
    ).default(DEFAULT_REMEASURE_RUNS),
    /** Rounds of re-measurement a suspect may get. @default DEFAULT_REMEASURE_ROUNDS */
    remeasureRounds: z
      .int({ error: expected(`a whole number of rounds from 1 to ${MAX_REMEASURE_ROUNDS}`) })
      .min(1, { error: expected(`a whole number of rounds from 1 to ${MAX_REMEASURE_ROUNDS}`) })
      .max(MAX_REMEASURE_ROUNDS, {
        error: expected(`a whole number of rounds from 1 to ${MAX_REMEASURE_ROUNDS}`),
      })
      .meta({
        description:
          'Rounds of remeasureRuns fresh processes a suspect may get: one still slower than half the threshold but not significant after a round, or one the machine shift overruled, gets another. Each round tests at (1 - confidence) / rounds, so together they keep the false-alarm rate; 1 decides after one round. A disturbed run is measured again as a whole in up to as many rounds.',
      })
      .default(DEFAULT_REMEASURE_ROUNDS),
    /** Fresh processes an update records the baseline from. @default DEFAULT_BASELINE_RUNS */
    baselineRuns: processRuns(
      'Fresh processes a baseline is recorded from when the run updates it (PERFGATE_UPDATE=1 or vitest -u); each bench is measured once per process, and one whose processes disagree by more than 10% in as many more.',
      1,
    ).default(DEFAULT_BASELINE_RUNS),
    /**
     * A threshold of their own for some benches, keyed by bench name (a name may contain * globs;
     * the exact name wins, then the most specific glob): for a bench whose processes spread more
     * than the suite's threshold on this machine. @default {}
     */
    benches: z
      .record(
        z.string(),
        strict(
          {
            threshold: percent(
              'Smallest relative slowdown that counts as a regression of the benches this key names, instead of regression.threshold.',
            ),
          },
          'bench regression settings like { "threshold": "20%" }',
        ),
        {
          error: expected(
            'regression settings by bench name like { "small objects *": { "threshold": "20%" } }',
          ),
        },
      )
      .meta({
        description:
          'A threshold of their own for some benches, keyed by bench name; a name may contain * globs (the exact name wins, then the most specific glob).',
      })
      .prefault({}),
    /**
     * Thresholds of their own for some pages' metrics, keyed by page name (a name may contain *
     * globs; the exact name wins, then the most specific glob): `threshold` for every guarded
     * metric of the page, `metrics` for single ones. @default {}
     */
    pages: z
      .record(
        z.string(),
        strict(
          {
            threshold: percent(
              'Smallest relative change of any guarded metric of the pages this key names that counts as a regression, instead of regression.threshold.',
            ).optional(),
            metrics: z
              .record(
                z.string().refine(isGuardedMetric),
                percent(
                  'Smallest relative change of this metric of the pages this key names that counts as a regression.',
                ),
                {
                  // A key the guard does not check ("lcp") fails as the record's key: name the ones it does.
                  error: (issue) =>
                    (issue.code === 'invalid_key'
                      ? expected(GUARDED_METRIC_NAMES)
                      : expected('thresholds by metric like { "LCP": "15%", "performance": "3%" }'))(issue),
                },
              )
              .meta({
                description:
                  'Thresholds of single metrics of the pages this key names, by metric (LCP, CLS, INP, performance, …); they win over threshold.',
              })
              .optional(),
          },
          'page regression settings like { "threshold": "10%", "metrics": { "INP": "25%" } }',
        ).refine((page) => page.threshold !== undefined || page.metrics !== undefined, {
          error: 'Expected "threshold", "metrics" or both; an empty entry changes nothing',
        }),
        {
          error: expected(
            'regression settings by page name like { "checkout*": { "threshold": "10%", "metrics": { "INP": "25%" } } }',
          ),
        },
      )
      .meta({
        description:
          'Thresholds of their own for some pages, keyed by page name; a name may contain * globs (the exact name wins, then the most specific glob). "threshold" covers every guarded metric of the page, "metrics" single ones.',
      })
      .prefault({}),
  },
  'regression settings like { "threshold": "5%" }',
)

const outputSchema = strict(
  {
    /** Folder for perfgate's files, relative to package.json. @default DEFAULT_OUTPUT_DIR */
    dir: text(
      "Folder for perfgate's files, relative to package.json.",
      'a folder path like ".perfgate"',
    ).default(DEFAULT_OUTPUT_DIR),
    /**
     * Name of the baseline runs are compared with and accepted into:
     * `<dir>/baselines/<name>.json`. The `PERFGATE_BASELINE` environment variable overrides it
     * (one baseline per branch or per machine type). @default DEFAULT_BASELINE_NAME ("default")
     */
    baseline: text(
      'Name of the baseline runs are compared with; the file is <dir>/baselines/<name>.json.',
      'a baseline name like "main" or "ci-linux"',
    ).default(DEFAULT_BASELINE_NAME),
    /** The [VERIFY] JSONL event log, relative to package.json. @default DEFAULT_LOG_FILE */
    log: text(
      'The [VERIFY] JSONL event log, relative to package.json.',
      'a file path like "logs/perfgate.jsonl"',
    ).default(DEFAULT_LOG_FILE),
  },
  'output settings like { "dir": ".perfgate" }',
)

const benchSettingsSchema = strict(
  {
    time: duration('Time budget per bench.').optional(),
    confidence: confidence(
      'Confidence level of bench intervals and verdicts, above 0.5 and below 1.',
    ).optional(),
    noiseBand: percent('Relative difference below which two timings count as equivalent.').optional(),
    inconclusive: z
      .enum(['fail', 'warn'], { error: expected('"fail" or "warn"') })
      .meta({
        description:
          "What an inconclusive verdict (noise wider than the budget's margin) does: fail the test (default) or only warn.",
      })
      .optional(),
    /**
     * When to take a CPU profile of a bench, always after its timed batches: "on-failure" (a
     * failed budget or a confirmed regression), "always", or "off". PERFGATE_PROFILE overrides
     * it for a run. @default DEFAULT_PROFILE_MODE ("on-failure")
     */
    profile: z
      .enum(['on-failure', 'always', 'off'], { error: expected('"on-failure", "always" or "off"') })
      .meta({
        description:
          'When to take a CPU profile of a bench, always after its timed batches (never during them): "on-failure" (default: a failed budget or a confirmed regression), "always", or "off". The hottest functions go into the failure message and the report; the .cpuprofile next to the [VERIFY] log.',
      })
      .optional(),
  },
  'bench settings like { "time": "1s" }',
)

/** Schema of the whole "perfgate" key of package.json. */
export const perfgateConfigSchema = strict(
  {
    budgets: budgetsSchema
      .meta({ description: 'Budgets checked by `perfgate check` and the matchers.' })
      .prefault({}),
    regression: regressionSchema
      .meta({ description: 'How a comparison against the baseline decides a regression.' })
      .prefault({}),
    output: outputSchema.meta({ description: 'Where perfgate writes its files.' }).prefault({}),
    bench: benchSettingsSchema.meta({ description: 'Defaults for every bench().' }).prefault({}),
  },
  'an object like { "budgets": { "bench": { "sort 10k": { "p95": "2ms" } } } }',
)

/** The parsed "perfgate" config: defaults filled in, unit strings parsed into value objects. */
export type PerfgateConfig = z.output<typeof perfgateConfigSchema>
/** The "perfgate" config as users write it in package.json. */
export type PerfgateConfigInput = z.input<typeof perfgateConfigSchema>
/** A parsed bench budget. */
export type BenchBudget = z.output<typeof benchBudgetSchema>
/** A bench budget as written, e.g. `{ p95: '2ms' }`. */
export type BenchBudgetInput = z.input<typeof benchBudgetSchema>
/** A parsed bundle-size budget. */
export type SizeBudget = z.output<typeof sizeBudgetSchema>
/** A parsed web page budget. */
export type WebBudget = z.output<typeof webBudgetSchema>
/** Parsed Web Vitals budgets. */
export type VitalsBudget = z.output<typeof vitalsBudgetSchema>
/** Web Vitals budgets as written, e.g. `{ LCP: '2.5s', CLS: 0.1 }`. */
export type VitalsBudgetInput = z.input<typeof vitalsBudgetSchema>
/** Parsed Lighthouse targets. */
export type LighthouseBudget = z.output<typeof lighthouseBudgetSchema>
/** Lighthouse targets as written, e.g. `{ performance: 0.9, 'total-blocking-time': '200ms' }`. */
export type LighthouseBudgetInput = z.input<typeof lighthouseBudgetSchema>
/** A custom device and network profile from the config. */
export type CustomWebProfile = z.output<typeof customProfileSchema>
/** A parsed HTTP load budget. */
export type HttpBudget = z.output<typeof httpBudgetSchema>
/** Parsed regression settings, defaults filled in. */
export type RegressionConfig = PerfgateConfig['regression']
/** Parsed output settings, defaults filled in. */
export type OutputConfig = PerfgateConfig['output']
/** Parsed defaults for every bench(). */
export type BenchSettings = PerfgateConfig['bench']

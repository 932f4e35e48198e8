import type { BudgetExplanation } from '../budget/explain-budget.js'
import { formatDuration, formatPercent, formatRange, formatRatio, formatSize } from '../budget/format.js'
import { BOUND_OP_TEXT } from '../budget/parse-bound.js'
import { describeSource } from '../budget/verdict.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import type { HttpBudgetVerdict, HttpMetricVerdict, HttpUnit } from './evaluate-http-budget.js'
import type { LoadTestResult } from './types.js'

/** Above this many times the requests, a longer run is not a practical way to settle a verdict. */
const MAX_PRACTICAL_SETTLE_FACTOR = 100

/**
 * Explain an HTTP budget verdict the way a tired engineer needs it: each deciding metric with its
 * value and interval, the budget and the key it came from (`perfgate.budgets.http[0].p95 in
 * package.json`), how the load was made (requests, connections, time, rps), what failed and how,
 * the machine, and what to do next.
 */
export function explainHttpBudget(verdict: HttpBudgetVerdict, result: LoadTestResult): BudgetExplanation {
  const deciding = verdict.metrics.filter((m) => m.status === verdict.status)
  const headlines = deciding.map((m) => headline(verdict, m))
  const shown = new Set(verdict.metrics.map((m) => m.metric))
  const latency = (['p50', 'p95', 'p99'] as const)
    .filter((metric) => !shown.has(metric))
    .map((metric) => {
      const value = result.latency[`${metric}Ns`]
      return value === null ? null : `${metric} ${formatDuration(value)}`
    })
    .filter((part) => part !== null)
  const context = [
    ...verdict.metrics.map((m) =>
      m.actual === null ? `${m.metric} not measured` : `${m.metric} ${formatHttpValue(m.unit, m.actual)}`,
    ),
    ...latency,
    `${count(result.requests)} ${result.requests === 1 ? 'request' : 'requests'} in ${formatDuration(result.elapsedNs)} over ${result.connections} ${result.connections === 1 ? 'connection' : 'connections'}`,
    failuresText(result),
    `${formatSize(result.throughputBytesPerSec)}/s`,
    `${result.tool.name} ${result.tool.version}`,
    formatEnvironmentLine(result.env),
  ]
  const limits = verdict.metrics.map(formatHttpLimit)
  return {
    headlines,
    received: `Received: ${context.join(' · ')}`,
    expected: `Expected: ${limits.join(', ')} (${describeSource(verdict.source)})`,
    advice: advice(verdict, deciding, result),
  }
}

/** A value in a metric's unit: `52.3 ms`, `0.12%`, `1,234 req/s`. */
export function formatHttpValue(unit: HttpUnit, value: number): string {
  if (unit === 'ns') return formatDuration(value)
  if (unit === 'fraction') return formatPercent(value)
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} req/s`
}

/** A limit as people read it: `p95 ≤ 200 ms`, `errorRate < 0.1%`, `rps ≥ 1,000 req/s`. */
export function formatHttpLimit(m: Pick<HttpMetricVerdict, 'metric' | 'unit' | 'limit'>): string {
  return `${m.metric} ${BOUND_OP_TEXT[m.limit.op]} ${formatHttpValue(m.unit, m.limit.value)}`
}

/** `no failures`, or `12 failed: 8 × 503, 3 timeouts, 1 connection error`. */
export function failuresText(result: LoadTestResult): string {
  const { connection, timeouts, statusCodes } = result.errors
  const parts = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${count(n)} × ${code}`)
  if (timeouts > 0) parts.push(`${count(timeouts)} ${timeouts === 1 ? 'timeout' : 'timeouts'}`)
  if (connection > 0) parts.push(`${count(connection)} connection ${connection === 1 ? 'error' : 'errors'}`)
  const failed = connection + timeouts + result.errors.non2xx
  return failed === 0 ? 'no failures' : `${count(failed)} failed: ${parts.join(', ')}`
}

function headline(verdict: HttpBudgetVerdict, m: HttpMetricVerdict): string {
  const upper = m.limit.op === '<' || m.limit.op === '<='
  const strict = m.limit.op === '<' || m.limit.op === '>' ? `${BOUND_OP_TEXT[m.limit.op]} ` : ''
  const budget = `its ${strict}${formatHttpValue(m.unit, m.limit.value)} ${upper ? 'budget' : 'minimum'}`
  if (m.actual === null) {
    return `"${verdict.name}" ${m.metric} was not measured (${m.reason}), so this run cannot tell whether it is ${upper ? 'within' : 'above'} ${budget}.`
  }
  const interval =
    m.interval === null
      ? ''
      : ` (${formatPercent(verdict.confidence)} CI ${formatRange(m.interval[0], m.interval[1], (v) => formatHttpValue(m.unit, v))})`
  const measured = `"${verdict.name}" ${m.metric} is ${formatHttpValue(m.unit, m.actual)}${interval}`
  switch (m.status) {
    case 'fail':
      // Past double the budget a ratio reads better than "160% over"; a zero limit has neither.
      if (upper && m.limit.value > 0 && m.actual >= 2 * m.limit.value) {
        return `${measured}, ${formatRatio(m.actual / m.limit.value)} ${budget}.`
      }
      if (m.limit.value === 0 || m.margin === null)
        return `${measured}, ${upper ? 'over' : 'under'} ${budget}.`
      return `${measured}, ${formatPercent(-m.margin)} ${upper ? 'over' : 'under'} ${budget}.`
    case 'pass': {
      const headroom = m.margin !== null && m.limit.value > 0 ? ` (${formatPercent(m.margin)} headroom)` : ''
      return `${measured}, ${upper ? 'within' : 'above'} ${budget}${headroom}.`
    }
    case 'inconclusive':
      if (m.samplesNeeded !== null) {
        return `${measured}: ${count(verdict.responses)} responses cannot bound ${m.metric} at ${formatPercent(verdict.confidence)} confidence, so this run cannot tell whether it is within ${budget}.`
      }
      return `${measured}: the interval straddles ${budget}, so this run cannot tell whether it is ${upper ? 'within' : 'above'}.`
  }
}

/** Advice per failing metric: where the cause usually is. */
function failAdvice(m: HttpMetricVerdict, verdict: HttpBudgetVerdict, result: LoadTestResult): string {
  switch (m.metric) {
    case 'errorRate':
      return `errorRate: ${failuresText(result)}. Non-2xx statuses come from the server's handlers (look in its log); timeouts mean no answer within ${formatDuration(result.timeoutNs)} (the server is overloaded or stuck); connection errors mean it refused or dropped connections (listen backlog, file-descriptor limit, a crash).`
    case 'rps':
      return `rps: with ${verdict.connections} ${verdict.connections === 1 ? 'connection' : 'connections'} each waiting for its answer, requests per second are at most connections ÷ latency; if latency is fine, raise "connections" to load the server harder, else make each request cheaper.`
    default:
      return `${m.metric}: the endpoint answers slowly under ${verdict.connections} ${verdict.connections === 1 ? 'connection' : 'connections'}. Profile a request on the server (node --cpu-prof) for synchronous work, slow queries or missing caches; if one connection is fast and many are slow, requests are queueing (CPU saturated, a lock, a small pool).`
  }
}

function advice(
  verdict: HttpBudgetVerdict,
  deciding: readonly HttpMetricVerdict[],
  result: LoadTestResult,
): string[] {
  if (verdict.status === 'fail') {
    const keys = deciding.map((m) => m.metric)
    const where =
      verdict.source.kind === 'inline'
        ? `the inline budget's ${listOf(keys)}`
        : keys.length === 1
          ? `perfgate.${verdict.source.key}.${keys[0]} in ${verdict.source.file}`
          : `${listOf(keys)} in perfgate.${verdict.source.key} in ${verdict.source.file}`
    return [
      ...deciding.map((m) => failAdvice(m, verdict, result)),
      `Make it faster; or, if the new cost is accepted, change ${where}.`,
    ]
  }
  if (verdict.status !== 'inconclusive') return []
  const lines: string[] = []
  const missing = deciding.filter((m) => m.actual === null)
  if (missing.length > 0) {
    lines.push(
      `A latency with no response cannot pass: check that the server answers ${result.url} (curl -i ${result.url}) within the ${formatDuration(result.timeoutNs)} timeout.`,
    )
  }
  const starved = deciding.filter((m) => m.samplesNeeded !== null)
  if (starved.length > 0) {
    const needed = Math.max(...starved.map((m) => m.samplesNeeded!))
    lines.push(
      `${listOf(starved.map((m) => m.metric))} ${starved.length === 1 ? 'needs' : 'need'} at least ${count(needed)} responses for an interval at ${formatPercent(verdict.confidence)} confidence; this run had ${count(verdict.responses)}. Raise "amount" or "duration".`,
    )
  }
  const straddling = deciding.filter((m) => m.actual !== null && m.samplesNeeded === null)
  const factor = Math.max(0, ...straddling.map((m) => m.settleFactor ?? Infinity))
  if (straddling.length > 0) {
    lines.push(
      Number.isFinite(factor) && factor <= MAX_PRACTICAL_SETTLE_FACTOR
        ? `The value is too close to the budget for this many responses: about ${factor < 10 ? factor.toFixed(1) : Math.round(factor)}× the requests would settle it; raise "duration" or "amount".`
        : 'The value sits too close to the budget for a longer run to settle it; move the budget away from the measured value.',
    )
  }
  return lines
}

/** `p95`, `p95 and errorRate`, `p50, p95 and rps`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

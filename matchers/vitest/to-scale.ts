import { perfgateError } from '../../src/errors.js'
import type { InconclusivePolicy } from '../../src/results/result-sink.js'
import { recordResult } from '../../src/results/result-sink.js'
import { explainScaling, formatScalingMessage } from '../../src/scaling/explain-scaling.js'
import { judgeScaling, type ScalingVerdict } from '../../src/scaling/judge-scaling.js'
import { runScaling } from '../../src/scaling/measure-scaling.js'
import { checkTolerance, parseScalingClass } from '../../src/scaling/resolve-scaling-options.js'
import {
  isScalingResult,
  type MeasureScalingOptions,
  type ScalingFn,
  type ScalingResult,
} from '../../src/scaling/types.js'
import { inconclusivePolicy } from './bench-defaults.js'
import {
  hint,
  type MatcherContext,
  type MatcherResult,
  toVitestPass,
  warnInconclusive,
} from './matcher-context.js'
import { projectConfig } from './project-config.js'
import { describeValue } from './received.js'

/**
 * Options of `toScale`. `sizes` and `input` are required when a function is received (the
 * matcher measures it with measureScaling); with a ScalingResult only `tolerance` and
 * `inconclusive` apply.
 */
export interface ToScaleOptions<T = unknown> extends Partial<MeasureScalingOptions<T>> {
  /**
   * How far the exponent may lie above the claimed class's, in powers of n.
   * @default DEFAULT_SCALING_TOLERANCE (0.5: halfway to the next class)
   */
  tolerance?: number
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
}

const WHERE = 'toScale()'

/**
 * `await expect((xs) => sum(xs)).toScale('linear', { sizes: [1e3, 1e4, 1e5], input: (n) => range(n) })`:
 * time per call grows no faster than the class (Big-O: an upper bound, with a tolerance).
 * `.not.toScale('linear')` holds only when the data prove it grows faster.
 */
export function toScale(
  this: MatcherContext,
  received: unknown,
  claim: unknown,
  options: ToScaleOptions = {},
): MatcherResult | Promise<MatcherResult> {
  // Claim and tolerance are checked before anything is measured: a typo costs no time.
  const scalingClass = parseScalingClass(WHERE, claim)
  const tolerance = checkTolerance(WHERE, options?.tolerance)
  const policy = inconclusivePolicy(options?.inconclusive, projectConfig())
  const judge = (result: ScalingResult) =>
    verdictResult(this, result, judgeScaling(result, scalingClass, { tolerance }), policy)
  if (isScalingResult(received)) return judge(received)
  if (typeof received === 'function') {
    const { tolerance: _tolerance, inconclusive: _inconclusive, ...measureOptions } = options ?? {}
    const name = measureOptions.name ?? (received.name || this.currentTestName || undefined)
    return runScaling(WHERE, received as ScalingFn<unknown>, {
      ...(measureOptions as MeasureScalingOptions<unknown>),
      ...(name !== undefined && { name }),
    }).then(judge)
  }
  throw perfgateError('MATCHER_RECEIVED_INVALID', {
    matcher: 'expect(…).toScale()',
    received: describeValue(received),
    accepted: 'a function of the input (measured at every size) or a ScalingResult from measureScaling()',
  })
}

function verdictResult(
  context: MatcherContext,
  result: ScalingResult,
  verdict: ScalingVerdict,
  policy: InconclusivePolicy,
): MatcherResult {
  recordResult({
    kind: 'scaling',
    result,
    verdict,
    inconclusivePolicy: policy,
    ...(context.isNot && { negated: true }),
  })
  const outcome =
    verdict.status === 'pass' ? 'claim' : verdict.status === 'fail' ? 'opposite' : 'inconclusive'
  const message = () => {
    const lead =
      context.isNot && verdict.status === 'pass'
        ? `Expected "${verdict.name}" to grow faster than '${verdict.claim}' allows, but it does not.\n`
        : ''
    return `${hint(context, 'toScale', 'claim')}\n\n${lead}${formatScalingMessage(explainScaling(verdict, result))}`
  }
  if (outcome === 'inconclusive' && policy === 'warn') warnInconclusive(message())
  return { pass: toVitestPass(outcome, context.isNot, policy), message }
}

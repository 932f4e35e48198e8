import { perfgateError } from '../../src/errors.js'
import { explainLeak, formatLeakMessage } from '../../src/memory/explain-leak.js'
import type { LeakCheckOptions } from '../../src/memory/leak-types.js'
import { measureLeak } from '../../src/memory/measure-leak.js'
import { type InconclusivePolicy, recordResult } from '../../src/results/result-sink.js'
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

/** Options of `toLeakMemory`: the leak check's, and what an unsettled verdict does. */
export interface LeakMemoryOptions<T = unknown> extends Omit<LeakCheckOptions<T>, 'env'> {
  /** What an inconclusive verdict does. @default package.json `bench.inconclusive`, else 'fail' */
  inconclusive?: InconclusivePolicy
}

/**
 * `await expect(fn).not.toLeakMemory(options?)`: call `fn` in rounds with a forced full GC after
 * each, and fail when the heap left after the GCs grows steadily with the calls (see judgeLeak
 * in src/memory/leak-rule.ts). The positive form passes only when a leak is proven. When GC
 * cannot be forced the verdict is inconclusive, and fails either form unless `inconclusive:
 * 'warn'`.
 */
export async function toLeakMemory(
  this: MatcherContext,
  received: unknown,
  options: LeakMemoryOptions = {},
): Promise<MatcherResult> {
  if (typeof received !== 'function') {
    throw perfgateError('MATCHER_RECEIVED_INVALID', {
      matcher: 'expect(…).toLeakMemory()',
      received: describeValue(received),
      accepted: 'a function to call, e.g. expect(() => handle(request)).not.toLeakMemory()',
    })
  }
  const loaded = projectConfig()
  const { inconclusive, ...checkOptions } = options
  const name = checkOptions.name ?? (received.name || this.currentTestName || 'anonymous function')
  const result = await measureLeak(received as (input: unknown) => unknown, { ...checkOptions, name })
  const policy = inconclusivePolicy(inconclusive, loaded)
  const expectsLeak = !this.isNot
  recordResult({ kind: 'leak', result, inconclusivePolicy: policy, expectsLeak })
  const outcome =
    result.status === 'leak' ? 'claim' : result.status === 'no-leak' ? 'opposite' : 'inconclusive'
  const message = () => {
    const lead =
      expectsLeak && result.status === 'no-leak'
        ? `Expected "${result.name}" to leak memory, but it does not.\n`
        : ''
    return `${hint(this, 'toLeakMemory', '')}\n\n${lead}${formatLeakMessage(explainLeak(result, expectsLeak))}`
  }
  if (outcome === 'inconclusive' && policy === 'warn') warnInconclusive(message())
  return { pass: toVitestPass(outcome, this.isNot, policy), message }
}

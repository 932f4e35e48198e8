import type { InconclusivePolicy } from '../../src/results/result-sink.js'

/**
 * The part of Vitest's matcher `this` that perfgate uses. Declared here rather than imported so
 * the matchers compile against Vitest 4 and 5 alike (their MatcherState types differ).
 */
export interface MatcherContext {
  isNot: boolean
  currentTestName?: string | undefined
  utils: {
    matcherHint: (matcherName: string, received?: string, expected?: string, options?: object) => string
  }
}

/** What Vitest needs back from a matcher; `pass` is the un-negated answer, Vitest applies `.not`. */
export interface MatcherResult {
  pass: boolean
  message: () => string
}

/**
 * Turn a three-way verdict into Vitest's pass/fail, given whether the assertion was negated.
 * A proven claim passes, a disproven one fails, and an unproven one fails both ways (neither
 * `x` nor `not x` was shown) unless the policy is 'warn', when the assertion holds either way.
 *
 * @param outcome - 'claim' when the data prove the claim, 'opposite' when they prove it false.
 * @returns `pass` as Vitest expects it: Vitest inverts it for `.not`.
 */
export function toVitestPass(
  outcome: 'claim' | 'opposite' | 'inconclusive',
  isNot: boolean,
  policy: InconclusivePolicy,
): boolean {
  if (outcome === 'claim') return true
  if (outcome === 'opposite') return false
  // Inconclusive: return the value that makes the (possibly negated) assertion fail, or hold.
  const holds = policy === 'warn'
  return isNot ? !holds : holds
}

/** The matcher hint line, e.g. `expect(received).toMeetBudget(budget)`. */
export function hint(context: MatcherContext, name: string, expected: string): string {
  // The bare name: matcherHint adds `.not` itself when told isNot (a dotted name got it twice).
  return context.utils.matcherHint(name, 'received', expected, { isNot: context.isNot })
}

/** Warnings printed for verdicts let through by `inconclusive: 'warn'`, so they are not silent. */
export function warnInconclusive(message: string): void {
  console.warn(`perfgate: inconclusive verdict allowed by { inconclusive: 'warn' }\n${message}`)
}

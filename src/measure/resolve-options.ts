import { parseDuration } from '../budget/parse-duration.js'
import { DEFAULT_CONFIDENCE, DEFAULT_WARMUP_SHARE, MAX_WARMUP_NS, MIN_WARMUP_NS } from './defaults.js'
import type { DurationInput } from './types.js'

/** A problem with an option, phrased for the catalogue's *_OPTIONS_INVALID errors. */
export interface OptionProblem {
  problem: string
  fix: string
}

/** Time budget in ns, from a duration string or a number of ms. */
export function resolveTime(value: DurationInput | undefined, defaultNs: number, where: string): number {
  return value === undefined ? defaultNs : parseDuration(value, where)
}

/** Warm-up in ns: explicit, or a share of the budget kept within fixed bounds. */
export function resolveWarmup(value: DurationInput | undefined, budgetNs: number, where: string): number {
  if (value !== undefined) return parseDuration(value, where)
  return Math.min(MAX_WARMUP_NS, Math.max(MIN_WARMUP_NS, budgetNs * DEFAULT_WARMUP_SHARE))
}

export function checkConfidence(value: number | undefined): number | OptionProblem {
  const confidence = value ?? DEFAULT_CONFIDENCE
  if (!(confidence > 0.5 && confidence < 1)) {
    return {
      problem: `confidence must be between 0.5 and 1 (exclusive), received ${String(value)}`,
      fix: 'Use a value like 0.95 or 0.99.',
    }
  }
  return confidence
}

export function checkPositiveInteger(name: string, value: number | undefined): OptionProblem | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) {
    return {
      problem: `${name} must be a whole number of at least 1, received ${String(value)}`,
      fix: `Use e.g. ${name}: 1.`,
    }
  }
  return undefined
}

import { perfgateError } from '../errors.js'
import { DECIMAL_SOURCE } from './parse-number.js'

/** Anchored pattern of a percentage string (`"5%"`), usable as a JSON Schema `pattern`. */
export const PERCENT_PATTERN = `^\\s*${DECIMAL_SOURCE}\\s*%\\s*$`

const PERCENT_RE = new RegExp(PERCENT_PATTERN)

/**
 * Parse a percentage into a fraction: `"5%"` is `0.05`, `"0.1%"` is `0.001`.
 *
 * Strings need the `%` sign and may exceed 100% (`"150%"` growth is a real budget). A bare number
 * is taken as a fraction as-is, and only in [0, 1]: is `5` meant as 5% or 500%? Write `"5%"`.
 * A numeric string without `%` is rejected for the same reason.
 *
 * @param input - The percentage as written by the user.
 * @param where - Where the value came from, named in the error (e.g. `regression.threshold`).
 * @returns The fraction (`1` is 100%).
 * @throws PerfgateError `PERCENT_INVALID` for negatives, NaN, Infinity, empty, a missing `%`, or a
 * bare number outside [0, 1].
 */
export function parsePercent(input: string | number, where?: string): number {
  if (typeof input === 'number' && input >= 0 && input <= 1) return input
  if (typeof input === 'string') {
    const match = PERCENT_RE.exec(input)
    // 15 significant digits drop binary noise such as 0.07 / 100 = 0.0007000000000000001.
    if (match) return Number((Number(match[1]) / 100).toPrecision(15))
  }
  throw perfgateError(
    'PERCENT_INVALID',
    where === undefined ? { received: input } : { received: input, where },
  )
}

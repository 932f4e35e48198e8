import { perfgateError } from '../errors.js'
import { DECIMAL_SOURCE } from './parse-number.js'

/** Nanoseconds per unit, keyed by the lower-cased unit. `m` is minutes: nobody budgets in metres. */
const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 MICRO SIGN, what most keyboards type
  μs: 1e3, // U+03BC GREEK SMALL LETTER MU, what some fonts and tools emit
  ms: 1e6,
  s: 1e9,
  m: 60e9,
}

/**
 * Anchored pattern of a duration string, usable as a JSON Schema `pattern`. JSON Schema patterns
 * take no flags, so case-insensitivity is spelled out per letter.
 */
export const DURATION_PATTERN = `^\\s*${DECIMAL_SOURCE}\\s*([nN][sS]|[uUµμ][sS]|[mM][sS]|[sS]|[mM])?\\s*$`

const DURATION_RE = new RegExp(DURATION_PATTERN)

/**
 * Parse a duration into nanoseconds.
 *
 * Accepts `"250ns"`, `"250us"`, `"250µs"`, `"5ms"`, `"1.5s"` and `"2m"` (minutes), with optional
 * whitespace between number and unit (`"5 ms"`) and units in any case (`"5MS"`). A bare number,
 * as a number or a numeric string (`5`, `"5"`), means milliseconds: the unit people budget in.
 *
 * @param input - The duration as written by the user.
 * @param where - Where the value came from, named in the error (e.g. `budgets.bench["sort"].p95`).
 * @returns The duration in nanoseconds (not rounded: `"0.5ns"` is `0.5`).
 * @throws PerfgateError `DURATION_INVALID` for negative, NaN, Infinity, empty or unknown units.
 */
export function parseDuration(input: string | number, where?: string): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return scale(input, NS_PER_UNIT.ms!)
  if (typeof input === 'string') {
    const match = DURATION_RE.exec(input)
    if (match) return scale(Number(match[1]), NS_PER_UNIT[(match[2] ?? 'ms').toLowerCase()]!)
  }
  throw perfgateError(
    'DURATION_INVALID',
    where === undefined ? { received: input } : { received: input, where },
  )
}

// 15 significant digits drop binary noise such as 1.1 * 1e6 = 1100000.0000000002.
function scale(value: number, factor: number): number {
  return Number((value * factor).toPrecision(15))
}

import { perfgateError } from '../errors.js'

/**
 * The unsigned decimal every unit string starts with: `5`, `1.5`, `.5`. No sign, no exponent, no
 * thousands separators, so a typo cannot turn into a surprising number. Unanchored ECMAScript
 * source with one capture group, shared by the unit patterns so parser and JSON Schema agree.
 */
export const DECIMAL_SOURCE = '(\\d+(?:\\.\\d+)?|\\.\\d+)'

/** Anchored pattern of a plain number written as a string (`"10000"`), usable in JSON Schema. */
export const NUMBER_PATTERN = `^\\s*${DECIMAL_SOURCE}\\s*$`

const NUMBER_RE = new RegExp(NUMBER_PATTERN)

/**
 * Parse a plain non-negative number, such as a rate in operations or requests per second.
 *
 * @param input - A finite number `>= 0`, or a string holding one (`"10000"`, `" 2.5 "`).
 * @param where - Where the value came from, named in the error (e.g. `budgets.http[0].rps`).
 * @returns The number.
 * @throws PerfgateError `NUMBER_INVALID` for anything else: negative, NaN, Infinity, empty, units.
 */
export function parseNumber(input: string | number, where?: string): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input
  if (typeof input === 'string') {
    const match = NUMBER_RE.exec(input)
    if (match) return Number(match[1])
  }
  throw perfgateError(
    'NUMBER_INVALID',
    where === undefined ? { received: input } : { received: input, where },
  )
}

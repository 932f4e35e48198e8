import { perfgateError } from '../errors.js'
import { DECIMAL_SOURCE } from './parse-number.js'

/**
 * Bytes per unit, keyed by the lower-cased unit. Decimal units (kB, MB, GB) are 1000-based as in
 * size-limit and most bundlers' output; binary units (KiB, MiB, GiB) are 1024-based. Units are
 * case-insensitive, so a lower-case `b` is read as bytes, never bits: `"10kb"` is 10 000 bytes.
 */
const BYTES_PER_UNIT: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
}

/** Anchored pattern of a size string, usable as a JSON Schema `pattern` (which takes no flags). */
export const SIZE_PATTERN = `^\\s*${DECIMAL_SOURCE}\\s*([bB]|[kK][bB]|[kK][iI][bB]|[mM][bB]|[mM][iI][bB]|[gG][bB]|[gG][iI][bB])?\\s*$`

const SIZE_RE = new RegExp(SIZE_PATTERN)

/**
 * Parse a size into bytes.
 *
 * Accepts `"512 B"`, `"10 kB"`, `"10 KiB"`, `"1.2 MB"`, `"1.2 MiB"`, `"1 GB"`, `"1 GiB"`, with or
 * without a space and in any case (`"10kb"` = `"10 KB"` = 10 000 bytes; `b` is bytes, not bits).
 * A bare number, as a number or a numeric string, means bytes.
 *
 * @param input - The size as written by the user.
 * @param where - Where the value came from, named in the error (e.g. `budgets.size[0].gzip`).
 * @returns Whole bytes: fractions of a byte are rounded to the nearest byte (`"1.5 kB"` = 1500).
 * @throws PerfgateError `SIZE_INVALID` for negative, NaN, Infinity, empty or unknown units.
 */
export function parseSize(input: string | number, where?: string): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return Math.round(input)
  if (typeof input === 'string') {
    const match = SIZE_RE.exec(input)
    if (match) return Math.round(Number(match[1]) * BYTES_PER_UNIT[(match[2] ?? 'b').toLowerCase()]!)
  }
  throw perfgateError('SIZE_INVALID', where === undefined ? { received: input } : { received: input, where })
}

/**
 * Numbers for people: three significant digits and the largest unit that keeps the number at or
 * above 1. Every output parses back with the matching parser (`parseDuration(formatDuration(x))`
 * is within 0.5% of `x`), so a value shown in a message can be pasted into a budget.
 */

const DURATION_UNITS = [
  { unit: 'ns', factor: 1 },
  { unit: 'µs', factor: 1e3 },
  { unit: 'ms', factor: 1e6 },
  { unit: 's', factor: 1e9 },
] as const

// 1000-based like size-limit, so "10.0 kB" here is "10 kB" in a budget and in size-limit's output.
const SIZE_UNITS = [
  { unit: 'kB', factor: 1e3 },
  { unit: 'MB', factor: 1e6 },
  { unit: 'GB', factor: 1e9 },
  { unit: 'TB', factor: 1e12 },
] as const

/**
 * Format nanoseconds with 3 significant digits in ns, µs, ms or s: `"812 ns"`, `"12.3 µs"`,
 * `"2.46 ms"`, `"1.50 s"`. Seconds are the largest unit (`"1234 s"`); negative values keep their
 * sign (`"-2.46 ms"`, useful for differences); NaN and Infinity are returned as `"NaN ns"` and
 * `"Infinity ns"` rather than hidden.
 */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return `${ns} ns`
  if (ns === 0) return '0 ns'
  const sign = ns < 0 ? '-' : ''
  const abs = Math.abs(ns)
  for (const { unit, factor } of DURATION_UNITS) {
    const digits = threeSignificant(abs / factor)
    // Move up when rounding reaches 1000 so 999.7 µs reads "1.00 ms", not "1000 µs".
    if (digits !== undefined) return `${sign}${digits} ${unit}`
  }
  return `${sign}${Math.round(abs / 1e9)} s`
}

/**
 * Format bytes 1000-based like size-limit: `"512 B"`, `"10.0 kB"`, `"1.20 MB"`, up to TB. Bytes
 * are shown whole; larger units with 3 significant digits. NaN and Infinity come back as
 * `"NaN B"` and `"Infinity B"`.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`
  const sign = bytes < 0 ? '-' : ''
  const abs = Math.abs(bytes)
  if (Math.round(abs) < 1000) return `${sign}${Math.round(abs)} B`
  for (const { unit, factor } of SIZE_UNITS) {
    const digits = threeSignificant(abs / factor)
    if (digits !== undefined) return `${sign}${digits} ${unit}`
  }
  return `${sign}${Math.round(abs / 1e12)} TB`
}

/** Options of {@link formatPercent}. */
export interface FormatPercentOptions {
  /**
   * Significant digits below 100%; the whole-percent part is never rounded away (`"123%"`).
   * @default DEFAULT_PERCENT_DIGITS
   */
  digits?: number
  /** Prefix positive values with `+`, for changes: `"+4.2%"`. Negative values always show `-`. */
  sign?: boolean
}

/** Significant digits {@link formatPercent} shows by default: `"23%"`, `"4.2%"`, `"0.1%"`. */
export const DEFAULT_PERCENT_DIGITS = 2

/**
 * Format a fraction as a percentage with trailing zeros dropped: `0.23` → `"23%"`, `0.001` →
 * `"0.1%"`, `0.042` with `{ sign: true }` → `"+4.2%"`. Non-finite input comes back as `"NaN%"`.
 */
export function formatPercent(fraction: number, options: FormatPercentOptions = {}): string {
  const { digits = DEFAULT_PERCENT_DIGITS, sign = false } = options
  if (!Number.isFinite(fraction)) return `${fraction}%`
  const percent = Math.abs(fraction * 100)
  const integerDigits = percent === 0 ? 1 : Math.floor(Math.log10(percent)) + 1
  const decimals = Math.min(20, Math.max(0, digits - integerDigits))
  const fixed = percent.toFixed(decimals)
  const text = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
  if (Number(text) === 0) return '0%'
  const prefix = fraction < 0 ? '-' : sign ? '+' : ''
  return `${prefix}${text}%`
}

/**
 * Format a ratio of two timings with 3 significant digits and a multiplication sign: `1.234` →
 * `"1.23×"`, `12.5` → `"12.5×"`, `0.5` → `"0.500×"`. For "A is 1.23× faster than B".
 */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return `${ratio}×`
  if (ratio === 0) return '0×'
  return `${threeSignificant(ratio) ?? Math.round(ratio)}×`
}

/**
 * A range whose ends share their unit once: `"1.90–2.05 ms"`, `"0.950–1.02×"`, but
 * `"812 µs–1.02 ms"` when the units differ. An infinite upper end reads `"1.07 ms–∞"`.
 *
 * @param format - The formatter of one value, such as formatDuration or formatRatio.
 */
export function formatRange(lo: number, hi: number, format: (value: number) => string): string {
  const loText = format(lo)
  if (hi === Number.POSITIVE_INFINITY) return `${loText}–∞`
  const hiText = format(hi)
  // The unit is what follows the last digit: " ms", " ops/s", "×".
  const unit = /[\d.,]([^\d.,]*)$/.exec(hiText)?.[1] ?? ''
  if (unit !== '' && loText.endsWith(unit) && /\d$/.test(loText.slice(0, -unit.length))) {
    return `${loText.slice(0, -unit.length)}–${hiText}`
  }
  return `${loText}–${hiText}`
}

/** `value` (> 0) with 3 significant digits, or undefined when that needs 4 digits or more. */
function threeSignificant(value: number): string | undefined {
  if (value >= 999.5) return undefined
  return value.toPrecision(3)
}

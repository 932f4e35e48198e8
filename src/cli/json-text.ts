/**
 * A value as the CLI prints and writes JSON: 2-space indented, with a trailing line break, and
 * every non-finite number (an open interval's ∞, a NaN) written as null, as baseline files and the
 * [VERIFY] log do; JSON has no Infinity.
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? null : item),
    2,
  )
  return `${text}\n`
}

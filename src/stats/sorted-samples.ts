/**
 * Samples known to be sorted ascending. Only {@link sortSamples} and {@link assumeSorted} produce
 * this type, so a function that takes `SortedSamples` cannot be handed an unsorted array by mistake.
 */
export type SortedSamples = readonly number[] & { readonly __brand: 'SortedSamples' }

/**
 * Copy and sort samples in numeric ascending order.
 *
 * The input is left untouched. `NaN` has no place in an order, so it is rejected rather than
 * silently sorted to one end where it would corrupt every quantile; ±Infinity is kept.
 *
 * @throws {RangeError} when a sample is `NaN`.
 */
export function sortSamples(xs: readonly number[]): SortedSamples {
  const buffer = Float64Array.from(xs)
  for (let i = 0; i < buffer.length; i++) {
    const x = buffer[i]!
    if (Number.isNaN(x))
      throw new RangeError(`sortSamples: sample ${i} is NaN; remove or fix it before sorting`)
  }
  // A typed-array sort is numeric by default and several times faster than Array#sort with a comparator.
  buffer.sort()
  return Array.from(buffer) as unknown as SortedSamples
}

/**
 * Brand an array that the caller knows to be sorted ascending, without copying or checking it.
 * Use {@link isSortedAscending} in a test or an assertion if in doubt.
 */
export function assumeSorted(xs: readonly number[]): SortedSamples {
  return xs as SortedSamples
}

/** Whether `xs` is in non-decreasing order and free of `NaN` (O(n)). */
export function isSortedAscending(xs: readonly number[]): boolean {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    if (Number.isNaN(x)) return false
    if (i > 0 && xs[i - 1]! > x) return false
  }
  return true
}

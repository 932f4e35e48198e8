/** Sort numbers ascending with the engine's sort (a typed-array sort: numeric, no comparator calls). */
export function sortNumbers(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort()
}

/** Sort numbers ascending with Array#sort and a comparator: correct, and slower. */
export function sortWithComparator(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b)
}

/** Insertion sort: the deliberately slow variant, O(n²). */
export function insertionSort(values: readonly number[]): number[] {
  const out = [...values]
  for (let i = 1; i < out.length; i++) {
    const current = out[i]!
    let j = i - 1
    while (j >= 0 && out[j]! > current) {
      out[j + 1] = out[j]!
      j--
    }
    out[j + 1] = current
  }
  return out
}

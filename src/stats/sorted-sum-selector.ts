import { createRandom, DEFAULT_SEED } from './random.js'

/**
 * Selects the k-th smallest (1-based) of the sums x[i] + z[j] of two ascending arrays, over the
 * columns j ∈ [firstColumn(i), n) of each row i: all of them for a two-sample shift (Hodges–
 * Lehmann of x − y, with z = −y reversed), or j ≥ i for the Walsh sums of one sample (z = x).
 *
 * The sums form a matrix sorted along rows and columns, so the k-th smallest is found without
 * forming it, by randomized selection (Monahan 1984, ACM TOMS algorithm 616): pick a random
 * remaining sum as a pivot, count the sums below it row by row with two pointers in O(m + n), keep
 * the side that holds rank k. O((m + n) log(mn)) expected time, O(m + n) memory. The pivot stream
 * is seeded, so the work done is reproducible; the result is exact whatever the pivots.
 * Floating-point addition is monotone, so the computed sums keep the matrix's order exactly.
 */
export class SortedSumSelector {
  private readonly x: Float64Array
  private readonly z: Float64Array
  private readonly first: Float64Array
  private readonly random = createRandom(DEFAULT_SEED)

  /** @param firstColumn - The first column of row i. @default every column */
  constructor(x: Float64Array, z: Float64Array, firstColumn: (row: number) => number = () => 0) {
    this.x = x
    this.z = z
    this.first = Float64Array.from({ length: x.length }, (_, i) => firstColumn(i))
  }

  /** Number of sums in the matrix. */
  get size(): number {
    let total = 0
    for (let i = 0; i < this.x.length; i++) total += this.z.length - this.first[i]!
    return total
  }

  select(k: number): number {
    const { x, z } = this
    const m = x.length
    const n = z.length
    // Row i's remaining candidates are columns [left[i], right[i]).
    const left = Float64Array.from(this.first)
    const right = new Float64Array(m).fill(n)
    const lessEdge = new Float64Array(m)
    const greaterEdge = new Float64Array(m)
    let below = 0 // sums known to rank below every remaining candidate
    let remaining = this.size
    // Once few candidates remain, sorting them is cheaper than more O(m + n) passes.
    while (remaining > m + n) {
      const pivot = this.randomCandidate(left, right, remaining)
      // For each row, the first column whose sum is ≥ pivot and the first whose sum is > pivot.
      // Both move left as x[i] grows: two pointers, O(m + n) per pass.
      let ge = n
      let gt = n
      let less = 0
      let lessOrEqual = 0
      for (let i = 0; i < m; i++) {
        const xi = x[i]!
        while (ge > 0 && xi + z[ge - 1]! >= pivot) ge--
        while (gt > 0 && xi + z[gt - 1]! > pivot) gt--
        const lo = left[i]!
        const hi = right[i]!
        const a = Math.min(Math.max(ge, lo), hi)
        const b = Math.min(Math.max(gt, lo), hi)
        lessEdge[i] = a
        greaterEdge[i] = b
        less += a - lo
        lessOrEqual += b - lo
      }
      const rank = k - below
      if (rank <= less) {
        right.set(lessEdge)
        remaining = less
      } else if (rank <= lessOrEqual) {
        return pivot
      } else {
        left.set(greaterEdge)
        below += lessOrEqual
        remaining -= lessOrEqual
      }
    }
    const rest = new Float64Array(remaining)
    let count = 0
    for (let i = 0; i < m; i++) {
      for (let j = left[i]!; j < right[i]!; j++) rest[count++] = x[i]! + z[j]!
    }
    rest.sort()
    return rest[k - below - 1]!
  }

  /** A uniformly chosen remaining candidate sum. */
  private randomCandidate(left: Float64Array, right: Float64Array, remaining: number): number {
    let target = Math.floor(this.random() * remaining)
    const m = this.x.length
    for (let i = 0; i < m; i++) {
      const width = right[i]! - left[i]!
      if (width > 0) {
        if (target < width) return this.x[i]! + this.z[left[i]! + target]!
        target -= width
      }
    }
    // Unreachable while `remaining` matches the rows; fall back to the last candidate.
    for (let i = m - 1; i >= 0; i--) {
      if (right[i]! > left[i]!) return this.x[i]! + this.z[right[i]! - 1]!
    }
    throw new Error('SortedSumSelector: no candidates left (internal error)')
  }
}

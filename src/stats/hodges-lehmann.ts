import { createRandom, DEFAULT_SEED } from './random.js'

/**
 * One-sample Hodges–Lehmann estimator: the median of the n(n+1)/2 Walsh averages (xᵢ + xⱼ)/2,
 * i ≤ j. A robust location estimate (breakdown 29%) that is nearly as efficient as the mean for
 * normal data; for paired log-ratios it estimates the typical ratio.
 *
 * Exact for every n, in O(n log n) expected time and O(n) memory, without forming the averages:
 * the sums xᵢ + xⱼ of sorted data form a matrix sorted along rows, so the k-th smallest is found
 * by randomized selection (Monahan 1984, ACM TOMS algorithm 616) — pick a random remaining sum
 * as a pivot, count the sums below it row by row with two pointers in O(n), keep the side that
 * holds rank k. The pivot stream is seeded, so the work done is reproducible; the result is the
 * exact median whatever the pivots.
 *
 * @throws {RangeError} when `xs` is empty or holds NaN.
 */
export function hodgesLehmann(xs: readonly number[]): number {
  const n = xs.length
  if (n === 0) throw new RangeError('hodgesLehmann: no samples')
  const x = Float64Array.from(xs)
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) throw new RangeError(`hodgesLehmann: sample ${i} is NaN`)
  }
  x.sort()
  const total = (n * (n + 1)) / 2
  const selector = new WalshSelector(x)
  // Sums are halved only at the end: (a + b) / 2 is exact unless a + b is subnormal.
  if (total % 2 === 1) return selector.select((total + 1) / 2) / 2
  const lower = selector.select(total / 2)
  const upper = selector.select(total / 2 + 1)
  return (lower + upper) / 4
}

/**
 * Selects the k-th smallest of the sums x[i] + x[j], 0 ≤ i ≤ j < n, of sorted x. Row i holds
 * columns j ∈ [i, n); the remaining candidates of row i are columns [left[i], right[i]).
 */
class WalshSelector {
  private readonly x: Float64Array
  private readonly random = createRandom(DEFAULT_SEED)

  constructor(x: Float64Array) {
    this.x = x
  }

  select(k: number): number {
    const x = this.x
    const n = x.length
    const left = new Float64Array(n)
    const right = new Float64Array(n).fill(n)
    for (let i = 0; i < n; i++) left[i] = i
    const lessEdge = new Float64Array(n)
    const greaterEdge = new Float64Array(n)
    let below = 0 // sums known to rank below every remaining candidate
    let remaining = (n * (n + 1)) / 2
    // Once few candidates remain, sorting them is cheaper than more O(n) passes.
    while (remaining > n) {
      const pivot = this.randomCandidate(left, right, remaining)
      // For each row, the first column whose sum is ≥ pivot and the first whose sum is > pivot.
      // Both edges move left as i grows, because x is sorted: two pointers, O(n) per pass.
      let ge = n
      let gt = n
      let less = 0
      let lessOrEqual = 0
      for (let i = 0; i < n; i++) {
        const xi = x[i]!
        while (ge > 0 && xi + x[ge - 1]! >= pivot) ge--
        while (gt > 0 && xi + x[gt - 1]! > pivot) gt--
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
    let m = 0
    for (let i = 0; i < n; i++) {
      for (let j = left[i]!; j < right[i]!; j++) rest[m++] = x[i]! + x[j]!
    }
    rest.sort()
    return rest[k - below - 1]!
  }

  /** A uniformly chosen remaining candidate sum. */
  private randomCandidate(left: Float64Array, right: Float64Array, remaining: number): number {
    let target = Math.floor(this.random() * remaining)
    const n = this.x.length
    for (let i = 0; i < n; i++) {
      const width = right[i]! - left[i]!
      if (width > 0) {
        if (target < width) return this.x[i]! + this.x[left[i]! + target]!
        target -= width
      }
    }
    // Unreachable while `remaining` matches the rows; fall back to the last candidate.
    for (let i = n - 1; i >= 0; i--) {
      if (right[i]! > left[i]!) return this.x[i]! + this.x[right[i]! - 1]!
    }
    throw new Error('hodgesLehmann: no candidates left (internal error)')
  }
}

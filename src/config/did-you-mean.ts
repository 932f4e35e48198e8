/**
 * Edit distance between two strings: the fewest insertions, deletions, substitutions and swaps
 * of two adjacent characters that turn `a` into `b` (optimal string alignment, a restricted
 * Damerau–Levenshtein distance). Swaps count once because "tresholds"-style typos are mostly
 * slips of the fingers, and `p59` for `p95` should be one edit, not two.
 */
export function editDistance(a: string, b: string): number {
  // Three rows suffice: the current one, the previous one, and the one before for swaps.
  let beforePrevious: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, beforePrevious[j - 2]! + 1)
      }
      current.push(best)
    }
    beforePrevious = previous
    previous = current
  }
  return previous[b.length]!
}

/**
 * Largest distance at which a candidate still counts as meant: one edit per three characters,
 * at least one. Further than that, a suggestion is more often wrong than helpful.
 */
export function defaultMaxDistance(input: string): number {
  return Math.max(1, Math.floor(input.length / 3))
}

/**
 * The candidate the user most likely meant by `input`, or undefined when none is close.
 * Comparison ignores case (`"lcp"` suggests `"LCP"`). Among equally close candidates one with the
 * same letters wins (a swap is the likelier slip), then the first in `candidates`.
 *
 * @param maxDistance - Largest {@link editDistance} accepted. @default defaultMaxDistance(input)
 */
export function didYouMean(
  input: string,
  candidates: readonly string[],
  maxDistance: number = defaultMaxDistance(input),
): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    if (candidate === input) continue
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase())
    // On a tie, prefer a candidate with the same letters: "p59" means "p95" more likely than "p50".
    const closer = distance < bestDistance || (distance === bestDistance && sameLetters(input, candidate))
    if (distance <= maxDistance && closer) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function sameLetters(a: string, b: string): boolean {
  const sorted = (text: string) => [...text.toLowerCase()].sort().join('')
  return sorted(a) === sorted(b)
}

/**
 * Adjusted p-values for many tests at once, as R's `p.adjust` computes them. A suite of 20 benches
 * each tested at 5% raises at least one false alarm in about 64% of runs when nothing changed;
 * comparing adjusted p-values with α brings that back to α.
 *
 * Both functions return adjusted p-values in input order, capped at 1, and monotone in the raw
 * p-values (a smaller raw p-value never gets a larger adjusted one). NaN entries stay NaN and do
 * not count as tests, as R does with NA.
 */

/**
 * Holm's step-down adjustment (Holm 1979, *Scand. J. Statist.* 6:65–70): with the m p-values
 * sorted, p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Rejecting where p̃ ≤ α controls the
 * family-wise error rate (the chance of any false alarm) at α under any dependence between the
 * tests. Uniformly more powerful than Bonferroni.
 *
 * @throws {RangeError} when an entry is outside [0, 1] (NaN is allowed and passes through).
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = sortedIndices(pValues, 'holmAdjust')
  const m = order.length
  const adjusted = pValues.map(() => Number.NaN)
  let running = 0
  for (let rank = 0; rank < m; rank++) {
    const index = order[rank]!
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!))
    adjusted[index] = running
  }
  return adjusted
}

/**
 * Benjamini–Hochberg step-up adjustment (Benjamini & Hochberg 1995, *J. R. Statist. Soc. B*
 * 57:289–300): with the m p-values sorted, p̃₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎ / j).
 * Rejecting where p̃ ≤ α controls the false discovery rate (the expected share of false alarms
 * among the alarms) at α for independent or positively dependent tests. When nothing changed at
 * all, any alarm is false, so it then also bounds the chance of any false alarm by α.
 *
 * @throws {RangeError} when an entry is outside [0, 1] (NaN is allowed and passes through).
 */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  const order = sortedIndices(pValues, 'benjaminiHochbergAdjust')
  const m = order.length
  const adjusted = pValues.map(() => Number.NaN)
  let running = 1
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank]!
    // (m / i)·p, in the order R's p.adjust computes it (m · p / i can round differently).
    running = Math.min(running, (m / (rank + 1)) * pValues[index]!)
    adjusted[index] = running
  }
  return adjusted
}

/** Indices of the non-NaN p-values, by ascending p-value (ties keep input order). */
function sortedIndices(pValues: readonly number[], caller: string): number[] {
  const indices: number[] = []
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i]!
    if (Number.isNaN(p)) continue
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`${caller}: p-value ${i} is ${p}; p-values must lie in [0, 1]`)
    }
    indices.push(i)
  }
  return indices.sort((a, b) => pValues[a]! - pValues[b]! || a - b)
}

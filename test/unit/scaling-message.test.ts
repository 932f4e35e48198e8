import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { toScale } from '../../matchers/vitest/to-scale.js'
import { scalingResult } from '../fixtures/scaling-results.js'

/*
 * toScale's verdicts and messages on synthetic measurements (a ScalingResult is judged at once,
 * so the real matcher runs here under Vitest's own expect); real measurements are in
 * test/integration/scaling*.test.ts.
 */

expect.extend({ toScale })

declare module 'vitest' {
  interface Matchers {
    toScale(claim: string, options?: object): void
  }
}

const quadratic = scalingResult({
  name: 'pairs',
  sizes: [100, 300, 1000, 3000],
  timeNs: (n) => 0.4 * n * n,
  noise: 0.08,
  rounds: 12,
})
const linear = scalingResult({ name: 'sum', timeNs: (n) => 0.7 * n, noise: 0.08, rounds: 12 })
const between = scalingResult({
  name: 'n^1.5',
  timeNs: (n) => n ** 1.5,
  noise: 0.15,
  rounds: 6,
  budgetNs: 1e9,
})
const hiddenQuadratic = scalingResult({
  name: 'warm cache',
  timeNs: (n) => 10_000 + n * n * 1e-3,
  noise: 0.05,
  rounds: 10,
})
const overhead = scalingResult({ name: 'parse', timeNs: (n) => 50_000 + n, noise: 0.05 })

function messageOf(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    // Without the colours matcherHint adds on a terminal, so the snapshot holds everywhere.
    return stripVTControlCharacters((error as Error).message)
  }
  throw new Error('the assertion passed')
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('toScale on a measurement', () => {
  it('fails a quadratic function claimed linear: the exponent, the limit, the class the data fit, the medians', () => {
    expect(messageOf(() => expect(quadratic).toScale('linear'))).toMatchInlineSnapshot(`
      "expect(received).toScale(claim)

      "pairs" grows as n^1.99 (95% CI 1.97–2.01) over sizes 100–3,000, faster than 'linear' allows (n^1.00, up to n^1.50 with the 0.5 tolerance).
      The data fit 'quadratic' best (n^2.00 over these sizes).

        size   median per call  exponent from previous size
        ─────  ───────────────  ───────────────────────────
        100    4.26 µs
        300    37.9 µs          1.99
        1,000  399 µs           1.95
        3,000  3.58 ms          2.00

      Received: exponent 1.99 (95% CI 1.97–2.01) · two largest sizes 1.98 (1.92–2.09) · 12 rounds × 4 sizes · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: exponent ≤ 1.50 ('linear' is n^1.00 over sizes 100–3,000; tolerance 0.5)

      Look for work that grows faster than n per call (a loop over the input inside another, a search inside a loop); or, if growth like n² is expected, claim 'quadratic'."
    `)
  })

  it('passes a linear function claimed linear, and .not fails it with a lead line', () => {
    expect(linear).toScale('linear')
    expect(messageOf(() => expect(linear).not.toScale('linear'))).toMatchInlineSnapshot(`
      "expect(received).not.toScale(claim)

      Expected "sum" to grow faster than 'linear' allows, but it does not.
      "sum" grows as n^1.00 (95% CI 0.99–1.02) over sizes 1,000–100,000, within what 'linear' allows (n^1.00, up to n^1.50 with the 0.5 tolerance).

        size     median per call  exponent from previous size
        ───────  ───────────────  ───────────────────────────
        1,000    715 ns
        10,000   6.96 µs          0.99
        100,000  69.9 µs          1.00

      Received: exponent 1.00 (95% CI 0.99–1.02) · two largest sizes 1.01 (0.99–1.04) · 12 rounds × 3 sizes · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: exponent ≤ 1.50 ('linear' is n^1.00 over sizes 1,000–100,000; tolerance 0.5)"
    `)
  })

  it('.not passes only when the claim is proven wrong', () => {
    expect(quadratic).not.toScale('linear')
    expect(() => expect(quadratic).not.toScale('quadratic')).toThrow(/to grow faster than 'quadratic' allows/)
  })

  it('says when the function scales better than claimed', () => {
    expect(linear).toScale('quadratic')
    expect(messageOf(() => expect(linear).not.toScale('quadratic'))).toContain(
      "It scales better than claimed: the data meet 'linear' too.",
    )
  })

  it('is inconclusive when the interval straddles the limit: it fails both ways and says how to settle it', () => {
    expect(messageOf(() => expect(between).toScale('linear'))).toMatchInlineSnapshot(`
      "expect(received).toScale(claim)

      "n^1.5" grows as n^1.48 (95% CI 1.46–1.51) over sizes 1,000–100,000: the interval straddles n^1.50, the most 'linear' allows (n^1.00 with the 0.5 tolerance), so this run cannot tell.
      The data fit 'nlogn' best (n^1.11 over these sizes).

        size     median per call  exponent from previous size
        ───────  ───────────────  ───────────────────────────
        1,000    33.4 µs
        10,000   1.01 ms          1.48
        100,000  30.7 ms          1.48

      Received: exponent 1.48 (95% CI 1.46–1.51) · two largest sizes 1.49 (1.44–1.56) · 6 rounds × 3 sizes · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: exponent ≤ 1.50 ('linear' is n^1.00 over sizes 1,000–100,000; tolerance 0.5)

      The exponent's interval is ±0.03 wide, and 1.48 lies 0.02 from the limit. A longer run narrows it: try { time: '2s' } (this run had 1s); sizes further apart narrow it too.
      If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }."
    `)
    expect(() => expect(between).not.toScale('linear')).toThrow(/straddles n\^1\.50/)
  })

  it("lets an inconclusive verdict pass with { inconclusive: 'warn' }, warning", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(between).toScale('linear', { inconclusive: 'warn' })
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]![0]).toMatch(
      /^perfgate: inconclusive verdict allowed by \{ inconclusive: 'warn' \}/,
    )
  })

  it('fails a quadratic hidden by a fixed cost on its two largest sizes', () => {
    expect(messageOf(() => expect(hiddenQuadratic).toScale('linear'))).toMatchInlineSnapshot(`
      "expect(received).toScale(claim)

      "warm cache" grows as n^1.96 (95% CI 1.95–1.98) between its two largest sizes (10,000–100,000), faster than 'linear' allows there (up to n^1.50); over all sizes it is n^1.48 (0.94–2.03), flattened at the small sizes, as by a cost per call that does not grow with n.
      Between the two largest sizes the data fit 'quadratic' best (n^2.00 there).

        size     median per call  exponent from previous size
        ───────  ───────────────  ───────────────────────────
        1,000    11.1 µs
        10,000   110 µs           0.99
        100,000  9.91 ms          1.96

      Received: exponent 1.48 (95% CI 0.94–2.03) · two largest sizes 1.96 (1.95–1.98) · 10 rounds × 3 sizes · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: exponent ≤ 1.50 ('linear' is n^1.00 over sizes 1,000–100,000; tolerance 0.5)

      Look for work that grows faster than n per call (a loop over the input inside another, a search inside a loop); or, if growth like n² is expected, claim 'quadratic'."
    `)
  })

  it('passes a fixed cost per call, and says the exponent grows with n', () => {
    expect(overhead).toScale('linear')
    expect(messageOf(() => expect(overhead).not.toScale('linear'))).toContain(
      'The exponent grows with n (n^0.24 over all sizes, n^0.40 between the two largest)',
    )
  })

  it('takes a tolerance', () => {
    expect(quadratic).toScale('linear', { tolerance: 1.2 })
    expect(messageOf(() => expect(linear).toScale('constant', { tolerance: 0.2 }))).toContain(
      "Expected: exponent ≤ 0.20 ('constant' is n^0.00 over sizes 1,000–100,000; tolerance 0.2)",
    )
  })
})

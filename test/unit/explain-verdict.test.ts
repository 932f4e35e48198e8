import { describe, expect, it } from 'vitest'
import { explainVerdict } from '../../src/measure/compare.js'
import type { PairedAnalysis } from '../../src/measure/paired-verdict.js'

const context = {
  names: ['new', 'old'] as [string, string],
  threshold: 0.02,
  rounds: 160,
  wallNs: 412e6,
  roundsNs: 380e6,
  confidence: 0.95,
}
const analysis = (ratio: number, lo: number, hi: number, detectableEffect = 0.05): PairedAnalysis => ({
  verdict: 'undecided',
  ratio,
  interval: [lo, hi],
  lookConfidence: 0.995,
  detectableEffect,
})

describe('explainVerdict', () => {
  it('says which is slower or faster, by how much, and how it was decided', () => {
    expect(explainVerdict('slower', analysis(1.052, 1.031, 1.068), context)).toMatchInlineSnapshot(
      `""new" is slower than "old": 1.052× its time (95% interval 1.031–1.068), beyond the 2.0% threshold, after 160 rounds in 412 ms."`,
    )
    expect(explainVerdict('faster', analysis(0.5, 0.48, 0.52), context)).toMatchInlineSnapshot(
      `""new" is faster than "old": 0.500× its time (95% interval 0.480–0.520), beyond the 2.0% threshold, after 160 rounds in 412 ms."`,
    )
    expect(explainVerdict('equivalent', analysis(1.001, 0.992, 1.01), context)).toMatchInlineSnapshot(
      `""new" and "old" are within ±2.0% of each other: ratio 1.001 (95% interval 0.992–1.010), after 160 rounds in 412 ms."`,
    )
  })

  it('for an inconclusive run, gives what it could detect and how much more time would settle it', () => {
    expect(explainVerdict('inconclusive', analysis(1.06, 1.01, 1.11, 0.07), context)).toMatchInlineSnapshot(
      `"The 95% interval 1.010–1.110 still straddles the ±2.0% threshold after 160 rounds in 412 ms: this run could only detect differences above 7.0%. About 2× the time (the \`time\` option) would likely settle it."`,
    )
    expect(explainVerdict('inconclusive', analysis(1.02, 0.99, 1.05), context)).toMatchInlineSnapshot(
      `"The 95% interval 0.990–1.050 still straddles the ±2.0% threshold after 160 rounds in 412 ms: this run could only detect differences above 5.0%. The difference sits on the threshold itself: choose a threshold (\`by\`) that matters to you."`,
    )
    expect(
      explainVerdict('inconclusive', analysis(1, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), {
        ...context,
        rounds: 6,
      }),
    ).toMatchInlineSnapshot(
      `"Only 6 rounds fit in 412 ms, too few to reach the 99.50% confidence a look needs; give the comparison more time (the \`time\` option)."`,
    )
  })

  it('for a difference held back on rounds too short to trust, says so and what to do', () => {
    const heldBack: PairedAnalysis = { ...analysis(0.91, 0.57, 0.95, 0.46), heldBack: 'faster' }
    expect(
      explainVerdict('inconclusive', heldBack, { ...context, rounds: 24, wallNs: 12.5e6, roundsNs: 8.6e6 }),
    ).toMatchInlineSnapshot(
      `""new" looked faster than "old" (0.910× its time, 95% interval 0.570–0.950) after 24 rounds in 12.5 ms, but its rounds spanned only 8.60 ms: a difference under 25% is called only once they span 150 ms, because a machine can run the same code at two speeds 20% apart for up to a hundred milliseconds. Give the comparison more time (the \`time\` option)."`,
    )
  })
})

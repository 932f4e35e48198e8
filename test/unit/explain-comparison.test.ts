import { describe, expect, it } from 'vitest'
import {
  type ComparisonClaim,
  explainComparison,
  formatComparisonMessage,
} from '../../src/measure/explain-comparison.js'
import type { Comparison } from '../../src/measure/types.js'
import { ciRunner } from '../fixtures/environments.js'

/** A paired comparison in which "quicksort" takes 1.18× the time of "insertion sort". */
function comparison(overrides: Partial<Comparison> = {}): Comparison {
  return {
    names: ['quicksort', 'insertion sort'],
    method: 'paired-rounds',
    ratio: 1.18,
    interval: [1.12, 1.24],
    confidence: 0.95,
    verdict: 'slower',
    // Reasons are written by compare() and compareResults(); here they are stand-ins with their shape.
    reason:
      '"quicksort" is slower than "insertion sort": 1.180× its time (95% interval 1.120–1.240), beyond the 2.0% threshold, after 160 rounds in 412 ms.',
    threshold: 0.02,
    detectableEffect: 0.08,
    rounds: 160,
    looks: 4,
    medianNs: [1.18e6, 1e6],
    batchSize: [4, 4],
    logRatios: [],
    seed: 1,
    wallNs: 412e6,
    env: ciRunner(),
    ...overrides,
  }
}

const message = (c: Comparison, claim: ComparisonClaim, negated = false) =>
  formatComparisonMessage(explainComparison(c, claim, negated))

describe('explainComparison', () => {
  it('explains a claim of faster when the run found slower', () => {
    expect(message(comparison(), 'faster')).toMatchInlineSnapshot(`
      "Expected "quicksort" to be faster than "insertion sort" by more than 2%, but it is slower.
      "quicksort" is slower than "insertion sort": 1.180× its time (95% interval 1.120–1.240), beyond the 2.0% threshold, after 160 rounds in 412 ms.

      Received: ratio 1.18× (95% CI 1.12–1.24×) · "quicksort" 1.18 ms, "insertion sort" 1.00 ms per call · 160 paired rounds in 412 ms · calls per batch: "quicksort" 4, "insertion sort" 4 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: ratio < 0.980× (time of "quicksort" / time of "insertion sort"; threshold 2%, the default noise band)"
    `)
  })

  it('explains .not when the run found the claim true', () => {
    const faster = comparison({
      verdict: 'faster',
      ratio: 0.8,
      interval: [0.76, 0.84],
      medianNs: [0.8e6, 1e6],
      reason:
        '"quicksort" is faster than "insertion sort": 0.800× its time (95% interval 0.760–0.840), beyond the 2.0% threshold, after 160 rounds in 412 ms.',
    })
    expect(message(faster, 'faster', true)).toMatchInlineSnapshot(`
      "Expected "quicksort" not to be faster than "insertion sort" by more than 2%, but it is faster.
      "quicksort" is faster than "insertion sort": 0.800× its time (95% interval 0.760–0.840), beyond the 2.0% threshold, after 160 rounds in 412 ms.

      Received: ratio 0.800× (95% CI 0.760–0.840×) · "quicksort" 800 µs, "insertion sort" 1.00 ms per call · 160 paired rounds in 412 ms · calls per batch: "quicksort" 4, "insertion sort" 4 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: ratio not < 0.980× (time of "quicksort" / time of "insertion sort"; threshold 2%, the default noise band)"
    `)
  })

  it('explains an inconclusive run and how to let it through', () => {
    const unsettled = comparison({
      verdict: 'inconclusive',
      ratio: 0.97,
      interval: [0.93, 1.01],
      medianNs: [0.97e6, 1e6],
      threshold: 0.05,
      detectableEffect: 0.09,
      reason:
        'The 95% interval 0.930–1.010 still straddles the ±5.0% threshold after 160 rounds in 412 ms: this run could only detect differences above 9.0%. About 3× the time (the `time` option) would likely settle it.',
    })
    const text = message(unsettled, 'faster')
    expect(text).toContain("{ inconclusive: 'warn' }")
    expect(text).toMatchInlineSnapshot(`
      "Expected "quicksort" to be faster than "insertion sort" by more than 5%, but the run could not tell.
      The 95% interval 0.930–1.010 still straddles the ±5.0% threshold after 160 rounds in 412 ms: this run could only detect differences above 9.0%. About 3× the time (the \`time\` option) would likely settle it.

      Received: ratio 0.970× (95% CI 0.930–1.01×) · "quicksort" 970 µs, "insertion sort" 1.00 ms per call · 160 paired rounds in 412 ms · calls per batch: "quicksort" 4, "insertion sort" 4 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: ratio < 0.952× (time of "quicksort" / time of "insertion sort"; threshold 5%)

      If an unsettled comparison should not fail the test, pass { inconclusive: 'warn' }."
    `)
    // A run too short to give any interval must not print "Infinity%" anywhere.
    const tooShort = comparison({
      verdict: 'inconclusive',
      interval: [0, Number.POSITIVE_INFINITY],
      detectableEffect: Number.POSITIVE_INFINITY,
      rounds: 6,
    })
    expect(explainComparison(tooShort, 'faster', false).advice.join('\n')).not.toContain('Infinity')
  })

  it('says when the two sides were measured separately', () => {
    const separate = comparison({
      method: 'independent-samples',
      rounds: 0,
      reason:
        '"quicksort" is slower than "insertion sort": 1.180× its time (95% interval 1.120–1.240), beyond the 2.0% threshold, from 412 and 398 samples; "quicksort" and "insertion sort" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger.',
    })
    expect(message(separate, 'faster')).toMatchInlineSnapshot(`
      "Expected "quicksort" to be faster than "insertion sort" by more than 2%, but it is slower.
      "quicksort" is slower than "insertion sort": 1.180× its time (95% interval 1.120–1.240), beyond the 2.0% threshold, from 412 and 398 samples; "quicksort" and "insertion sort" were measured separately, so drift between the runs can bias this; compare(), or expect(fnA).toBeFasterThan(fnB) with the functions, interleaves them and is stronger.

      Received: ratio 1.18× (95% CI 1.12–1.24×) · "quicksort" 1.18 ms, "insertion sort" 1.00 ms per call · measured separately · calls per batch: "quicksort" 4, "insertion sort" 4 · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Expected: ratio < 0.980× (time of "quicksort" / time of "insertion sort"; threshold 2%, the default noise band)"
    `)
  })

  it('says when two sides are equivalent, and notes a threshold that is not the default', () => {
    const equivalent = comparison({
      verdict: 'equivalent',
      ratio: 1.01,
      interval: [0.99, 1.03],
      threshold: 0.05,
      reason: 'stand-in',
    })
    const explanation = explainComparison(equivalent, 'slower', false)
    expect(explanation.headline).toMatchInlineSnapshot(
      `"Expected "quicksort" to be slower than "insertion sort" by more than 5%, but they are equivalent (within ±5%)."`,
    )
    expect(explanation.expected).toMatchInlineSnapshot(
      `"Expected: ratio > 1.05× (time of "quicksort" / time of "insertion sort"; threshold 5%)"`,
    )
    expect(explanation.advice).toEqual([])
  })
})

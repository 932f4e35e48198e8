import { describe, expect, it } from 'vitest'
import { unsettledBenches } from '../../src/baseline/unsettled-benches.js'
import { benchResult } from '../fixtures/bench-results.js'
import { processRuns } from '../fixtures/process-runs.js'

describe('unsettledBenches', () => {
  it('names the benches whose processes are more than 10% apart, in first-seen order', () => {
    const results = [
      ...processRuns('steady', 1000, 5, 1, { factors: [1, 1.02, 0.98, 1.03, 1.0] }),
      ...processRuns('caught in a disturbance', 500, 5, 2, { factors: [1, 1.35, 1.25, 1.0, 0.99] }),
      ...processRuns('just inside', 2000, 5, 3, { factors: [1, 1.0, 1.0, 1.0, 1.09] }),
      ...processRuns('one slow process', 800, 5, 4, { factors: [1.0, 1.0, 1.0, 1.0, 1.2] }),
    ]
    expect(unsettledBenches(results)).toEqual(['caught in a disturbance', 'one slow process'])
  })

  it('says nothing of a bench measured in one process, or of none', () => {
    expect(unsettledBenches(processRuns('alone', 1000, 1, 5))).toEqual([])
    expect(unsettledBenches([])).toEqual([])
  })

  it('skips results without batches instead of failing on them', () => {
    const empty = { ...benchResult({ name: 'empty', perCallNs: [1] }), batchTimesNs: [] }
    expect(unsettledBenches([empty, empty])).toEqual([])
  })
})

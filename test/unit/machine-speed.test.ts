import { describe, expect, it } from 'vitest'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import { checkSuite, type Remeasure } from '../../src/baseline/check-suite.js'
import { logChange, machineShift, pickControls } from '../../src/baseline/machine-speed.js'
import type { BenchResult } from '../../src/measure/types.js'
import { processRuns } from '../fixtures/process-runs.js'

describe('machineShift and logChange', () => {
  it('is the median change of the benches of a process, and 0 with too few to tell', () => {
    expect(machineShift([0.3, 0.31, 0.29, 0.5, 0.28])).toBeCloseTo(0.3, 12)
    expect(machineShift([0.3, 0.31, 0.29, 0.5])).toBe(0)
    expect(machineShift([0.3, Number.NaN], 1)).toBe(0.3)
  })

  it('compares one process with the geometric mean of the baseline processes', () => {
    const now = { batchSize: 1, batchTimesNs: [110, 110, 110] }
    const before = { batchSize: 1, batchTimesNs: [100, 100, 121, 121], batchesPerRun: [2, 2] }
    expect(logChange(now, before)).toBeCloseTo(0, 12) // √(100 × 121) = 110
    expect(logChange({ batchSize: 1, batchTimesNs: [] }, before)).toBeNaN()
  })

  it('picks as controls the benches nearest the suite’s own change', () => {
    const candidates = [
      { name: 'a', logChange: 0.3 },
      { name: 'b', logChange: 0.01 },
      { name: 'c', logChange: 0.29 },
      { name: 'd', logChange: Number.NaN },
      { name: 'e', logChange: 0.32 },
    ]
    expect(pickControls(candidates, 0.3)).toEqual(['a', 'c', 'e'])
    expect(pickControls(candidates, 0, 1)).toEqual(['b'])
  })
})

/** One process per bench of `names`, each at `factor` × its usual speed. */
function processOf(names: readonly string[], seed: number, factor: (name: string) => number): BenchResult[] {
  return names.map(
    (name, i) => processRuns(name, 1000 * (i + 1), 1, seed * 100 + i, { factors: [factor(name)] })[0]!,
  )
}

describe('checkSuite on a machine that changes speed', () => {
  const names = Array.from({ length: 10 }, (_, i) => `bench ${i}`)
  const baselineResults = [1, 2, 3, 4, 5].flatMap((seed) => processOf(names, seed, () => 1))
  const baseline = baselineFromResults('default', baselineResults, undefined, {
    createdAt: '2025-01-01T00:00:00.000Z',
  })

  it('does not fail a suite that ran 40% slower as a whole, in the run and in the re-measurement', async () => {
    const slowMachine: Remeasure = async (requests) =>
      processOf(names, 99, () => 1.4).filter((r) => requests.some((q) => q.name === r.name))
    const check = await checkSuite(
      processOf(names, 9, () => 1.4),
      baseline,
      {},
      slowMachine,
    )
    expect(check.machineShift.run).toBeCloseTo(Math.log(1.4), 1)
    expect(check.verdicts.filter((v) => v.status === 'regressed')).toEqual([])
    expect(check.verdicts[0]!.notes.join(' ')).toMatch(
      /Judged relative to the machine's speed at the time: the run's 10 benches ran 4\d(\.\d)?% slower than their baselines/,
    )
  })

  it('still fails the one bench that got 30% slower while the machine was 40% slower', async () => {
    const factor = (name: string) => (name === 'bench 3' ? 1.4 * 1.3 : 1.4)
    const asked: string[][] = []
    const remeasure: Remeasure = async (requests) => {
      asked.push(requests.map((r) => r.name))
      return processOf(names, 50 + asked.length, factor).filter((r) =>
        requests.some((q) => q.name === r.name),
      )
    }
    const check = await checkSuite(processOf(names, 9, factor), baseline, {}, remeasure)
    // The suspect, with three controls beside it in each fresh process.
    expect(asked).toHaveLength(3)
    expect(asked[0]![0]).toBe('bench 3')
    expect(asked[0]).toHaveLength(4)
    expect(check.machineShift.remeasure).toHaveLength(3)
    const regressed = check.verdicts.filter((v) => v.status === 'regressed')
    expect(regressed.map((v) => v.name)).toEqual(['bench 3'])
    expect(regressed[0]!.ratio).toBeGreaterThan(1.2)
    expect(regressed[0]!.ratio).toBeLessThan(1.4)
  })

  it('leaves a suite under 5 benches as it is: too few to tell the machine from the code', async () => {
    const few = baselineFromResults(
      'default',
      [1, 2, 3, 4, 5].flatMap((seed) => processOf(names.slice(0, 3), seed, () => 1)),
    )
    const check = await checkSuite(
      processOf(names.slice(0, 3), 9, () => 1.4),
      few,
      { remeasureRuns: 0 },
    )
    expect(check.machineShift.run).toBe(0)
    expect(check.verdicts.map((v) => v.status)).toEqual(['regressed', 'regressed', 'regressed'])
  })
})

import { describe, expect, it } from 'vitest'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import { checkSuite, type Remeasure, type RemeasureRequest } from '../../src/baseline/check-suite.js'
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
  /** A fresh process of the whole suite, as processOf makes it, with only the benches asked for. */
  const freshProcess = (
    requests: readonly RemeasureRequest[],
    seed: number,
    factor: (name: string) => number,
  ) => processOf(names, seed, factor).filter((r) => requests.some((q) => q.name === r.name))
  const baselineResults = [1, 2, 3, 4, 5].flatMap((seed) => processOf(names, seed, () => 1))
  const baseline = baselineFromResults('default', baselineResults, undefined, {
    createdAt: '2025-01-01T00:00:00.000Z',
  })

  it('does not fail a suite that ran 40% slower as a whole, in the run and in the re-measurement', async () => {
    let calls = 0
    const slowMachine: Remeasure = async (requests) => freshProcess(requests, 99 + calls++, () => 1.4)
    const check = await checkSuite(
      processOf(names, 9, () => 1.4),
      baseline,
      {},
      slowMachine,
    )
    expect(check.machineShift.run).toBeCloseTo(Math.log(1.4), 1)
    // The shift decided nothing, so the suite was measured again, 3 rounds of 3 fresh processes,
    // and they were as slow: every bench stays undecided rather than passed or failed.
    expect(check.machineShift.rerun).toHaveLength(3)
    expect(calls).toBeGreaterThanOrEqual(9)
    expect(check.verdicts.filter((v) => v.status === 'regressed')).toEqual([])
    expect(check.verdicts[0]!.notes.join(' ')).toMatch(
      /Judged relative to the machine's speed at the time: the benches of each fresh process the suite was measured again in ran 4\d(\.\d)?% slower than their baselines.* The run's own process ran the suite 1\.4\d?× its baselines as a whole, too far for that shift to decide, so this verdict rests on the 3 fresh processes the suite was measured again in\./,
    )
  })

  it('still fails the one bench that got 30% slower while the machine was 40% slower', async () => {
    const factor = (name: string) => (name === 'bench 3' ? 1.4 * 1.3 : 1.4)
    const asked: string[][] = []
    const remeasure: Remeasure = async (requests) => {
      asked.push(requests.map((r) => r.name))
      return freshProcess(requests, 50 + asked.length, factor)
    }
    const check = await checkSuite(processOf(names, 9, factor), baseline, {}, remeasure)
    // The shift was past the threshold, so the whole suite was measured again, 3 rounds of 3
    // (every one as disturbed); then the suspect, with three controls beside it in each process.
    expect(asked.map((a) => a.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 4, 4, 4])
    expect(asked[9]![0]).toBe('bench 3')
    expect(check.machineShift.rerun).toHaveLength(3)
    expect(check.machineShift.remeasure).toHaveLength(3)
    const regressed = check.verdicts.filter((v) => v.status === 'regressed')
    expect(regressed.map((v) => v.name)).toEqual(['bench 3'])
    expect(regressed[0]!.ratio).toBeGreaterThan(1.2)
    expect(regressed[0]!.ratio).toBeLessThan(1.4)
  })

  describe('a run whose own process was disturbed', () => {
    // bench/regression-accuracy.ts, run 29: the run's process ran the other benches 1.3–1.7×
    // (each by its own factor, as a disturbed machine does), and the bench 10% slower at 1.1×
    // read 0.8× relative to them: inconclusive by the shift rule, a missed regression.
    const disturbed = (name: string) => (name === 'bench 3' ? 1.1 : 1.3 + 0.04 * Number(name.slice(6)))
    const calm = (name: string) => (name === 'bench 3' ? 1.1 : 1)

    it('measures the whole suite again in fresh processes, which decide: the slowed bench fails, the rest pass', async () => {
      const asked: string[][] = []
      const remeasure: Remeasure = async (requests) => {
        asked.push(requests.map((r) => r.name))
        return freshProcess(requests, 60 + asked.length, calm)
      }
      const check = await checkSuite(processOf(names, 9, disturbed), baseline, {}, remeasure)
      // One round of the whole suite (the first was calm), then the suspect with its controls.
      expect(asked.slice(0, 3).map((a) => a.length)).toEqual([10, 10, 10])
      expect(asked.slice(3).every((a) => a[0] === 'bench 3' && a.length === 4)).toBe(true)
      expect(check.machineShift.rerun).toHaveLength(3)
      expect(check.verdicts.find((v) => v.name === 'bench 3')).toMatchObject({ status: 'regressed' })
      expect(check.verdicts.filter((v) => v.name !== 'bench 3').map((v) => v.status)).toEqual(
        Array(9).fill('unchanged'),
      )

      // Judged on the run alone, the same run decided nothing.
      const alone = await checkSuite(processOf(names, 9, disturbed), baseline, { remeasureRuns: 0 })
      expect(alone.verdicts.find((v) => v.name === 'bench 3')!.status).toBe('inconclusive')
      expect(alone.machineShift.rerun).toEqual([])
    })

    it('keeps the false-alarm rate when the suite is unchanged and only the run was disturbed', async () => {
      // 200 unchanged suites, each run's process disturbed by its own factors per bench (1.2–1.8×),
      // each fresh process drawn like the baseline's: the re-measured suite almost never fails.
      let failed = 0
      for (let trial = 0; trial < 200; trial++) {
        let call = 0
        const remeasure: Remeasure = async (requests) =>
          freshProcess(requests, 1000 + trial * 40 + call++, () => 1)
        const check = await checkSuite(
          processOf(
            names,
            500 + trial,
            (name) => 1.2 + (0.6 * (((Number(name.slice(6)) + trial) * 7) % 10)) / 10,
          ),
          baseline,
          {},
          remeasure,
        )
        if (check.verdicts.some((v) => v.status === 'regressed')) failed++
      }
      expect(failed / 200).toBeLessThanOrEqual(0.05)
    })
  })

  it('gives a suspect whose fresh processes were disturbed another round, judged on that round alone', async () => {
    // A calm run; the first round of fresh processes ran the controls 1.5× (the suspect 1.1× as
    // measured, 0.73× relative to them: overruled by the shift), the second was calm.
    const factor = (name: string) => (name === 'bench 3' ? 1.1 : 1)
    let call = 0
    const remeasure: Remeasure = async (requests) => {
      call++
      return freshProcess(requests, 80 + call, (name) => (name === 'bench 3' ? 1.1 : call <= 3 ? 1.5 : 1))
    }
    const check = await checkSuite(processOf(names, 9, factor), baseline, {}, remeasure)
    expect(call).toBe(6)
    expect(check.verdicts.find((v) => v.name === 'bench 3')).toMatchObject({
      status: 'regressed',
      processes: [3, 5],
    })
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

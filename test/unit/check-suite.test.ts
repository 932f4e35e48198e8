import { describe, expect, it } from 'vitest'
import { baselineFromResults } from '../../src/baseline/baseline-file.js'
import { checkSuite, type RemeasureRequest } from '../../src/baseline/check-suite.js'
import type { BenchResult } from '../../src/measure/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'

/** n per-call times around `centerNs` (±10%), from `seed`. */
function run(name: string, centerNs: number, seed: number, n = 60): BenchResult {
  return benchResult({ name, perCallNs: uniformTimes(centerNs, 0.1, n, seed) })
}

const baseline = baselineFromResults(
  'default',
  [run('parse', 1000, 1), run('sort', 2000, 2), run('gone', 500, 3)],
  undefined,
  { createdAt: '2025-01-01T00:00:00.000Z' },
)

describe('checkSuite', () => {
  it('passes an unchanged run without re-measuring, and lists new and unmeasured benches', async () => {
    const asked: RemeasureRequest[][] = []
    const check = await checkSuite(
      [run('parse', 1000, 11), run('sort', 2000, 12), run('new', 10, 13)],
      baseline,
      {},
      async (r) => {
        asked.push([...r])
        return []
      },
    )
    expect(check.verdicts.map((v) => [v.name, v.status])).toEqual([
      ['parse', 'unchanged'],
      ['sort', 'unchanged'],
    ])
    expect(check.noBaseline).toEqual(['new'])
    expect(check.notMeasured).toEqual(['gone'])
    expect(asked).toEqual([])
    expect(check.verdicts.every((v) => v.adjustment?.method === 'holm' && v.adjustment.tests === 2)).toBe(
      true,
    )
  })

  it('re-measures a suspected regression with its baseline batch size and keeps it when confirmed', async () => {
    const asked: RemeasureRequest[][] = []
    const check = await checkSuite(
      [run('parse', 1300, 21), run('sort', 2000, 22)],
      baseline,
      {},
      async (r) => {
        asked.push([...r])
        return [run('parse', 1300, 31)]
      },
    )
    expect(asked).toEqual([[{ name: 'parse', batchSize: 1 }]])
    const parse = check.verdicts[0]!
    expect(parse.status).toBe('regressed')
    expect(parse.remeasured?.confirmed).toBe(true)
    expect(parse.ratio).toBeGreaterThan(1.2)
    expect(check.verdicts[1]!.status).toBe('unchanged')
  })

  it('clears a suspected regression the re-measurement does not confirm', async () => {
    const check = await checkSuite([run('parse', 1300, 21)], baseline, {}, async () => [
      run('parse', 1000, 41),
    ])
    expect(check.verdicts[0]!.status).toBe('inconclusive')
    expect(check.verdicts[0]!.remeasured).toMatchObject({ confirmed: false, first: { status: 'regressed' } })
  })

  it('keeps an unconfirmed regression, with the reason, when the re-measurement fails', async () => {
    const check = await checkSuite([run('parse', 1300, 21)], baseline, {}, async () => {
      throw new Error('vitest exited with code 1')
    })
    expect(check.verdicts[0]!.status).toBe('regressed')
    expect(check.remeasureError).toBe('vitest exited with code 1')
    expect(check.verdicts[0]!.notes.at(-1)).toBe(
      'Not confirmed by a re-measurement (vitest exited with code 1); treated as a regression.',
    )
  })

  it('checks the last result of a bench measured twice in the run', async () => {
    const check = await checkSuite([run('parse', 1300, 21), run('parse', 1000, 51)], baseline)
    expect(check.verdicts.map((v) => v.status)).toEqual(['unchanged'])
  })

  it('reports improvements, and passes the correction method on', async () => {
    const check = await checkSuite([run('parse', 700, 61), run('sort', 2000, 62)], baseline, {
      correction: 'benjamini-hochberg',
    })
    expect(check.verdicts[0]!.status).toBe('improved')
    expect(check.verdicts[0]!.adjustment?.method).toBe('benjamini-hochberg')
  })
})

import { describe, expect, it } from 'vitest'
import {
  type BaseComparisonRecord,
  baseRegressionEvents,
  comparisonText,
  failingBaseRegressions,
  formatBaseGuard,
  guardAgainstBase,
  judgeBaseComparison,
  judgedByBase,
} from '../../reporters/base-guard.js'
import type { TestRecords } from '../../reporters/collect-records.js'
import { verifyEventSchema } from '../../src/log/verify-event.js'
import type { Comparison, ComparisonVerdict } from '../../src/measure/types.js'
import { ciRunner } from '../fixtures/environments.js'

// The reporter's side of the base comparison (PERFGATE_BASE_REF), on comparisons made up to
// the verdict each case needs: only the confirmation rule, the texts and the events are tested
// here; real comparisons are in test/integration/base-ref.test.ts.

const BASE = { ref: 'origin/main', commit: '3f2c1ab'.padEnd(40, '0') }

function comparison(verdict: ComparisonVerdict, ratio: number, interval: [number, number]): Comparison {
  return {
    names: ['sort 10k', 'sort 10k @ origin/main (3f2c1ab)'],
    method: 'paired-rounds',
    ratio,
    interval,
    confidence: 0.95,
    verdict,
    reason: verdict === 'inconclusive' ? 'The interval straddles the 5% threshold.' : `It is ${verdict}.`,
    threshold: 0.05,
    detectableEffect: 0.08,
    rounds: 60,
    looks: 2,
    medianNs: [2.4e6 * ratio, 2.4e6],
    batchSize: [4, 4],
    logRatios: [],
    seed: 1,
    wallNs: 1e9,
    env: ciRunner(),
  }
}

function record(
  name: string,
  c: Comparison | null,
  extra: Partial<BaseComparisonRecord> = {},
): BaseComparisonRecord {
  return {
    kind: 'base-comparison',
    name,
    base: BASE,
    comparison: c,
    threshold: 0.05,
    confidence: 0.95,
    ...extra,
  }
}

function entry(...records: BaseComparisonRecord[]): TestRecords {
  return {
    test: records[0]!.name,
    names: [records[0]!.name],
    file: 'perf/sort.perf.ts',
    path: '/p/perf/sort.perf.ts',
    state: 'passed',
    records,
  } as TestRecords
}

const slower = comparison('slower', 1.31, [1.27, 1.35])

describe('judgeBaseComparison', () => {
  it('calls a bench regressed only when a fresh process agrees it is slower', () => {
    const judged = judgeBaseComparison(record('sort 10k', slower), comparison('slower', 1.29, [1.25, 1.33]))
    expect(judged.status).toBe('regressed')
    expect(judged.reason).toBe(
      `"sort 10k" is slower than at origin/main (3f2c1ab): 1.31× the base's time per call (95% interval 1.27–1.35×; 3.14 ms vs 2.40 ms), beyond the 5% threshold; a fresh process agreed: 1.29× (95% interval 1.25–1.33×). Both versions ran in one process, in alternating rounds.`,
    )
  })

  it('leaves a slowdown the fresh process did not see inconclusive, with both numbers', () => {
    const judged = judgeBaseComparison(
      record('sort 10k', slower),
      comparison('equivalent', 1.01, [0.99, 1.03]),
    )
    expect(judged.status).toBe('inconclusive')
    expect(judged.reason).toContain('in the run (1.31× the base')
    expect(judged.reason).toContain('but not in a fresh process (1.01× the base')
  })

  it('leaves a slowdown that could not be measured again inconclusive', () => {
    expect(judgeBaseComparison(record('sort 10k', slower), null).status).toBe('inconclusive')
    expect(judgeBaseComparison(record('sort 10k', slower)).reason).toContain(
      'could not be measured again in a fresh process',
    )
  })

  it('names the config entry of a bench threshold of its own', () => {
    const own = record('sort 10k', comparison('faster', 0.7, [0.68, 0.72]), {
      threshold: 0.2,
      thresholdSource: 'regression.benches["sort*"] in package.json',
    })
    const judged = judgeBaseComparison(own, comparison('faster', 0.71, [0.69, 0.73]))
    expect(judged.status).toBe('improved')
    expect(judged.reason).toContain('beyond the 20% threshold (regression.benches["sort*"] in package.json)')
    expect(judged.reason).toContain('a fresh process agreed: 0.710× (95% interval 0.690–0.730×)')
  })

  it('announces an improvement only when a fresh process agrees', () => {
    const faster = record('sort 10k', comparison('faster', 0.94, [0.93, 0.95]))
    const unconfirmed = judgeBaseComparison(faster, comparison('equivalent', 1, [0.98, 1.02]))
    expect(unconfirmed.status).toBe('inconclusive')
    expect(unconfirmed.reason).toContain('looked faster than at origin/main (3f2c1ab) in the run (0.940×')
    expect(unconfirmed.reason).toContain('but was not in a fresh process (1.00× the base')
    expect(judgeBaseComparison(faster, null).reason).toContain(
      'could not be measured again in a fresh process',
    )
  })

  it('maps the other verdicts, and a missing base', () => {
    expect(judgeBaseComparison(record('a', comparison('equivalent', 1, [0.98, 1.02]))).status).toBe(
      'unchanged',
    )
    const unsure = judgeBaseComparison(record('a', comparison('inconclusive', 1.04, [0.99, 1.09])))
    expect(unsure.status).toBe('inconclusive')
    expect(unsure.reason).toContain('The interval straddles the 5% threshold.')
    const missing = judgeBaseComparison(
      record('new', null, {
        missing: {
          reason: 'bench',
          detail: 'perf/a.perf.ts of origin/main (3f2c1ab) has no perfTest named "new"',
        },
      }),
    )
    expect(missing.status).toBe('no-base')
    expect(missing.reason).toBe(
      '"new" has no base to compare with: perf/a.perf.ts of origin/main (3f2c1ab) has no perfTest named "new".',
    )
  })
})

describe('guardAgainstBase', () => {
  it('is null for a run without base comparisons', async () => {
    expect(await guardAgainstBase([], async () => [])).toBeNull()
  })

  it('confirms only the benches called slower or faster, in one fresh process', async () => {
    const asked: (readonly string[])[] = []
    const outcome = await guardAgainstBase(
      [
        entry(record('slow', slower)),
        entry(record('same', comparison('equivalent', 1, [0.98, 1.02]))),
        entry(record('also slow', slower)),
        entry(record('fast', comparison('faster', 0.5, [0.48, 0.52]))),
        entry(record('unsure', comparison('inconclusive', 1.04, [0.99, 1.09]))),
      ],
      async (names) => {
        asked.push(names)
        return [
          record('slow', slower),
          record('also slow', comparison('equivalent', 1.02, [0.99, 1.04])),
          record('fast', comparison('faster', 0.52, [0.5, 0.54])),
        ]
      },
    )
    expect(asked).toEqual([['slow', 'also slow', 'fast']])
    expect(outcome?.judgements.map((j) => [j.name, j.status])).toEqual([
      ['slow', 'regressed'],
      ['same', 'unchanged'],
      ['also slow', 'inconclusive'],
      ['fast', 'improved'],
      ['unsure', 'inconclusive'],
    ])
    expect(failingBaseRegressions(outcome).map((j) => j.name)).toEqual(['slow'])
  })

  it('fails nothing when the fresh process fails, and says why', async () => {
    const outcome = await guardAgainstBase([entry(record('slow', slower))], async () => {
      throw new Error('the re-measurement process exited with code 1 without results')
    })
    expect(outcome?.judgements[0]?.status).toBe('inconclusive')
    expect(failingBaseRegressions(outcome)).toEqual([])
    expect(formatBaseGuard(outcome)).toContain(
      '⚠ The fresh process that re-measures suspects failed: the re-measurement process exited with code 1 without results',
    )
  })

  it('hands the stored baseline the benches it did not judge', async () => {
    const outcome = await guardAgainstBase(
      [entry(record('judged', comparison('equivalent', 1, [0.98, 1.02]))), entry(record('new', null))],
      async () => [],
    )
    expect([...judgedByBase(outcome)]).toEqual(['judged'])
    expect([...judgedByBase(null)]).toEqual([])
  })
})

describe('formatBaseGuard', () => {
  it('counts the verdicts, then gives each regression with what to do', async () => {
    const outcome = await guardAgainstBase(
      [
        entry(record('slow', slower)),
        entry(record('same', comparison('equivalent', 1, [0.98, 1.02]))),
        entry(
          record('new', null, {
            missing: { reason: 'file', detail: 'perf/new.perf.ts is not in origin/main (3f2c1ab)' },
          }),
        ),
      ],
      async () => [record('slow', comparison('slower', 1.3, [1.26, 1.34]))],
    )
    const text = formatBaseGuard(outcome)
    expect(text.split('\n')[0]).toBe(
      'perfgate: compared 2 benches with origin/main (3f2c1ab) in the same process (1 regressed, 1 unchanged).',
    )
    expect(text).toContain('✗ Regression: "slow" is slower than at origin/main (3f2c1ab)')
    expect(text).toContain('raise the bench\'s threshold in "regression.benches"')
    expect(text).toContain('see what changed (git diff 3f2c1ab)')
    expect(text).toContain(
      '"new" has no base to compare with: perf/new.perf.ts is not in origin/main (3f2c1ab).',
    )
    expect(formatBaseGuard(null)).toBe('')
  })
})

describe('baseRegressionEvents', () => {
  it('logs each compared bench as a schema-valid regression event naming the base', async () => {
    const outcome = await guardAgainstBase(
      [entry(record('slow', slower)), entry(record('new', null))],
      async () => [record('slow', comparison('slower', 1.3, [1.26, 1.34]))],
    )
    const events = baseRegressionEvents(outcome, () => ({ runId: 'run-1', ts: '2026-11-22T12:00:00.000Z' }))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'regression',
      name: 'slow',
      metric: 'median',
      verdict: 'regressed',
      value: 2.4e6 * 1.31,
      baseline: 2.4e6,
      base: BASE,
    })
    expect((events[0] as { delta: number }).delta).toBeCloseTo(0.31, 10)
    expect(verifyEventSchema.safeParse(events[0]).success).toBe(true)
  })
})

describe('comparisonText', () => {
  it('gives the ratio, its interval and both medians', () => {
    expect(comparisonText(comparison('faster', 0.5, [0.48, 0.52]))).toBe(
      "0.500× the base's time per call (95% interval 0.480–0.520×; 1.20 ms vs 2.40 ms)",
    )
  })
})

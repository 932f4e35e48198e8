import { type BenchFn, bench } from '../src/index.js'
import { collectGarbage, formatMs, maxOf } from './numbers.js'
import type { SectionOutput, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { asyncSmall, workloads } from './workloads.js'

/** Target: a bench's wall time, warm-up and calibration included, at most this multiple of its budget. */
const MAX_OVERRUN = 1.2
const BUDGETS_MS = [100, 500, 1000] as const

interface WallTimeRun {
  fn: string
  budgetMs: number
  /** Wall time measured around the `await bench(…)` call. */
  outsideNs: number
  /** Wall time bench() reports for itself. */
  reportedNs: number
  samples: number
}

/** Target 5: `time` is a budget the user can plan CI minutes with, not a suggestion. */
export async function runWallTime(counts: TrialCounts): Promise<SectionOutput> {
  const fns: { name: string; fn: BenchFn }[] = [
    ...workloads.map((w) => ({ name: `${w.id} (${w.label})`, fn: w.a })),
    { name: 'async (~1 µs + await)', fn: asyncSmall },
  ]
  const runs: WallTimeRun[] = []
  for (let r = 0; r < counts.wallTimeRepeats; r++) {
    for (const budgetMs of BUDGETS_MS) {
      for (const { name, fn } of fns) {
        collectGarbage()
        const start = process.hrtime.bigint()
        const result = await bench(name, fn, { time: budgetMs })
        const outsideNs = Number(process.hrtime.bigint() - start)
        runs.push({
          fn: name,
          budgetMs,
          outsideNs,
          reportedNs: result.timing.wallNs,
          samples: result.stats.samples,
        })
      }
    }
  }

  const worstRatio = maxOf(runs.map((x) => x.outsideNs / (x.budgetMs * 1e6)))
  const rows = fns.map(({ name }) => [
    name,
    ...BUDGETS_MS.map((budgetMs) => {
      const cell = runs.filter((x) => x.fn === name && x.budgetMs === budgetMs)
      const worst = maxOf(cell.map((x) => x.outsideNs))
      return `${formatMs(worst)} (${(worst / (budgetMs * 1e6)).toFixed(2)}×)`
    }),
    status(
      maxOf(runs.filter((x) => x.fn === name).map((x) => x.outsideNs / (x.budgetMs * 1e6))) <= MAX_OVERRUN,
    ),
  ])

  const markdown = [
    `### Wall time of bench(fn, { time }), measured around the call; worst of ${counts.wallTimeRepeats} per cell`,
    '',
    markdownTable(['function', ...BUDGETS_MS.map((ms) => `budget ${ms} ms`), 'target ≤ 1.2×'], rows),
  ].join('\n')

  return {
    title: '5. Wall time within the budget',
    markdown,
    targets: [
      {
        target: '5. Wall time',
        goal: '≤ 1.2 × the time budget',
        measured: `worst ${worstRatio.toFixed(2)}× over ${runs.length} benches (budgets 100 ms–1 s, 3 workloads + async)`,
        status: status(worstRatio <= MAX_OVERRUN),
      },
    ],
    raw: { runs },
  }
}

import { bench } from '../src/index.js'
import { createHandLoop, handLoopPerCallNs } from './hand-loop.js'
import { collectGarbage, formatNs, maxOf, median } from './numbers.js'
import { mitataOne } from './peers/mitata.js'
import { tinybenchOne } from './peers/tinybench.js'
import type { SectionOutput, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { empty } from './workloads.js'

/** Target: perfgate's median per-call time of an empty function, in every run. */
const MAX_OVERHEAD_NS = 1

/**
 * Target 4: what the harness itself adds to every call, read as the time it reports for `() => {}`.
 * Every tool measures the same empty function at its default settings.
 */
export async function runOverhead(counts: TrialCounts): Promise<SectionOutput> {
  const perfgate: { medianNs: number; meanNs: number; batchSize: number }[] = []
  const tinybench: { medianNs: number; meanNs: number }[] = []
  const mitata: { medianNs: number; meanNs: number }[] = []
  const hand: number[] = []
  const loop = createHandLoop(empty)
  for (let r = 0; r < counts.overheadRuns; r++) {
    collectGarbage()
    const p = await bench('empty', empty)
    perfgate.push({ medianNs: p.stats.medianNs, meanNs: p.stats.meanNs, batchSize: p.batchSize })
    if (r < counts.overheadPeerRuns) {
      collectGarbage()
      tinybench.push(await tinybenchOne(empty))
      collectGarbage()
      mitata.push(await mitataOne(empty))
    }
    collectGarbage()
    hand.push(handLoopPerCallNs(loop).perCallNs)
  }

  const row = (tool: string, runs: { medianNs: number; meanNs: number }[], note: string) => [
    tool,
    runs.length,
    formatNs(median(runs.map((x) => x.medianNs))),
    formatNs(maxOf(runs.map((x) => x.medianNs))),
    formatNs(median(runs.map((x) => x.meanNs))),
    note,
  ]
  const worst = maxOf(perfgate.map((x) => x.medianNs))
  const markdown = [
    '### Time reported for `() => {}`, default settings of every tool',
    '',
    markdownTable(
      ['tool', 'runs', 'median of medians', 'worst median', 'median of means', 'note'],
      [
        row(
          'perfgate bench()',
          perfgate,
          `batch size ${[...new Set(perfgate.map((x) => x.batchSize))].join(', ')}; target ≤ 1 ns in every run: ${status(worst <= MAX_OVERHEAD_NS)}`,
        ),
        row('tinybench (p50, mean)', tinybench, 'one timer reading per call'),
        row('mitata measure() (p50, avg)', mitata, 'batched, unrolled loop'),
        row(
          'hand loop (reference)',
          hand.map((ns) => ({ medianNs: ns, meanNs: ns })),
          'a plain for-loop around the call: its floor',
        ),
      ],
    ),
  ].join('\n')

  return {
    title: '4. Harness overhead',
    markdown,
    targets: [
      {
        target: '4. Overhead, empty function',
        goal: 'median ≤ 1 ns per call',
        measured: `worst of ${perfgate.length} runs ${formatNs(worst)} (median ${formatNs(median(perfgate.map((x) => x.medianNs)))})`,
        status: status(worst <= MAX_OVERHEAD_NS),
      },
    ],
    raw: { perfgate, tinybench, mitata, hand },
  }
}

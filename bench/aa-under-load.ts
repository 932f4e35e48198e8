import { type Comparison, compare } from '../src/index.js'
import { startBusyNeighbour } from './busy-neighbour.js'
import { collectGarbage, formatMs, formatRange, formatShare, median } from './numbers.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { workloads } from './workloads.js'

/** The target: 'faster' or 'slower' in at most this share of A/A compare() trials. */
const MAX_FALSE_VERDICT_SHARE = 0.01

interface Trial {
  workload: string
  kind: 'A/A' | '5%'
  verdict: Comparison['verdict']
  ratio: number
  wallNs: number
}

/**
 * Target 1 again, on a loaded machine: identical functions compared while a competing process
 * (bench/competitor.mjs) churns memory and CPU on the other core, as a CI job's other steps would.
 * Also the 5% slowdown under the same load, to show what the load costs in power.
 */
export async function runAaUnderLoad(counts: TrialCounts): Promise<SectionOutput> {
  const competitor = await startBusyNeighbour()
  const trials: Trial[] = []
  try {
    for (const w of workloads) {
      for (let i = 0; i < counts.aaUnderLoad; i++) {
        collectGarbage()
        const c = await compare({ name: `${w.id} a`, fn: w.a }, { name: `${w.id} b`, fn: w.twin })
        trials.push({ workload: w.id, kind: 'A/A', verdict: c.verdict, ratio: c.ratio, wallNs: c.wallNs })
      }
      for (let i = 0; i < counts.powerUnderLoad; i++) {
        collectGarbage()
        const c = await compare({ name: `${w.id} slow`, fn: w.slow }, { name: `${w.id} base`, fn: w.base })
        trials.push({ workload: w.id, kind: '5%', verdict: c.verdict, ratio: c.ratio, wallNs: c.wallNs })
      }
    }
  } finally {
    competitor.kill('SIGKILL')
  }

  const rows: (string | number)[][] = []
  const targets: TargetResult[] = []
  for (const w of workloads) {
    const aa = trials.filter((t) => t.workload === w.id && t.kind === 'A/A')
    const wrong = aa.filter((t) => t.verdict === 'faster' || t.verdict === 'slower').length
    const five = trials.filter((t) => t.workload === w.id && t.kind === '5%')
    const caught = five.filter((t) => t.verdict === 'slower').length
    rows.push([
      `${w.id} (${w.label})`,
      aa.length,
      aa.filter((t) => t.verdict === 'equivalent').length,
      aa.filter((t) => t.verdict === 'inconclusive').length,
      formatShare(wrong, aa.length),
      formatRange(aa.map((t) => t.ratio)),
      formatMs(median(aa.map((t) => t.wallNs))),
      five.length === 0 ? '—' : formatShare(caught, five.length),
      five.length === 0 ? '—' : formatMs(median(five.map((t) => t.wallNs))),
    ])
    targets.push({
      target: `1b. A/A under load, ${w.label}`,
      goal: `'faster'/'slower' in ≤ 1% of ≥ ${counts.aaUnderLoad} trials, neighbour busy`,
      measured: `${formatShare(wrong, aa.length)} wrong; ratios ${formatRange(aa.map((t) => t.ratio))}`,
      status: status(aa.length >= counts.aaUnderLoad && wrong <= MAX_FALSE_VERDICT_SHARE * aa.length),
    })
  }

  const markdown = [
    '### compare() at default settings while bench/competitor.mjs keeps the other core busy',
    '',
    'The neighbour streams through 128 MB (evicting the shared L3), allocates 50 000 objects per loop (GC work) and does arithmetic, without pause. A/A: two literals with the same body. 5%: the slowdown pair of section 2, under the same load (information: power under load is not a target).',
    '',
    markdownTable(
      [
        'workload',
        'A/A trials',
        'equivalent',
        'inconclusive',
        'faster or slower',
        'ratio range',
        'median wall',
        "5%: 'slower'",
        '5%: median wall',
      ],
      rows,
    ),
  ].join('\n')
  return { title: '1b. Identical functions on a loaded machine', markdown, targets, raw: { trials } }
}

import { type Comparison, compare } from '../src/index.js'
import { collectGarbage, formatMs, formatRange, formatShare, maxOf, median, quantile } from './numbers.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { sizes, type WorkloadId, workloads } from './workloads.js'

interface PowerTrial {
  workload: WorkloadId
  difference: '5%' | '2x'
  verdict: Comparison['verdict']
  ratio: number
  rounds: number
  wallNs: number
  seed: number
}

/** Target: a true 5% slowdown is called 'slower' in at least this share of trials. */
const MIN_FIVE_PERCENT_POWER = 0.95
/** Target: a 2x difference is decided ('slower') within this wall time. */
const DOUBLE_DEADLINE_NS = 100e6

/**
 * Target 2: a real difference must be found, and found fast. compare(slow, fast) at default
 * settings (1 s cap, ±2% band); the decision time is compare()'s own wall time, warm-up included.
 */
export async function runPowerTrials(counts: TrialCounts): Promise<SectionOutput> {
  const trials: PowerTrial[] = []
  const record = (workload: WorkloadId, difference: PowerTrial['difference'], c: Comparison) =>
    trials.push({
      workload,
      difference,
      verdict: c.verdict,
      ratio: c.ratio,
      rounds: c.rounds,
      wallNs: c.wallNs,
      seed: c.seed,
    })

  for (const w of workloads) {
    // Interleave the two differences so both meet the same machine.
    for (let i = 0; i < Math.max(counts.powerFivePercent, counts.powerDouble); i++) {
      if (i < counts.powerFivePercent) {
        collectGarbage()
        record(
          w.id,
          '5%',
          await compare({ name: `${w.id} +5%`, fn: w.slow }, { name: `${w.id}`, fn: w.base }),
        )
      }
      if (i < counts.powerDouble) {
        collectGarbage()
        record(w.id, '2x', await compare({ name: `${w.id} 2x`, fn: w.double }, { name: `${w.id}`, fn: w.a }))
      }
    }
  }

  const of = (id: WorkloadId, difference: PowerTrial['difference']) =>
    trials.filter((t) => t.workload === id && t.difference === difference)
  const nBase = (id: WorkloadId) => sizes[`${id}Base` as const]
  const nSlow = (id: WorkloadId) => sizes[`${id}Slow` as const]

  const fiveRows = workloads.map((w) => {
    const t = of(w.id, '5%')
    const slower = t.filter((x) => x.verdict === 'slower').length
    const walls = t.map((x) => x.wallNs)
    return [
      `${w.id} (n = ${nBase(w.id)} vs ${nSlow(w.id)})`,
      t.length,
      formatShare(slower, t.length),
      t.filter((x) => x.verdict === 'inconclusive').length,
      t.filter((x) => x.verdict === 'equivalent' || x.verdict === 'faster').length,
      formatRange(t.map((x) => x.ratio)),
      formatMs(median(walls)),
      formatMs(quantile(walls, 0.95)),
      formatMs(maxOf(walls)),
      status(slower >= MIN_FIVE_PERCENT_POWER * t.length),
    ]
  })
  const doubleRows = workloads.map((w) => {
    const t = of(w.id, '2x')
    const slower = t.filter((x) => x.verdict === 'slower').length
    const walls = t.map((x) => x.wallNs)
    return [
      `${w.id} (n = ${w.n} vs ${2 * w.n})`,
      t.length,
      formatShare(slower, t.length),
      formatRange(t.map((x) => x.ratio)),
      formatMs(median(walls)),
      formatMs(maxOf(walls)),
      status(slower === t.length && maxOf(walls) < DOUBLE_DEADLINE_NS),
    ]
  })

  const markdown = [
    '### A true 5% slowdown: compare(slow, fast), default settings',
    '',
    '`slow` runs exactly 1.05 × the loop iterations of `fast`; the time ratio is a little under 1.05 ' +
      "because the call itself costs the same. The decision time is compare()'s wall time, warm-up included.",
    '',
    markdownTable(
      [
        'workload',
        'trials',
        "'slower'",
        'inconclusive',
        'equivalent or faster',
        'ratio range',
        'median time',
        'p95 time',
        'max time',
        'target ≥ 95%',
      ],
      fiveRows,
    ),
    '',
    '### A 2x difference: compare(double, a), default settings',
    '',
    markdownTable(
      ['workload', 'trials', "'slower'", 'ratio range', 'median time', 'max time', 'target: all < 100 ms'],
      doubleRows,
    ),
  ].join('\n')

  const targets: TargetResult[] = [
    ...workloads.map((w): TargetResult => {
      const t = of(w.id, '5%')
      const slower = t.filter((x) => x.verdict === 'slower').length
      const walls = t.map((x) => x.wallNs)
      return {
        target: `2. 5% slowdown, ${w.id}`,
        goal: "'slower' in ≥ 95% of ≥ 100 trials within 1 s",
        measured: `${formatShare(slower, t.length)}; time median ${formatMs(median(walls))}, p95 ${formatMs(quantile(walls, 0.95))}, max ${formatMs(maxOf(walls))}`,
        status: status(t.length >= 100 && slower >= MIN_FIVE_PERCENT_POWER * t.length),
      }
    }),
    ...workloads.map((w): TargetResult => {
      const t = of(w.id, '2x')
      const slower = t.filter((x) => x.verdict === 'slower').length
      const walls = t.map((x) => x.wallNs)
      return {
        target: `2. 2x difference, ${w.id}`,
        goal: "'slower' in < 100 ms, ≥ 20 trials",
        measured: `${formatShare(slower, t.length)} 'slower'; time median ${formatMs(median(walls))}, max ${formatMs(maxOf(walls))}`,
        status: status(t.length >= 20 && slower === t.length && maxOf(walls) < DOUBLE_DEADLINE_NS),
      }
    }),
  ]

  return { title: '2. Power: real differences', markdown, targets, raw: { trials } }
}

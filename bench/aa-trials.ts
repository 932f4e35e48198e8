import { type Comparison, compare } from '../src/index.js'
import { collectGarbage, formatMs, formatRange, formatShare, median } from './numbers.js'
import { mitataPair } from './peers/mitata.js'
import { tinybenchPair } from './peers/tinybench.js'
import { vitestBenchPairs } from './peers/vitest-bench.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { type WorkloadId, workloads } from './workloads.js'

/** A peer's A/A pair: estimates of a and b (ns per call) and the wall time of the trial. */
interface PeerTrial {
  workload: WorkloadId
  meanA: number
  meanB: number
  medianA: number
  medianB: number
  wallNs: number
}

interface PerfgateTrial {
  workload: WorkloadId
  verdict: Comparison['verdict']
  ratio: number
  interval: [number, number]
  rounds: number
  batchSize: [number, number]
  wallNs: number
  seed: number
}

/** Means (or medians) that differ by more than this count as a false "difference" of a peer. */
const PEER_DIFFERENCE = 0.05
/** The target: 'faster' or 'slower' in at most this share of A/A compare() trials. */
const MAX_FALSE_VERDICT_SHARE = 0.01

const differs = (x: number, y: number) => Math.abs(x / y - 1) > PEER_DIFFERENCE

/**
 * Target 1: identical functions (two literals, same body) must come back neither 'faster' nor
 * 'slower'. The peers measure the same pairs in the same process, interleaved with perfgate's
 * trials so that all tools meet the same machine.
 */
export async function runAaTrials(counts: TrialCounts): Promise<SectionOutput> {
  const perfgate: PerfgateTrial[] = []
  const tinybench: PeerTrial[] = []
  const mitata: PeerTrial[] = []

  for (const w of workloads) {
    for (let i = 0; i < counts.aaPerfgate; i++) {
      collectGarbage()
      const c = await compare({ name: `${w.id} a`, fn: w.a }, { name: `${w.id} b`, fn: w.twin })
      perfgate.push({
        workload: w.id,
        verdict: c.verdict,
        ratio: c.ratio,
        interval: c.interval,
        rounds: c.rounds,
        batchSize: c.batchSize,
        wallNs: c.wallNs,
        seed: c.seed,
      })
      if (i < counts.aaPeers) {
        collectGarbage()
        const t = await tinybenchPair(w.a, w.twin)
        tinybench.push({
          workload: w.id,
          meanA: t.a.meanNs,
          meanB: t.b.meanNs,
          medianA: t.a.medianNs,
          medianB: t.b.medianNs,
          wallNs: t.wallNs,
        })
        collectGarbage()
        const m = await mitataPair(w.a, w.twin)
        mitata.push({
          workload: w.id,
          meanA: m.a.meanNs,
          meanB: m.b.meanNs,
          medianA: m.a.medianNs,
          medianB: m.b.medianNs,
          wallNs: m.wallNs,
        })
      }
    }
  }

  // Vitest runs in its own process, after the in-process trials (never two measurements at once).
  const vitest = await vitestBenchPairs(
    workloads.map((w) => w.id),
    counts.aaVitestGroups,
  )

  const groups: (WorkloadId | 'all')[] = [...workloads.map((w) => w.id), 'all']
  const pick = <T extends { workload: WorkloadId }>(trials: T[], id: WorkloadId | 'all') =>
    id === 'all' ? trials : trials.filter((t) => t.workload === id)
  const label = (id: WorkloadId | 'all') =>
    id === 'all' ? 'all' : `${id} (${workloads.find((w) => w.id === id)?.label})`

  const perfgateRows = groups.map((id) => {
    const trials = pick(perfgate, id)
    const count = (v: Comparison['verdict']) => trials.filter((t) => t.verdict === v).length
    const wrong = count('faster') + count('slower')
    const sameBatch = trials.filter((t) => t.batchSize[0] === t.batchSize[1]).length
    return [
      label(id),
      trials.length,
      count('equivalent'),
      count('inconclusive'),
      count('faster'),
      count('slower'),
      formatShare(wrong, trials.length),
      formatRange(trials.map((t) => t.ratio)),
      formatMs(median(trials.map((t) => t.wallNs))),
      formatShare(sameBatch, trials.length),
      status(wrong <= MAX_FALSE_VERDICT_SHARE * trials.length),
    ]
  })

  const peerRows = (tool: string, trials: PeerTrial[]) =>
    groups.map((id) => {
      const t = pick(trials, id)
      return [
        `${tool}, ${label(id)}`,
        t.length,
        formatShare(t.filter((x) => differs(x.meanA, x.meanB)).length, t.length),
        formatRange(t.map((x) => x.meanA / x.meanB)),
        formatShare(t.filter((x) => differs(x.medianA, x.medianB)).length, t.length),
        formatRange(t.map((x) => x.medianA / x.medianB)),
        formatMs(median(t.map((x) => x.wallNs))),
      ]
    })
  const vitestRows = vitest.ok
    ? peerRows(
        `Vitest ${vitest.vitestVersion} bench`,
        vitest.pairs.map((p) => ({
          workload: p.workload,
          meanA: p.meanNsA,
          meanB: p.meanNsB,
          medianA: p.medianNsA,
          medianB: p.medianNsB,
          wallNs: vitest.wallNs / vitest.pairs.length,
        })),
      )
    : [[`Vitest bench: could not run (${vitest.reason})`, 0, '–', '–', '–', '–', '–']]

  // Vitest 5's toBeFasterThan calls a faster when its mean is lower; on A/A pairs every call is wrong.
  const meanRuleRows = groups.map((id) => {
    const t = pick(tinybench, id)
    const faster = t.filter((x) => x.meanA < x.meanB).length
    return [label(id), t.length, formatShare(faster, t.length), formatShare(t.length - faster, t.length)]
  })

  const markdown = [
    `### perfgate compare(a, twin) at default settings (1 s cap, ±2% band, 95%)`,
    '',
    markdownTable(
      [
        'workload',
        'trials',
        'equivalent',
        'inconclusive',
        'faster',
        'slower',
        'faster or slower',
        'ratio range',
        'median wall / trial',
        'same batch size a, b',
        'target ≤ 1%',
      ],
      perfgateRows,
    ),
    '',
    `### Peers on the same A/A pairs, default settings`,
    '',
    `A "difference" is a ratio a/b beyond ±${PEER_DIFFERENCE * 100}%. tinybench: two tasks in one \`Bench\`. ` +
      'mitata: `measure()` on a, then on b. Vitest: one `vitest bench --run` of a generated file with ' +
      `${counts.aaVitestGroups} describe groups per workload, two identical benches each` +
      (vitest.ok ? ` (whole run ${(vitest.wallNs / 1e9).toFixed(0)} s, start-up included).` : '.'),
    '',
    markdownTable(
      [
        'tool, workload',
        'trials',
        'means differ > 5%',
        'mean ratio range',
        'medians differ > 5%',
        'median ratio range',
        'median wall / trial',
      ],
      [...peerRows('tinybench', tinybench), ...peerRows('mitata', mitata), ...vitestRows],
    ),
    '',
    `### mean-vs-mean rule (as Vitest 5's toBeFasterThan), on the tinybench A/A trials`,
    '',
    'The rule calls a "faster" than b when mean(a) < mean(b). On identical functions every "faster" ' +
      'and every "slower" is wrong; `expect(a).toBeFasterThan(b)` would pass in the "faster" share.',
    '',
    markdownTable(['workload', 'trials', "'faster' (a's mean lower)", "'slower'"], meanRuleRows),
  ].join('\n')

  const targets: TargetResult[] = workloads.map((w) => {
    const trials = pick(perfgate, w.id)
    const wrong = trials.filter((t) => t.verdict === 'faster' || t.verdict === 'slower').length
    const inconclusive = trials.filter((t) => t.verdict === 'inconclusive').length
    return {
      target: `1. A/A, ${w.label}`,
      goal: "'faster'/'slower' in ≤ 1% of ≥ 100 trials",
      measured: `${formatShare(wrong, trials.length)} wrong; ${inconclusive} inconclusive; ratios ${formatRange(trials.map((t) => t.ratio))}`,
      status: status(trials.length >= 100 && wrong <= MAX_FALSE_VERDICT_SHARE * trials.length),
    }
  })

  return {
    title: '1. Identical functions (A/A)',
    markdown,
    targets,
    raw: { perfgate, tinybench, mitata, vitest },
  }
}

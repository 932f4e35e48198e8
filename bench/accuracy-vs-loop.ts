import { bench } from '../src/index.js'
import { createHandLoop, handLoopPerCallNs } from './hand-loop.js'
import { collectGarbage, formatNs, formatSignedPercent, median } from './numbers.js'
import { mitataOne } from './peers/mitata.js'
import { tinybenchOne } from './peers/tinybench.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { type WorkloadId, workloads } from './workloads.js'

/** Target: perfgate's median per-call time within this relative error of the hand-written loop. */
const MAX_ERROR = 0.03

/** One round: every tool once, each bracketed by hand loops so drift of the machine cancels. */
interface AccuracyRound {
  workload: WorkloadId
  /** Hand loop before each tool and after the last: four readings. */
  handNs: number[]
  perfgateMedianNs: number
  perfgateBatchSize: number
  tinybenchMedianNs: number
  tinybenchMeanNs: number
  mitataMedianNs: number
  mitataMeanNs: number
}

/** A tool's reading relative to the mean of the hand loops just before and just after it. */
const errorAgainst = (value: number, before: number, after: number) => value / ((before + after) / 2) - 1

/**
 * Target 3: perfgate's median per-call time agrees with a plain hand-timed loop. The machine drifts
 * by several percent within a minute, so each tool is compared with hand loops run right before and
 * right after it, and the error of a workload is the median over rounds.
 */
export async function runAccuracyVsLoop(counts: TrialCounts): Promise<SectionOutput> {
  const rounds: AccuracyRound[] = []
  for (const w of workloads) {
    const loop = createHandLoop(w.a)
    const hand = () => {
      collectGarbage()
      return handLoopPerCallNs(loop).perCallNs
    }
    for (let r = 0; r < counts.accuracyRounds; r++) {
      const handNs = [hand()]
      collectGarbage()
      const p = await bench(`${w.id}`, w.a)
      handNs.push(hand())
      collectGarbage()
      const t = await tinybenchOne(w.a)
      handNs.push(hand())
      collectGarbage()
      const m = await mitataOne(w.a)
      handNs.push(hand())
      rounds.push({
        workload: w.id,
        handNs,
        perfgateMedianNs: p.stats.medianNs,
        perfgateBatchSize: p.batchSize,
        tinybenchMedianNs: t.medianNs,
        tinybenchMeanNs: t.meanNs,
        mitataMedianNs: m.medianNs,
        mitataMeanNs: m.meanNs,
      })
    }
  }

  const errors = workloads.map((w) => {
    const rs = rounds.filter((r) => r.workload === w.id)
    const e = (pick: (r: AccuracyRound) => number, slot: number) =>
      median(
        rs.map((r) => errorAgainst(pick(r), r.handNs[slot] ?? Number.NaN, r.handNs[slot + 1] ?? Number.NaN)),
      )
    return {
      w,
      rounds: rs.length,
      hand: median(rs.flatMap((r) => r.handNs)),
      perfgate: median(rs.map((r) => r.perfgateMedianNs)),
      perfgateError: e((r) => r.perfgateMedianNs, 0),
      perfgateErrors: rs.map((r) =>
        errorAgainst(r.perfgateMedianNs, r.handNs[0] ?? Number.NaN, r.handNs[1] ?? Number.NaN),
      ),
      tinybenchMedian: median(rs.map((r) => r.tinybenchMedianNs)),
      tinybenchMedianError: e((r) => r.tinybenchMedianNs, 1),
      tinybenchMean: median(rs.map((r) => r.tinybenchMeanNs)),
      tinybenchMeanError: e((r) => r.tinybenchMeanNs, 1),
      mitataMedian: median(rs.map((r) => r.mitataMedianNs)),
      mitataMedianError: e((r) => r.mitataMedianNs, 2),
      mitataMean: median(rs.map((r) => r.mitataMeanNs)),
      mitataMeanError: e((r) => r.mitataMeanNs, 2),
    }
  })

  const cell = (ns: number, error: number) => `${formatNs(ns)} (${formatSignedPercent(error)})`
  const rows = errors.map((x) => [
    `${x.w.id} (${x.w.label})`,
    x.rounds,
    formatNs(x.hand),
    cell(x.perfgate, x.perfgateError),
    x.perfgateErrors.map(formatSignedPercent).join(' '),
    cell(x.tinybenchMedian, x.tinybenchMedianError),
    cell(x.tinybenchMean, x.tinybenchMeanError),
    cell(x.mitataMedian, x.mitataMedianError),
    cell(x.mitataMean, x.mitataMeanError),
    status(Math.abs(x.perfgateError) <= MAX_ERROR),
  ])

  const markdown = [
    '### Per-call time vs a hand-written timing loop, default settings of every tool',
    '',
    'Hand loop: `process.hrtime.bigint()` around a plain for-loop of calls (~20 ms), median of 9. Each ' +
      'round runs hand loop, perfgate `bench()`, hand loop, tinybench, hand loop, mitata `measure()`, hand loop; ' +
      "a tool's error is against the mean of the hand loops right before and after it, and the table shows " +
      'medians over rounds (per-round errors of perfgate alongside).',
    '',
    markdownTable(
      [
        'workload',
        'rounds',
        'hand loop',
        'perfgate median (error)',
        'perfgate error per round',
        'tinybench p50',
        'tinybench mean',
        'mitata p50',
        'mitata avg',
        'target ≤ 3%',
      ],
      rows,
    ),
  ].join('\n')

  const targets: TargetResult[] = errors.map((x) => ({
    target: `3. Accuracy, ${x.w.label}`,
    goal: 'median within 3% of a hand loop',
    measured: `${formatSignedPercent(x.perfgateError)} (median of ${x.rounds} rounds; per round ${x.perfgateErrors.map(formatSignedPercent).join(' ')})`,
    status: status(Math.abs(x.perfgateError) <= MAX_ERROR),
  }))

  return { title: '3. Accuracy against a hand-written loop', markdown, targets, raw: { rounds } }
}

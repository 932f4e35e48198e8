import type { Status } from './table.js'

/** The sections of `pnpm bench:self`, in run order; `--only <id>` runs one. */
export const SECTION_IDS = [
  'aa',
  'aa-load',
  'power',
  'accuracy',
  'overhead',
  'wall-time',
  'batch-size',
] as const
export type SectionId = (typeof SECTION_IDS)[number]

/** One line of the summary: a target from the issue, what was measured, and whether it held. */
export interface TargetResult {
  /** Target number in the issue (1–6) and which case of it. */
  target: string
  /** The target, as a threshold. */
  goal: string
  measured: string
  status: Status
}

/** What a section hands back to the orchestrator. */
export interface SectionOutput {
  title: string
  /** Markdown: tables and notes, without the heading (the orchestrator adds it). */
  markdown: string
  targets: TargetResult[]
  /** Raw numbers, for latest.json. */
  raw: unknown
}

/** Trial counts; `--quick` shrinks them for development (its PASS/MISS then mean little). */
export interface TrialCounts {
  /** perfgate A/A compare() trials per workload. */
  aaPerfgate: number
  /** tinybench and mitata A/A trials per workload (each costs seconds at their defaults). */
  aaPeers: number
  /** Vitest bench A/A groups per workload, all in one `vitest bench` run. */
  aaVitestGroups: number
  /** A/A compare() trials per workload with a busy neighbour process. */
  aaUnderLoad: number
  /** 5% slowdown compare() trials per workload with a busy neighbour process. */
  powerUnderLoad: number
  /** 5% slowdown compare() trials per workload. */
  powerFivePercent: number
  /** 2x difference compare() trials per workload. */
  powerDouble: number
  /** Rounds of hand loop / perfgate / tinybench / mitata per workload. */
  accuracyRounds: number
  /** bench() runs of the empty function. */
  overheadRuns: number
  /** tinybench and mitata runs of the empty function (tinybench takes ~8 s for one). */
  overheadPeerRuns: number
  /** Repetitions of every budget × workload cell. */
  wallTimeRepeats: number
  /** Fresh processes that choose batch sizes. */
  batchSizeProcesses: number
}

export function trialCounts(quick: boolean): TrialCounts {
  return quick
    ? {
        aaPerfgate: 6,
        aaPeers: 2,
        aaVitestGroups: 1,
        aaUnderLoad: 6,
        powerUnderLoad: 3,
        powerFivePercent: 6,
        powerDouble: 3,
        accuracyRounds: 1,
        overheadRuns: 2,
        overheadPeerRuns: 1,
        wallTimeRepeats: 1,
        batchSizeProcesses: 3,
      }
    : {
        // 300, not 100: the target is 1%, and 100 trials cannot tell 1% from 3% (a 30 ms hold that
        // failed 44 of 900 A/A trials beside a busy neighbour passed a 100-trial section in the
        // same hour; docs/accuracy.md).
        aaPerfgate: 300,
        aaPeers: 34,
        aaVitestGroups: 10,
        aaUnderLoad: 300,
        powerUnderLoad: 30,
        powerFivePercent: 100,
        powerDouble: 20,
        accuracyRounds: 5,
        overheadRuns: 5,
        overheadPeerRuns: 2,
        wallTimeRepeats: 3,
        batchSizeProcesses: 20,
      }
}

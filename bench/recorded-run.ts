/**
 * The `--json` output of bench/regression-accuracy.ts, as the scripts that read it back see it
 * (replay-guard, replay-remeasure, process-ratios, bench-covariation). Keys marked optional came
 * later: `p10Ns` on 2026-11-22, `quantilesNs` with run 22, `remeasured` with run 14.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

/** One process of a trial: the run's own (every bench, in suite order) or a fresh one of a re-measurement. */
export interface RecordedProcess {
  phase: 'run' | 'remeasure'
  mediansNs: Record<string, number>
  p10Ns?: Record<string, number>
  quantilesNs?: Record<string, number[]>
  batchSizes: Record<string, number>
}

export interface RecordedTrial {
  kind: 'aa' | 'regression'
  trial: number
  /** The bench a regression trial slowed; null in an unchanged (A/A) trial. */
  slowed: string | null
  remeasured?: string[]
  verdicts: { name: string; status: string }[]
  processes: RecordedProcess[]
}

export interface RecordedRun {
  startedAt: string
  /** `rerunDisturbed` is true from the run that first recorded whole-suite re-runs of a disturbed run. */
  settings?: { quantiles?: number[]; rerunDisturbed?: boolean }
  baseline: Record<
    string,
    {
      batchSize: number
      processMediansNs: number[]
      processP10Ns?: number[]
      processQuantilesNs?: number[][]
    }
  >
  trials: RecordedTrial[]
}

/** Reads a run's `--json` file, gzipped (`.gz`) or not. */
export function readRecordedRun(file: string): RecordedRun {
  const bytes = readFileSync(file)
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as RecordedRun
}

/** A process's per-call time of each bench: its 10th percentile of batches (the median before 2026-11-22). */
export function processPerCallNs(p: RecordedProcess): Record<string, number> {
  return p.p10Ns ?? p.mediansNs
}

/** A baseline bench's per-call time in each of its processes, as {@link processPerCallNs} reads a process. */
export function baselinePerCallNs(bench: RecordedRun['baseline'][string]): number[] {
  return bench.processP10Ns ?? bench.processMediansNs
}

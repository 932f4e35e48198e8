import type { BenchResult } from '../measure/types.js'
import { processTimesNs, WILD_PROCESS_MIN_RATIO } from './process-spread.js'

/*
 * A baseline checks its own processes before it is written. Pure.
 *
 * Each process of a baseline should measure the same code at about the same speed: on this
 * project's 2-core VM, 5 processes of a quiet bench span ~6%. A disturbance of the machine during
 * the recording breaks that for the benches it overlaps. In bench/regression-accuracy.ts (run 11,
 * docs/accuracy.md) four of a baseline's five processes ran 13–67% slow on some benches each, two
 * or three processes per bench. With so many off, none is "far from the rest" (typicalProcesses
 * cannot leave a majority out), the bench's interval widens to ±20%, and a real 10% regression
 * of it is never caught. Measuring those benches in as many processes again, after the first ones,
 * outlasts a disturbance of a minute or less and turns the slow processes into a minority that
 * the comparison leaves out.
 */

/**
 * Names of the benches, in first-seen order, whose processes in `results` (one result per bench
 * per process) disagree: the slowest per-call time (the time the guard compares, processTimesNs) is more than {@link WILD_PROCESS_MIN_RATIO}
 * (10%) above the fastest. A bench measured in one process cannot disagree.
 */
export function unsettledBenches(results: readonly BenchResult[]): string[] {
  const timesByName = new Map<string, number[]>()
  for (const result of results) {
    const time = processTimesNs(result)[0]
    if (time === undefined || !(time > 0)) continue
    const list = timesByName.get(result.name)
    if (list) list.push(time)
    else timesByName.set(result.name, [time])
  }
  return [...timesByName]
    .filter(
      ([, times]) => times.length >= 2 && Math.max(...times) > Math.min(...times) * WILD_PROCESS_MIN_RATIO,
    )
    .map(([name]) => name)
}

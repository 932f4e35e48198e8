import { TestRunner } from 'vitest'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'

/** Where records live on a Vitest task: `task.meta.perfgate`, read by the reporter in the main process. */
export interface PerfgateTaskMeta {
  perfgate?: PerfRecord[]
}

let warnedOutsideTest = false

/**
 * Attach every record to the test that made it. Vitest sends `task.meta` to the main process
 * with the test's result, which is how a reporter there sees measurements made in workers.
 */
export function recordResultsOnTasks(): void {
  setResultSink((record) => {
    const current = TestRunner.getCurrentTest()
    if (current === undefined) {
      if (!warnedOutsideTest) {
        warnedOutsideTest = true
        console.warn(
          `perfgate: a ${record.kind} was measured outside a test (in a hook or at the top of a file), so no test can carry it to the reporter. Measure inside test() or perfTest().`,
        )
      }
      return
    }
    const meta = current.meta as PerfgateTaskMeta
    // A plain JSON copy: Vitest serialises meta anyway, and a copy keeps later mutation of the
    // caller's object out of the record.
    meta.perfgate ??= []
    meta.perfgate.push(JSON.parse(JSON.stringify(record)) as PerfRecord)
  })
}

import type { PerfRecord } from '../src/results/result-sink.js'

/** One test's perf records, as the reporter sees them after the run. */
export interface TestRecords {
  /** The test's full name (suite names and title). */
  test: string
  /** The test file, relative to the project root where possible. */
  file: string
  /** Vitest's outcome of the test. */
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  records: PerfRecord[]
}

/** The parts of Vitest's reported tasks this reporter reads; the same in Vitest 4 and 5. */
export interface ReportedModule {
  moduleId: string
  children: { allTests(): Iterable<ReportedTest> }
}

export interface ReportedTest {
  fullName: string
  meta(): { perfgate?: PerfRecord[] }
  result(): { state: string }
}

/** Gather every test's `task.meta.perfgate` records, in file and test order. */
export function collectRecords(modules: ReadonlyArray<ReportedModule>, root: string): TestRecords[] {
  const collected: TestRecords[] = []
  for (const module of modules) {
    const file = module.moduleId.startsWith(`${root}/`)
      ? module.moduleId.slice(root.length + 1)
      : module.moduleId
    for (const test of module.children.allTests()) {
      const records = test.meta().perfgate ?? []
      if (records.length === 0) continue
      const state = test.result().state
      collected.push({
        test: test.fullName,
        file,
        state: state === 'passed' || state === 'failed' || state === 'skipped' ? state : 'pending',
        records,
      })
    }
  }
  return collected
}

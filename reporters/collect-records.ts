import type { PerfRecord } from '../src/results/result-sink.js'

/** One test's perf records, as the reporter sees them after the run. */
export interface TestRecords {
  /** The test's full name (suite names and title). */
  test: string
  /** Suite names and the test's title, outermost first: what Vitest's `-t` filter matches. */
  names: string[]
  /** The test file, relative to the project root where possible. */
  file: string
  /** The test file's absolute path. */
  path: string
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
  name: string
  parent: ReportedParent
  meta(): { perfgate?: PerfRecord[] }
  result(): { state: string }
}

/** A test's parent: a suite (which has a parent) or the module. */
export type ReportedParent = { type: 'suite'; name: string; parent: ReportedParent } | { type: 'module' }

/** Suite names and the test's title, outermost first. */
function namePath(test: ReportedTest): string[] {
  const names = [test.name]
  for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) names.unshift(parent.name)
  return names
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
        names: namePath(test),
        file,
        path: module.moduleId,
        state: state === 'passed' || state === 'failed' || state === 'skipped' ? state : 'pending',
        records,
      })
    }
  }
  return collected
}

import { definePerfConfig } from 'perfgate/vitest/config'

// One worker, one file at a time, a fresh process per file, long timeouts and perfgate's setup
// file: definePerfConfig sets what perf tests need. Only say where the perf files are.
export default definePerfConfig({ test: { include: ['perf/**/*.perf.ts'] } })

import { definePerfConfig } from 'perfgate/vitest/config'

// definePerfConfig sets what perf tests need: perfgate's setup file, one file at a time in one
// worker, a fresh process per file and long timeouts. Say where the perf files are; 'verbose'
// lists every test with its time, including the quick comparisons.
export default definePerfConfig({
  test: {
    include: ['perf/**/*.perf.ts'],
    reporters: ['verbose'],
  },
})

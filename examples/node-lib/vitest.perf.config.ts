import { definePerfConfig } from 'perfgate/vitest/config'

// definePerfConfig sets what perf tests need: perfgate's setup file and reporter, one file at a
// time in one worker, a fresh process per file and long timeouts. Say where the perf files are;
// 'verbose' lists every test with its time, then perfgate's reporter prints the numbers.
export default definePerfConfig({
  test: {
    include: ['perf/**/*.perf.ts'],
    reporters: ['verbose', 'perfgate/reporter'],
  },
})

import { definePerfConfig } from 'perfgate/vitest/config'

// perfgate's setup file and reporter, one file at a time; load tests run for seconds each.
export default definePerfConfig({
  test: {
    include: ['perf/**/*.perf.ts'],
    reporters: ['verbose', 'perfgate/reporter'],
  },
})

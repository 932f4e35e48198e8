import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that take real measurements must not share the 2 cores with each other.
    fileParallelism: false,
    testTimeout: 60_000,
    // Every run calibrates afresh: remembered batch sizes would make results depend on earlier runs.
    env: { PERFGATE_CACHE_DIR: 'off' },
  },
})

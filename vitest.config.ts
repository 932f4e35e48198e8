import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that take real measurements must not share the 2 cores with each other.
    fileParallelism: false,
    testTimeout: 60_000,
  },
})

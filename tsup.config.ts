import { defineConfig } from 'tsup'

// One entry per exports-map entry; later entries (playwright, cli) join here.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vitest: 'matchers/vitest/index.ts',
    'vitest-config': 'matchers/vitest/config.ts',
    reporter: 'reporters/vitest-reporter.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
})

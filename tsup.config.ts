import { defineConfig } from 'tsup'

// One entry per exports-map entry; later entries (playwright, cli) join here.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vitest: 'matchers/vitest/index.ts',
    'vitest-config': 'matchers/vitest/config.ts',
    // What a base perf file gets for 'vitest' (PERFGATE_BASE_REF); base-plugin.ts finds it beside itself.
    'vitest-base-shim': 'matchers/vitest/vitest-base-shim.ts',
    reporter: 'reporters/vitest-reporter.ts',
    playwright: 'matchers/playwright/index.ts',
    'playwright-reporter': 'reporters/playwright-reporter.ts',
    // The perfgate bin. Its `#!/usr/bin/env node` line is the first line of src/cli/main.ts:
    // esbuild keeps an entry's hashbang, so only this output gets it (tsup's `banner` would put
    // it on every entry), and tsup marks a file that starts with one executable.
    cli: 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
})

import { defineConfig } from '@playwright/test'

/** Port of `node serve.mjs`; PORT moves it, e.g. when 4173 is taken. Its budgets in package.json say 4173. */
const port = Number(process.env.PORT ?? 4173)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'tests',
  testMatch: '*.perf.ts',
  // Measurements must not share the CPU with each other: one test at a time.
  workers: 1,
  fullyParallel: false,
  // Each page is loaded several times (and audited by Lighthouse): far beyond Playwright's 30 s.
  timeout: 120_000,
  reporter: [['list'], ['perfgate/playwright-reporter']],
  use: { baseURL },
  webServer: {
    command: 'node serve.mjs',
    url: baseURL,
    env: { PORT: String(port) },
    // Locally, a `pnpm serve` already running is reused; in CI the run starts its own.
    reuseExistingServer: !process.env.CI,
  },
})

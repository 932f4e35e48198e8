import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { BrowserType } from 'playwright-core'
import { perfgateError } from '../errors.js'

/** Packages that export Playwright's `chromium` launcher, in the order they are tried. */
export const PLAYWRIGHT_PACKAGES = ['playwright-core', 'playwright', '@playwright/test'] as const

/**
 * Playwright's Chromium launcher, for `perfgate check`, which drives the browser itself. Any of
 * playwright-core, playwright or @playwright/test will do (they share one engine and none of them
 * needs its own browser download here), looked up from the project first, then from perfgate.
 *
 * @throws PerfgateError PEER_MISSING with the install command when none is installed.
 */
export function loadChromiumLauncher(cwd: string = process.cwd()): BrowserType {
  const chromium = findChromiumLauncher(cwd)
  if (chromium !== undefined) return chromium
  throw perfgateError('PEER_MISSING', { pkg: 'playwright-core', feature: 'Web budgets (perfgate check)' })
}

/**
 * The first of PLAYWRIGHT_PACKAGES that loads, or undefined. Resolved from the project first,
 * since that is where users install it (a strict pnpm layout does not let perfgate's own folder
 * see it), then from perfgate's folder. Synchronous: Playwright can be required.
 */
export function findChromiumLauncher(cwd: string = process.cwd()): BrowserType | undefined {
  const requirers = [createRequire(join(cwd, 'package.json')), createRequire(import.meta.url)]
  for (const require of requirers) {
    for (const name of PLAYWRIGHT_PACKAGES) {
      try {
        const { chromium } = require(name) as { chromium?: BrowserType }
        if (chromium !== undefined) return chromium
      } catch {
        // Not installed here: try the next.
      }
    }
  }
  return undefined
}

import { perfgateError } from '../errors.js'

/**
 * Flags perfgate launches Chromium with to measure pages. Each one removes work the browser would
 * otherwise do in the background while a page is being measured, or a network call a CI machine
 * without internet would wait on.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  // Safe Browsing list updates, variations and similar fetches compete with the page for the CPU
  // and network, and hang on machines without internet.
  '--disable-background-networking',
  // The component updater downloads (e.g. Widevine, certificate lists) shortly after start.
  '--disable-component-update',
  // Sync would try to reach Google's servers.
  '--disable-sync',
  // The first-run experience opens extra tabs and dialogs on a fresh profile.
  '--no-first-run',
]

/** Options of chromiumArgs. */
export interface ChromiumArgsOptions {
  /** Running as root, which needs --no-sandbox. @default process.getuid?.() === 0 */
  root?: boolean
  /** Open the DevTools protocol on this port (0 lets the browser choose); omitted when undefined. */
  debuggingPort?: number
  /** Further flags, appended last so they can add to or repeat the ones above. */
  extra?: readonly string[]
}

/**
 * The command-line flags to launch Chromium with for measuring pages: CHROMIUM_FLAGS, plus
 * --no-sandbox when running as root and --remote-debugging-port when a port is given.
 */
export function chromiumArgs(options: ChromiumArgsOptions = {}): string[] {
  const { debuggingPort, extra = [] } = options
  const root = options.root ?? process.getuid?.() === 0
  const args = [...CHROMIUM_FLAGS]
  // Chromium refuses to start as root with its sandbox on (common in CI containers); a sandbox
  // protects against hostile pages, and the pages measured here are the user's own.
  if (root) args.push('--no-sandbox')
  if (debuggingPort !== undefined) {
    if (!Number.isInteger(debuggingPort) || debuggingPort < 0 || debuggingPort > 65_535) {
      throw perfgateError('WEB_OPTIONS_INVALID', {
        fn: 'chromiumArgs()',
        problem: `debuggingPort is ${String(debuggingPort)}`,
        fix: 'Pass a whole number from 0 to 65535 (0 lets the browser choose a free port).',
      })
    }
    // Lighthouse attaches to the browser through this port.
    args.push(`--remote-debugging-port=${debuggingPort}`)
  }
  args.push(...extra)
  return args
}

import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { win32 } from 'node:path'
import { perfgateError } from '../errors.js'
import { findChromiumLauncher } from './load-playwright.js'

/** Where findChromium found the browser. */
export type ChromiumSource = 'option' | 'PERFGATE_CHROME' | 'CHROME_PATH' | 'playwright' | 'system'

/** A browser to measure pages in. */
export interface FoundChromium {
  executablePath: string
  from: ChromiumSource
}

/** The outside world findChromium looks at. Every field defaults to the real thing. */
export interface FindChromiumOptions {
  /** Use this browser; it must exist. Wins over everything else. */
  executablePath?: string
  /** Read PERFGATE_CHROME and CHROME_PATH (and Windows' program folders) here. @default process.env */
  env?: NodeJS.ProcessEnv
  /** Whether an executable file is at a path. @default a file that exists and is executable */
  exists?: (path: string) => boolean
  /**
   * Where Playwright keeps the Chromium it downloads, installed or not; undefined without
   * Playwright. @default chromium.executablePath() of playwright-core, playwright or @playwright/test
   */
  playwrightPath?: () => string | undefined
  /** Chooses the system paths and the install hint. @default process.platform */
  platform?: NodeJS.Platform
  /** Whether this Linux is Debian or Ubuntu (apt-get). @default /etc/debian_version exists */
  isDebian?: () => boolean
}

/** Environment variables naming a browser, in the order they are read. */
export const CHROMIUM_ENV_VARS = ['PERFGATE_CHROME', 'CHROME_PATH'] as const

/**
 * Find Chromium or Chrome to measure pages in, in this order: the `executablePath` option; the
 * PERFGATE_CHROME, then CHROME_PATH environment variables; the Chromium Playwright downloaded, if
 * any; the usual install paths of the platform. A path given explicitly (option or variable) that
 * is not an executable file is an error (CHROMIUM_PATH_INVALID) rather than skipped, because
 * measuring in some other browser than the one asked for would go unnoticed. Nothing found throws
 * CHROMIUM_NOT_FOUND with everything tried and the install command for the platform.
 *
 * Synchronous: Playwright is loaded with require, which it supports.
 */
export function findChromium(options: FindChromiumOptions = {}): FoundChromium {
  const env = options.env ?? process.env
  const exists = options.exists ?? isExecutableFile
  const platform = options.platform ?? process.platform

  if (options.executablePath !== undefined) {
    return explicit(options.executablePath, 'option', 'the executablePath option', exists)
  }
  for (const name of CHROMIUM_ENV_VARS) {
    const value = env[name]
    // An empty variable is how shells and CI files unset one: treat it as absent.
    if (value !== undefined && value !== '') return explicit(value, name, name, exists)
  }

  const tried = [`${CHROMIUM_ENV_VARS.join(' and ')} (not set)`]
  const playwright = (options.playwrightPath ?? playwrightChromiumPath)()
  if (playwright !== undefined) {
    if (exists(playwright)) return { executablePath: playwright, from: 'playwright' }
    tried.push(`Playwright's Chromium (${playwright}, not downloaded)`)
  } else {
    tried.push("Playwright's Chromium (Playwright not installed)")
  }
  for (const path of systemChromiumPaths(platform, env)) {
    if (exists(path)) return { executablePath: path, from: 'system' }
    tried.push(path)
  }
  throw perfgateError('CHROMIUM_NOT_FOUND', {
    tried: tried.join(', '),
    install: installHint(platform, options.isDebian ?? (() => existsSync('/etc/debian_version'))),
  })
}

/** The usual install paths of Chromium and Chrome on a platform, most likely first. */
export function systemChromiumPaths(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  switch (platform) {
    case 'darwin':
      return [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
      ]
    case 'win32': {
      // Chrome installs per machine under Program Files (either one), or per user under LocalAppData.
      const roots = [
        env.PROGRAMFILES ?? 'C:\\Program Files',
        env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)',
        ...(env.LOCALAPPDATA === undefined ? [] : [env.LOCALAPPDATA]),
      ]
      return roots.map((root) => win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'))
    }
    default:
      return [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/usr/bin/google-chrome-stable',
        '/usr/bin/google-chrome',
        '/snap/bin/chromium',
      ]
  }
}

function explicit(
  path: string,
  from: ChromiumSource,
  described: string,
  exists: (path: string) => boolean,
): FoundChromium {
  if (exists(path)) return { executablePath: path, from }
  // Pointing at the .app bundle instead of the binary inside is the usual slip on macOS.
  const reason = /\.app\/?$/.test(path)
    ? 'it is an app bundle, not the executable inside it (…/Contents/MacOS/Google Chrome)'
    : 'there is no executable file at that path'
  throw perfgateError('CHROMIUM_PATH_INVALID', { path, from: described, reason })
}

function installHint(platform: NodeJS.Platform, isDebian: () => boolean): string {
  if (platform === 'linux' && isDebian()) return 'Debian or Ubuntu: sudo apt-get install -y chromium'
  if (platform === 'darwin') return 'macOS: brew install --cask chromium'
  return 'npx playwright install chromium'
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    // Windows has no execute bit; a file is as good as it gets there.
    if (process.platform !== 'win32') accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Where Playwright's own Chromium is (or would be, once downloaded), if Playwright is installed. */
function playwrightChromiumPath(): string | undefined {
  try {
    return findChromiumLauncher()?.executablePath() || undefined
  } catch {
    // Playwright knows no browser build for this platform.
    return undefined
  }
}

import { describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { CHROMIUM_FLAGS, chromiumArgs } from '../../src/web/browser-flags.js'
import { type FindChromiumOptions, findChromium, systemChromiumPaths } from '../../src/web/find-chromium.js'

const PLAYWRIGHT_CHROME = '/home/ci/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome'

/** A machine where exactly `installed` exist, on Debian Linux with Playwright but no browser downloaded. */
function machine(installed: string[], overrides: FindChromiumOptions = {}): FindChromiumOptions {
  const present = new Set(installed)
  return {
    env: {},
    exists: (path) => present.has(path),
    playwrightPath: () => PLAYWRIGHT_CHROME,
    platform: 'linux',
    isDebian: () => true,
    ...overrides,
  }
}

describe('findChromium', () => {
  it('prefers the option, then PERFGATE_CHROME, then CHROME_PATH', () => {
    const all = ['/opt/a/chrome', '/opt/b/chrome', '/opt/c/chrome', PLAYWRIGHT_CHROME, '/usr/bin/chromium']
    const env = { PERFGATE_CHROME: '/opt/b/chrome', CHROME_PATH: '/opt/c/chrome' }
    expect(findChromium(machine(all, { env, executablePath: '/opt/a/chrome' }))).toEqual({
      executablePath: '/opt/a/chrome',
      from: 'option',
    })
    expect(findChromium(machine(all, { env }))).toEqual({
      executablePath: '/opt/b/chrome',
      from: 'PERFGATE_CHROME',
    })
    expect(findChromium(machine(all, { env: { CHROME_PATH: '/opt/c/chrome' } }))).toEqual({
      executablePath: '/opt/c/chrome',
      from: 'CHROME_PATH',
    })
  })

  it('treats an empty variable as unset', () => {
    const found = findChromium(
      machine(['/usr/bin/chromium'], { env: { PERFGATE_CHROME: '', CHROME_PATH: '' } }),
    )
    expect(found).toEqual({ executablePath: '/usr/bin/chromium', from: 'system' })
  })

  it("uses Playwright's Chromium when it is downloaded, before the system's", () => {
    expect(findChromium(machine([PLAYWRIGHT_CHROME, '/usr/bin/chromium']))).toEqual({
      executablePath: PLAYWRIGHT_CHROME,
      from: 'playwright',
    })
  })

  it('falls back to the system paths in order', () => {
    expect(findChromium(machine(['/usr/bin/google-chrome', '/snap/bin/chromium']))).toEqual({
      executablePath: '/usr/bin/google-chrome',
      from: 'system',
    })
    const mac = machine(['/Applications/Chromium.app/Contents/MacOS/Chromium'], { platform: 'darwin' })
    expect(findChromium(mac).executablePath).toBe('/Applications/Chromium.app/Contents/MacOS/Chromium')
  })

  it('knows where Chrome installs on Windows, per machine and per user', () => {
    const env = { PROGRAMFILES: 'D:\\Programs', LOCALAPPDATA: 'C:\\Users\\ci\\AppData\\Local' }
    expect(systemChromiumPaths('win32', env)).toEqual([
      'D:\\Programs\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ci\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ])
  })

  it('refuses an explicit path that is not an executable file, naming where it came from', () => {
    const installed = machine(['/usr/bin/chromium'], { env: { CHROME_PATH: '/opt/chrome/chrome' } })
    expect(() => findChromium(installed)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: The browser "/opt/chrome/chrome" given by CHROME_PATH cannot be used: there is no executable file at that path. Point CHROME_PATH at a Chromium or Chrome executable (on Debian: /usr/bin/chromium), or unset it to let perfgate search.]`,
    )
    const bundle = machine([], { executablePath: '/Applications/Google Chrome.app', platform: 'darwin' })
    expect(() => findChromium(bundle)).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: The browser "/Applications/Google Chrome.app" given by the executablePath option cannot be used: it is an app bundle, not the executable inside it (…/Contents/MacOS/Google Chrome). Point the executablePath option at a Chromium or Chrome executable (on Debian: /usr/bin/chromium), or unset it to let perfgate search.]`,
    )
  })

  it('lists everything it tried and how to install a browser when there is none', () => {
    expect(() => findChromium(machine([]))).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: No Chromium or Chrome to measure pages in. Tried: PERFGATE_CHROME and CHROME_PATH (not set), Playwright's Chromium (/home/ci/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome, not downloaded), /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome-stable, /usr/bin/google-chrome, /snap/bin/chromium. Install one (Debian or Ubuntu: sudo apt-get install -y chromium), or point perfgate at one with the executablePath option or the PERFGATE_CHROME (or CHROME_PATH) environment variable.]`,
    )
  })

  it('gives the install command of the platform', () => {
    const installHint = (overrides: FindChromiumOptions) => {
      try {
        findChromium(machine([], { playwrightPath: () => undefined, ...overrides }))
      } catch (error) {
        expect(isPerfgateError(error, 'CHROMIUM_NOT_FOUND')).toBe(true)
        return /Install one \((.*)\), or/.exec((error as Error).message)?.[1]
      }
      throw new Error('expected CHROMIUM_NOT_FOUND')
    }
    expect(installHint({ platform: 'darwin' })).toBe('macOS: brew install --cask chromium')
    expect(installHint({ platform: 'linux', isDebian: () => false })).toBe('npx playwright install chromium')
    expect(installHint({ platform: 'win32' })).toBe('npx playwright install chromium')
    expect(() => findChromium(machine([], { playwrightPath: () => undefined }))).toThrow(
      "Playwright's Chromium (Playwright not installed)",
    )
  })

  it('finds a browser on this machine with the real file system', () => {
    // The integration tests need one; this checks the default exists() and Playwright lookup run.
    const found = findChromium()
    expect(found.executablePath).toMatch(/chrom/i)
  })
})

describe('chromiumArgs', () => {
  it('adds --no-sandbox only as root, and the debugging port when given', () => {
    expect(chromiumArgs({ root: false })).toEqual([...CHROMIUM_FLAGS])
    expect(chromiumArgs({ root: true, debuggingPort: 9222, extra: ['--mute-audio'] })).toEqual([
      ...CHROMIUM_FLAGS,
      '--no-sandbox',
      '--remote-debugging-port=9222',
      '--mute-audio',
    ])
    expect(CHROMIUM_FLAGS).not.toContain('--no-sandbox')
  })

  it('refuses a port that is not one', () => {
    expect(() => chromiumArgs({ debuggingPort: 70_000 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: chromiumArgs() has an invalid option: debuggingPort is 70000. Pass a whole number from 0 to 65535 (0 lets the browser choose a free port).]`,
    )
  })
})

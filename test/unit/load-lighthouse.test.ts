import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import {
  LIGHTHOUSE_MIN_VERSION,
  type LoadLighthouseOptions,
  lighthouseInstallHint,
  loadLighthouse,
} from '../../src/web/load-lighthouse.js'

/*
 * loadLighthouse against the Lighthouse installed here (12.8.2, a devDependency), and against
 * injected package.json contents and module loaders for the cases that cannot be installed side
 * by side: absent, too old, too new for this Node, broken.
 */

const INSTALLED = (createRequire(import.meta.url)('lighthouse/package.json') as { version: string }).version
const fakeLighthouse = async () => undefined

/** Node's own error for a bare specifier that is not installed, as `import()` throws it. */
function notFound(pkg: string): Error {
  return Object.assign(
    new Error(`Cannot find package '${pkg}' imported from /app/node_modules/perfgate/dist/index.js`),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  )
}

async function loadError(options: LoadLighthouseOptions): Promise<Error> {
  const error = await loadLighthouse(options).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof Error)) throw new Error('loadLighthouse did not throw')
  return error
}

describe('loadLighthouse', () => {
  it('loads the installed Lighthouse with its version and desktop config', async () => {
    const loaded = await loadLighthouse()
    expect(loaded.version).toBe(INSTALLED)
    expect(typeof loaded.lighthouse).toBe('function')
    expect(loaded.configs.mobile).toBeUndefined()
    expect(loaded.configs.desktop).toMatchObject({
      extends: 'lighthouse:default',
      settings: { formFactor: 'desktop' },
    })
  })

  it('names the install command for this Node when Lighthouse is not installed', async () => {
    const onNode20 = await loadError({ readPackageJson: () => undefined, nodeVersion: '20.20.2' })
    expect(isPerfgateError(onNode20, 'LIGHTHOUSE_MISSING')).toBe(true)
    expect(onNode20.message).toMatchInlineSnapshot(
      `"perfgate: Lighthouse budgets need the "lighthouse" package. Install it: pnpm add -D lighthouse@12 (Lighthouse 13 needs Node 22.19.0 or newer, and this is Node 20.20.2)"`,
    )
    const onNode24 = await loadError({ readPackageJson: () => undefined, nodeVersion: '24.3.0' })
    expect(onNode24.message).toMatchInlineSnapshot(
      `"perfgate: Lighthouse budgets need the "lighthouse" package. Install it: pnpm add -D lighthouse"`,
    )
  })

  it('treats Node failing to find the lighthouse package on import as not installed', async () => {
    const error = await loadError({
      readPackageJson: () => ({ version: INSTALLED }),
      importModule: async () => {
        throw notFound('lighthouse')
      },
      nodeVersion: '22.19.0',
    })
    expect(isPerfgateError(error, 'LIGHTHOUSE_MISSING')).toBe(true)
    expect((error.cause as Error).message).toContain("Cannot find package 'lighthouse'")
  })

  it('calls a package missing inside Lighthouse a broken install, not a missing peer', async () => {
    const error = await loadError({
      readPackageJson: () => ({ version: INSTALLED }),
      importModule: async () => {
        throw notFound('puppeteer-core')
      },
    })
    expect(isPerfgateError(error, 'LIGHTHOUSE_UNUSABLE')).toBe(true)
    expect(error.message).toContain(`The installed Lighthouse ${INSTALLED} cannot be used: loading it failed`)
    expect(error.message).toContain('Reinstall it: pnpm install')
  })

  it(`refuses a Lighthouse older than ${LIGHTHOUSE_MIN_VERSION}`, async () => {
    const error = await loadError({ readPackageJson: () => ({ version: '11.7.1' }), nodeVersion: '20.20.2' })
    expect(error.message).toMatchInlineSnapshot(
      `"perfgate: The installed Lighthouse 11.7.1 cannot be used: perfgate needs Lighthouse ^12.8.0 || ^13.0.0. Upgrade it: pnpm add -D lighthouse@12"`,
    )
  })

  it('refuses, before importing it, a Lighthouse whose engines exclude this Node', async () => {
    let imported = false
    const error = await loadError({
      readPackageJson: () => ({ version: '13.0.1', engines: { node: '>=22.19' } }),
      importModule: async () => {
        imported = true
        return { default: fakeLighthouse }
      },
      nodeVersion: '20.20.2',
    })
    expect(imported).toBe(false)
    expect(error.message).toMatchInlineSnapshot(
      `"perfgate: The installed Lighthouse 13.0.1 cannot be used: it needs Node >=22.19, and this is Node 20.20.2. Install Lighthouse 12, which runs on Node 20 (pnpm add -D lighthouse@12), or upgrade Node"`,
    )
  })

  it('loads Lighthouse 13 on a Node it supports, taking the desktop config from the module', async () => {
    const desktopConfig = { extends: 'lighthouse:default', settings: { formFactor: 'desktop' } }
    const loaded = await loadLighthouse({
      readPackageJson: () => ({ version: '13.0.1', engines: { node: '>=22.19' } }),
      importModule: async () => ({ default: fakeLighthouse, desktopConfig }),
      nodeVersion: '22.19.0',
    })
    expect(loaded).toEqual({
      lighthouse: fakeLighthouse,
      version: '13.0.1',
      configs: { desktop: desktopConfig },
    })
  })

  it('imports the desktop config file when the module does not export it', async () => {
    const desktopConfig = { extends: 'lighthouse:default' }
    const asked: string[] = []
    const loaded = await loadLighthouse({
      readPackageJson: () => ({ version: '12.8.0' }),
      importModule: async (specifier) => {
        asked.push(specifier)
        return specifier === 'lighthouse' ? { default: fakeLighthouse } : { default: desktopConfig }
      },
    })
    expect(asked).toEqual(['lighthouse', 'lighthouse/core/config/desktop-config.js'])
    expect(loaded.configs.desktop).toBe(desktopConfig)
  })

  it('refuses a module without a function to run', async () => {
    const error = await loadError({
      readPackageJson: () => ({ version: '12.9.0' }),
      importModule: async () => ({ default: 'not a function' }),
      nodeVersion: '20.20.2',
    })
    expect(isPerfgateError(error, 'LIGHTHOUSE_UNUSABLE')).toBe(true)
    expect(error.message).toContain('its module has no default export to run it with')
  })
})

describe('lighthouseInstallHint', () => {
  it('pins Lighthouse 12 below Node 22.19, where Lighthouse 13 does not run', () => {
    expect(lighthouseInstallHint('20.20.2')).toBe('pnpm add -D lighthouse@12')
    expect(lighthouseInstallHint('22.18.9')).toBe('pnpm add -D lighthouse@12')
    expect(lighthouseInstallHint('22.19.0')).toBe('pnpm add -D lighthouse')
    expect(lighthouseInstallHint('v24.1.0')).toBe('pnpm add -D lighthouse')
  })
})

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The built bin, as `npx perfgate` runs it. `pnpm test` builds before vitest runs.
const BIN = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

/**
 * Run the bin with `args`. `direct` runs the file itself, as the shell runs an installed bin:
 * through its `#!/usr/bin/env node` line and executable bit (POSIX only).
 */
async function perfgate(
  args: string[],
  direct = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, argv] = direct ? [BIN, args] : [process.execPath, [BIN, ...args]]
  try {
    const { stdout, stderr } = await promisify(execFile)(file, argv, {
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

describe('the perfgate bin (dist/cli.js)', () => {
  it('exists: run `pnpm run build` first', () => {
    expect(existsSync(BIN), `${BIN} is missing; run pnpm run build`).toBe(true)
  })

  it('runs through its hashbang, prints its help and exits 0', async () => {
    const result = await perfgate(['--help'], process.platform !== 'win32')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: perfgate <command> [options]')
    expect(result.stdout).toContain('baseline accept')
  })

  it('prints the environment as JSON and exits 0', async () => {
    const result = await perfgate(['env', '--json'])
    expect(result.code).toBe(0)
    const env = JSON.parse(result.stdout)
    expect(env.runtime).toMatchObject({ name: 'node', version: process.versions.node })
    expect(env.perfgateVersion).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('exits 2 on a usage error', async () => {
    const result = await perfgate(['comapre'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Did you mean "compare"?')
  })
})

import { describe, expect, it } from 'vitest'
import { definePerfConfig, PERF_TEST_DEFAULTS, perfgateBase } from '../../matchers/vitest/config.js'
import { toVitestPass } from '../../matchers/vitest/matcher-context.js'

describe('toVitestPass', () => {
  // Whether the assertion holds, as the user sees it: Vitest inverts `pass` for `.not`.
  const holds = (...args: Parameters<typeof toVitestPass>) => {
    const [, isNot] = args
    const pass = toVitestPass(...args)
    return isNot ? !pass : pass
  }

  it.each([
    // outcome,        isNot, policy,  assertion holds
    ['claim', false, 'fail', true],
    ['claim', true, 'fail', false],
    ['opposite', false, 'fail', false],
    ['opposite', true, 'fail', true],
    // Neither `x` nor `not x` was shown, so both fail...
    ['inconclusive', false, 'fail', false],
    ['inconclusive', true, 'fail', false],
    // ...unless unsettled verdicts are allowed through, when both hold.
    ['inconclusive', false, 'warn', true],
    ['inconclusive', true, 'warn', true],
    // 'warn' changes nothing once the data have decided.
    ['claim', false, 'warn', true],
    ['claim', true, 'warn', false],
    ['opposite', false, 'warn', false],
    ['opposite', true, 'warn', true],
  ] as const)(
    '%s with isNot=%s and policy %s: the assertion holds = %s',
    (outcome, isNot, policy, expected) => {
      expect(holds(outcome, isNot, policy)).toBe(expected)
    },
  )
})

describe('definePerfConfig', () => {
  it('gives perf tests their defaults when called with nothing', () => {
    expect(definePerfConfig()).toEqual({
      // Idle unless PERFGATE_BASE_REF is set (see base-plugin.ts).
      plugins: [expect.objectContaining({ name: 'perfgate:base' })],
      test: { ...PERF_TEST_DEFAULTS, setupFiles: ['perfgate/vitest'] },
    })
    expect(definePerfConfig().test).toMatchObject({
      include: ['**/*.perf.{ts,mts,cts,js,mjs,cjs}'],
      setupFiles: ['perfgate/vitest'],
      fileParallelism: false,
      maxWorkers: 1,
      pool: 'forks',
      isolate: true,
      testTimeout: 300_000,
      hookTimeout: 120_000,
      sequence: { concurrent: false },
    })
  })

  it('lets the user override every default', () => {
    const config = definePerfConfig({
      test: { include: ['perf/**/*.perf.ts'], testTimeout: 10_000, pool: 'threads', maxWorkers: 2 },
    })
    expect(config.test).toMatchObject({
      include: ['perf/**/*.perf.ts'],
      testTimeout: 10_000,
      pool: 'threads',
      maxWorkers: 2,
      // Untouched defaults stay.
      fileParallelism: false,
      hookTimeout: 120_000,
    })
  })

  it('keeps perfgate/vitest among the setup files exactly once, first unless the user placed it', () => {
    expect(definePerfConfig({ test: { setupFiles: ['./setup.ts'] } }).test.setupFiles).toEqual([
      'perfgate/vitest',
      './setup.ts',
    ])
    expect(definePerfConfig({ test: { setupFiles: './setup.ts' } }).test.setupFiles).toEqual([
      'perfgate/vitest',
      './setup.ts',
    ])
    // Where the user put it, it stays: their setup may need to run before it.
    expect(
      definePerfConfig({ test: { setupFiles: ['./polyfill.ts', 'perfgate/vitest'] } }).test.setupFiles,
    ).toEqual(['./polyfill.ts', 'perfgate/vitest'])
    expect(definePerfConfig({ test: { setupFiles: 'perfgate/vitest' } }).test.setupFiles).toEqual([
      'perfgate/vitest',
    ])
    expect(definePerfConfig({ test: { setupFiles: [] } }).test.setupFiles).toEqual(['perfgate/vitest'])
    expect(
      definePerfConfig({ test: { setupFiles: ['perfgate/vitest', './a.ts', 'perfgate/vitest'] } }).test
        .setupFiles,
    ).toEqual(['perfgate/vitest', './a.ts'])
  })

  it('returns fresh defaults each time, so mutating one config cannot change the next', () => {
    const first = definePerfConfig()
    ;(first.test.include as string[]).push('mutated')
    expect(definePerfConfig().test.include).toEqual(['**/*.perf.{ts,mts,cts,js,mjs,cjs}'])
  })

  it('keeps the other keys of the config and of its test section', () => {
    const plugin = { name: 'my-plugin' }
    const config = definePerfConfig({
      plugins: [plugin],
      resolve: { alias: { '@': '/src' } },
      test: { env: { TZ: 'UTC' }, name: 'perf' },
    })
    expect(config.plugins).toEqual([plugin, expect.objectContaining({ name: 'perfgate:base' })])
    expect(config.plugins[0]).toBe(plugin)
    expect(config.resolve).toEqual({ alias: { '@': '/src' } })
    expect(config.test).toMatchObject({ env: { TZ: 'UTC' }, name: 'perf', pool: 'forks' })
  })

  it("adds perfgate's Vite plugin once, keeping one the user placed", () => {
    const own = perfgateBase()
    const config = definePerfConfig({ plugins: [own, { name: 'later' }] })
    expect(config.plugins).toEqual([own, { name: 'later' }])
    expect(config.plugins[0]).toBe(own)
  })

  it('does not change the config it is given', () => {
    const input = { test: { setupFiles: ['./setup.ts'] } }
    definePerfConfig(input)
    expect(input).toEqual({ test: { setupFiles: ['./setup.ts'] } })
  })
})

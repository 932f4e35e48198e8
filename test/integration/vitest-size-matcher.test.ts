import { realpathSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { type FixtureRun, installFixture, runVitestIn } from '../helpers/run-vitest-fixture.js'

/*
 * toMeetSizeBudget in a real Vitest 4 run on test/fixtures/vitest-projects/sizes, with the real
 * size-limit linked into the fixture's node_modules as a user would install it. Vitest 5 runs the
 * same matcher code; the other fixtures cover the setup file under both majors.
 */

const REPO = join(import.meta.dirname, '../..')
let run: FixtureRun

function sizeRecords(records: readonly PerfRecord[]) {
  return records.flatMap((r) => (r.kind === 'size' ? [r] : []))
}

beforeAll(async () => {
  const dir = installFixture('sizes', 4)
  const modules = join(dir, 'node_modules')
  // size-limit and its plugins, as a user installs them next to perfgate.
  symlinkSync(realpathSync(join(REPO, 'node_modules/size-limit')), join(modules, 'size-limit'))
  symlinkSync(realpathSync(join(REPO, 'node_modules/@size-limit')), join(modules, '@size-limit'))
  run = await runVitestIn(dir, 4)
}, 120_000)

describe('toMeetSizeBudget', () => {
  test('passes a file within its package.json budget, found by path, and records the size', () => {
    const t = run.test('package.json budget by path')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    const [record] = sizeRecords(t.records)
    expect(record?.result).toMatchObject({ files: ['build/index.js'], rawBytes: 45 })
    expect(record?.verdict?.source).toEqual({ kind: 'config', file: 'package.json', key: 'budgets.size[0]' })
    expect(record?.verdict?.metrics.map((m) => [m.metric, m.status])).toEqual([
      ['raw', 'pass'],
      ['gzip', 'pass'],
    ])
  })

  test('fails a file over its package.json budget with the size, the limit and the key', () => {
    const t = run.test('package.json budget broken')
    expect(t.status).toBe('failed')
    const message = t.failureMessages.join('\n')
    expect(message).toContain('"big file" raw is 385 B, 3.85× its 100 B budget.')
    expect(message).toContain(
      'If the size is intended, raise perfgate.budgets.size[1].limit in package.json.',
    )
  })

  test('fails an inline budget, naming it inline', () => {
    const t = run.test('inline budget broken')
    expect(t.status).toBe('failed')
    const message = t.failureMessages.join('\n')
    expect(message).toMatch(/"build\/index\.js" gzip is \d+ B, [\d.]+× its 10 B budget\./)
    expect(message).toContain('(inline)')
    expect(sizeRecords(t.records)[0]?.verdict?.status).toBe('fail')
  })

  test('.not passes when the file is over the budget', () => {
    const t = run.test('inline budget negated')
    expect(t.status, t.failureMessages.join('\n')).toBe('passed')
    expect(sizeRecords(t.records)[0]?.negated).toBe(true)
  })

  test('says where to add a budget when there is none for the path', () => {
    const t = run.test('no budget for the path')
    expect(t.status).toBe('failed')
    expect(t.failureMessages.join('\n')).toContain(
      'There is no size budget for "build/other.js" in package.json (the size budgets are for "build/index.js", "big file").',
    )
  })
})

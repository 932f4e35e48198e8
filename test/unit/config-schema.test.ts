import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.js'
import { designExample } from '../fixtures/design-config.js'
import { violations } from '../helpers/json-schema-violations.js'

const committed = new URL('../../schema/perfgate.schema.json', import.meta.url)

describe('schema/perfgate.schema.json', () => {
  it('is what scripts/write-schema.ts generates (run `pnpm schema` after changing the zod schema)', async () => {
    expect(await readFile(committed, 'utf8')).toBe(configJsonSchemaText())
  })

  it('names itself', () => {
    expect(configJsonSchema()).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://unpkg.com/perfgate/schema/perfgate.schema.json',
      title: 'perfgate config',
      type: 'object',
      additionalProperties: false,
    })
  })

  it('accepts the DESIGN.md example and an empty config', () => {
    expect(violations(configJsonSchema(), designExample)).toEqual([])
    expect(violations(configJsonSchema(), {})).toEqual([])
  })

  it('accepts every unit spelling the parsers accept', () => {
    const config = {
      budgets: {
        bench: {
          'sort *': { p50: '250ns', p75: '250 µs', p90: '5 MS', p95: 2, max: '2m', opsPerSec: '>= 10000' },
        },
        size: [{ path: 'dist/*.js', limit: '512b', gzip: '10 KiB', brotli: 9000, allowedGrowth: '150%' }],
        web: [
          {
            url: 'https://example.com/',
            lighthouse: { seo: 1, 'total-byte-weight': '500 kB', 'speed-index': '3s' },
          },
        ],
        http: [{ url: 'http://127.0.0.1:3000/', method: 'POST', errorRate: '< 1%', rps: 500, amount: 1000 }],
      },
      regression: { threshold: 0.05, failOnEnvironmentChange: true },
      output: { dir: 'perf', baseline: 'main' },
      bench: { time: '1s', confidence: 0.99, noiseBand: '2%' },
    }
    expect(violations(configJsonSchema(), config)).toEqual([])
  })

  it('flags in the editor what perfgate would reject', () => {
    const bad = {
      budgets: {
        bench: { 'sort 10k': { p95: 'fast', p59: '1ms', opsPerSec: '=> 5' } },
        size: [{ gzip: '-5 kB' }],
        web: [{ url: 'http://x/', lighthouse: { performance: 2, seo: '0.9' } }],
      },
      regression: { tresholds: '5%', confidence: 1 },
    }
    expect(violations(configJsonSchema(), bad)).toMatchInlineSnapshot(`
      [
        "$.budgets.bench.sort 10k.p95: no anyOf option",
        "$.budgets.bench.sort 10k.p59: not allowed",
        "$.budgets.bench.sort 10k.opsPerSec: no anyOf option",
        "$.budgets.size[0].path: required",
        "$.budgets.size[0].gzip: no anyOf option",
        "$.budgets.web[0].lighthouse.performance: no anyOf option",
        "$.budgets.web[0].lighthouse.seo: no anyOf option",
        "$.regression.tresholds: not allowed",
        "$.regression.confidence: <",
      ]
    `)
  })
})

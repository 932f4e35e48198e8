import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.js'
import { designExample } from '../fixtures/design-config.js'

const committed = new URL('../../schema/perfgate.schema.json', import.meta.url)

type Schema = Record<string, unknown>

/**
 * The JSON Schema keywords the generated schema uses, checked the way an editor would. Kept
 * small on purpose: no validator is a dependency, and an unknown keyword fails the test rather
 * than being ignored, so a new keyword cannot slip through unchecked.
 */
function violations(schema: Schema, value: unknown, path = '$'): string[] {
  const known = new Set([
    ...['$schema', '$id', 'title', 'description', 'default', 'examples', 'format', 'propertyNames'],
    ...['type', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'enum', 'pattern'],
    ...['minLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ])
  const unknown = Object.keys(schema).filter((key) => !known.has(key))
  if (unknown.length > 0) return [`${path}: unchecked keywords ${unknown.join(', ')}`]
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as Schema[]
    return options.some((option) => violations(option, value, path).length === 0)
      ? []
      : [`${path}: no anyOf option`]
  }
  const problems: string[] = []
  const type = schema.type as string | undefined
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  const typeOk =
    type === undefined ||
    (type === 'object' && isObject) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'number' && typeof value === 'number') ||
    (type === typeof value && (type === 'string' || type === 'boolean'))
  if (!typeOk) return [`${path}: expected ${type}`]
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: not in enum`)
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: pattern`)
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${path}: minLength`)
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: minimum`)
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: maximum`)
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      problems.push(`${path}: >`)
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
      problems.push(`${path}: <`)
  }
  if (isObject) {
    const record = value as Record<string, unknown>
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const key of (schema.required ?? []) as string[])
      if (!(key in record)) problems.push(`${path}.${key}: required`)
    for (const [key, child] of Object.entries(record)) {
      const childSchema = properties[key] ?? schema.additionalProperties
      if (childSchema === false) problems.push(`${path}.${key}: not allowed`)
      else if (childSchema !== undefined && childSchema !== true)
        problems.push(...violations(childSchema as Schema, child, `${path}.${key}`))
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) {
      problems.push(...violations(schema.items as Schema, item, `${path}[${index}]`))
    }
  }
  return problems
}

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
      output: { dir: 'perf', baseline: 'perf/baseline.json' },
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

import { z } from 'zod'
import { perfgateConfigSchema } from './schema.js'

/** Where the published JSON Schema can be fetched; also its `$id`. */
export const CONFIG_SCHEMA_ID = 'https://unpkg.com/perfgate/schema/perfgate.schema.json'

/**
 * The JSON Schema of the "perfgate" key of package.json, generated from the zod schema's input
 * side: it describes what users type ("5ms", "10 kB"), with the parsers' own patterns, so an
 * editor flags what perfgate would reject.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(perfgateConfigSchema, { io: 'input', target: 'draft-2020-12' })
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'perfgate config',
    description:
      'The "perfgate" key of package.json: performance budgets (bench, size, web, http), regression settings, output paths and bench defaults. Every key is described in docs/config.md.',
    ...body,
  }
}

/** {@link configJsonSchema} as the exact text of schema/perfgate.schema.json. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`
}

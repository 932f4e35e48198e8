import { z } from 'zod'
import { BASELINE_SCHEMA_VERSION, baselineFileSchema } from '../baseline/baseline-file.js'
import { VERIFY_SCHEMA_VERSION, verifyEventSchema } from '../log/verify-event.js'
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

/** Where the published JSON Schemas of perfgate's files can be fetched. */
const SCHEMA_BASE = 'https://unpkg.com/perfgate/schema'

/** JSON Schema of the data perfgate writes: what a reader of the file may rely on. */
function fileSchema(
  schema: z.ZodType,
  id: string,
  title: string,
  description: string,
): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    // The environment's platform and warning codes are checked as plain strings when read.
    unrepresentable: 'any',
    override: (context) => {
      if ((context.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === 'custom') {
        context.jsonSchema.type = 'string'
      }
    },
  })
  return { $schema, $id: `${SCHEMA_BASE}/${id}`, title, description, ...body }
}

/** The JSON Schema of a baseline (and candidate) file, `.perfgate/baselines/<name>.json`. */
export function baselineJsonSchema(): Record<string, unknown> {
  return fileSchema(
    baselineFileSchema,
    'baseline.schema.json',
    `perfgate baseline, schemaVersion ${BASELINE_SCHEMA_VERSION}`,
    "An accepted baseline or a run's candidate: the environment, and per bench the raw batch times, batch size, stats with intervals and the budget. Described in docs/baselines.md.",
  )
}

/** The JSON Schema of one line of the [VERIFY] JSONL log. */
export function verifyEventJsonSchema(): Record<string, unknown> {
  return fileSchema(
    verifyEventSchema,
    'verify-event.schema.json',
    `perfgate [VERIFY] event, v ${VERIFY_SCHEMA_VERSION}`,
    'One line of the [VERIFY] JSONL log. Described in docs/verify-log.md.',
  )
}

/** A schema as the exact text of its file under schema/. */
export function schemaText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}

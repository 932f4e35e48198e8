// Writes the JSON Schemas under schema/ from the zod schemas: the config (perfgate.schema.json),
// baseline files and [VERIFY] events. Run with `pnpm schema` after changing a schema;
// test/unit/config-schema.test.ts fails until the files match.
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import {
  baselineJsonSchema,
  configJsonSchemaText,
  schemaText,
  verifyEventJsonSchema,
} from '../src/config/json-schema.js'

const files: Record<string, string> = {
  'perfgate.schema.json': configJsonSchemaText(),
  'baseline.schema.json': schemaText(baselineJsonSchema()),
  'verify-event.schema.json': schemaText(verifyEventJsonSchema()),
}
for (const [name, text] of Object.entries(files)) {
  const target = fileURLToPath(new URL(`../schema/${name}`, import.meta.url))
  await writeFile(target, text)
  console.log(`wrote ${target}`)
}

// Writes schema/perfgate.schema.json from the zod config schema. Run with `pnpm schema` after
// changing src/config/schema.ts; test/unit/config-schema.test.ts fails until the file matches.
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { configJsonSchemaText } from '../src/config/json-schema.js'

const target = fileURLToPath(new URL('../schema/perfgate.schema.json', import.meta.url))
await writeFile(target, configJsonSchemaText())
console.log(`wrote ${target}`)

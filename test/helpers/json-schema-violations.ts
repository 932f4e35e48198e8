// A small JSON Schema checker for perfgate's own generated schemas. Kept small on purpose: no
// validator is a dependency, and an unknown keyword fails the check rather than being ignored,
// so a new keyword cannot slip through unchecked.

export type Schema = Record<string, unknown>

const KNOWN = new Set([
  ...['$schema', '$id', '$defs', '$ref', 'title', 'description', 'default', 'examples', 'format'],
  ...['type', 'const', 'enum', 'anyOf', 'oneOf', 'properties', 'required', 'additionalProperties'],
  ...['propertyNames', 'items', 'prefixItems', 'minItems', 'maxItems', 'pattern', 'minLength'],
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
])

/** What is wrong with `value` under `schema`, checked the way an editor would; [] when nothing. */
export function violations(schema: Schema, value: unknown, path = '$', root: Schema = schema): string[] {
  const unknown = Object.keys(schema).filter((key) => !KNOWN.has(key))
  if (unknown.length > 0) return [`${path}: unchecked keywords ${unknown.join(', ')}`]
  const check = (child: Schema, v: unknown, p: string) => violations(child, v, p, root)
  if (typeof schema.$ref === 'string') {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1]
    const target = name === undefined ? undefined : (root.$defs as Record<string, Schema>)[name]
    if (target === undefined) return [`${path}: unresolved $ref ${schema.$ref}`]
    return check(target, value, path)
  }
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as Schema[]).some((option) => check(option, value, path).length === 0)
      ? []
      : [`${path}: no anyOf option`]
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter((option) => check(option, value, path).length === 0)
    return matching.length === 1 ? [] : [`${path}: ${matching.length} oneOf options match, not 1`]
  }
  const problems: string[] = []
  const types =
    schema.type === undefined ? undefined : ([] as string[]).concat(schema.type as string | string[])
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  const is = (type: string) =>
    (type === 'object' && isObject) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'null' && value === null) ||
    (type === typeof value && (type === 'string' || type === 'boolean'))
  const type = types?.join(' or ')
  const typeOk = types === undefined || types.some(is)
  if (!typeOk) return [`${path}: expected ${type}`]
  if ('const' in schema && schema.const !== value)
    problems.push(`${path}: not ${JSON.stringify(schema.const)}`)
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
      if (schema.propertyNames !== undefined)
        problems.push(...check(schema.propertyNames as Schema, key, `${path}[key ${key}]`))
      const childSchema = properties[key] ?? schema.additionalProperties
      if (childSchema === false) problems.push(`${path}.${key}: not allowed`)
      else if (childSchema !== undefined && childSchema !== true)
        problems.push(...check(childSchema as Schema, child, `${path}.${key}`))
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${path}: minItems`)
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${path}: maxItems`)
    const prefix = (schema.prefixItems ?? []) as Schema[]
    for (const [index, item] of value.entries()) {
      const itemSchema = prefix[index] ?? schema.items
      if (itemSchema !== undefined && itemSchema !== false && itemSchema !== true)
        problems.push(...check(itemSchema as Schema, item, `${path}[${index}]`))
      else if (itemSchema === false) problems.push(`${path}[${index}]: not allowed`)
    }
  }
  return problems
}

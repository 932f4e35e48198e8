import type { z } from 'zod'

// The parts of zod's schema definitions (`schema._zod.def`) needed to walk down a path. Only the
// kinds the config schema uses are followed; anything else ends the walk with "unknown".
interface Def {
  type: string
  shape?: Record<string, z.core.$ZodType>
  valueType?: z.core.$ZodType
  element?: z.core.$ZodType
  innerType?: z.core.$ZodType
  in?: z.core.$ZodType
  options?: readonly z.core.$ZodType[]
  getter?: () => z.core.$ZodType
}

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def

/**
 * The keys the object schema at `path` inside `schema` accepts, in declaration order, or
 * undefined when `path` does not lead to an object schema. Used to suggest a fix for an unknown
 * key: `knownKeysAt(perfgateConfigSchema, ['regression'])` lists `threshold`, `confidence`, ….
 */
export function knownKeysAt(
  schema: z.core.$ZodType,
  path: readonly PropertyKey[],
): readonly string[] | undefined {
  const def = defOf(schema)
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return def.innerType && knownKeysAt(def.innerType, path)
    case 'pipe':
      // The input side is what the user wrote, and what the path points into.
      return def.in && knownKeysAt(def.in, path)
    case 'lazy':
      return def.getter && knownKeysAt(def.getter(), path)
    case 'union':
      for (const option of def.options ?? []) {
        const keys = knownKeysAt(option, path)
        if (keys) return keys
      }
      return undefined
    case 'object': {
      if (path.length === 0) return Object.keys(def.shape ?? {})
      const [head, ...rest] = path
      const child = typeof head === 'string' ? def.shape?.[head] : undefined
      return child && knownKeysAt(child, rest)
    }
    case 'record':
      return path.length > 0 && def.valueType ? knownKeysAt(def.valueType, path.slice(1)) : undefined
    case 'array':
      return path.length > 0 && typeof path[0] === 'number' && def.element
        ? knownKeysAt(def.element, path.slice(1))
        : undefined
    default:
      return undefined
  }
}

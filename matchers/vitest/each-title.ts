import { format } from 'node:util'

/*
 * The titles Vitest gives the blocks of `describe.each(table)(name, fn)` and `describe.for`, so
 * that perfTests inside them in a base file are named as the head's are. This follows
 * formatTitle of @vitest/runner 4 and 5 for what titles are made of in practice: `%#` and `%$`
 * (index, from 0 and 1), printf placeholders (`%s`, `%d`, `%i`, `%f`, `%j`, `%o`) filled from the
 * row, and `$key` / `$a.b` / `$0` from an object row or an array. Vitest's quirks with `%%` and
 * with -0 under `%f` are not copied. Values other than strings, numbers, booleans, null and
 * undefined are shown as Node shows them, which may differ from Vitest's display: such a block's
 * perfTests then find no base, and say so.
 */

const PLACEHOLDER = /%[sdifjoOc%]/g

/** Stands for a literal "%%" while the index placeholders are replaced, as Vitest does. */
const ESCAPED_PERCENT = '__perfgate_escaped_%__'

/** The title of row `index` (its values `items`) for the template `template`. */
export function eachTitle(template: string, items: readonly unknown[], index: number): string {
  let title = template
  if (title.includes('%#') || title.includes('%$')) {
    title = title
      .replaceAll('%%', ESCAPED_PERCENT)
      .replaceAll('%#', String(index))
      .replaceAll('%$', String(index + 1))
      .replaceAll(ESCAPED_PERCENT, '%%')
  }
  const objectRow = isPlainObject(items[0])
  title = title.replace(/\$([$\w.]+)/g, (whole, key: string) => {
    const arrayKey = /^\d+$/.test(key)
    if (!objectRow && !arrayKey) return whole
    const value = objectRow ? attribute(items[0], key) : attribute(items, key)
    return display(value)
  })
  let next = 0
  return title.replace(PLACEHOLDER, (placeholder) => {
    if (placeholder === '%%') return '%'
    if (next >= items.length) return placeholder
    return placeholder === '%s' ? display(items[next++], false) : format(placeholder, items[next++])
  })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function attribute(source: unknown, path: string): unknown {
  let value: unknown = source
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key]
  return value
}

/** How Vitest shows a value in a title: strings quoted for `$key`, bare for `%s`. */
function display(value: unknown, quoted = true): string {
  if (typeof value === 'string') return quoted ? `'${value}'` : value
  if (Object.is(value, -0)) return '-0'
  return typeof value === 'object' && value !== null ? format('%o', value) : String(value)
}

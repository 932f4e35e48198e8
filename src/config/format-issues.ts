import type { z } from 'zod'
import { didYouMean } from './did-you-mean.js'
import { knownKeysAt } from './known-keys.js'

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * A path as a person would write it in JavaScript: dots for identifier keys, `["..."]` for other
 * strings, `[0]` for array indices: `budgets.bench["sort 10k"].p95`, `budgets.size[0].gzip`.
 * The empty path (the "perfgate" value itself) is `the "perfgate" key`, or `root` when the
 * issues are about something else (an inline budget).
 */
export function formatPath(path: readonly PropertyKey[], root = 'the "perfgate" key'): string {
  if (path.length === 0) return root
  let text = ''
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`
    else text += `[${JSON.stringify(typeof key === 'symbol' ? String(key) : key)}]`
  }
  return text
}

/**
 * One problem per block, each two lines:
 *
 * ```
 * ✖ Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast"
 *   → at budgets.bench["sort 10k"].p95
 * ```
 *
 * An object with unknown keys gets one block per key, with `Did you mean "threshold"?` when a
 * known key is a small edit away, else the list of known keys. `schema` is the schema the issues
 * came from; it supplies the known keys.
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  schema?: z.core.$ZodType,
  root?: string,
): string {
  return issues.flatMap((issue) => formatIssue(issue, schema, root)).join('\n')
}

/** The lines of one issue; see {@link formatIssues}. */
export function formatIssue(issue: z.core.$ZodIssue, schema?: z.core.$ZodType, root?: string): string[] {
  const where = `  → at ${formatPath(issue.path, root)}`
  if (issue.code !== 'unrecognized_keys') return [`✖ ${issue.message}`, where]
  const known = schema ? knownKeysAt(schema, issue.path) : undefined
  return issue.keys.flatMap((key) => [`✖ ${unknownKey(key, known)}`, where])
}

function unknownKey(key: string, known: readonly string[] | undefined): string {
  const head = `Unknown key ${JSON.stringify(key)}`
  if (!known || known.length === 0) return head
  const suggestion = didYouMean(key, known)
  if (suggestion !== undefined) return `${head}. Did you mean ${JSON.stringify(suggestion)}?`
  return `${head} (known keys: ${known.join(', ')})`
}

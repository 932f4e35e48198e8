import { isPerfgateError } from '../errors.js'

/**
 * Wording of the problems listed in a CONFIG_INVALID error. Each config schema names what it
 * expects here, so a problem reads `Expected a URL like "http://…", received "localhost"` rather
 * than zod's generic "Invalid input". Message wording is API: tests pin it with inline snapshots.
 */

/** The part of a zod issue an error map needs: the value that failed. */
export interface IssueInput {
  readonly input?: unknown
}

/** A zod error map: the message for a failed value, or undefined to let zod's default speak. */
export type IssueMessage = (issue: IssueInput) => string | undefined

/**
 * An error map saying `Expected <description>, received <value>`, or, when the key is absent,
 * `Expected <description>, but the key is missing`.
 */
export function expected(description: string): IssueMessage {
  return (issue) =>
    issue.input === undefined
      ? `Expected ${description}, but the key is missing`
      : `Expected ${description}, received ${showValue(issue.input)}`
}

/**
 * An error map that runs a unit parser on the failed value and returns the parser's catalogue
 * message (without the "perfgate: " prefix and final period, as a problem line), so a bad
 * duration reads the same in package.json and in an inline budget.
 */
export function rejectedBy(parse: (input: string | number) => unknown): IssueMessage {
  return (issue) => {
    const line = rejection(() => parse(issue.input as string | number))
    // A required key left out reads as such, not as a value "undefined" someone wrote.
    return issue.input === undefined
      ? line?.replace(/,? received undefined$/, ', but the key is missing')
      : line
  }
}

/** Run `attempt` and return {@link problemLine} of what it throws, or undefined when it does not. */
export function rejection(attempt: () => unknown): string | undefined {
  try {
    attempt()
    return undefined
  } catch (error) {
    return problemLine(error)
  }
}

/**
 * The message of a thrown error as a problem line: a PerfgateError's message without the
 * "perfgate: " prefix and final period (the CONFIG_INVALID error around it carries both).
 */
export function problemLine(error: unknown): string {
  if (isPerfgateError(error)) return error.message.replace(/^perfgate: /, '').replace(/\.$/, '')
  return error instanceof Error ? error.message : String(error)
}

const MAX_SHOWN = 60

/**
 * A value as a person would write it in package.json: strings quoted, objects as JSON, long
 * values cut at 60 characters with an ellipsis.
 */
export function showValue(value: unknown): string {
  let text: string
  if (typeof value === 'number' || typeof value === 'bigint') text = String(value)
  else if (value === undefined) text = 'undefined'
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text
}

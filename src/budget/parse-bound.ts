import { perfgateError } from '../errors.js'

/** A comparison operator of a bound. The actual value must satisfy `actual <op> value`. */
export type BoundOp = '<' | '<=' | '>' | '>='

/** A limit with its direction: `{ op: '>=', value: 10000 }` reads "at least 10000". */
export interface Bound {
  op: BoundOp
  /** In the unit of the value parser that produced it (ns, bytes, a fraction, a plain number). */
  value: number
}

/** A parser for the value part of a bound, such as `parseDuration` or `parsePercent`. */
export type ValueParser = (input: string | number, where?: string) => number

/** Operators as messages and tables print them: `≤ 2.00 ms`, `≥ 10,000 ops/s`. */
export const BOUND_OP_TEXT: Readonly<Record<BoundOp, string>> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' }

/** Operator assumed for a bare value: budgets are upper limits unless they say otherwise. */
export const DEFAULT_BOUND_OP: BoundOp = '<='

// Longest operators first so "<=" is not read as "<" followed by "=...". The Unicode ≤ and ≥ are
// accepted because they are what people paste from documents.
const OPERATOR_SOURCE = '(<=|>=|≤|≥|<|>)'
const OP_RE = new RegExp(`^\\s*${OPERATOR_SOURCE}?\\s*([\\s\\S]*)$`)
const NORMALISED: Readonly<Record<string, BoundOp>> = {
  '<': '<',
  '<=': '<=',
  '≤': '<=',
  '>': '>',
  '>=': '>=',
  '≥': '>=',
}
// A value that still starts with an operator character means an operator we do not accept: "=>", "==", "<<".
const STRAY_OPERATOR_RE = /^[<>=!≤≥]/

/**
 * The anchored pattern of a bound whose value matches `valuePattern` (itself anchored, as
 * `DURATION_PATTERN` and friends are), usable as a JSON Schema `pattern`.
 */
export function boundPattern(valuePattern: string): string {
  return `^\\s*${OPERATOR_SOURCE}?${valuePattern.slice(1)}`
}

/**
 * Parse a bound such as `">= 10000"`, `"< 0.1%"` or `"<=5ms"`.
 *
 * The operator is one of `<`, `<=`, `>`, `>=` (`≤` and `≥` are read as `<=` and `>=`), with optional
 * whitespace around it. A bare value (`"5ms"`, or a number) gets `defaultOp`.
 *
 * @param input - The bound as written by the user.
 * @param parseValue - Parses the value part and throws the catalogue error for a bad value.
 * @param where - Where the bound came from, named in the error.
 * @param defaultOp - Operator for a bare value: `<=` (at most) unless the metric is a minimum,
 * like operations per second. @default DEFAULT_BOUND_OP
 * @throws PerfgateError `BOUND_INVALID` for an unknown operator (`"=> 5"`, `"== 5"`) or input that
 * is neither a string nor a number; the value parser's error for a bad value (`"< fast"`).
 */
export function parseBound(
  input: string | number,
  parseValue: ValueParser,
  where?: string,
  defaultOp: BoundOp = DEFAULT_BOUND_OP,
): Bound {
  if (typeof input === 'number') return { op: defaultOp, value: parseValue(input, where) }
  const match = typeof input === 'string' ? OP_RE.exec(input) : null
  const rest = match?.[2]
  if (!match || rest === undefined || STRAY_OPERATOR_RE.test(rest)) {
    throw perfgateError('BOUND_INVALID', {
      received: input,
      defaultOp,
      ...(where === undefined ? {} : { where }),
    })
  }
  const op = match[1] === undefined ? defaultOp : NORMALISED[match[1]]!
  return { op, value: parseValue(rest, where) }
}

/** Whether `value` satisfies `bound`: `satisfiesBound(3, { op: '<=', value: 5 })` is true. */
export function satisfiesBound(value: number, bound: Bound): boolean {
  switch (bound.op) {
    case '<':
      return value < bound.value
    case '<=':
      return value <= bound.value
    case '>':
      return value > bound.value
    case '>=':
      return value >= bound.value
  }
}

// The core recognises results (compareResults needs the same test); re-exported for the matchers.
export {
  isBenchResult as isPerfgateBenchResult,
  isVitestBenchResult,
} from '../../src/measure/compare-results.js'

/** A short description of an unexpected value for error messages: `a string ("fast")`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`
  if (typeof value === 'number') return `a number (${value})`
  if (typeof value === 'object') {
    const keys = Object.keys(value).slice(0, 5)
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`
  }
  return `a ${typeof value}`
}

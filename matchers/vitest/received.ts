import type { BenchResult } from '../../src/measure/types.js'

/** A perfgate BenchResult, recognised by the fields its checks rely on. */
export function isPerfgateBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<BenchResult>
  return (
    Array.isArray(candidate.batchTimesNs) &&
    typeof candidate.batchSize === 'number' &&
    typeof candidate.stats?.medianNs === 'number'
  )
}

/** A Vitest 5 bench result (tinybench-shaped), recognised the way Vitest itself does. */
export function isVitestBenchResult(value: unknown): value is { name?: string; latency: { mean: number } } {
  if (typeof value !== 'object' || value === null || !('latency' in value)) return false
  const latency = (value as { latency?: { mean?: unknown } }).latency
  return typeof latency?.mean === 'number'
}

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

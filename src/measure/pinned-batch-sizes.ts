/*
 * Batch sizes a parent process pins for the benches it asks a child to measure again. A
 * re-measurement, or the extra processes of a baseline update, must time the same batches as the
 * run they join: the calibration cache usually agrees, but a process that calibrates afresh can
 * land on another power of two, and per-call times from batches of different sizes are not the
 * same measurement. The reporter sets the variable on the child Vitest process it starts.
 */

/** JSON object of bench name → calls per batch, e.g. `{"parse": 4096}`. */
export const PINNED_BATCH_SIZES_ENV = 'PERFGATE_BATCH_SIZES'

/** The batch size pinned for `name`, if the environment pins one (malformed values are ignored). */
export function pinnedBatchSize(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[PINNED_BATCH_SIZES_ENV]
  if (text === undefined || text === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, name)) return undefined
  const size = (parsed as Record<string, unknown>)[name]
  return typeof size === 'number' && Number.isInteger(size) && size >= 1 ? size : undefined
}

/** The variable's value for these requests. */
export function pinnedBatchSizesValue(requests: readonly { name: string; batchSize: number }[]): string {
  return JSON.stringify(Object.fromEntries(requests.map((r) => [r.name, r.batchSize])))
}

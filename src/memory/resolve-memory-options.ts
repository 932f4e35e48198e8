import type { OptionProblem } from '../measure/resolve-options.js'
import type { MemoryOptions } from '../measure/types.js'
import { DEFAULT_MEMORY_BATCHES, MAX_MEMORY_BATCHES, MIN_MEMORY_BATCHES } from './defaults.js'

/**
 * The number of memory batches a bench's `memory` option asks for: null when memory is off, or
 * the problem with the option.
 */
export function resolveMemoryBatches(
  memory: boolean | MemoryOptions | undefined,
): number | null | OptionProblem {
  if (memory === undefined || memory === false) return null
  if (memory === true) return DEFAULT_MEMORY_BATCHES
  if (typeof memory !== 'object' || memory === null || Array.isArray(memory)) {
    return {
      problem: `memory must be true, false or { batches }, received ${memory === null ? 'null' : Array.isArray(memory) ? 'an array' : typeof memory}`,
      fix: 'Use memory: true.',
    }
  }
  const unknown = Object.keys(memory).filter((key) => key !== 'batches')
  if (unknown.length > 0) {
    return {
      problem: `memory has an unknown key ${JSON.stringify(unknown[0])}`,
      fix: `The memory options are { batches } (default ${DEFAULT_MEMORY_BATCHES}).`,
    }
  }
  const batches = memory.batches ?? DEFAULT_MEMORY_BATCHES
  if (!Number.isInteger(batches) || batches < MIN_MEMORY_BATCHES || batches > MAX_MEMORY_BATCHES) {
    return {
      problem: `memory.batches must be a whole number from ${MIN_MEMORY_BATCHES} to ${MAX_MEMORY_BATCHES}, received ${String(memory.batches)}`,
      fix: `Use e.g. memory: { batches: ${DEFAULT_MEMORY_BATCHES} }.`,
    }
  }
  return batches
}

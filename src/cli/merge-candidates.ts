import { BASELINE_SCHEMA_VERSION, type BaselineBench, type BaselineFile } from '../baseline/baseline-file.js'
import { environmentDifferences } from '../env/differences.js'
import { perfgateError } from '../errors.js'

/** A candidate file to merge, with its path as the user sees it. */
export interface CandidateInput {
  path: string
  file: BaselineFile
}

/** The merged candidate, and what the user should know about how it was made. */
export interface MergedCandidate {
  file: BaselineFile
  warnings: string[]
}

/**
 * The candidate files of a sharded run as one: the union of their benches, the first file's name
 * and environment, the latest `createdAt`. Shards measured on different machines are merged all
 * the same (each bench was measured whole in one of them) with a warning, since the baseline then
 * records only the first's environment.
 *
 * @throws PerfgateError MERGE_CONFLICT when a bench is in two files: one result would be lost.
 */
export function mergeCandidates(inputs: readonly CandidateInput[]): MergedCandidate {
  const first = inputs[0]
  if (first === undefined) throw new Error('mergeCandidates() needs at least one file')
  const benches: Record<string, BaselineBench> = {}
  const owner = new Map<string, string>()
  const warnings: string[] = []
  let createdAt = first.file.createdAt
  for (const input of inputs) {
    for (const [name, bench] of Object.entries(input.file.benches)) {
      const earlier = owner.get(name)
      if (earlier !== undefined) {
        throw perfgateError('MERGE_CONFLICT', { bench: name, first: earlier, second: input.path })
      }
      owner.set(name, input.path)
      benches[name] = bench
    }
    if (Date.parse(input.file.createdAt) > Date.parse(createdAt)) createdAt = input.file.createdAt
    if (input === first) continue
    const differences = environmentDifferences(first.file.env, input.file.env)
    if (differences.length > 0) {
      warnings.push(
        `${input.path} was measured in another environment than ${first.path} (${differences
          .map((d) => `${d.field} ${d.a} → ${d.b}${d.severity === 'major' ? ', major' : ''}`)
          .join('; ')}); the merged file records the environment of ${first.path} only.`,
      )
    }
    if (input.file.name !== first.file.name) {
      warnings.push(
        `${input.path} is for baseline "${input.file.name}", ${first.path} for "${first.file.name}"; the merged file is for "${first.file.name}".`,
      )
    }
  }
  return {
    file: {
      schemaVersion: BASELINE_SCHEMA_VERSION,
      name: first.file.name,
      createdAt,
      env: first.file.env,
      benches,
    },
    warnings,
  }
}

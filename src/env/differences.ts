import type { Environment } from './types.js'

/** One way two environments differ. */
export interface EnvironmentDifference {
  /** Path of the field in `Environment`, e.g. "cpu.model" or "runtime.version". */
  field: string
  a: string
  b: string
  /**
   * 'major': timings from the two are not comparable at all (another CPU, Node major, architecture
   * or OS). 'minor': comparable, but a difference may come from the environment and not the code.
   */
  severity: 'major' | 'minor'
}

/**
 * How environment `b` differs from `a`, major differences first. Pure. A governor only one side
 * could read is not reported: unknown is not different. A missing CPU quota means unlimited.
 */
export function environmentDifferences(a: Environment, b: Environment): EnvironmentDifference[] {
  const differences: EnvironmentDifference[] = []
  const add = (field: string, x: string, y: string, severity: 'major' | 'minor') => {
    if (x !== y) differences.push({ field, a: x, b: y, severity })
  }

  add('os.platform', a.os.platform, b.os.platform, 'major')
  add('os.arch', a.os.arch, b.os.arch, 'major')
  add('cpu.model', a.cpu.model, b.cpu.model, 'major')
  const majorA = nodeMajor(a.runtime.version)
  const majorB = nodeMajor(b.runtime.version)
  if (majorA !== majorB) add('runtime.version', a.runtime.version, b.runtime.version, 'major')
  else add('runtime.version', a.runtime.version, b.runtime.version, 'minor')

  add('runtime.v8', a.runtime.v8, b.runtime.v8, 'minor')
  add('cpu.count', String(a.cpu.count), String(b.cpu.count), 'minor')
  if (a.cpu.governor !== null && b.cpu.governor !== null) {
    add('cpu.governor', a.cpu.governor, b.cpu.governor, 'minor')
  }
  add('cpu.quotaCores', quota(a.cpu.quotaCores), quota(b.cpu.quotaCores), 'minor')
  return differences
}

function nodeMajor(version: string): string {
  return version.replace(/^v/, '').split('.')[0] ?? version
}

function quota(cores: number | null): string {
  return cores === null ? 'unlimited' : String(cores)
}

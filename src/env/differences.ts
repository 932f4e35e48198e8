import { splitNodeOptions } from './detect-instrumentation.js'
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
  add('runtime.youngGeneration', youngGeneration(a), youngGeneration(b), 'minor')
  return differences
}

/**
 * The flags that size V8's young generation, from `execArgv` and `NODE_OPTIONS`, as one string
 * ('V8 default' when none). They change the speed of code that allocates: on this project's VM an
 * allocating bench ran 1.5× slower once V8 grew its young generation from 16 to 32 MiB, and held at
 * one size it did not (bench/alloc-vs-compute.ts, docs/accuracy.md), so a baseline recorded with
 * other flags is compared with a caveat.
 */
export function youngGeneration(env: Environment): string {
  // NODE_OPTIONS first: Node reads them before the command line, which wins.
  const args = [...splitNodeOptions(env.runtime.nodeOptions), ...env.runtime.execArgv]
  // By flag, the last value given: V8's rule, and a flag given twice (in the config file and
  // again on a child's command line) is then the same environment.
  const flags = new Map<string, string>()
  args.forEach((arg, i) => {
    const [rawName, value] = arg.split('=', 2) as [string, string | undefined]
    const name = rawName.replaceAll('_', '-')
    // `--max-semi-space-size 8` gives its value as the next argument.
    if (YOUNG_GENERATION_FLAGS.includes(name)) flags.set(name, value ?? args[i + 1] ?? '')
  })
  const given = YOUNG_GENERATION_FLAGS.filter((name) => flags.has(name))
  return given.length === 0 ? 'V8 default' : given.map((name) => `${name}=${flags.get(name)}`).join(' ')
}

/** In the order they are shown. */
const YOUNG_GENERATION_FLAGS = [
  '--max-semi-space-size',
  '--min-semi-space-size',
  '--semi-space-growth-factor',
]

function nodeMajor(version: string): string {
  return version.replace(/^v/, '').split('.')[0] ?? version
}

function quota(cores: number | null): string {
  return cores === null ? 'unlimited' : String(cores)
}

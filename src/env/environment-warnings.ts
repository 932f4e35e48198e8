import { inspectFlags, splitNodeOptions } from './detect-instrumentation.js'
import type { Environment, EnvironmentWarning } from './types.js'

/** 1-minute load average per visible core above which other work competes for the CPU. */
export const HIGH_LOAD_PER_CORE = 0.8

/** Share of memory still available below which GC pressure and swapping distort timings (Linux only). */
export const LOW_MEMORY_FRACTION = 0.05

/**
 * V8 and Node flags that change how code is compiled or optimised, or that add profiling or
 * tracing work to every call. Compared after "_" → "-" (V8 accepts both spellings).
 */
const TIMING_FLAGS = new Set([
  '--jitless',
  '--no-opt',
  '--no-turbofan',
  '--no-maglev',
  '--no-sparkplug',
  '--max-opt',
  '--always-opt',
  '--always-turbofan',
  '--always-sparkplug',
  '--no-lazy-feedback-allocation',
  '--no-use-ic',
  '--no-turbo-inlining',
  '--prof',
  '--cpu-prof',
  '--heap-prof',
  '--perf-prof',
  '--perf-basic-prof',
  '--trace-opt',
  '--trace-deopt',
  '--trace-gc',
])

/** The flags among `flags` that change optimisation or add profiling overhead, as given. */
export function timingFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => {
    const name = (flag.split('=')[0] ?? flag).replaceAll('_', '-')
    return TIMING_FLAGS.has(name) || name.startsWith('--stress-')
  })
}

/**
 * Conditions of the machine or process that make timings less trustworthy, each as one sentence
 * with the numbers and what they do to a measurement. Pure: the caller probes the inspector and
 * coverage (see captureEnvironment) and passes the answers in `extra`.
 */
export function environmentWarnings(
  env: Omit<Environment, 'warnings'>,
  extra: { inspectorActive: boolean; coverageActive: boolean },
): EnvironmentWarning[] {
  const warnings: EnvironmentWarning[] = []
  const flags = [...env.runtime.execArgv, ...splitNodeOptions(env.runtime.nodeOptions)]
  const cores = env.cpu.count

  if (cores > 0 && env.load.avg1 > HIGH_LOAD_PER_CORE * cores) {
    warnings.push({
      code: 'high-load',
      message: `Load average ${env.load.avg1.toFixed(1)} on ${plural(cores, 'core')}: other processes compete for CPU, expect wider intervals.`,
    })
  }

  const inspect = inspectFlags(flags)
  if (extra.inspectorActive || inspect.length > 0) {
    const how = inspect.length > 0 ? ` (${unique(inspect).join(', ')})` : ''
    warnings.push({
      code: 'debugger',
      message: `The inspector is active${how}: an attached debugger can pause or deoptimise code mid-measurement, so run benchmarks without it.`,
    })
  }

  if (extra.coverageActive) {
    warnings.push({
      code: 'coverage',
      message:
        'Code coverage is being collected: instrumented code runs slower and optimises differently, so run benchmarks without coverage.',
    })
  }

  if (env.cpu.governor !== null && env.cpu.governor !== 'performance') {
    warnings.push({
      code: 'cpu-governor',
      message: `CPU frequency governor is "${env.cpu.governor}", not "performance": clock speed changes with load, adding drift between and within runs.`,
    })
  }

  const quota = env.cpu.quotaCores
  if (quota !== null && quota < cores) {
    warnings.push({
      code: 'cpu-quota',
      message: `A cgroup CPU quota of ${formatCores(quota)} on ${plural(cores, 'visible core')}: the process is throttled once it spends its quota, which shows up as long pauses in timings.`,
    })
  }

  const { totalBytes, freeBytes } = env.memory
  // Only Linux reports memory the kernel could hand out (MemAvailable); elsewhere "free" excludes
  // reclaimable caches and is routinely tiny on a healthy machine.
  if (env.os.platform === 'linux' && totalBytes > 0 && freeBytes < LOW_MEMORY_FRACTION * totalBytes) {
    warnings.push({
      code: 'low-memory',
      message: `Only ${formatBytes(freeBytes)} of ${formatBytes(totalBytes)} memory is available: garbage collection and swapping can stall the process, adding outliers.`,
    })
  }

  const slow = timingFlags(flags)
  if (slow.length > 0) {
    warnings.push({
      code: 'unoptimized-flags',
      message: `Flags that change V8 optimisation or add profiling work are set (${unique(slow).join(', ')}): timings will not match a normal run.`,
    })
  }

  return warnings
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

/** "1.5 cores", "1 core", "0.25 cores". */
export function formatCores(cores: number): string {
  const text = String(Math.round(cores * 100) / 100)
  return `${text} ${cores === 1 ? 'core' : 'cores'}`
}

/** Binary units, one decimal above MiB: "512 MiB", "7.8 GiB". */
export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2
  if (mib < 1024) return `${Math.round(mib)} MiB`
  return `${(mib / 1024).toFixed(1)} GiB`
}

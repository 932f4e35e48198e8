import { describe, expect, it } from 'vitest'
import { environmentWarnings, timingFlags } from '../../src/env/environment-warnings.js'
import type { Environment } from '../../src/env/types.js'
import { cleanMachine, GiB } from '../fixtures/environments.js'

const quiet = { inspectorActive: false, coverageActive: false }

function messages(env: Omit<Environment, 'warnings'>, extra = quiet) {
  return environmentWarnings(env, extra).map((w) => `${w.code}: ${w.message}`)
}

describe('environmentWarnings', () => {
  it('finds nothing on a clean machine', () => {
    expect(environmentWarnings(cleanMachine(), quiet)).toEqual([])
  })

  it('flags a load average above 0.8 per core', () => {
    const env = cleanMachine()
    env.cpu.count = 2
    env.load.avg1 = 1.6
    expect(environmentWarnings(env, quiet)).toEqual([]) // exactly at the threshold is fine
    env.load.avg1 = 3.14
    expect(messages(env)).toMatchInlineSnapshot(`
      [
        "high-load: Load average 3.1 on 2 cores: other processes compete for CPU, expect wider intervals.",
      ]
    `)
  })

  it('flags an open inspector, from the inspector itself or from the flags', () => {
    expect(messages(cleanMachine(), { inspectorActive: true, coverageActive: false })).toMatchInlineSnapshot(`
      [
        "debugger: The inspector is active: an attached debugger can pause or deoptimise code mid-measurement, so run benchmarks without it.",
      ]
    `)
    const env = cleanMachine()
    env.runtime.execArgv = ['--inspect-brk=9230']
    expect(messages(env)[0]).toContain('(--inspect-brk=9230)')
    env.runtime.execArgv = []
    env.runtime.nodeOptions = '--require ./x.cjs --inspect'
    expect(messages(env)[0]).toContain('(--inspect)')
    env.runtime.nodeOptions = '--inspect-port=9300'
    expect(messages(env)).toEqual([])
  })

  it('flags coverage collection', () => {
    expect(messages(cleanMachine(), { inspectorActive: false, coverageActive: true })).toMatchInlineSnapshot(`
      [
        "coverage: Code coverage is being collected: instrumented code runs slower and optimises differently, so run benchmarks without coverage.",
      ]
    `)
  })

  it('flags a cpufreq governor other than performance, and stays quiet when it is unreadable', () => {
    const env = cleanMachine()
    env.cpu.governor = 'powersave'
    expect(messages(env)).toMatchInlineSnapshot(`
      [
        "cpu-governor: CPU frequency governor is "powersave", not "performance": clock speed changes with load, adding drift between and within runs.",
      ]
    `)
    env.cpu.governor = null
    expect(messages(env)).toEqual([])
  })

  it('flags a CPU quota below the visible core count', () => {
    const env = cleanMachine()
    env.cpu.quotaCores = 1.5
    expect(messages(env)).toMatchInlineSnapshot(`
      [
        "cpu-quota: A cgroup CPU quota of 1.5 cores on 4 visible cores: the process is throttled once it spends its quota, which shows up as long pauses in timings.",
      ]
    `)
    env.cpu.quotaCores = 4
    expect(messages(env)).toEqual([])
  })

  it('flags low available memory on Linux only', () => {
    const env = cleanMachine()
    env.memory.freeBytes = 0.5 * GiB
    expect(messages(env)).toMatchInlineSnapshot(`
      [
        "low-memory: Only 512 MiB of 16.0 GiB memory is available: garbage collection and swapping can stall the process, adding outliers.",
      ]
    `)
    env.os.platform = 'darwin'
    expect(messages(env)).toEqual([])
  })

  it('flags flags that change optimisation or add profiling work', () => {
    const env = cleanMachine()
    env.runtime.execArgv = ['--expose-gc', '--max-semi-space-size=64', '--no_opt', '--prof']
    env.runtime.nodeOptions = '--jitless'
    expect(messages(env)).toMatchInlineSnapshot(`
      [
        "unoptimized-flags: Flags that change V8 optimisation or add profiling work are set (--no_opt, --prof, --jitless): timings will not match a normal run.",
      ]
    `)
  })

  it('reports several conditions in a stable order', () => {
    const env = cleanMachine()
    env.load.avg1 = 10
    env.cpu.governor = 'ondemand'
    env.runtime.execArgv = ['--jitless', '--inspect']
    const codes = environmentWarnings(env, { inspectorActive: true, coverageActive: true }).map((w) => w.code)
    expect(codes).toEqual(['high-load', 'debugger', 'coverage', 'cpu-governor', 'unoptimized-flags'])
  })
})

describe('timingFlags', () => {
  it('accepts flags that leave optimisation alone', () => {
    expect(
      timingFlags(['--expose-gc', '--max-old-space-size=4096', '--enable-source-maps', '--import', 'tsx']),
    ).toEqual([])
  })

  it('matches values, underscores and stress flags', () => {
    expect(timingFlags(['--max-opt=1', '--no_turbofan', '--stress-compaction', '--cpu-prof'])).toEqual([
      '--max-opt=1',
      '--no_turbofan',
      '--stress-compaction',
      '--cpu-prof',
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { captureEnvironment } from '../../src/env/capture-environment.js'
import { environmentDifferences } from '../../src/env/differences.js'
import { formatEnvironment, formatEnvironmentLine } from '../../src/env/format-environment.js'
import { ciRunner } from '../fixtures/environments.js'

describe('formatEnvironmentLine', () => {
  it('fits the environment on one line for failure messages', () => {
    expect(formatEnvironmentLine(ciRunner())).toMatchInlineSnapshot(
      `"node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*"`,
    )
  })

  it('names the quota and the warnings, and leaves out what is unknown', () => {
    const env = ciRunner()
    env.ci = null
    env.git = null
    env.cpu.model = 'Intel(R) Xeon(R) CPU @ 2.20GHz'
    env.cpu.quotaCores = 1.5
    env.warnings = [
      { code: 'high-load', message: '…' },
      { code: 'cpu-quota', message: '…' },
    ]
    expect(formatEnvironmentLine(env)).toMatchInlineSnapshot(
      `"node 20.20.2 · linux x64 · 2 × Intel(R) Xeon(R) CPU @ 2.20GHz, quota 1.5 cores (load 0.9) · ⚠ high-load, cpu-quota"`,
    )
  })

  it('formats a real capture without throwing', () => {
    expect(formatEnvironmentLine(captureEnvironment())).toMatch(/^node \d+\.\d+\.\d+ · /)
  })
})

describe('formatEnvironment', () => {
  it('lists every field, then the warnings', () => {
    const env = ciRunner()
    env.warnings = [
      {
        code: 'high-load',
        message: 'Load average 3.1 on 2 cores: other processes compete for CPU, expect wider intervals.',
      },
    ]
    expect(formatEnvironment(env)).toMatchInlineSnapshot(`
      "perfgate   0.1.0
      Captured   2025-01-02T03:04:05.000Z
      Node.js    20.20.2 (V8 11.3.244.8-node.38)
      Flags      --expose-gc
      OS         linux x64, release 6.8.0-1021-azure (#25-Ubuntu SMP)
      CPU        2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz
      Governor   unknown
      CPU quota  none
      Memory     6.1 GiB available of 7.8 GiB
      Load       0.92 0.50 0.31 (1, 5, 15 min)
      Timer      resolution 30 ns, 25 ns per reading
      CI         GitHub Actions
      Git        abc1234def5678abc1234def5678abc1234def56 (main), uncommitted changes
      ⚠ Load average 3.1 on 2 cores: other processes compete for CPU, expect wider intervals."
    `)
  })
})

describe('environmentDifferences', () => {
  it('finds none between an environment and itself', () => {
    expect(environmentDifferences(ciRunner(), ciRunner())).toEqual([])
  })

  it('calls another CPU, Node major, architecture or OS major', () => {
    const b = ciRunner()
    b.cpu.model = 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz'
    b.runtime.version = '22.11.0'
    b.os.arch = 'arm64'
    b.os.platform = 'darwin'
    expect(environmentDifferences(ciRunner(), b)).toEqual([
      { field: 'os.platform', a: 'linux', b: 'darwin', severity: 'major' },
      { field: 'os.arch', a: 'x64', b: 'arm64', severity: 'major' },
      { field: 'cpu.model', a: 'AMD EPYC 7763 64-Core Processor', b: b.cpu.model, severity: 'major' },
      { field: 'runtime.version', a: '20.20.2', b: '22.11.0', severity: 'major' },
    ])
  })

  it('calls a Node minor, V8, core count, governor or quota change minor', () => {
    const a = ciRunner()
    a.cpu.governor = 'performance'
    const b = ciRunner()
    b.runtime.version = '20.19.0'
    b.runtime.v8 = '11.3.244.8-node.30'
    b.cpu.count = 4
    b.cpu.governor = 'powersave'
    b.cpu.quotaCores = 1.5
    expect(environmentDifferences(a, b)).toEqual([
      { field: 'runtime.version', a: '20.20.2', b: '20.19.0', severity: 'minor' },
      { field: 'runtime.v8', a: '11.3.244.8-node.38', b: '11.3.244.8-node.30', severity: 'minor' },
      { field: 'cpu.count', a: '2', b: '4', severity: 'minor' },
      { field: 'cpu.governor', a: 'performance', b: 'powersave', severity: 'minor' },
      { field: 'cpu.quotaCores', a: 'unlimited', b: '1.5', severity: 'minor' },
    ])
  })

  it('calls flags that size the young generation a minor change, wherever they were given', () => {
    const pinned = ciRunner()
    pinned.runtime.execArgv = ['--expose-gc', '--max_semi_space_size=8', '--min-semi-space-size', '8']
    const viaNodeOptions = ciRunner()
    viaNodeOptions.runtime.nodeOptions = '--max-semi-space-size=8 --min-semi-space-size=8'
    expect(environmentDifferences(ciRunner(), pinned)).toEqual([
      {
        field: 'runtime.youngGeneration',
        a: 'V8 default',
        b: '--max-semi-space-size=8 --min-semi-space-size=8',
        severity: 'minor',
      },
    ])
    // The same sizes given another way, or twice, are the same environment; the last one counts.
    expect(environmentDifferences(pinned, viaNodeOptions)).toEqual([])
    const twice = ciRunner()
    twice.runtime.execArgv = [
      ...pinned.runtime.execArgv,
      '--max-semi-space-size=4',
      '--max-semi-space-size=8',
    ]
    expect(environmentDifferences(pinned, twice)).toEqual([])
    const other = ciRunner()
    other.runtime.execArgv = ['--max-old-space-size=4096', '--expose-gc']
    expect(environmentDifferences(ciRunner(), other)).toEqual([])
  })

  it('does not report a governor only one side could read', () => {
    const b = ciRunner()
    b.cpu.governor = 'powersave'
    expect(environmentDifferences(ciRunner(), b)).toEqual([])
  })
})

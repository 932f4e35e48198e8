import { describe, expect, it } from 'vitest'
import {
  forwardedCliOptions,
  isVitestCommandLine,
  runCliOptions,
} from '../../reporters/forwarded-cli-options.js'

describe('forwardedCliOptions', () => {
  it('keeps the options that change where and how a file runs, one token each', () => {
    expect(
      forwardedCliOptions([
        'run',
        'perf/',
        '--pool',
        'threads',
        '--project=perf',
        '--project',
        'web',
        '--max-workers',
        '1',
        '--environment=node',
        '--mode',
        'ci',
      ]),
    ).toEqual([
      '--pool=threads',
      '--project=perf',
      '--project=web',
      '--maxWorkers=1',
      '--environment=node',
      '--mode=ci',
    ])
  })

  it('keeps booleans, negated in the spelling Vitest documents', () => {
    expect(
      forwardedCliOptions(['--no-isolate', '--no-file-parallelism', '--globals', '--isolate=false']),
    ).toEqual(['--no-isolate', '--no-file-parallelism', '--globals', '--no-isolate'])
    expect(forwardedCliOptions(['--fileParallelism=true', '--dom'])).toEqual(['--fileParallelism', '--dom'])
  })

  it('drops what the child sets itself or must not do, and the filters, and does not eat a filter after a boolean', () => {
    expect(
      forwardedCliOptions([
        'run',
        '--reporter=verbose',
        '-t',
        'parse',
        '--update',
        '--coverage',
        '--bail=1',
        '--shard=1/2',
        '--config',
        'vitest.perf.config.ts',
        '--isolate',
        'perf/a.perf.ts',
      ]),
    ).toEqual(['--isolate'])
  })

  it('does not take the next option as a missing value', () => {
    expect(forwardedCliOptions(['--pool', '--no-isolate'])).toEqual(['--no-isolate'])
  })
})

describe('runCliOptions', () => {
  it("reads Vitest's own command line only", () => {
    expect(isVitestCommandLine(['/usr/bin/node', '/p/node_modules/vitest/vitest.mjs', 'run'])).toBe(true)
    expect(isVitestCommandLine(['/usr/bin/node', '/p/node_modules/.bin/vitest'])).toBe(true)
    expect(
      runCliOptions(['/usr/bin/node', '/p/node_modules/vitest/vitest.mjs', 'run', '--pool=threads']),
    ).toEqual(['--pool=threads'])
    // Vitest started from a script through its Node API: that script's arguments are not Vitest's.
    expect(runCliOptions(['/usr/bin/node', '/p/scripts/perf.mjs', '--pool=threads'])).toEqual([])
    expect(runCliOptions(['/usr/bin/node'])).toEqual([])
  })
})

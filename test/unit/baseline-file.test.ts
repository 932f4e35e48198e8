import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BASELINE_SCHEMA_VERSION,
  type BaselineFile,
  baselineFileName,
  baselineFromResults,
  baselineNameOf,
  baselinePath,
  candidatePath,
  chooseBaselineName,
  parseBaseline,
  readBaseline,
  serializeBaseline,
  writeBaselineAtomic,
} from '../../src/baseline/baseline-file.js'
import { mergeRunInto } from '../../src/baseline/baseline-pages.js'
import { findBenchBudget } from '../../src/budget/find-bench-budget.js'
import { parseConfig } from '../../src/config/load-config.js'
import type { Environment } from '../../src/env/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { slowVitals, webResult } from '../fixtures/web-results.js'

const CREATED_AT = '2025-01-02T03:05:00.000Z'

/** A small baseline: two benches, three and four batches, one with a budget from package.json. */
function smallBaseline(order: 'forward' | 'reverse' = 'forward'): BaselineFile {
  const results = [
    benchResult({ name: 'sort 10k', perCallNs: [1000, 1100, 1050], batchSize: 4 }),
    benchResult({ name: 'parse', perCallNs: [250, 260, 240, 255] }),
  ]
  const config = parseConfig({ budgets: { bench: { 'sort *': { p95: '2ms', opsPerSec: '>= 500' } } } })
  const found = findBenchBudget('sort 10k', config.budgets.bench, 'package.json')!
  return baselineFromResults(
    'default',
    order === 'forward' ? results : results.reverse(),
    new Map([['sort 10k', found]]),
    { createdAt: CREATED_AT },
  )
}

/** The same value with every object's keys in reverse order, recursively. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  ) as T
}

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a throw')
}

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('serializeBaseline', () => {
  it('writes a fixed key order, sorted bench names, 2-space JSON and a trailing newline', () => {
    expect(serializeBaseline(smallBaseline())).toMatchInlineSnapshot(`
      "{
        "schemaVersion": 1,
        "name": "default",
        "createdAt": "2025-01-02T03:05:00.000Z",
        "env": {
          "capturedAt": "2025-01-02T03:04:05.000Z",
          "perfgateVersion": "0.1.0",
          "runtime": {
            "name": "node",
            "version": "20.20.2",
            "v8": "11.3.244.8-node.38",
            "execArgv": [
              "--expose-gc"
            ],
            "nodeOptions": null
          },
          "os": {
            "platform": "linux",
            "release": "6.8.0-1021-azure",
            "kernel": "#25-Ubuntu SMP",
            "arch": "x64"
          },
          "cpu": {
            "model": "AMD EPYC 7763 64-Core Processor",
            "count": 2,
            "speedMHz": 2445,
            "governor": null,
            "quotaCores": null
          },
          "memory": {
            "totalBytes": 8375186227.2,
            "freeBytes": 6549825126.4
          },
          "load": {
            "avg1": 0.92,
            "avg5": 0.5,
            "avg15": 0.31
          },
          "ci": {
            "name": "GitHub Actions"
          },
          "git": {
            "commit": "abc1234def5678abc1234def5678abc1234def56",
            "branch": "main",
            "dirty": true
          },
          "timer": {
            "resolutionNs": 30,
            "costNs": 24.6
          },
          "warnings": []
        },
        "benches": {
          "parse": {
            "batchSize": 1,
            "batchTimesNs": [
              250,
              260,
              240,
              255
            ],
            "runs": 1,
            "stats": {
              "granularity": "call",
              "samples": 4,
              "calls": 4,
              "meanNs": 251.25,
              "medianNs": 252.5,
              "p75Ns": 256.25,
              "p90Ns": 258.5,
              "p95Ns": 259.25,
              "p99Ns": 259.85,
              "minNs": 240,
              "maxNs": 260,
              "sdNs": 8.539125638299666,
              "cv": 0.033986569704675285,
              "opsPerSec": 3960396.0396039602,
              "confidence": 0.95,
              "medianIntervalNs": [
                240,
                260
              ],
              "p95IntervalNs": [
                240,
                260
              ],
              "outliers": {
                "lowSevere": 0,
                "lowMild": 0,
                "highMild": 0,
                "highSevere": 0
              }
            },
            "timing": {
              "startedAt": "2025-01-02T03:04:05.000Z",
              "endedAt": "2025-01-02T03:04:05.500Z",
              "wallNs": 500000000,
              "warmupNs": 25000000,
              "budgetNs": 500000000,
              "batchSizeSource": "option",
              "lockWaitNs": 0
            }
          },
          "sort 10k": {
            "batchSize": 4,
            "batchTimesNs": [
              4000,
              4400,
              4200
            ],
            "runs": 1,
            "stats": {
              "granularity": "batch-mean",
              "samples": 3,
              "calls": 12,
              "meanNs": 1050,
              "medianNs": 1050,
              "p75Ns": 1075,
              "p90Ns": 1090,
              "p95Ns": 1095,
              "p99Ns": 1099,
              "minNs": 1000,
              "maxNs": 1100,
              "sdNs": 50,
              "cv": 0.047619047619047616,
              "opsPerSec": 952380.9523809524,
              "confidence": 0.95,
              "medianIntervalNs": [
                1000,
                1100
              ],
              "p95IntervalNs": [
                1000,
                1100
              ],
              "outliers": {
                "lowSevere": 0,
                "lowMild": 0,
                "highMild": 0,
                "highSevere": 0
              }
            },
            "budget": {
              "written": {
                "p95": "2ms",
                "opsPerSec": ">= 500"
              },
              "source": {
                "kind": "config",
                "file": "package.json",
                "key": "budgets.bench[\\"sort *\\"]"
              }
            },
            "timing": {
              "startedAt": "2025-01-02T03:04:05.000Z",
              "endedAt": "2025-01-02T03:04:05.500Z",
              "wallNs": 500000000,
              "warmupNs": 25000000,
              "budgetNs": 500000000,
              "batchSizeSource": "calibrated",
              "lockWaitNs": 0
            }
          }
        }
      }
      "
    `)
  })

  it('gives byte-identical output for the same baseline, whatever the order of results and keys', () => {
    const text = serializeBaseline(smallBaseline())
    expect(serializeBaseline(smallBaseline())).toBe(text)
    expect(serializeBaseline(smallBaseline('reverse'))).toBe(text)
    expect(serializeBaseline(reverseKeys(smallBaseline()))).toBe(text)
  })

  it('writes non-finite numbers as null, which read back as NaN', () => {
    const file = smallBaseline()
    const parse = file.benches.parse!
    parse.stats.opsPerSec = Number.POSITIVE_INFINITY
    parse.stats.cv = Number.NaN
    const text = serializeBaseline(file)
    expect(text).toContain('"opsPerSec": null')
    expect(text).toContain('"cv": null')
    const back = parseBaseline(text, 'x.json').benches.parse!.stats
    expect(back.opsPerSec).toBeNaN()
    expect(back.cv).toBeNaN()
  })

  it('reads back what it wrote', () => {
    const file = smallBaseline()
    expect(parseBaseline(serializeBaseline(file), 'x.json')).toEqual(file)
  })
})

describe('baselineFromResults', () => {
  it('pools runs of the same bench from several processes, in the order given', () => {
    const first = benchResult({ name: 'sort', perCallNs: uniformTimes(1000, 0.05, 30, 1) })
    const second = benchResult({ name: 'sort', perCallNs: uniformTimes(1000, 0.05, 20, 2) })
    const bench = baselineFromResults('main', [first, second]).benches.sort!
    expect(bench.runs).toBe(2)
    expect(bench.batchTimesNs).toEqual([...first.batchTimesNs, ...second.batchTimesNs])
    expect(bench.stats.samples).toBe(50)
    // A pooled bench has no one timing.
    expect(bench.timing).toBeUndefined()
  })

  it('keeps a budget as written, from a parsed config budget or an inline one', () => {
    const result = benchResult({ name: 'sort', perCallNs: [1, 2, 3] })
    const file = baselineFromResults(
      'x',
      [result],
      new Map([['sort', { budget: { opsPerSec: 10000, p95: '2ms' }, source: { kind: 'inline' as const } }]]),
    )
    expect(file.benches.sort!.budget).toEqual({
      written: { p95: '2ms', opsPerSec: 10000 },
      source: { kind: 'inline' },
    })
  })

  it('keeps the pages a run measured in a browser, every run of every metric, keyed by tool and profile', () => {
    const vitals = slowVitals()
    const lighthouse = webResult('lighthouse', { performance: { unit: 'score', runs: [0.91, 0.88, 0.9] } })
    const file = baselineFromResults('web', [], undefined, {
      webResults: [vitals, lighthouse],
      createdAt: '2026-11-21T09:00:00.000Z',
    })
    expect(file.benches).toEqual({})
    expect(file.env).toEqual(vitals.env)
    expect(Object.keys(file.pages ?? {})).toEqual([
      'home [lighthouse, desktop]',
      'home [web-vitals, desktop]',
    ])
    expect(file.pages!['home [web-vitals, desktop]']!.metrics.LCP).toEqual({
      unit: 'ms',
      runs: [3120, 2980, 3400],
      value: 3120,
    })
    const text = serializeBaseline(file)
    expect(parseBaseline(text, 'web.json')).toEqual(file)
    // Metric keys are sorted, so a re-recorded page changes only the lines whose numbers changed.
    expect(Object.keys(JSON.parse(text).pages['home [web-vitals, desktop]'].metrics)).toEqual([
      'CLS',
      'FCP',
      'INP',
      'LCP',
      'TBT',
      'TTFB',
    ])
  })

  it('merges a run into a file without losing what the run did not measure', () => {
    const bench = benchResult({ name: 'sort', perCallNs: [1, 2, 3] })
    const benches = baselineFromResults('x', [bench])
    const home = webResult('web-vitals', { LCP: { unit: 'ms', runs: [900] } })
    const pricing = webResult('web-vitals', { LCP: { unit: 'ms', runs: [1200] } }, { name: 'pricing' })
    const both = mergeRunInto(
      benches,
      baselineFromResults('x', [], undefined, { webResults: [home, pricing] }),
    )
    // Pages alone: the benches stay, and so does the environment they were measured in.
    expect(Object.keys(both.benches)).toEqual(['sort'])
    expect(both.env).toBe(benches.env)
    expect(Object.keys(both.pages!)).toEqual(['home [web-vitals, desktop]', 'pricing [web-vitals, desktop]'])
    // One page again (perfgate check --page home): only that page changes.
    const faster = webResult('web-vitals', { LCP: { unit: 'ms', runs: [700] } })
    const one = mergeRunInto(both, baselineFromResults('x', [], undefined, { webResults: [faster] }))
    expect(one.pages!['home [web-vitals, desktop]']!.metrics.LCP!.value).toBe(700)
    expect(one.pages!['pricing [web-vitals, desktop]']!.metrics.LCP!.value).toBe(1200)
    // Benches alone replace the benches as a whole and keep the pages.
    const other = benchResult({ name: 'parse', perCallNs: [4, 5, 6] })
    const rerun = mergeRunInto(one, baselineFromResults('x', [other]))
    expect(Object.keys(rerun.benches)).toEqual(['parse'])
    expect(rerun.pages).toEqual(one.pages)
    expect(mergeRunInto(undefined, benches)).toBe(benches)
  })

  it('refuses no results, mixed batch sizes and mixed machines', () => {
    expect(thrown(() => baselineFromResults('x', []))).toMatchInlineSnapshot(
      `"perfgate: baselineFromResults() received an invalid argument: there are no bench results and no measured pages. Run the benches or web budgets first; a baseline records what they measured."`,
    )
    const a = benchResult({ name: 'sort', perCallNs: [1, 2, 3], batchSize: 256 })
    const b = benchResult({ name: 'sort', perCallNs: [1, 2, 3], batchSize: 512 })
    expect(thrown(() => baselineFromResults('x', [a, b]))).toMatchInlineSnapshot(
      `"perfgate: baselineFromResults() received an invalid argument: "sort" was measured with different batch sizes in different runs (256, 512 calls per batch). Pin the batch size so every process measures the same way: bench("sort", fn, { batchSize: 256 })."`,
    )
    const elsewhere: Environment = { ...ciRunner(), cpu: { ...ciRunner().cpu, model: 'Apple M2' } }
    const c = benchResult({ name: 'parse', perCallNs: [1, 2, 3], env: elsewhere })
    expect(thrown(() => baselineFromResults('x', [a, c]))).toMatchInlineSnapshot(
      `"perfgate: baselineFromResults() received an invalid argument: "parse" was measured in another environment than "sort" (cpu.model: "AMD EPYC 7763 64-Core Processor" vs "Apple M2"). Record a baseline from one machine and Node.js major at a time."`,
    )
  })
})

describe('baseline names and paths', () => {
  it('puts each baseline in <dir>/baselines/<name>.json', () => {
    expect(baselinePath('.perfgate')).toBe(join('.perfgate', 'baselines', 'default.json'))
    expect(baselinePath('/repo/.perfgate', 'main')).toBe(join('/repo/.perfgate', 'baselines', 'main.json'))
  })

  it('puts candidates in <dir>/candidates, one file per shard in a sharded run', () => {
    expect(candidatePath('.perfgate')).toBe(join('.perfgate', 'candidates', 'default.json'))
    expect(candidatePath('.perfgate', 'ci/linux', { index: 2, count: 4 })).toBe(
      join('.perfgate', 'candidates', 'ci%2Flinux.shard-2-of-4.json'),
    )
  })

  it('chooses the baseline name: explicit, else PERFGATE_BASELINE, else the config', () => {
    expect(chooseBaselineName('default', {})).toBe('default')
    expect(chooseBaselineName('main', { PERFGATE_BASELINE: '' })).toBe('main')
    expect(chooseBaselineName('main', { PERFGATE_BASELINE: 'ci-linux' })).toBe('ci-linux')
    expect(chooseBaselineName('main', { PERFGATE_BASELINE: 'ci-linux' }, 'mine')).toBe('mine')
  })

  it('percent-encodes everything but letters, digits, "_", "-" and ".", reversibly', () => {
    const cases = {
      main: 'main.json',
      'release-1.2_rc': 'release-1.2_rc.json',
      'ci/linux x64': 'ci%2Flinux%20x64.json',
      'feature\\win': 'feature%5Cwin.json',
      'a*b?:"<>|': 'a%2Ab%3F%3A%22%3C%3E%7C.json',
      '100%': '100%25.json',
      café: 'caf%C3%A9.json',
      '.hidden': '%2Ehidden.json',
      con: '%63on.json',
      'LPT1.old': '%4CPT1.old.json',
      console: 'console.json',
    }
    for (const [name, file] of Object.entries(cases)) {
      expect(baselineFileName(name), name).toBe(file)
      expect(baselineNameOf(file), file).toBe(name)
    }
  })

  it('ignores files that are not baselines: temporary files, other names', () => {
    expect(baselineNameOf('.main.json.1234.abcd1234.tmp')).toBeUndefined()
    expect(baselineNameOf('notes.txt')).toBeUndefined()
    expect(baselineNameOf('a b.json')).toBeUndefined()
    expect(baselineNameOf('bad%zz.json')).toBeUndefined()
  })

  it('rejects names that could leave the baselines folder, and unusable ones', () => {
    const problems = [
      '..',
      'a/../b',
      '..\\x',
      './x',
      '/etc/passwd',
      'C:\\x',
      '',
      ' main',
      'a\nb',
      'x'.repeat(81),
    ].map((name) =>
      thrown(() => baselineFileName(name)).replace(
        /^perfgate: Invalid baseline name (.*?): (.*?)\. A .*$/,
        '$1: $2',
      ),
    )
    expect(problems).toMatchInlineSnapshot(`
      [
        ""..": it has a "." or ".." path segment, which could place the file outside the baselines folder",
        ""a/../b": it has a "." or ".." path segment, which could place the file outside the baselines folder",
        ""..\\\\x": it has a "." or ".." path segment, which could place the file outside the baselines folder",
        ""./x": it has a "." or ".." path segment, which could place the file outside the baselines folder",
        ""/etc/passwd": it is an absolute path",
        ""C:\\\\x": it is an absolute path",
        """: it is empty",
        "" main": it starts or ends with whitespace",
        ""a\\nb": it contains a control character",
        ""xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": it has 81 characters, more than 80",
      ]
    `)
    expect(thrown(() => baselinePath('.perfgate', '../main'))).toMatchInlineSnapshot(
      `"perfgate: Invalid baseline name "../main": it has a "." or ".." path segment, which could place the file outside the baselines folder. A baseline name is any text of up to 80 characters without control characters or "." and ".." path segments, such as "main" or "ci/linux-x64"."`,
    )
  })
})

describe('writeBaselineAtomic and readBaseline', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-baseline-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes the serialised text, creating the folder, and leaves no temporary file', async () => {
    const path = baselinePath(join(dir, '.perfgate'))
    await writeBaselineAtomic(path, smallBaseline())
    expect(await readFile(path, 'utf8')).toBe(serializeBaseline(smallBaseline()))
    expect(await readdir(join(dir, '.perfgate', 'baselines'))).toEqual(['default.json'])
    expect(await readBaseline(path)).toEqual(smallBaseline())
  })

  it('replaces an existing baseline whole, leaving no temporary file', async () => {
    const path = baselinePath(dir, 'main')
    await writeBaselineAtomic(path, smallBaseline())
    const next = baselineFromResults('main', [benchResult({ name: 'other', perCallNs: [5, 6, 7] })])
    await writeBaselineAtomic(path, next)
    expect(await readBaseline(path)).toEqual(next)
    expect(await readdir(join(dir, 'baselines'))).toEqual(['main.json'])
  })

  it('a writer killed before its rename leaves the old baseline readable', async () => {
    const path = baselinePath(dir)
    await writeBaselineAtomic(path, smallBaseline())
    // What a crash mid-write leaves behind: half of the new text in a temporary file, never renamed.
    const next = serializeBaseline(
      baselineFromResults('default', [benchResult({ name: 'other', perCallNs: [5, 6, 7] })]),
    )
    const temp = join(dir, 'baselines', '.default.json.4242.0badf00d.tmp')
    await writeFile(temp, next.slice(0, next.length / 2))
    expect(await readBaseline(path)).toEqual(smallBaseline())
    // A listing of baselines does not mistake the leftover for one.
    const names = (await readdir(join(dir, 'baselines'))).map(baselineNameOf).filter((n) => n !== undefined)
    expect(names).toEqual(['default'])
  })

  it('reads a missing baseline as undefined: none recorded yet', async () => {
    expect(await readBaseline(join(dir, 'baselines', 'nope.json'))).toBeUndefined()
  })

  it('says when a baseline cannot be read or written', async () => {
    const folder = join(dir, 'a-folder.json')
    await mkdir(folder)
    const unreadable = await rejected(readBaseline(folder))
    expect(unreadable.message.replaceAll(dir, '<dir>')).toMatchInlineSnapshot(
      `"perfgate: Could not read the baseline <dir>/a-folder.json: EISDIR: illegal operation on a directory, read. Check the file's permissions, or record a new baseline with \`perfgate baseline accept\`."`,
    )
    expect(unreadable.cause).toBeInstanceOf(Error)

    // The folder's place is taken by a file.
    await writeFile(join(dir, 'blocked'), '')
    const path = join(dir, 'blocked', 'baselines', 'default.json')
    const unwritable = await rejected(writeBaselineAtomic(path, smallBaseline()))
    expect(unwritable.message.replaceAll(dir, '<dir>')).toMatchInlineSnapshot(
      `"perfgate: Could not write the baseline <dir>/blocked/baselines/default.json: ENOTDIR: not a directory, mkdir '<dir>/blocked/baselines'. Check that its folder can be created and written to; the previous baseline, if any, is unchanged."`,
    )
    expect(await readdir(dir)).toEqual(['a-folder.json', 'blocked'])
  })
})

describe('parseBaseline: bad files', () => {
  const file = '.perfgate/baselines/default.json'
  const good = serializeBaseline(smallBaseline())

  it('points at the line and column of a JSON error, in the same words on every Node version', () => {
    const trailingComma = good.replace('"runs": 1,\n', '"runs": 1,,\n')
    expect(thrown(() => parseBaseline(trailingComma, file))).toMatchInlineSnapshot(
      `"perfgate: The baseline .perfgate/baselines/default.json is not valid JSON: expected a property name in double quotes, found "," at .perfgate/baselines/default.json:62:17. Restore it from version control (git checkout -- .perfgate/baselines/default.json) or record a new one with \`perfgate baseline accept\`."`,
    )
    expect(thrown(() => parseBaseline('{\n  "schemaVersion": 1\n  "name": "x"\n}\n', file))).toContain(
      'expected "," or "}", found "\\"" at .perfgate/baselines/default.json:3:3.',
    )
    expect(thrown(() => parseBaseline('{ "cv": NaN }', file))).toContain(
      'unexpected "N" (JSON has no NaN or Infinity; perfgate writes null) at .perfgate/baselines/default.json:1:9.',
    )
    expect(thrown(() => parseBaseline('', file))).toContain(
      'the file is empty at .perfgate/baselines/default.json:1:1.',
    )
  })

  it('says when a file was cut off', () => {
    const lines = good.slice(0, good.length / 2).split('\n').length
    expect(thrown(() => parseBaseline(good.slice(0, good.length / 2), file))).toContain(
      `not valid JSON: the file ends early (was it cut off while being written?) at ${file}:${lines}:`,
    )
  })

  it('recognises git merge conflict markers', () => {
    const conflicted = good.replace(
      '      "runs": 1,\n',
      '<<<<<<< HEAD\n      "runs": 1,\n=======\n      "runs": 2,\n>>>>>>> main\n',
    )
    expect(thrown(() => parseBaseline(conflicted, file))).toMatchInlineSnapshot(
      `"perfgate: The baseline .perfgate/baselines/default.json is not valid JSON: it holds unresolved git merge conflict markers at .perfgate/baselines/default.json:62:1. Restore it from version control (git checkout -- .perfgate/baselines/default.json) or record a new one with \`perfgate baseline accept\`."`,
    )
  })

  it('asks for a newer perfgate for a newer schema version', () => {
    const newer = good.replace(`"schemaVersion": ${BASELINE_SCHEMA_VERSION}`, '"schemaVersion": 2')
    expect(thrown(() => parseBaseline(newer, file))).toMatchInlineSnapshot(
      `"perfgate: The baseline .perfgate/baselines/default.json has schemaVersion 2, but this perfgate reads schemaVersion 1 and older. A newer perfgate wrote it: upgrade perfgate (pnpm add -D perfgate@latest), or record a new baseline with this version."`,
    )
  })

  it('lists every problem of a file that is not a valid baseline, each with its key path', () => {
    expect(
      thrown(() => parseBaseline('{ "name": "my-app", "version": "1.0.0" }', 'package.json')),
    ).toMatchInlineSnapshot(`
        "perfgate: Invalid baseline package.json:
        ✖ Expected schemaVersion 1 (is this a perfgate baseline?), but the key is missing
          → at schemaVersion
        ✖ Invalid input: expected string, received undefined
          → at createdAt
        ✖ Invalid input: expected object, received undefined
          → at env
        ✖ Invalid input: expected record, received undefined
          → at benches
        perfgate writes baselines itself; if this one was edited by hand or merged by git, restore it from version control or record a new one with \`perfgate baseline accept\`."
      `)
    const broken = JSON.parse(good) as {
      benches: Record<string, { batchTimesNs: unknown[]; batchSize: unknown }>
    }
    broken.benches['sort 10k']!.batchTimesNs.push(-5)
    broken.benches.parse!.batchSize = 0
    expect(thrown(() => parseBaseline(JSON.stringify(broken), file))).toMatchInlineSnapshot(`
      "perfgate: Invalid baseline .perfgate/baselines/default.json:
      ✖ Too small: expected number to be >=1
        → at benches.parse.batchSize
      ✖ Too small: expected number to be >=0
        → at benches["sort 10k"].batchTimesNs[3]
      ✖ stats.samples is 3 but batchTimesNs holds 4 batch times
        → at benches["sort 10k"].stats.samples
      perfgate writes baselines itself; if this one was edited by hand or merged by git, restore it from version control or record a new one with \`perfgate baseline accept\`."
    `)
  })

  it('checks that the summary describes the batches it sits next to', () => {
    const edited = JSON.parse(good) as { benches: Record<string, { batchTimesNs: number[] }> }
    edited.benches.parse!.batchTimesNs.pop()
    expect(thrown(() => parseBaseline(JSON.stringify(edited), file))).toContain(
      '✖ stats.samples is 4 but batchTimesNs holds 3 batch times\n  → at benches.parse.stats.samples',
    )
  })

  it('accepts a byte-order mark and fields a newer perfgate of the same schema version adds', () => {
    const extra = JSON.parse(good) as Record<string, unknown>
    extra.futureField = true
    expect(parseBaseline(`\uFEFF${JSON.stringify(extra)}`, file)).toEqual(smallBaseline())
  })
})

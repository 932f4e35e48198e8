import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { didYouMean, editDistance } from '../../src/config/did-you-mean.js'
import { formatPath } from '../../src/config/format-issues.js'
import { knownKeysAt } from '../../src/config/known-keys.js'
import { loadConfig, parseConfig } from '../../src/config/load-config.js'
import {
  DEFAULT_BASELINE_NAME,
  DEFAULT_BASELINE_RUNS,
  DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE,
  DEFAULT_LOG_FILE,
  DEFAULT_OUTPUT_DIR,
  DEFAULT_REGRESSION_CONFIDENCE,
  DEFAULT_REGRESSION_CORRECTION,
  DEFAULT_REGRESSION_THRESHOLD,
  DEFAULT_REMEASURE_ROUNDS,
  DEFAULT_REMEASURE_RUNS,
  perfgateConfigSchema,
} from '../../src/config/schema.js'
import { isPerfgateError } from '../../src/errors.js'
import { designExample } from '../fixtures/design-config.js'

const defaults = parseConfig(undefined)

function messageOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(isPerfgateError(error, 'CONFIG_INVALID')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected the config to be rejected')
}

describe('parseConfig', () => {
  it('parses the DESIGN.md example into numbers with units, keeping the text as written', () => {
    const config = parseConfig(designExample)
    expect(config.budgets.bench['sort 10k']?.p95).toEqual({ text: '2ms', ns: 2_000_000 })
    expect(config.budgets.size[0]?.gzip).toEqual({ text: '10 kB', bytes: 10_000 })
    expect(config.budgets.web[0]?.vitals?.LCP).toEqual({ text: '2.5s', ns: 2.5e9 })
    expect(config.budgets.web[0]?.vitals?.CLS).toBe(0.1)
    expect(config.budgets.web[0]?.lighthouse?.performance).toEqual({ kind: 'score', text: '0.9', score: 0.9 })
    expect(config.budgets.http[0]?.errorRate).toEqual({ text: '0.1%', op: '<=', value: 0.001 })
    expect(config.budgets.http[0]?.duration).toEqual({ text: '5s', ns: 5e9 })
    expect(config.regression).toEqual({
      threshold: { text: '5%', fraction: 0.05 },
      confidence: 0.95,
      failOnEnvironmentChange: false,
      correction: 'holm',
      remeasureRuns: 3,
      remeasureRounds: 3,
      baselineRuns: 5,
      benches: {},
      pages: {},
    })
  })

  it('fills every default when the key is absent', () => {
    expect(defaults).toEqual({
      budgets: { bench: {}, size: [], web: [], http: [] },
      regression: {
        threshold: { text: DEFAULT_REGRESSION_THRESHOLD, fraction: 0.05 },
        confidence: DEFAULT_REGRESSION_CONFIDENCE,
        failOnEnvironmentChange: DEFAULT_FAIL_ON_ENVIRONMENT_CHANGE,
        correction: DEFAULT_REGRESSION_CORRECTION,
        remeasureRuns: DEFAULT_REMEASURE_RUNS,
        remeasureRounds: DEFAULT_REMEASURE_ROUNDS,
        baselineRuns: DEFAULT_BASELINE_RUNS,
        benches: {},
        pages: {},
      },
      output: { dir: DEFAULT_OUTPUT_DIR, baseline: DEFAULT_BASELINE_NAME, log: DEFAULT_LOG_FILE },
      bench: {},
    })
    expect(parseConfig({})).toEqual(defaults)
  })

  it('reads bounds: a bare rate is a minimum, a bare error rate a maximum', () => {
    const config = parseConfig({
      budgets: {
        bench: { 'sort *': { opsPerSec: 10_000 }, other: { opsPerSec: '< 5' } },
        http: [{ url: 'http://127.0.0.1:3000/', rps: '500', errorRate: '< 1%' }],
      },
    })
    expect(config.budgets.bench['sort *']?.opsPerSec).toEqual({ text: '10000', op: '>=', value: 10_000 })
    expect(config.budgets.bench.other?.opsPerSec).toEqual({ text: '< 5', op: '<', value: 5 })
    expect(config.budgets.http[0]?.rps).toEqual({ text: '500', op: '>=', value: 500 })
    expect(config.budgets.http[0]?.errorRate).toEqual({ text: '< 1%', op: '<', value: 0.01 })
  })

  it('reads Lighthouse targets as scores, durations or sizes', () => {
    const config = parseConfig({
      budgets: {
        web: [
          {
            url: 'http://127.0.0.1/',
            lighthouse: { seo: 1, 'speed-index': '3 s', 'total-byte-weight': '500 kB' },
          },
        ],
      },
    })
    expect(config.budgets.web[0]?.lighthouse).toEqual({
      seo: { kind: 'score', text: '1', score: 1 },
      'speed-index': { kind: 'duration', text: '3 s', ns: 3e9 },
      'total-byte-weight': { kind: 'size', text: '500 kB', bytes: 500_000 },
    })
  })

  it('points at a bad duration', () => {
    expect(
      messageOf(() => parseConfig({ budgets: { bench: { 'sort 10k': { p95: 'fast' } } } })),
    ).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "fast"
        → at budgets.bench["sort 10k"].p95
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('suggests the key a typo meant', () => {
    expect(messageOf(() => parseConfig({ regression: { tresholds: '5%' } }))).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Unknown key "tresholds". Did you mean "threshold"?
        → at regression
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('reads thresholds of single benches, and says where one is wrong', () => {
    expect(
      parseConfig({
        regression: { benches: { 'small objects *': { threshold: '20%' }, parse: { threshold: 0.1 } } },
      }).regression.benches,
    ).toEqual({
      'small objects *': { threshold: { text: '20%', fraction: 0.2 } },
      parse: { threshold: { text: '0.1', fraction: 0.1 } },
    })
    expect(
      messageOf(() =>
        parseConfig({
          regression: {
            benches: { parse: { threshold: 'loose' }, sort: { treshold: '5%' }, map: {}, csv: '10%' },
          },
        }),
      ),
    ).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a percentage like "0.1%" or "5%", received "loose"
        → at regression.benches.parse.threshold
      ✖ Expected a percentage like "0.1%" or "5%", but the key is missing
        → at regression.benches.sort.threshold
      ✖ Unknown key "treshold". Did you mean "threshold"?
        → at regression.benches.sort
      ✖ Expected a percentage like "0.1%" or "5%", but the key is missing
        → at regression.benches.map.threshold
      ✖ Expected bench regression settings like { "threshold": "20%" }, received "10%"
        → at regression.benches.csv
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('reads thresholds of pages and of their metrics, and says where one is wrong', () => {
    expect(
      parseConfig({
        regression: {
          pages: { 'checkout*': { threshold: '10%', metrics: { INP: '25%', performance: 0.03 } } },
        },
      }).regression.pages,
    ).toEqual({
      'checkout*': {
        threshold: { text: '10%', fraction: 0.1 },
        metrics: { INP: { text: '25%', fraction: 0.25 }, performance: { text: '0.03', fraction: 0.03 } },
      },
    })
    expect(parseConfig({}).regression.pages).toEqual({})
    expect(
      messageOf(() =>
        parseConfig({
          regression: {
            pages: {
              home: { metrics: { lcp: '20%', CLS: 'lots' } },
              cart: {},
              search: { threshhold: '5%' },
              about: '10%',
            },
          },
        }),
      ),
    ).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a metric the web guard checks: LCP, FCP, CLS, INP, TTFB, TBT, first-contentful-paint, largest-contentful-paint, total-blocking-time, cumulative-layout-shift, speed-index, interactive, a Lighthouse category (performance, accessibility, best-practices, seo, pwa) or resource-summary.<type>.size / .count, received "lcp"
        → at regression.pages.home.metrics.lcp
      ✖ Expected a percentage like "0.1%" or "5%", received "lots"
        → at regression.pages.home.metrics.CLS
      ✖ Expected "threshold", "metrics" or both; an empty entry changes nothing
        → at regression.pages.cart
      ✖ Unknown key "threshhold". Did you mean "threshold"?
        → at regression.pages.search
      ✖ Expected "threshold", "metrics" or both; an empty entry changes nothing
        → at regression.pages.search
      ✖ Expected page regression settings like { "threshold": "10%", "metrics": { "INP": "25%" } }, received "10%"
        → at regression.pages.about
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('bounds the processes a regression check and a baseline may take', () => {
    expect(
      parseConfig({ regression: { remeasureRuns: 0, remeasureRounds: 1, baselineRuns: 1 } }).regression,
    ).toMatchObject({
      remeasureRuns: 0,
      remeasureRounds: 1,
      baselineRuns: 1,
    })
    expect(
      messageOf(() =>
        parseConfig({ regression: { remeasureRuns: 2.5, remeasureRounds: 6, baselineRuns: 0 } }),
      ),
    ).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a whole number of processes from 0 to 20, received 2.5
        → at regression.remeasureRuns
      ✖ Expected a whole number of rounds from 1 to 5, received 6
        → at regression.remeasureRounds
      ✖ Expected a whole number of processes from 1 to 20, received 0
        → at regression.baselineRuns
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('lists the known keys when no key is close', () => {
    expect(messageOf(() => parseConfig({ output: { folder: 'perf' } }))).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Unknown key "folder" (known keys: dir, baseline, log)
        → at output
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('says what type was expected', () => {
    expect(
      messageOf(() => parseConfig({ budgets: { size: { path: 'dist/index.js' } } })),
    ).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected a list of size budgets like [{ "path": "dist/index.js", "gzip": "10 kB" }], received {"path":"dist/index.js"}
        → at budgets.size
      Fix it in the "perfgate" section of package.json."
    `)
    expect(messageOf(() => parseConfig('5ms'))).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Expected an object like { "budgets": { "bench": { "sort 10k": { "p95": "2ms" } } } }, received "5ms"
        → at the "perfgate" key
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('lists every problem at once', () => {
    const raw = {
      budget: {},
      budgets: {
        bench: { 'sort 10k': { p59: '1ms', p99: '-5ms', opsPerSec: '=> 10000' } },
        size: [{ gzip: '10 parsecs' }],
        web: [{ url: 'localhost:4173', vitals: { LCP: 2500, cls: 0.1 }, lighthouse: { performance: 90 } }],
        http: [{ url: 'http://127.0.0.1:3000/', method: 'get', connections: 0, errorRate: '0.1' }],
      },
      regression: { threshold: 5, confidence: 95, failOnEnvironmentChange: 'yes' },
    }
    expect(messageOf(() => parseConfig(raw, '../package.json'))).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in ../package.json:
      ✖ Expected a duration like "250us", "5ms" or "1.5s" (a bare number means ms), received "-5ms"
        → at budgets.bench["sort 10k"].p99
      ✖ Expected a bound like ">= 10000" or "< 0.1%": one of the operators <, <=, >, >= and a value (a bare value means >=), received "=> 10000"
        → at budgets.bench["sort 10k"].opsPerSec
      ✖ Unknown key "p59". Did you mean "p95"?
        → at budgets.bench["sort 10k"]
      ✖ Expected a file path or glob like "dist/index.js", but the key is missing
        → at budgets.size[0].path
      ✖ Expected a size like "512 B", "10 kB" or "1.2 MiB" (a bare number means bytes), received "10 parsecs"
        → at budgets.size[0].gzip
      ✖ Expected an absolute http(s) URL like "http://127.0.0.1:3000/", received "localhost:4173"
        → at budgets.web[0].url
      ✖ Unknown key "cls". Did you mean "CLS"?
        → at budgets.web[0].vitals
      ✖ Expected a score from 0 to 1 (like 0.9), a duration (like "2.5s") or a size (like "500 kB"), received 90
        → at budgets.web[0].lighthouse.performance
      ✖ Expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, received "get"
        → at budgets.http[0].method
      ✖ Expected a whole number of 1 or more, received 0
        → at budgets.http[0].connections
      ✖ Expected a percentage like "0.1%" or "5%", received "0.1"
        → at budgets.http[0].errorRate
      ✖ Expected a percentage like "0.1%" or "5%", received 5
        → at regression.threshold
      ✖ Expected a confidence level above 0.5 and below 1, like 0.95, received 95
        → at regression.confidence
      ✖ Expected true or false, received "yes"
        → at regression.failOnEnvironmentChange
      ✖ Unknown key "budget". Did you mean "budgets"?
        → at the "perfgate" key
      Fix it in the "perfgate" section of package.json."
    `)
  })

  it('keeps the zod error as cause', () => {
    try {
      parseConfig({ regression: { confidence: 2 } })
    } catch (error) {
      expect((error as Error).cause).toMatchObject({ name: 'ZodError' })
    }
    expect.assertions(1)
  })
})

describe('loadConfig', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-config-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the "perfgate" key of package.json', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', perfgate: designExample }))
    const loaded = await loadConfig(dir)
    expect(loaded.file).toBe(join(dir, 'package.json'))
    expect(loaded.root).toBe(dir)
    expect(loaded.config).toEqual(parseConfig(designExample))
  })

  it('gives the defaults when the key is absent', async () => {
    await writeFile(join(dir, 'package.json'), '\uFEFF{ "name": "x" }\n')
    expect(await loadConfig(dir)).toEqual({ config: defaults, file: join(dir, 'package.json'), root: dir })
  })

  it('walks up to the nearest package.json and names it relative to cwd', async () => {
    const deep = join(dir, 'packages', 'app', 'src')
    await mkdir(deep, { recursive: true })
    await writeFile(join(dir, 'package.json'), JSON.stringify({ perfgate: { output: { dir: 'root' } } }))
    await writeFile(
      join(dir, 'packages', 'app', 'package.json'),
      JSON.stringify({ perfgate: { output: { dir: 'app' } } }),
    )
    const loaded = await loadConfig(deep)
    expect(loaded.file).toBe(join(dir, 'packages', 'app', 'package.json'))
    expect(loaded.root).toBe(join(dir, 'packages', 'app'))
    expect(loaded.config.output.dir).toBe('app')

    await writeFile(
      join(dir, 'packages', 'app', 'package.json'),
      JSON.stringify({ perfgate: { output: { dri: 'x' } } }),
    )
    await expect(loadConfig(deep)).rejects.toThrowErrorMatchingInlineSnapshot(`
      [PerfgateError: perfgate: Invalid "perfgate" config in ../package.json:
      ✖ Unknown key "dri". Did you mean "dir"?
        → at output
      Fix it in the "perfgate" section of package.json.]
    `)
  })

  it('reports invalid JSON with the parser error as cause', async () => {
    await writeFile(join(dir, 'package.json'), '{ "name": "x", }')
    const error = await loadConfig(dir).catch((thrown: unknown) => thrown)
    expect(isPerfgateError(error, 'CONFIG_UNREADABLE')).toBe(true)
    expect((error as Error).cause).toBeInstanceOf(SyntaxError)
    // The JSON parser's wording changes between Node versions.
    const reason = ((error as Error).cause as Error).message.replace(/\.$/, '')
    expect((error as Error).message.replace(reason, '<reason>')).toMatchInlineSnapshot(
      `"perfgate: Could not read package.json: <reason>. perfgate reads its config from the "perfgate" key of package.json; make sure the file is valid JSON."`,
    )
  })

  it('does not skip a package.json it cannot read', async () => {
    await mkdir(join(dir, 'package.json'))
    const error = await loadConfig(dir).catch((thrown: unknown) => thrown)
    expect(isPerfgateError(error, 'CONFIG_UNREADABLE')).toBe(true)
    expect((error as Error).message).toContain('EISDIR')
  })
})

describe('formatPath', () => {
  it.each([
    [[], 'the "perfgate" key'],
    [['regression'], 'regression'],
    [['budgets', 'bench', 'sort 10k', 'p95'], 'budgets.bench["sort 10k"].p95'],
    [['budgets', 'size', 0, 'gzip'], 'budgets.size[0].gzip'],
    [['budgets', 'web', 1, 'lighthouse', 'best-practices'], 'budgets.web[1].lighthouse["best-practices"]'],
    [['budgets', 'bench', 'a"b'], 'budgets.bench["a\\"b"]'],
  ] as const)('%j is %s', (path, text) => {
    expect(formatPath(path)).toBe(text)
  })
})

describe('did you mean', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3], // the textbook Levenshtein example
    ['p59', 'p95', 1], // a swap is one edit
    ['ca', 'abc', 3], // optimal string alignment, not full Damerau (which gives 2)
    ['tresholds', 'threshold', 2],
  ])('editDistance(%j, %j) is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })

  it('suggests the closest known key, or nothing when none is close', () => {
    const keys = ['threshold', 'confidence', 'failOnEnvironmentChange']
    expect(didYouMean('tresholds', keys)).toBe('threshold')
    expect(didYouMean('confidance', keys)).toBe('confidence')
    expect(didYouMean('failOnEnvChange', keys)).toBeUndefined()
    expect(didYouMean('xyz', keys)).toBeUndefined()
    expect(didYouMean('lcp', ['LCP', 'FCP'])).toBe('LCP')
    expect(didYouMean('p59', ['p50', 'p75', 'p95'])).toBe('p95')
    expect(didYouMean('p9', ['p90', 'p95'])).toBe('p90')
  })

  it('finds the known keys of the object at a path', () => {
    expect(knownKeysAt(perfgateConfigSchema, ['regression'])).toEqual([
      'threshold',
      'confidence',
      'failOnEnvironmentChange',
      'correction',
      'remeasureRuns',
      'remeasureRounds',
      'baselineRuns',
      'benches',
      'pages',
    ])
    expect(knownKeysAt(perfgateConfigSchema, ['budgets', 'bench', 'any name'])).toContain('p95')
    expect(knownKeysAt(perfgateConfigSchema, ['budgets', 'web', 0, 'vitals'])).toEqual([
      'LCP',
      'FCP',
      'INP',
      'TTFB',
      'TBT',
      'CLS',
    ])
    expect(knownKeysAt(perfgateConfigSchema, ['budgets', 'size', 'x'])).toBeUndefined()
    expect(knownKeysAt(perfgateConfigSchema, ['regression', 'threshold'])).toBeUndefined()
  })
})

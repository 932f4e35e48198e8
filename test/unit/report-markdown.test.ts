import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { eventsFromRecord, regressionEvent, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import { MARKDOWN_MAX_CHARS, renderMarkdown, writeStepSummary } from '../../src/report/markdown.js'
import type { ReportBench, ReportRegression, RunReport } from '../../src/report/run-report.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import { evaluateWebBudget, vitalsLimits } from '../../src/web/evaluate-web-budget.js'
import { parseVitalsBudget } from '../../src/web/parse-web-budget.js'
import { benchResult } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { syntheticBaseline, syntheticRun, timesAround } from '../fixtures/run-reports.js'
import { slowVitals } from '../fixtures/web-results.js'

/** A bench line with plain numbers; override what the test is about. */
function bench(name: string, overrides: Partial<ReportBench> = {}): ReportBench {
  return {
    name,
    medianNs: 2.41e6,
    medianIntervalNs: [2.38e6, 2.45e6],
    p95Ns: 2.62e6,
    samples: 200,
    batchSize: 1,
    granularity: 'call',
    budget: 'p95 ≤ 3ms',
    budgetStatus: 'pass',
    negated: false,
    regression: null,
    ...overrides,
  }
}

function regression(
  status: ReportRegression['status'],
  delta: number,
  interval: [number, number],
): ReportRegression {
  return {
    status,
    baselineNs: 2e6,
    delta,
    deltaInterval: interval,
    confidence: 0.95,
    threshold: 0.05,
    adjustedP: null,
    machineRatio: null,
    base: null,
  }
}

function run(benches: ReportBench[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: 'run-1',
    startedAt: '2025-01-02T03:04:05.000Z',
    env: ciRunner(),
    benches,
    comparisons: [],
    unguarded: benches.filter((b) => b.budgetStatus === 'unguarded').map((b) => b.name),
    pages: [],
    counts: {
      pass: 0,
      fail: 0,
      inconclusive: 0,
      faster: 0,
      slower: 0,
      equivalent: 0,
      regressed: 0,
      improved: 0,
      unchanged: 0,
      'environment-changed': 0,
    },
    exitCode: 0,
    ...overrides,
  }
}

/** The table rows of a report (lines that start with `| ` after the two header lines). */
function tableRows(markdown: string): string[] {
  const header = /^\| (bench|comparison) \|.*\|$|^\| :--/
  return markdown.split('\n').filter((line) => line.startsWith('| ') && !header.test(line))
}

/** Cells of a table row, split at the pipes Markdown sees (not at `\|`). */
function cellsOf(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim())
}

describe('renderMarkdown', () => {
  const baseline = syntheticBaseline('main', {
    'sort 10k': timesAround(2.0e6, 120, 11),
    'parse json': timesAround(80e3, 120, 12),
  })

  it('leads with the problems: a failed budget, and a regression whose budget passed', async () => {
    const { run: report } = await syntheticRun(
      [
        { name: 'parse json', perCallNs: timesAround(80e3, 120, 30), budget: { p95: '70us' } },
        { name: 'tokenize', perCallNs: timesAround(500, 120, 40) },
        { name: 'sort 10k', perCallNs: timesAround(2.62e6, 120, 20), budget: { p95: '3ms' } },
        { name: 'naive sort', perCallNs: timesAround(9e6, 60, 50), budget: { median: '5ms' }, negated: true },
      ],
      { baseline },
    )
    expect(renderMarkdown(report, { baselineName: 'main' })).toMatchInlineSnapshot(`
      "### perfgate

      **❌ 1 budget failed, 1 regression**

      4 benches · vs baseline "main" · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · GitHub Actions · git abc1234\\*

      | bench | median (95% CI) | p95 | budget | vs baseline | verdict |
      | :-- | --: | --: | :-- | :-- | :-- |
      | parse json | 80.4 µs (78.7–81.9 µs) | 87.3 µs | p95 ≤ 70us | ▼ -1.32% (-12.3% … +11%) | ❌ fail · ✅ unchanged |
      | sort 10k | 2.61 ms (2.59–2.67 ms) | 2.85 ms | p95 ≤ 3ms | ▲ +30.9% (+22.1% … +40.3%) | ✅ pass · ❌ regressed |
      | tokenize | 507 ns (496–515 ns) | 543 ns | — | no baseline | ➖ unguarded |
      | naive sort | 8.99 ms (8.72–9.19 ms) | 9.78 ms | median ≤ 5ms | no baseline | ✅ fail (expected by .not) |

      ➖ **Unguarded** (no budget checked them): "tokenize". Add budgets in package.json under perfgate.budgets.bench, or inline."
    `)
  })

  it('says once when a disturbed machine left benches undecided, naming them', () => {
    const undecided = (name: string, machineRatio: number) =>
      bench(name, { regression: { ...regression('inconclusive', -0.01, [-0.05, 0.04]), machineRatio } })
    const markdown = renderMarkdown(
      run([
        undecided('sort | 10k', 1.4),
        bench('parse', { regression: regression('unchanged', 0.01, [-0.02, 0.04]) }),
        ...['a', 'b', 'c', 'd', 'e'].map((name) => undecided(name, 1.66)),
      ]),
    )
    expect(markdown.split('\n\n').find((part) => part.startsWith('❔'))).toBe(
      '❔ **The machine was disturbed**: around 6 benches it ran 40–66% slower than when the baseline was recorded, and only that shift would have called them unchanged or faster, so they are inconclusive: "sort \\| 10k", "a", "b", "c", "d" and 1 more. Run again on a quieter machine.',
    )
    expect(renderMarkdown(run([undecided('sort', 1.4)]))).toContain(
      'around 1 bench it ran 40% slower than when the baseline was recorded, and only that shift would have called it unchanged or faster, so it is inconclusive: "sort".',
    )
    expect(
      renderMarkdown(run([bench('parse', { regression: regression('inconclusive', 0.09, [-0.02, 0.2]) })])),
    ).not.toContain('disturbed')
  })

  it('reads the machine shift from the log: a regression event with asMeasured', () => {
    const result = benchResult({ name: 'sort', perCallNs: timesAround(2e6, 40, 3) })
    const context = { runId: 'r', ts: '2025-01-02T03:04:05.000Z' }
    const events = [
      ...eventsFromRecord({ kind: 'bench', result }, context),
      regressionEvent(
        {
          name: 'sort',
          metric: 'p10',
          unit: 'ns',
          value: 3.26e6,
          baseline: 2e6,
          delta: -0.015,
          interval: [-0.06, 0.03],
          verdict: 'inconclusive',
          threshold: 0.05,
          confidence: 0.95,
          asMeasured: { ratio: 1.63, interval: [1.58, 1.68], machineRatio: 1.66 },
        },
        context,
      ),
    ]
    const [report] = runsFromEvents(events)
    expect(report!.benches[0]!.regression).toMatchObject({ status: 'inconclusive', machineRatio: 1.66 })
    expect(renderMarkdown(report!)).toContain('around 1 bench it ran 66% slower')
  })

  it('says so when all is well', async () => {
    const { run: report } = await syntheticRun(
      [
        { name: 'parse json', perCallNs: timesAround(80e3, 120, 30), budget: { p95: '100us' } },
        { name: 'sort 10k', perCallNs: timesAround(2.0e6, 120, 21), budget: { p95: '3ms' } },
      ],
      { baseline },
    )
    expect(renderMarkdown(report, { baselineName: 'main', title: 'Perf: node-lib' })).toMatchInlineSnapshot(`
      "### Perf: node-lib

      **✅ all 2 benches within budget, no regressions**

      2 benches · vs baseline "main" · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · GitHub Actions · git abc1234\\*

      | bench | median (95% CI) | p95 | budget | vs baseline | verdict |
      | :-- | --: | --: | :-- | :-- | :-- |
      | parse json | 80.4 µs (78.7–81.9 µs) | 87.3 µs | p95 ≤ 100us | ▼ -1.32% (-12.3% … +11%) | ✅ pass · ✅ unchanged |
      | sort 10k | 1.96 ms (1.93–2.01 ms) | 2.16 ms | p95 ≤ 3ms | ▼ -0.034% (-11.1% … +12.5%) | ✅ pass · ✅ unchanged |"
    `)
  })

  it('names every regression status and budget verdict, both in one cell', () => {
    const report = run([
      bench('a', { regression: regression('regressed', 0.312, [0.27, 0.358]) }),
      bench('b', { regression: regression('improved', -0.084, [-0.1, -0.07]) }),
      bench('c', { regression: regression('unchanged', 0.0001, [-0.01, 0.012]) }),
      bench('c0', { regression: regression('unchanged', 0, [-0.01, 0.012]) }),
      bench('d', {
        budgetStatus: 'inconclusive',
        regression: regression('inconclusive', 0.04, [-0.01, 0.09]),
      }),
      bench('e', { regression: regression('environment-changed', 0.5, [0.4, 0.6]) }),
      bench('f', { budgetStatus: 'fail', negated: true }),
      bench('g', { budgetStatus: 'pass', negated: true }),
      bench('h', {
        budget: null,
        budgetStatus: 'unguarded',
        regression: regression('regressed', 0.2, [0.1, Number.POSITIVE_INFINITY]),
      }),
    ])
    const rows = Object.fromEntries(
      tableRows(renderMarkdown(report)).map((r) => [cellsOf(r)[0], cellsOf(r).slice(4)]),
    )
    expect(rows).toEqual({
      a: ['▲ +31.2% (+27% … +35.8%)', '✅ pass · ❌ regressed'],
      b: ['▼ -8.4% (-10% … -7%)', '✅ pass · ✅ improved'],
      c: ['▲ +0.01% (-1% … +1.2%)', '✅ pass · ✅ unchanged'],
      c0: ['= 0% (-1% … +1.2%)', '✅ pass · ✅ unchanged'],
      d: ['▲ +4% (-1% … +9%)', '❔ inconclusive · ❔ inconclusive vs baseline'],
      e: ['▲ +50% (+40% … +60%)', '✅ pass · ⚠️ environment changed'],
      f: ['no baseline', '✅ fail (expected by .not)'],
      g: ['no baseline', '❌ pass (.not expected a fail)'],
      h: ['▲ +20% (+10% … +∞%)', '➖ unguarded · ❌ regressed'],
    })
  })

  it('lists problems first, then the unsure, then the rest, each in run order', () => {
    const report = run([
      bench('fine 1'),
      bench('unsure', { budgetStatus: 'inconclusive' }),
      bench('slow', { regression: regression('regressed', 0.3, [0.2, 0.4]) }),
      bench('fine 2'),
      bench('over', { budgetStatus: 'fail' }),
    ])
    expect(tableRows(renderMarkdown(report)).map((r) => cellsOf(r)[0])).toEqual([
      'slow',
      'over',
      'unsure',
      'fine 1',
      'fine 2',
    ])
  })

  it('shows — for numbers the log lost, never NaN', () => {
    const report = run([
      bench('crashed', {
        medianNs: Number.NaN,
        medianIntervalNs: [Number.NaN, Number.NaN],
        p95Ns: Number.NaN,
        regression: regression('inconclusive', Number.NaN, [Number.NaN, Number.NaN]),
      }),
      bench('open', {
        medianIntervalNs: [2.3e6, Number.POSITIVE_INFINITY],
        regression: regression('inconclusive', 0.1, [Number.NaN, 0.2]),
      }),
    ])
    const markdown = renderMarkdown(report)
    expect(markdown).not.toMatch(/NaN|Infinity/)
    const [crashed, open] = tableRows(markdown).map(cellsOf)
    expect(crashed!.slice(1, 5)).toEqual(['—', '—', 'p95 ≤ 3ms', '—'])
    expect(open!.slice(1, 5)).toEqual(['2.41 ms (2.30 ms–∞)', '2.62 ms', 'p95 ≤ 3ms', '▲ +10%'])
  })

  it('escapes names so they cannot break the table, format, link, mention or write HTML', () => {
    const hostile = 'a|b *c* _d_ `e` <img src=x onerror=alert(1)> [f](http://x) \\| ~~g~~ & @octocat\nh'
    const report = run([bench(hostile, { budget: 'p95 ≤ 3ms | <b>' })])
    const markdown = renderMarkdown(report)
    const [row] = tableRows(markdown)
    expect(cellsOf(row!)).toHaveLength(6)
    expect(cellsOf(row!)[0]).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` &lt;img src=x onerror=alert(1)&gt; \\[f\\](http://x) \\\\\\| \\~\\~g\\~\\~ &amp; @\u2060octocat h',
    )
    expect(cellsOf(row!)[3]).toBe('p95 ≤ 3ms \\| &lt;b&gt;')
    expect(markdown).not.toMatch(/<img|<b>|(?<!\\)\]\(/)
  })

  it('escapes the title, the baseline name and the environment too', () => {
    const env = ciRunner()
    env.cpu.model = 'Fake <script> CPU'
    const markdown = renderMarkdown(run([bench('a')], { env }), {
      title: 'perf *|* <x>',
      baselineName: 'ci/<main>',
    })
    expect(markdown.split('\n')[0]).toBe('### perf \\*\\|\\* &lt;x&gt;')
    expect(markdown).toContain('vs baseline "ci/&lt;main&gt;"')
    expect(markdown).toContain('Fake &lt;script&gt; CPU')
    expect(markdown).toContain('git abc1234\\*')
  })

  it('names the base ref benches were compared with in the same process (PERFGATE_BASE_REF)', () => {
    const base = { ref: 'origin/main', commit: '3f2c1ab'.padEnd(40, '0') }
    const compared = bench('sort', { regression: { ...regression('regressed', 0.3, [0.27, 0.35]), base } })
    const intro = (baselineName: string | null) =>
      renderMarkdown(run([compared]), { baselineName })
        .split('\n')
        .find((line) => line.startsWith('1 bench'))
    expect(intro(null)).toContain('1 bench · vs origin/main (3f2c1ab), same process · node 20.20.2')
    // A stored baseline the other benches were compared with is named too.
    expect(intro('main')).toContain('1 bench · vs origin/main (3f2c1ab), same process · vs baseline "main"')
  })

  it('stays under the comment limit: problems first, then "… N more benches"', () => {
    const total = 2000
    const benches = Array.from({ length: total }, (_, i) =>
      bench(`bench ${String(i).padStart(4, '0')} ${'x'.repeat(90)}`, {
        budgetStatus: i % 500 === 499 ? 'fail' : 'pass',
        regression: regression(i === 1234 ? 'regressed' : 'unchanged', 0.01, [-0.01, 0.03]),
      }),
    )
    const markdown = renderMarkdown(run(benches))
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS)
    const names = tableRows(markdown).map((r) => cellsOf(r)[0]!.slice(0, 10))
    expect(names.slice(0, 5)).toEqual(['bench 0499', 'bench 0999', 'bench 1234', 'bench 1499', 'bench 1999'])
    expect(names[5]).toBe('bench 0000')
    const more = /^… (\d+) more benches, see the HTML report\.$/m.exec(markdown)
    expect(more).not.toBeNull()
    expect(names.length + Number(more![1])).toBe(total)
    expect(names.length).toBeGreaterThan(200)
  })

  it('does not truncate a table that fits', () => {
    const markdown = renderMarkdown(run(Array.from({ length: 40 }, (_, i) => bench(`b${i}`))))
    expect(tableRows(markdown)).toHaveLength(40)
    expect(markdown).not.toContain('more benches')
  })

  it('cuts very long names, lists and comparisons short', () => {
    const long = 'n'.repeat(500)
    const comparisons = Array.from({ length: 60 }, (_, i) => ({
      names: [`a${i}`, `b${i}`] as [string, string],
      method: 'paired-rounds' as const,
      ratio: 1.23,
      interval: [1.18, 1.29] as [number, number],
      verdict: 'slower' as const,
    }))
    const unguarded = Array.from({ length: 45 }, (_, i) =>
      bench(`u${i}`, { budget: null, budgetStatus: 'unguarded' }),
    )
    const markdown = renderMarkdown(run([bench(long), ...unguarded], { comparisons }))
    expect(markdown).toContain(`| ${'n'.repeat(119)}… |`)
    expect(markdown).toContain('… 10 more comparisons, see the HTML report.')
    expect(markdown).toContain('"u29" and 15 more. Add budgets')
  })

  it('shows comparisons as a/b time ratios', () => {
    const report = run([bench('a')], {
      comparisons: [
        {
          names: ['sort', 'naive sort'],
          method: 'paired-rounds',
          ratio: 0.42,
          interval: [0.4, 0.44],
          verdict: 'faster',
        },
        {
          names: ['x', 'y'],
          method: 'independent-samples',
          ratio: 1.01,
          interval: [0.97, 1.06],
          verdict: 'inconclusive',
        },
      ],
    })
    expect(renderMarkdown(report).split('\n\n').at(-1)).toMatchInlineSnapshot(`
      "| comparison (a vs b) | a/b time (95% CI) | verdict | measured |
      | :-- | --: | :-- | :-- |
      | sort vs naive sort | 0.420× (0.400–0.440×) | ✅ faster | paired |
      | x vs y | 1.01× (0.970–1.06×) | ❔ inconclusive | separate runs |"
    `)
  })

  it('says when a run did not finish, or failed for a reason perfgate did not give', () => {
    expect(renderMarkdown(run([bench('a')], { counts: null, exitCode: null })).split('\n')[2]).toBe(
      '**⚠️ 1 bench within budget, no baseline compared; the run did not finish**',
    )
    expect(renderMarkdown(run([bench('a')], { exitCode: 1 })).split('\n')[2]).toBe(
      '**❌ 1 bench within budget, no baseline compared; the run exited with code 1**',
    )
    expect(renderMarkdown(run([])).split('\n')[2]).toBe('**✅ no benches in this run**')
    expect(
      renderMarkdown(run([bench('a', { budget: null, budgetStatus: 'unguarded' }), bench('b')])).split(
        '\n',
      )[2],
    ).toBe('**✅ 1 of 2 benches within budget (1 unguarded), no baseline compared**')
  })
})

describe('writeStepSummary', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-summary-'))
    dirs.push(dir)
    return dir
  }

  it('does nothing outside GitHub Actions', () => {
    expect(writeStepSummary('# hi', {})).toBeUndefined()
    expect(writeStepSummary('# hi', { GITHUB_STEP_SUMMARY: '' })).toBeUndefined()
  })

  it('appends to the file GITHUB_STEP_SUMMARY names, after what other steps wrote', () => {
    const file = join(tempDir(), 'step_summary')
    writeFileSync(file, 'earlier step, no newline')
    expect(writeStepSummary('### perfgate\n\nfirst', { GITHUB_STEP_SUMMARY: file })).toBe(file)
    expect(writeStepSummary('second\n', { GITHUB_STEP_SUMMARY: file })).toBe(file)
    expect(readFileSync(file, 'utf8')).toBe('earlier step, no newline\n### perfgate\n\nfirst\n\nsecond\n')
  })

  it('throws STEP_SUMMARY_UNWRITABLE, with the cause, when the file cannot be written', () => {
    const dir = tempDir()
    let error: unknown
    try {
      writeStepSummary('x', { GITHUB_STEP_SUMMARY: dir })
    } catch (e) {
      error = e
    }
    expect(isPerfgateError(error, 'STEP_SUMMARY_UNWRITABLE')).toBe(true)
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('EISDIR')
    expect(
      (error as Error).message.replace(dir, '<dir>').replace(/: EISDIR.*?\. On/, ': <reason>. On'),
    ).toMatchInlineSnapshot(
      `"perfgate: Could not append the report to the job summary <dir> (named by GITHUB_STEP_SUMMARY): <reason>. On GitHub Actions the runner creates this file; elsewhere, unset GITHUB_STEP_SUMMARY or point it at a writable file."`,
    )
  })
})

describe('renderMarkdown: pages', () => {
  it('shows each budgeted page metric with its runs, budget, change and verdict, problems first', () => {
    const context = { runId: 'run-web', ts: '2026-11-21T09:00:00.000Z' }
    const vitals = slowVitals()
    const verdict = evaluateWebBudget(
      vitals,
      vitalsLimits(parseVitalsBudget({ LCP: '2.5s', CLS: 0.1 }, 'test')),
    )
    const events = [
      runStartEvent(context, ciRunner()),
      ...eventsFromRecord({ kind: 'web', result: vitals }, context),
      ...eventsFromRecord({ kind: 'web-budget', verdict }, context),
      runEndEvent(context, { fail: 1, pass: 1 }, 1),
    ]
    const [report] = runsFromEvents(events)
    expect(report!.pages.map((p) => [p.metric, p.status])).toEqual([
      ['LCP', 'fail'],
      ['FCP', null],
      ['CLS', 'pass'],
      ['INP', null],
      ['TTFB', null],
      ['TBT', null],
    ])
    expect(renderMarkdown(report!, { baselineName: null })).toMatchInlineSnapshot(`
      "### perfgate

      **❌ 1 budget failed**

      1 page · no baseline · node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · GitHub Actions · git abc1234\\*

      | page | metric | value (runs) | budget | vs baseline | verdict |
      | :-- | :-- | --: | :-- | :-- | :-- |
      | home \\[web-vitals, desktop\\] | LCP | 3.12 s (2.98 s … 3.40 s) | ≤ 2.5s | — | ❌ fail |
      | home \\[web-vitals, desktop\\] | FCP | 1.01 s (990 ms … 1.10 s) | — | — | — |
      | home \\[web-vitals, desktop\\] | CLS | 0 (0 … 0) | ≤ 0.1 | — | ✅ pass |
      | home \\[web-vitals, desktop\\] | INP | 48.0 ms (40.0 ms … 56.0 ms) | — | — | — |
      | home \\[web-vitals, desktop\\] | TTFB | 4.10 ms (3.90 ms … 5.20 ms) | — | — | — |
      | home \\[web-vitals, desktop\\] | TBT | 512 ms (498 ms … 530 ms) | — | — | — |"
    `)
  })
})

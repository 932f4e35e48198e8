import { describe, expect, it } from 'vitest'
import { renderHtmlReport } from '../../src/report/html.js'
import {
  distributionChart,
  histogram,
  historyChart,
  linearTicks,
  logTicks,
  niceStep,
  project,
} from '../../src/report/svg-charts.js'
import {
  htmlInput,
  SLOWING_MEDIANS_NS,
  syntheticBaseline,
  syntheticHistory,
  timesAround,
} from '../fixtures/run-reports.js'

const HOSTILE = '<img src=x onerror=alert(1)>'
const QUOTES = '"quotes" & ampersands'

const baseline = syntheticBaseline('main', {
  'sort 10k': timesAround(2.0e6, 120, 11),
  [QUOTES]: timesAround(40e3, 120, 12),
  'gone bench': timesAround(5e3, 120, 13),
})

/** Five runs: "sort 10k" slows down over them; the hostile bench has no baseline. */
function history(count = 5) {
  return syntheticHistory(
    count,
    (k) => [
      {
        name: 'sort 10k',
        perCallNs: timesAround(SLOWING_MEDIANS_NS[k]!, 120, 20 + k),
        budget: { p95: '3ms' },
      },
      { name: HOSTILE, perCallNs: timesAround(500, 120, 40 + k) },
      // ~7% slower than its baseline: beyond the threshold, but one process a side cannot prove it.
      { name: QUOTES, perCallNs: timesAround(43.2e3, 120, 60 + k), budget: { median: '50us' } },
    ],
    baseline,
  )
}

/** The section of each bench, by the name in its heading (as the HTML has it, escaped). */
function sections(html: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const part of html.split('<section class="bench').slice(1)) {
    const name = /<h2><span class="name">(.*?)<\/span>/.exec(part)?.[1]
    found.set(name ?? '?', part.slice(0, part.indexOf('</section>')))
  }
  return found
}

async function report(count = 5) {
  return renderHtmlReport(htmlInput(await history(count), baseline))
}

describe('renderHtmlReport', () => {
  it('is one self-contained page: inline style, no script, nothing to fetch', async () => {
    const html = await report()
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    )
    expect(html.match(/<style>/g)).toHaveLength(1)
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=["']|href=["'](?!#)/i)
  })

  it('escapes every name, in text, tooltips and aria labels', async () => {
    const html = await report()
    expect(html).not.toContain(HOSTILE)
    expect(html).not.toContain(QUOTES)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&quot;quotes&quot; &amp; ampersands')
    expect(html).toContain('aria-label="&lt;img src=x onerror=alert(1)&gt;: time per call"')
    // Every attribute value is quoted and holds no raw quote, so none can be closed early.
    const attributes = html.match(/ [\w-]+="[^"]*"/g) ?? []
    expect(attributes.join('')).not.toMatch(/[<>]/)
  })

  it('escapes the title and the environment', async () => {
    const runs = await history(1)
    runs[0]!.run.env!.cpu.model = '<b>CPU</b>'
    const html = renderHtmlReport({ runs: runs.map((r) => r.run), title: '<i>perf</i>', generatedAt: 'x' })
    expect(html).toContain('<title>&lt;i&gt;perf&lt;/i&gt;</title>')
    expect(html).toContain('<h1>&lt;i&gt;perf&lt;/i&gt;</h1>')
    expect(html).toContain('&lt;b&gt;CPU&lt;/b&gt;')
    expect(html).not.toMatch(/<b>|<i>/)
  })

  it('gives each bench a distribution, a history and its numbers', async () => {
    const html = await report()
    const benches = sections(html)
    expect([...benches.keys()]).toEqual([
      'sort 10k',
      '&quot;quotes&quot; &amp; ampersands',
      '&lt;img src=x onerror=alert(1)&gt;',
      'gone bench',
    ])
    for (const section of benches.values()) expect(section.match(/<svg class="chart"/g)).toHaveLength(2)

    const sort = benches.get('sort 10k')!
    expect(sort).toContain('<path class="hist baseline"')
    expect(sort).toContain('<path class="hist now"')
    expect(sort.match(/<line class="median (now|baseline)"/g)).toHaveLength(2)
    expect(sort.match(/<circle class="dot now"/g)).toHaveLength(5)
    expect(sort.match(/<path class="error-bar now"/g)).toHaveLength(5)
    expect(sort).toContain('<line class="reference baseline"')
    expect(sort).toContain(
      '<span class="badge good">✓ pass</span> <span class="badge bad">✗ regressed</span>',
    )
    expect(sort).toContain('<span class="delta">▲ +32.4% (+23.5% … +41.9%)</span>')
    // Axis labels are durations with their unit.
    expect(sort).toMatch(/<text class="tick"[^>]*>2\.\d0 ms<\/text>/)

    const hostile = benches.get('&lt;img src=x onerror=alert(1)&gt;')!
    expect(hostile).not.toContain('hist baseline')
    expect(hostile).toContain('no baseline for this bench')
    expect(hostile).toContain('no baseline</span>')

    const gone = benches.get('gone bench')!
    expect(gone).toContain('<path class="hist baseline"')
    expect(gone).toContain('not measured in any run in the log')
    expect(gone).toContain('not measured in the latest run')
    expect(html).toContain('1 bench of the baseline not measured in the latest run')
  })

  it('puts a summary table first and the latest environment last', async () => {
    const html = await report()
    const summary = html.slice(html.indexOf('<section class="summary">'), html.indexOf('</section>'))
    expect(summary.match(/<tr><td><a href="#bench-\d">/g)).toHaveLength(4)
    expect(html.indexOf('<section class="summary">')).toBeLessThan(html.indexOf('<section class="bench'))
    const footer = html.slice(html.indexOf('<footer>'))
    const facts = [
      '<dt>Node.js</dt><dd>20.20.2',
      '<dt>CPU</dt><dd>2 × AMD EPYC 7763 64-Core Processor',
      '<dt>OS</dt><dd>linux x64',
      '<dt>CI</dt><dd>GitHub Actions',
      '<dt>Git</dt><dd>abc1234def5678abc1234def5678abc1234def56 (main), uncommitted changes',
    ]
    for (const fact of facts) expect(footer).toContain(fact)
    expect(html).toContain('latest run 2025-01-05T03:04:05.000Z (run-5) · 5 runs')
    expect(html).toContain('<p class="verdict bad">✗ 1 regression, 1 inconclusive</p>')
  })

  it("says, as the Markdown does, when a disturbed machine left the latest run's benches undecided", async () => {
    const runs = (await history(2)).map((r) => r.run)
    expect(renderHtmlReport({ runs, generatedAt: 'x' })).not.toContain('disturbed')
    const quotes = runs[1]!.benches.find((b) => b.name === QUOTES)!
    expect(quotes.regression).not.toBeNull()
    quotes.regression = { ...quotes.regression!, status: 'inconclusive', machineRatio: 1.45 }
    expect(renderHtmlReport({ runs, generatedAt: 'x' })).toContain(
      '<p class="note unsure">? <strong>The machine was disturbed</strong>: around 1 bench it ran 45% slower than when the baseline was recorded, and only that shift would have called it unchanged or faster, so it is inconclusive: &quot;&quot;quotes&quot; &amp; ampersands&quot;. Run again on a quieter machine.</p>',
    )
    // Only the latest run speaks for the page: an older disturbed run does not.
    expect(renderHtmlReport({ runs: [runs[1]!, runs[0]!], generatedAt: 'x' })).not.toContain('disturbed')
  })

  it('draws a gap, never NaN, where the log lost a number', async () => {
    const runs = await history()
    const third = runs[2]!.run.benches.find((b) => b.name === 'sort 10k')!
    third.medianNs = Number.NaN
    third.medianIntervalNs = [Number.NaN, Number.NaN]
    const latest = runs[4]!.run.benches.find((b) => b.name === 'sort 10k')!
    latest.p95Ns = Number.NaN
    latest.medianIntervalNs = [latest.medianIntervalNs[0], Number.NaN]
    latest.regression!.delta = Number.NaN
    runs[1]!.run.benches = runs[1]!.run.benches.filter((b) => b.name !== QUOTES)
    const current = runs[4]!.current
    current.benches['sort 10k']!.batchTimesNs.push(Number.NaN, Number.POSITIVE_INFINITY)
    current.benches[HOSTILE]!.stats.medianNs = Number.NaN
    const html = renderHtmlReport({ runs: runs.map((r) => r.run), current, baseline, generatedAt: 'x' })
    expect(html).not.toMatch(/NaN|Infinity/)
    const benches = sections(html)
    const sort = benches.get('sort 10k')!
    // Runs 1–2 and 4–5 joined; run 3 is a gap.
    expect(sort.match(/<polyline class="trend now"/g)).toHaveLength(2)
    expect(sort.match(/<circle class="dot now"/g)).toHaveLength(4)
    const quotes = benches.get('&quot;quotes&quot; &amp; ampersands')!
    expect(quotes).toContain('4 runs of 5 measured this bench')
    // Run 1 stands alone (run 2 did not measure it): a point without a line; runs 3–5 are joined.
    expect(quotes.match(/<polyline class="trend now"/g)).toHaveLength(1)
    expect(quotes.match(/<circle class="dot now"/g)).toHaveLength(4)
  })

  it('says which base ref the latest run was compared with in the same process (PERFGATE_BASE_REF)', async () => {
    const [one] = await history(1)
    const run = one!.run
    const sort = run.benches.find((b) => b.name === 'sort 10k')!
    sort.regression = {
      status: 'regressed',
      baselineNs: 2e6,
      delta: 0.3,
      deltaInterval: [0.27, 0.33],
      confidence: 0.95,
      threshold: 0.05,
      adjustedP: null,
      machineRatio: null,
      base: { ref: 'origin/main', commit: '3f2c1ab'.padEnd(40, '0') },
    }
    const html = renderHtmlReport({ runs: [run], current: one!.current, generatedAt: 'x' })
    expect(html).toContain('compared with origin/main (3f2c1ab) in the same process')
    const [plain] = await history(1)
    expect(renderHtmlReport({ runs: [plain!.run], generatedAt: 'x' })).not.toContain('in the same process')
  })

  it('handles one run, and no runs at all', async () => {
    const [one] = await history(1)
    const single = renderHtmlReport({ runs: [one!.run], current: one!.current, generatedAt: 'x' })
    expect(single).not.toMatch(/NaN/)
    expect(
      sections(single)
        .get('sort 10k')!
        .match(/<circle class="dot now"/g),
    ).toHaveLength(1)
    expect(single).toContain('no baseline')

    const none = renderHtmlReport({ runs: [], baseline, generatedAt: 'x' })
    expect(none).toContain('<p class="verdict neutral">– no runs in the log</p>')
    expect(none).toContain('no runs in the log</text>')
    expect(sections(none).size).toBe(3)
    expect(none).toContain('The log holds no environment for the latest run.')

    const empty = renderHtmlReport({ runs: [], generatedAt: 'x' })
    expect(empty).toContain('No benches to show.')
    expect(empty).not.toMatch(/NaN|<svg/)
  })
})

describe('svg charts', () => {
  it('maps data to pixels on linear and log axes', () => {
    expect(project({ kind: 'linear', domain: [0, 10], range: [100, 200] }, 5)).toBe(150)
    expect(project({ kind: 'log', domain: [1, 100], range: [0, 100] }, 10)).toBeCloseTo(50, 10)
    expect(project({ kind: 'linear', domain: [3, 3], range: [0, 100] }, 3)).toBe(50)
  })

  it('picks round ticks', () => {
    expect(niceStep(10, 5)).toBe(2)
    expect(linearTicks(1.83e6, 2.91e6)).toEqual([2e6, 2.2e6, 2.4e6, 2.6e6, 2.8e6])
    expect(linearTicks(5, 5)).toEqual([5])
    expect(logTicks(300, 30_000)).toEqual([500, 1000, 2000, 5000, 10_000, 20_000])
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10_000, 100_000, 1_000_000])
    expect(logTicks(110, 190)).toEqual(linearTicks(110, 190, 4))
  })

  it('bins values as shares that add up to 1, the maximum in the last bin', () => {
    const bins = histogram([1, 2, 2, 3, 4], 1, 4, 3, 'linear')
    expect(bins.map((b) => b.share)).toEqual([0.2, 0.4, 0.4])
    expect(bins.map((b) => [b.x0, b.x1])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ])
    expect(histogram([5, 5], 5, 5, 10, 'linear')).toEqual([{ x0: 5, x1: 5, share: 1 }])
    const log = histogram([1, 10, 100], 1, 100, 2, 'log')
    expect(log.map((b) => b.share)).toEqual([1 / 3, 2 / 3])
    expect(log[0]!.x1).toBeCloseTo(10, 10)
  })

  it('uses a log time axis when the times span more than 4×', () => {
    const wide = distributionChart({
      title: 't',
      axisLabel: 'time per call',
      series: [{ className: 'now', label: 'now', valuesNs: [1e3, 2e3, 50e3], medianNs: 2e3 }],
    })
    expect(wide).toContain('time per call (log scale)')
    const narrow = distributionChart({
      title: 't',
      axisLabel: 'time per call',
      series: [{ className: 'now', label: 'now', valuesNs: [1e3, 2e3, 3e3], medianNs: 2e3 }],
    })
    expect(narrow).not.toContain('log scale')
  })

  it('shows a message instead of an empty chart', () => {
    expect(distributionChart({ title: 't', axisLabel: 'x', series: [] })).toContain(
      'no raw batch times to draw',
    )
    expect(historyChart({ title: 't', points: [] })).toContain('no runs in the log')
    expect(historyChart({ title: 't', points: [null, null] })).toContain('not measured in any run in the log')
    expect(
      historyChart({ title: 't', points: [{ medianNs: Number.NaN, intervalNs: [1, 2], label: 'x' }] }),
    ).toContain('no finite median in the log')
  })
})

import { describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { overallVerdict } from '../../src/report/report-text.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { ciRunner } from '../fixtures/environments.js'
import { scalingResult } from '../fixtures/scaling-results.js'

const HOSTILE = '<img src=x onerror=alert(1)> | @someone'
const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }
const SIZES = [100, 300, 1000, 3000]

const quadratic = scalingResult({
  name: HOSTILE,
  sizes: SIZES,
  timeNs: (n) => 0.4 * n * n,
  noise: 0.08,
  rounds: 12,
})
const linear = scalingResult({ name: 'sum', sizes: SIZES, timeNs: (n) => 20 * n, noise: 0.08, rounds: 12 })

function claimed(result: typeof quadratic, claim: 'linear' | 'quadratic', negated = false): PerfRecord {
  return {
    kind: 'scaling',
    result,
    verdict: judgeScaling(result, claim),
    inconclusivePolicy: 'fail',
    ...(negated && { negated }),
  }
}

/** A run of scaling records, as perfgate/reporter would log them. */
function runWith(...records: PerfRecord[]) {
  const events = [
    runStartEvent(context, ciRunner()),
    ...records.flatMap((record) => eventsFromRecord(record, context)),
    runEndEvent(context, {}, 1),
  ]
  return runsFromEvents(events)
}

/** The x and y of a polyline's two ends in the chart. */
function ends(svg: string, className: string): [number, number, number, number] {
  const match = svg.match(
    new RegExp(`<polyline class="${className}" points="([\\d.]+),([\\d.]+) ([\\d.]+),([\\d.]+)"`),
  )
  if (match === null) throw new Error(`no polyline ${className}`)
  return match.slice(1, 5).map(Number) as [number, number, number, number]
}

describe('scaling in the reports', () => {
  it('rebuilds each measurement from its event: exponent, claim, verdict and per-size medians', () => {
    const [run] = runWith(claimed(quadratic, 'linear'), { kind: 'scaling', result: linear, verdict: null })
    expect(run!.scalings).toHaveLength(2)
    const [q, l] = run!.scalings!
    expect(q).toMatchObject({
      name: HOSTILE,
      claim: 'linear',
      status: 'fail',
      limitExponent: 1.5,
      closest: 'quadratic',
    })
    expect(q!.exponent).toBeCloseTo(quadratic.fit.exponent, 10)
    expect(q!.points.map((p) => p.size)).toEqual(SIZES)
    expect(q!.points[3]!.medianNs).toBe(quadratic.points[3]!.medianNs)
    expect(q!.points[3]!.quartilesNs[0]).toBeLessThanOrEqual(q!.points[3]!.medianNs)
    expect(q!.points[3]!.quartilesNs[1]).toBeGreaterThanOrEqual(q!.points[3]!.medianNs)
    expect(l).toMatchObject({ name: 'sum', claim: null, status: null })
  })

  it('plots time against size on log axes: the fitted line climbs past the limit of a broken claim', () => {
    const html = renderHtmlReport({ runs: runWith(claimed(quadratic, 'linear')), generatedAt: context.ts })
    const section = html.slice(html.indexOf('<section class="scalings">'))
    expect(section).toContain('<h2>Scaling</h2>')
    expect(html).not.toContain('<img')
    expect(section).toContain('&lt;img src=x onerror=alert(1)&gt; | @someone')
    expect(section.match(/<circle class="dot now"/g)).toHaveLength(SIZES.length)
    const fit = ends(section, 'scaling-fit')
    const claim = ends(section, 'scaling-claimed')
    const limit = ends(section, 'scaling-limit')
    // All three start at the fitted time of the smallest size…
    expect(claim.slice(0, 2)).toEqual(fit.slice(0, 2))
    expect(limit.slice(0, 2)).toEqual(fit.slice(0, 2))
    // …and at the largest size the fit (n^2) is highest, above the limit (n^1.5), above the claim (n^1): SVG y grows downwards.
    expect(fit[3]).toBeLessThan(limit[3])
    expect(limit[3]).toBeLessThan(claim[3])
    // Equal decades of n and of time take the pixels the exponents say: the slopes' ratio is 2 : 1.5.
    const slope = (l: number[]) => (l[1]! - l[3]!) / (l[2]! - l[0]!)
    expect(slope(fit) / slope(limit)).toBeCloseTo(quadratic.fit.exponent / 1.5, 2)
    expect(section).toContain('&#39;linear&#39; (≤ n^1.50) fail')
    expect(section).toMatch(/exponent n\^1\.99 \(1\.9\d–2\.0\d\) at 95% confidence over 12 rounds/)
  })

  it('keeps the fit below the limit for a claim that holds, and shows a measurement without a claim', () => {
    const html = renderHtmlReport({
      runs: runWith(claimed(linear, 'linear'), { kind: 'scaling', result: linear, verdict: null }),
      generatedAt: context.ts,
    })
    const sections = html.split('<section class="scaling">').slice(1)
    expect(sections).toHaveLength(2)
    const fit = ends(sections[0]!, 'scaling-fit')
    const limit = ends(sections[0]!, 'scaling-limit')
    expect(fit[3]).toBeGreaterThan(limit[3])
    expect(sections[1]).toContain('no claim')
    expect(sections[1]).not.toContain('scaling-limit')
    expect(sections[1]).toContain('class="scaling-fit"')
  })

  it('counts a failed claim in the overall verdict, and a .not claim that failed as expected', () => {
    expect(overallVerdict(runWith(claimed(quadratic, 'linear'))[0]!)).toEqual({
      text: '1 scaling claim failed',
      tone: 'bad',
    })
    expect(overallVerdict(runWith(claimed(quadratic, 'linear', true))[0]!).text).toBe(
      '1 scaling claim holds; the run exited with code 1',
    )
  })

  it('adds a Markdown table, escaped', () => {
    const markdown = renderMarkdown(runWith(claimed(quadratic, 'linear'), claimed(linear, 'quadratic'))[0]!)
    expect(markdown).toContain('| scaling | exponent (interval) | claim | sizes | verdict |')
    expect(markdown).toMatch(
      /\| &lt;img src=x onerror=alert\(1\)&gt; \\\| @\u2060someone \| n\^1\.99 \(1\.9\d–2\.0\d\) \| 'linear' \(≤ n\^1\.50\) \| 100, 300, 1,000, 3,000 \| fail \|/,
    )
    expect(markdown).toMatch(
      /\| sum \| n\^(0\.9\d|1\.0\d) \(\d\.\d\d–\d\.\d\d\) \| 'quadratic' \(≤ n\^2\.50\) \| 100, 300, 1,000, 3,000 \| pass \|/,
    )
  })

  it('leaves the reports as they were when a run has no scaling', () => {
    const [run] = runWith()
    expect(run!.scalings).toBeUndefined()
    expect(renderHtmlReport({ runs: [run!], generatedAt: context.ts })).not.toContain('Scaling')
    expect(renderMarkdown(run!)).not.toContain('| scaling |')
  })
})

import { describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import { breakingPointText } from '../../src/report/breaking-point-report.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import { breakingPointResult } from '../fixtures/breaking-point-results.js'
import { ciRunner } from '../fixtures/environments.js'

const HOSTILE = '<img src=x onerror=alert(1)> | @someone'
const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }

/** A run whose only record is one breaking-point search, as perfgate/reporter would log it. */
function runWith(result = breakingPointResult({ name: HOSTILE })) {
  const events = [
    runStartEvent(context, ciRunner()),
    ...eventsFromRecord({ kind: 'breaking-point', result }, context),
    runEndEvent(context, {}, 0),
  ]
  return runsFromEvents(events)
}

describe('breaking points in the reports', () => {
  it('rebuilds the search from the log: the breaking point, the budget and the whole curve', () => {
    const [run] = runWith()
    expect(run!.breakingPoints).toHaveLength(1)
    const bp = run!.breakingPoints![0]!
    expect(bp).toMatchObject({
      name: HOSTILE,
      status: 'found',
      breakingPoint: 37,
      firstFailing: 38,
      limit: 200e6,
    })
    expect(bp.curve.map((p) => [p.level, p.pass])).toEqual([
      [25, true],
      [37, true],
      [38, false],
      [40, false],
      [43, false],
      [44, false],
      [50, false],
    ])
  })

  it('draws the curve with the budget line and the breaking point marked, the name escaped', () => {
    const html = renderHtmlReport({ runs: runWith(), generatedAt: context.ts })
    const section = html.slice(html.indexOf('<section class="breaking-points">'))
    expect(section).toContain('<h2>Breaking points</h2>')
    expect(html).not.toContain('<img')
    expect(section).toContain('&lt;img src=x onerror=alert(1)&gt; | @someone')
    expect(section.match(/<circle class="probe (pass|fail)"/g)).toHaveLength(7 + 2) // 7 levels + the legend
    expect(section).toContain('class="budget-line"')
    expect(section).toContain('budget 200 ms')
    expect(section).toContain('breaking point 37')
    // The breaking-point line is drawn at level 37: between the dots of 25 and 38.
    const dotX = (level: number) => {
      const match = section.match(
        new RegExp(`cx="([\\d.]+)" cy="[\\d.]+" r="4"><title>${level} connections:`),
      )
      return Number(match![1])
    }
    const lineX = Number(section.match(/class="breaking-point-line" x1="([\d.]+)"/)![1])
    expect(lineX).toBe(dotX(37))
    expect(dotX(25)).toBeLessThan(lineX)
    expect(dotX(38)).toBeGreaterThan(lineX)
  })

  it('adds a Markdown table, escaped', () => {
    const markdown = renderMarkdown(runWith()[0]!)
    expect(markdown).toContain(
      '| breaking-point search | breaking point | first failing | budget | range | probes | outcome |',
    )
    expect(markdown).toContain(
      '| &lt;img src=x onerror=alert(1)&gt; \\| @\u2060someone | 37 connections | 38 connections | p95 limit 200 ms | 1–100 | 8 | found |',
    )
  })

  it('says what each outcome means in one cell', () => {
    const base = breakingPointResult()
    const text = (overrides: Parameters<typeof breakingPointResult>[0]) =>
      breakingPointText(runWith(breakingPointResult(overrides))[0]!.breakingPoints![0]!)
    expect(text({})).toBe('37 connections')
    expect(text({ status: 'above-max', breakingPoint: 100, firstFailing: null })).toBe(
      '≥ 100 connections (above max)',
    )
    expect(text({ status: 'below-min', breakingPoint: null, firstFailing: 1 })).toBe(
      'none (even 1 connections fails)',
    )
    expect(text({ status: 'inconsistent', inconsistencies: [{ failedLevel: 25, passedLevel: 37 }] })).toBe(
      '37 connections? (not monotone)',
    )
    expect(base.status).toBe('found')
  })

  it('leaves the reports as they were when a run has no search', () => {
    const events = [runStartEvent(context, ciRunner()), runEndEvent(context, {}, 0)]
    const [run] = runsFromEvents(events)
    expect(run!.breakingPoints).toBeUndefined()
    expect(renderHtmlReport({ runs: [run!], generatedAt: context.ts })).not.toContain('Breaking points')
    expect(renderMarkdown(run!)).not.toContain('breaking-point search')
  })
})

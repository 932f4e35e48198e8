import { describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import type { LeakResult } from '../../src/memory/leak-types.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { overallVerdict } from '../../src/report/report-text.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import { ciRunner } from '../fixtures/environments.js'
import { heapSeries, leakResult, leakResultWithoutGc } from '../fixtures/memory-results.js'

// 40 rounds of 1000 calls; the heap after GC grows by 150 B per call.
const leaking = leakResult()
// The same rounds with a 2 kB wobble and no trend.
const steady = leakResult({ name: 'parse <json>', points: heapSeries((round) => (round % 4) * 500) })

/** One run of the log holding these leak checks, as `perfgate report` would read it back. */
function runOf(checks: { result: LeakResult; expectsLeak: boolean }[], exitCode = 0) {
  const context = { runId: 'r1', ts: '2026-11-22T21:00:00.000Z' }
  const events = [
    runStartEvent(context, ciRunner()),
    ...checks.flatMap(({ result, expectsLeak }) =>
      eventsFromRecord({ kind: 'leak', result, inconclusivePolicy: 'fail', expectsLeak }, context),
    ),
    runEndEvent(context, {}, exitCode),
  ]
  const [run] = runsFromEvents(events)
  return run!
}

describe('leak checks in the reports', () => {
  it('lists every check in the Markdown, judged against what its test expected', () => {
    const run = runOf(
      [
        { result: leaking, expectsLeak: false },
        { result: steady, expectsLeak: false },
        { result: leaking, expectsLeak: true },
        { result: steady, expectsLeak: true },
        { result: leakResultWithoutGc('cache'), expectsLeak: false },
      ],
      1,
    )
    expect(run.leaks?.map((l) => [l.name, l.status])).toEqual([
      ['handle request', 'leak'],
      ['parse <json>', 'no-leak'],
      ['handle request', 'leak'],
      ['parse <json>', 'no-leak'],
      ['cache', 'inconclusive'],
    ])
    const section = renderMarkdown(run)
      .split('\n\n')
      .find((part) => part.startsWith('| leak check'))
    expect(section).toMatchInlineSnapshot(`
      "| leak check | heap growth after GC | floor | retained over the run | verdict |
      | :-- | :-- | :-- | :-- | :-- |
      | handle request | 150 B per call (95% CI 150–150 B) | ≤ 5 B per call | 6.00 MB in 40,000 calls | ❌ leak |
      | parse &lt;json&gt; | 0 B per call (95% CI -0.033–0.056 B) | ≤ 5 B per call | 0 B in 40,000 calls | ✅ no leak |
      | handle request | 150 B per call (95% CI 150–150 B) | ≤ 5 B per call | 6.00 MB in 40,000 calls | ✅ leak (expected by toLeakMemory) |
      | parse &lt;json&gt; | 0 B per call (95% CI -0.033–0.056 B) | ≤ 5 B per call | 0 B in 40,000 calls | ❌ no leak (toLeakMemory expected a leak) |
      | cache | not measured: setting --expose-gc at run time failed: not allowed | — | — | ❔ inconclusive |"
    `)
    // A leak where none was wanted and no leak where one was fail; the unmeasured one is unsure.
    expect(overallVerdict(run)).toEqual({ text: '2 leak checks failed, 1 inconclusive', tone: 'bad' })
  })

  it('says a run of passing leak checks passed, and shows them in the HTML, escaped', () => {
    const run = runOf([
      { result: steady, expectsLeak: false },
      { result: leaking, expectsLeak: true },
    ])
    expect(overallVerdict(run)).toEqual({ text: 'all 2 leak checks passed', tone: 'good' })
    const html = renderHtmlReport({ runs: [run], generatedAt: 'x' })
    expect(html).toContain('<section class="leaks">\n<h2>Leak checks</h2>')
    expect(html).toContain('<td class="name">parse &lt;json&gt;</td>')
    expect(html).not.toContain('parse <json>')
    expect(html).toContain('leak (expected by toLeakMemory)')
  })

  it('adds nothing to a run without leak checks', () => {
    const run = runOf([])
    expect(run.leaks).toBeUndefined()
    expect(renderMarkdown(run)).not.toContain('leak check')
    expect(renderHtmlReport({ runs: [run], generatedAt: 'x' })).not.toContain('Leak checks')
  })
})

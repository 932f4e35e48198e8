import { describe, expect, it } from 'vitest'
import { profileEvent, type VerifyEvent } from '../../src/log/verify-event.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { profileHtml } from '../../src/report/profile-report.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import { profiledBench } from '../fixtures/profile-results.js'
import { syntheticRun, timesAround } from '../fixtures/run-reports.js'

// A run whose "sort 10k" missed its budget and was profiled: the profile event (from the
// hand-written profile in test/fixtures/profiles) reaches the bench in both reports.

const context = { runId: 'run-1', ts: '2025-01-02T03:04:05.000Z' }

async function profiledRun(events: VerifyEvent[] = [profileEvent(profiledBench(), context)]) {
  const base = await syntheticRun([
    { name: 'sort 10k', perCallNs: timesAround(2.4e6), budget: { median: '1ms' } },
  ])
  // The profile is written after the budget, before run-end, as the reporter writes a test's records.
  const all = [...base.events.slice(0, -1), ...events, base.events.at(-1)!]
  return runsFromEvents(all)[0]!
}

describe('profiles in the reports', () => {
  it('attaches the last profile of a bench to it', async () => {
    const run = await profiledRun()
    expect(run.benches[0]?.profile).toMatchObject({
      type: 'profile',
      name: 'sort 10k',
      reason: 'budget',
      status: 'profiled',
      hotspots: [{ functionName: 'burn' }, { functionName: 'sqrt' }, ...Array(5).fill(expect.anything())],
    })
  })

  it('shows a table of the hottest functions under the bench in the HTML report', async () => {
    const html = renderHtmlReport({ runs: [await profiledRun()], generatedAt: '2025-01-05T10:00:00.000Z' })
    const section = html.slice(
      html.indexOf('<div class="profile">'),
      html.indexOf('</div>', html.indexOf('<div class="profile">')),
    )
    expect(section).toContain('<th>share</th><th>self time</th><th>function</th><th>where</th>')
    expect(section).toContain(
      '<tr><td class="num">65%</td><td class="num">6.50 ms</td><td><code>burn</code></td><td>src/hot.ts:9</td></tr>',
    )
    expect(section).toContain(
      '<tr><td class="num">8.0%</td><td class="num">800 µs</td><td><code>sqrt</code></td><td>(native), called from burn src/hot.ts:6</td></tr>',
    )
    expect(section).toContain(
      'Profiled after measuring, because its budget failed: 312 ms, 120 samples. CPU profile: /project/logs/profiles/sort-10k-2025-01-02T03-04-05-000Z.cpuprofile (open it in Chrome DevTools: Performance → Load profile).',
    )
  })

  it('lists the three hottest functions in the Markdown report', async () => {
    const markdown = renderMarkdown(await profiledRun())
    expect(markdown).toContain(
      [
        '**Hottest functions of sort 10k** (self time):',
        '- 65% `burn` src/hot.ts:9',
        '- 8.0% `sqrt` (native), called from burn src/hot.ts:6',
        '- 6.0% `parse` (native), called from work src/work.ts:15',
      ].join('\n'),
    )
  })

  it('escapes names from the profile in both reports', async () => {
    const base = profiledBench()
    if (base.status !== 'profiled') throw new Error('fixture')
    const evil = profiledBench({
      hotspots: [{ ...base.hotspots[0]!, functionName: '<img src=x onerror=alert(1)>' }],
    })
    const run = await profiledRun([profileEvent(evil, context)])
    const html = renderHtmlReport({ runs: [run] })
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(renderMarkdown(run)).toContain('`<img src=x onerror=alert(1)>`')
  })

  it('says why a bench could not be profiled', () => {
    const event = profileEvent(
      {
        status: 'unavailable',
        name: 'sort 10k',
        reason: 'budget',
        why: 'this runtime has no node:inspector',
      },
      context,
    )
    expect(profileHtml(event)).toBe(
      '<p class="detail">Not profiled after its budget failed: this runtime has no node:inspector.</p>',
    )
  })
})

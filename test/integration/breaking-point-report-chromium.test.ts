import { describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import { breakingPointResult } from '../fixtures/breaking-point-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { withReportInChromium } from '../helpers/report-in-chromium.js'

/*
 * The breaking-point section in a real Chromium: no errors, a hostile search name as text, and
 * the chart drawn at a real size with the breaking point between the last passing and the first
 * failing probe. PERFGATE_BP_SCREENSHOT=<file.png> saves a screenshot of the section.
 */

const HOSTILE = '<img src=x onerror=alert(1)>'

describe('the breaking-point section in Chromium', () => {
  it('renders cleanly and draws the curve', async () => {
    const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }
    const events = [
      runStartEvent(context, ciRunner()),
      ...eventsFromRecord(
        { kind: 'breaking-point', result: breakingPointResult({ name: HOSTILE }) },
        context,
      ),
      runEndEvent(context, {}, 0),
    ]
    await withReportInChromium(events, context.ts, async (page, problems) => {
      expect(problems).toEqual([])
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.locator('section.breaking-point h3 .name').textContent()).toBe(HOSTILE)

      const chart = page.locator('section.breaking-point svg.chart')
      const box = await chart.boundingBox()
      expect(box?.width).toBeGreaterThan(200)
      expect(box?.height).toBeGreaterThan(80)
      const centre = async (selector: string) => {
        const b = await chart.locator(selector).boundingBox()
        return b === null ? Number.NaN : b.x + b.width / 2
      }
      const line = await centre('line.breaking-point-line')
      expect(await centre('circle.probe.pass >> nth=2')).toBeCloseTo(line, 0) // legend dots come first
      expect(await centre('circle.probe.fail >> nth=1')).toBeGreaterThan(line)
      const budget = await chart.locator('line.budget-line').boundingBox()
      expect(budget?.width).toBeGreaterThan(200)

      const shot = process.env.PERFGATE_BP_SCREENSHOT
      if (shot) await page.locator('section.breaking-points').screenshot({ path: shot })
    })
  }, 30_000)
})

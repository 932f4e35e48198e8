import { describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent } from '../../src/log/verify-event.js'
import { judgeScaling } from '../../src/scaling/judge-scaling.js'
import { ciRunner } from '../fixtures/environments.js'
import { scalingResult } from '../fixtures/scaling-results.js'
import { withReportInChromium } from '../helpers/report-in-chromium.js'

/*
 * The scaling section in a real Chromium: no errors, a hostile name as text, and the log–log
 * chart drawn at a real size with the dots in size order, rising, and the fitted line ending
 * above the limit line for a broken claim. PERFGATE_SCALING_SCREENSHOT=<file.png> saves a
 * screenshot of the section.
 */

const HOSTILE = '<img src=x onerror=alert(1)>'

describe('the scaling section in Chromium', () => {
  it('renders cleanly and draws the log–log plot', async () => {
    const context = { runId: '0m5eqsfpk-3fa9c01b', ts: '2025-01-02T03:04:05.000Z' }
    const result = scalingResult({
      name: HOSTILE,
      sizes: [100, 300, 1000, 3000],
      timeNs: (n) => 0.4 * n * n,
      noise: 0.08,
      rounds: 12,
    })
    const events = [
      runStartEvent(context, ciRunner()),
      ...eventsFromRecord(
        { kind: 'scaling', result, verdict: judgeScaling(result, 'linear'), inconclusivePolicy: 'fail' },
        context,
      ),
      runEndEvent(context, { fail: 1 }, 1),
    ]
    await withReportInChromium(events, context.ts, async (page, problems) => {
      expect(problems).toEqual([])
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.locator('section.scaling h3 .name').textContent()).toBe(HOSTILE)
      expect(await page.locator('section.scaling h3 .badge').textContent()).toBe("'linear' (≤ n^1.50) fail")

      const chart = page.locator('section.scaling svg.chart')
      const box = await chart.boundingBox()
      expect(box?.width).toBeGreaterThan(200)
      expect(box?.height).toBeGreaterThan(80)
      const dots = await chart.locator('circle.dot').evaluateAll((circles) =>
        circles.map((c) => {
          const r = c.getBoundingClientRect()
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
        }),
      )
      expect(dots).toHaveLength(4)
      for (let i = 1; i < dots.length; i++) {
        expect(dots[i]!.x).toBeGreaterThan(dots[i - 1]!.x) // larger sizes to the right
        expect(dots[i]!.y).toBeLessThan(dots[i - 1]!.y) // longer times higher up
      }
      // Where each line ends on the right: all three rise, so their right ends are the tops of
      // their boxes. The fit (n^2) ends above the limit (n^1.5), which ends above the claim (n^1).
      const topOf = async (selector: string) => (await chart.locator(selector).boundingBox())?.y ?? Number.NaN
      const fitY = await topOf('polyline.scaling-fit')
      const limitY = await topOf('polyline.scaling-limit')
      const claimY = await topOf('polyline.scaling-claimed')
      expect(fitY).toBeLessThan(limitY)
      expect(limitY).toBeLessThan(claimY)
      expect(await page.locator('table.scaling-points tbody tr').count()).toBe(4)

      const shot = process.env.PERFGATE_SCALING_SCREENSHOT
      if (shot) await page.locator('section.scalings').screenshot({ path: shot })
    })
  }, 30_000)
})

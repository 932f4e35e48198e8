import { screenEmulationMetrics, throttling } from 'lighthouse/core/config/constants.js'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  applyProfile,
  DEVTOOLS_RTT_ADJUSTMENT_FACTOR,
  DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
  kbpsToBytesPerSecond,
  resolveProfile,
  WEB_PROFILES,
} from '../../src/web/profiles.js'
import type { WebProfile } from '../../src/web/types.js'

describe('WEB_PROFILES', () => {
  // Reference values: Lighthouse's own constants (lighthouse 12.8, core/config/constants.js).
  it("mobile is Lighthouse's Moto G Power on slow 4G, as its devtools throttling applies it", () => {
    const lh = throttling.mobileSlow4G
    expect(WEB_PROFILES.mobile).toEqual({
      name: 'mobile',
      viewport: { width: screenEmulationMetrics.mobile.width, height: screenEmulationMetrics.mobile.height },
      deviceScaleFactor: screenEmulationMetrics.mobile.deviceScaleFactor,
      mobile: true,
      cpuSlowdown: lh.cpuSlowdownMultiplier,
      network: {
        latencyMs: lh.requestLatencyMs,
        downloadKbps: lh.downloadThroughputKbps,
        uploadKbps: lh.uploadThroughputKbps,
      },
    })
    // The same numbers written out: 412×823 at 1.75, 4x CPU, 150 ms × 3.75, 1638.4 and 750 Kbps × 0.9.
    expect(WEB_PROFILES.mobile.network).toEqual({
      latencyMs: 562.5,
      downloadKbps: expect.closeTo(1474.56, 9),
      uploadKbps: 675,
    })
  })

  it("desktop is Lighthouse's desktop screen on dense 4G, adjusted the same way", () => {
    const lh = throttling.desktopDense4G
    expect(WEB_PROFILES.desktop).toEqual({
      name: 'desktop',
      viewport: {
        width: screenEmulationMetrics.desktop.width,
        height: screenEmulationMetrics.desktop.height,
      },
      deviceScaleFactor: screenEmulationMetrics.desktop.deviceScaleFactor,
      mobile: false,
      cpuSlowdown: lh.cpuSlowdownMultiplier,
      network: {
        latencyMs: lh.rttMs * DEVTOOLS_RTT_ADJUSTMENT_FACTOR,
        downloadKbps: lh.throughputKbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
        uploadKbps: lh.throughputKbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
      },
    })
    expect(throttling.DEVTOOLS_RTT_ADJUSTMENT_FACTOR).toBe(DEVTOOLS_RTT_ADJUSTMENT_FACTOR)
    expect(throttling.DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR).toBe(DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR)
  })
})

describe('resolveProfile', () => {
  it('gives a copy of a built-in profile, desktop by default', () => {
    const mobile = resolveProfile('mobile')
    expect(mobile).toEqual(WEB_PROFILES.mobile)
    mobile.viewport.width = 1
    expect(WEB_PROFILES.mobile.viewport.width).toBe(412)
    expect(resolveProfile()).toEqual(WEB_PROFILES.desktop)
  })

  it('accepts a custom profile, unthrottled network included', () => {
    const custom: WebProfile = { ...WEB_PROFILES.mobile, name: 'slow-phone', cpuSlowdown: 6, network: null }
    expect(resolveProfile(custom)).toEqual(custom)
  })

  it('names the built-in profiles when the name is unknown', () => {
    expect(() => resolveProfile('tablet')).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: resolveProfile() has an invalid option: profile is "tablet", which is not a built-in profile. Use "desktop" or "mobile" (Lighthouse's presets), or pass a profile object like { ...WEB_PROFILES.mobile, name: "slow-phone", cpuSlowdown: 6 }.]`,
    )
    expect(() => resolveProfile('toString')).toThrow('not a built-in profile')
  })

  it('says which field of a custom profile is wrong', () => {
    const bad = (patch: Partial<WebProfile>) => () =>
      resolveProfile({ ...WEB_PROFILES.desktop, name: 'x', ...patch })
    expect(bad({ cpuSlowdown: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: resolveProfile() has an invalid option: profile "x" has cpuSlowdown 0; it must be 1 (no slowdown) or more. A profile has a name, viewport { width, height } in CSS pixels, deviceScaleFactor > 0, mobile, cpuSlowdown >= 1 and network { latencyMs, downloadKbps, uploadKbps } (or null for no throttling).]`,
    )
    expect(bad({ viewport: { width: 0, height: 600 } })).toThrow('viewport {"width":0,"height":600}')
    expect(bad({ deviceScaleFactor: -1 })).toThrow('deviceScaleFactor -1')
    expect(bad({ network: { latencyMs: 10, downloadKbps: 0, uploadKbps: 100 } })).toThrow('network {')
  })
})

describe('applyProfile', () => {
  /** A page whose DevTools session records what it is sent. */
  function fakePage() {
    const sent: [string, unknown][] = []
    const viewports: unknown[] = []
    const session = { send: async (method: string, params?: unknown) => void sent.push([method, params]) }
    const page = {
      setViewportSize: async (size: unknown) => void viewports.push(size),
      context: () => ({ newCDPSession: async () => session }),
    }
    return { page: page as unknown as Page, sent, viewports, session }
  }

  it('emulates the phone, 4x CPU slowdown and slow 4G in bytes per second', async () => {
    const { page, sent, viewports, session } = fakePage()
    expect(await applyProfile(page, WEB_PROFILES.mobile)).toBe(session)
    expect(viewports).toEqual([{ width: 412, height: 823 }])
    expect(sent).toEqual([
      [
        'Emulation.setDeviceMetricsOverride',
        {
          width: 412,
          height: 823,
          deviceScaleFactor: 1.75,
          mobile: true,
          screenWidth: 412,
          screenHeight: 823,
        },
      ],
      ['Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 }],
      ['Emulation.setCPUThrottlingRate', { rate: 4 }],
      ['Network.enable', undefined],
      // 1474.56 Kbps = 188,743.68 B/s; 675 Kbps = 86,400 B/s.
      [
        'Network.emulateNetworkConditions',
        {
          offline: false,
          latency: 562.5,
          downloadThroughput: expect.closeTo(188_743.68, 6),
          uploadThroughput: 86_400,
        },
      ],
    ])
  })

  it('leaves the network alone for a profile without network conditions', async () => {
    const { page, sent } = fakePage()
    await applyProfile(page, { ...WEB_PROFILES.desktop, network: null })
    expect(sent.map(([method]) => method)).toEqual([
      'Emulation.setDeviceMetricsOverride',
      'Emulation.setTouchEmulationEnabled',
      'Emulation.setCPUThrottlingRate',
    ])
    expect(sent[1]).toEqual(['Emulation.setTouchEmulationEnabled', { enabled: false }])
  })

  it('converts kilobits to bytes per second', () => {
    expect(kbpsToBytesPerSecond(8)).toBe(1024)
    expect(kbpsToBytesPerSecond(10 * 1024 * 0.9)).toBeCloseTo(1_179_648, 6)
  })
})

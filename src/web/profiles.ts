import type { CDPSession, Page } from 'playwright-core'
import { perfgateError } from '../errors.js'
import type { NetworkConditions, WebProfile } from './types.js'

/*
 * Lighthouse's presets, from lighthouse 12.8 core/config/constants.js (screenEmulationMetrics) and
 * the throttling constants it re-exports from @paulirish/trace_engine
 * models/trace/lantern/simulation/Constants.js:
 *   mobile:  Moto G Power, 412×823 at DPR 1.75, mobile; mobileSlow4G = rttMs 150,
 *            throughputKbps 1.6 * 1024, upload 750 Kbps, cpuSlowdownMultiplier 4
 *   desktop: 1350×940 at DPR 1; desktopDense4G = rttMs 40, throughputKbps 10 * 1024,
 *            cpuSlowdownMultiplier 1
 *
 * Lighthouse's default "simulate" method feeds rttMs into a model that charges every new
 * connection several round trips (DNS, TCP, TLS, request). DevTools throttling, which perfgate
 * applies for real, adds its latency once per request instead; Lighthouse's own "devtools"
 * method therefore multiplies latency by DEVTOOLS_RTT_ADJUSTMENT_FACTOR (3.75) and throughput by
 * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR (0.9) to approximate the same page load. perfgate
 * applies those adjusted values, so a profile's `network` is exactly what reaches
 * Network.emulateNetworkConditions (and what the result records): mobile gets 562.5 ms per request
 * at 1474.56/675 Kbps, which is also DevTools' own "Slow 4G" preset. Desktop applies the same
 * rule (150 ms, 9216 Kbps) where Lighthouse's devtools method leaves desktop unthrottled, so that
 * both profiles approximate Lighthouse's simulated numbers the same way.
 *
 * Measured in Chromium 156: DevTools latency holds back a response's body, not its headers, so
 * responseStart, and with it TTFB, stays unthrottled while FCP and LCP carry the latency.
 */

/** Lighthouse's latency factor from a round-trip time to DevTools' per-request latency. */
export const DEVTOOLS_RTT_ADJUSTMENT_FACTOR = 3.75
/** Lighthouse's factor from a link's throughput to DevTools' throughput. */
export const DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR = 0.9

/**
 * DevTools network conditions that approximate a link with this round-trip time and throughput,
 * the way Lighthouse's devtools throttling does.
 */
export function devtoolsNetwork(link: {
  rttMs: number
  downloadKbps: number
  uploadKbps: number
}): NetworkConditions {
  return {
    latencyMs: link.rttMs * DEVTOOLS_RTT_ADJUSTMENT_FACTOR,
    downloadKbps: link.downloadKbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
    uploadKbps: link.uploadKbps * DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR,
  }
}

/** Names of the built-in profiles. */
export type WebProfileName = 'desktop' | 'mobile'

/** The built-in device and network profiles: Lighthouse's desktop and mobile presets. */
export const WEB_PROFILES: Readonly<Record<WebProfileName, Readonly<WebProfile>>> = {
  desktop: {
    name: 'desktop',
    viewport: { width: 1350, height: 940 },
    deviceScaleFactor: 1,
    mobile: false,
    cpuSlowdown: 1,
    // Lighthouse desktopDense4G: rtt 40 ms, 10 Mbps both ways.
    network: devtoolsNetwork({ rttMs: 40, downloadKbps: 10 * 1024, uploadKbps: 10 * 1024 }),
  },
  mobile: {
    name: 'mobile',
    viewport: { width: 412, height: 823 },
    deviceScaleFactor: 1.75,
    mobile: true,
    cpuSlowdown: 4,
    // Lighthouse mobileSlow4G: rtt 150 ms, 1.6 Mbps down, 750 Kbps up.
    network: devtoolsNetwork({ rttMs: 150, downloadKbps: 1.6 * 1024, uploadKbps: 750 }),
  },
}

/** The profile used when none is given. */
export const DEFAULT_WEB_PROFILE: WebProfileName = 'desktop'

/**
 * A profile from a built-in name or a custom profile. Custom profiles are checked, since a typo
 * such as a slowdown of 0 would otherwise produce numbers that look plausible.
 */
export function resolveProfile(
  profile: string | WebProfile = DEFAULT_WEB_PROFILE,
  fn = 'resolveProfile()',
): WebProfile {
  if (typeof profile === 'string') {
    // hasOwn, so that "toString" and friends are not profiles.
    const known = Object.hasOwn(WEB_PROFILES, profile) ? WEB_PROFILES[profile as WebProfileName] : undefined
    if (known === undefined) {
      throw invalid(
        fn,
        `profile is ${JSON.stringify(profile)}, which is not a built-in profile`,
        `Use "desktop" or "mobile" (Lighthouse's presets), or pass a profile object like { ...WEB_PROFILES.mobile, name: "slow-phone", cpuSlowdown: 6 }.`,
      )
    }
    return structuredClone(known) as WebProfile
  }
  checkProfile(profile, fn)
  return structuredClone(profile)
}

function checkProfile(profile: WebProfile, fn: string): void {
  const problem = profileProblem(profile)
  if (problem !== undefined) {
    throw invalid(
      fn,
      `profile ${JSON.stringify(profile.name)} has ${problem}`,
      'A profile has a name, viewport { width, height } in CSS pixels, deviceScaleFactor > 0, mobile, cpuSlowdown >= 1 and network { latencyMs, downloadKbps, uploadKbps } (or null for no throttling).',
    )
  }
}

function profileProblem(p: WebProfile): string | undefined {
  if (typeof p.name !== 'string' || p.name === '') return 'no name'
  const { width, height } = p.viewport ?? {}
  if (!isPositiveInteger(width) || !isPositiveInteger(height)) {
    return `viewport ${JSON.stringify(p.viewport)}; width and height must be whole numbers above 0`
  }
  if (!(p.deviceScaleFactor > 0)) return `deviceScaleFactor ${p.deviceScaleFactor}; it must be above 0`
  if (typeof p.mobile !== 'boolean') return `mobile ${JSON.stringify(p.mobile)}; it must be true or false`
  if (!(p.cpuSlowdown >= 1) || !Number.isFinite(p.cpuSlowdown)) {
    return `cpuSlowdown ${p.cpuSlowdown}; it must be 1 (no slowdown) or more`
  }
  if (p.network !== null) {
    const { latencyMs, downloadKbps, uploadKbps } = p.network ?? {}
    if (!(latencyMs! >= 0) || !(downloadKbps! > 0) || !(uploadKbps! > 0)) {
      return `network ${JSON.stringify(p.network)}; latencyMs must be 0 or more and downloadKbps, uploadKbps above 0`
    }
  }
  return undefined
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

function invalid(fn: string, problem: string, fix: string) {
  return perfgateError('WEB_OPTIONS_INVALID', { fn, problem, fix })
}

/** Kilobits per second to the bytes per second the DevTools protocol takes. */
export function kbpsToBytesPerSecond(kbps: number): number {
  return (kbps * 1024) / 8
}

/**
 * Emulate a profile in a page, before it navigates: viewport and device metrics, touch for mobile
 * profiles, CPU slowdown and network conditions. Returns the DevTools session that holds the
 * emulation; it lasts as long as the session, so detach it (or close the page) to end it.
 */
export async function applyProfile(page: Page, profile: WebProfile): Promise<CDPSession> {
  await page.setViewportSize(profile.viewport)
  const session = await page.context().newCDPSession(page)
  // Playwright's viewport sets the size only; the device pixel ratio and the mobile flag (which
  // switches on the meta viewport and overlay scrollbars) need the metrics override itself. The
  // screen is the viewport's size too: headless Chromium's own screen is 800×600, which a page
  // reading screen.width would take for a small desktop.
  await session.send('Emulation.setDeviceMetricsOverride', {
    width: profile.viewport.width,
    height: profile.viewport.height,
    deviceScaleFactor: profile.deviceScaleFactor,
    mobile: profile.mobile,
    screenWidth: profile.viewport.width,
    screenHeight: profile.viewport.height,
  })
  // A phone has touch and no hover: pages that check (pointer: coarse) or ontouchstart follow.
  await session.send('Emulation.setTouchEmulationEnabled', {
    enabled: profile.mobile,
    ...(profile.mobile ? { maxTouchPoints: 5 } : {}),
  })
  await session.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown })
  if (profile.network !== null) {
    await session.send('Network.enable')
    // Deprecated in Chromium in favour of emulateNetworkConditionsByRule + overrideNetworkState,
    // both still experimental; this is the form Lighthouse and Playwright use, and Chromium 156
    // still honours it.
    await session.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.network.latencyMs,
      downloadThroughput: kbpsToBytesPerSecond(profile.network.downloadKbps),
      uploadThroughput: kbpsToBytesPerSecond(profile.network.uploadKbps),
    })
  }
  return session
}

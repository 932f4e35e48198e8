import { formatPercent, formatRange, formatSize } from '../budget/format.js'
import { formatEnvironmentLine } from '../env/format-environment.js'
import {
  DEFAULT_LEAK_MIN_GROWTH_BYTES,
  DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL,
  LEAK_PLANNED_GROWTH_BYTES,
} from './defaults.js'
import { ENABLE_GC_HINT } from './force-gc.js'
import type { LeakResult } from './leak-types.js'

/** A leak check's result in the parts a matcher message is built from. */
export interface LeakExplanation {
  /** What the heap did, with the slope, its interval, the floor and the growth. */
  headline: string
  /** `Received: heap after GC 4.21 → 6.29 MB · 40 rounds × 500 calls · …` */
  received: string
  /** `Expected: growth ≤ 4 B per call and ≤ 100 kB over the fitted calls (defaults)` */
  expected: string
  /** What to do next, one sentence per line. */
  advice: string[]
}

/**
 * Explain a leak check. `expectsLeak` is true for `toLeakMemory()` and false for
 * `.not.toLeakMemory()`, and only changes the advice: the facts are the same either way.
 */
export function explainLeak(result: LeakResult, expectsLeak: boolean): LeakExplanation {
  const { judgement, rule } = result
  const custom =
    rule.thresholdBytesPerCall !== DEFAULT_LEAK_THRESHOLD_BYTES_PER_CALL ||
    rule.minGrowthBytes !== DEFAULT_LEAK_MIN_GROWTH_BYTES
  const expected = `Expected: growth ≤ ${formatSize(rule.thresholdBytesPerCall)} per call, and ≤ ${formatSize(rule.minGrowthBytes)} over the fitted calls (${custom ? 'threshold and minGrowth options' : 'defaults'})`
  if (judgement === null) {
    return {
      headline: `"${result.name}": cannot check for a leak, because GC could not be forced (${result.gcUnavailable}). Without a forced GC every heap reading holds an unknown amount of garbage, so growth proves nothing.`,
      received: `Received: nothing measured · ${formatEnvironmentLine(result.env)}`,
      expected,
      advice: [ENABLE_GC_HINT, INCONCLUSIVE_WARN],
    }
  }
  const slope = formatBytesPerCall(judgement.slopeBytesPerCall)
  const interval = `${formatPercent(judgement.confidence)} CI ${formatRange(...judgement.slopeIntervalBytesPerCall, formatBytesPerCall)}`
  const floor = `${formatBytesPerCall(judgement.floorBytesPerCall)} per call floor`
  const growth = `retained over the run: ${formatSize(judgement.growthBytes)} in ${result.calls.toLocaleString('en-US')} calls`
  const measured = `the heap after each forced GC grew by ${slope} per call (${interval})`
  const stepped = `the heap after each forced GC rose by ${formatSize(judgement.persistentGrowthBytes)} over the last ${judgement.fittedCalls.toLocaleString('en-US')} calls and never came back, in steps (as V8 enlarges an array or Map that keeps growing), though the slope of ${slope} per call (${interval}) alone does not show it`
  const headline =
    result.status === 'leak' && judgement.grewInSteps
      ? `"${result.name}" leaks: ${stepped}; ${growth}.`
      : result.status === 'leak'
        ? `"${result.name}" leaks: ${measured}, above the ${floor}; ${growth}.`
        : result.status === 'no-leak'
          ? `"${result.name}" does not leak: ${measured}, within the ${floor}; ${growth}.`
          : `"${result.name}": this run cannot tell whether it leaks: ${measured}, an interval that straddles the ${floor}; ${growth}.`
  const first = result.points[0]!.heapBytes
  const last = result.points[result.points.length - 1]!.heapBytes
  const received = [
    `heap after GC ${formatSize(first)} → ${formatSize(last)}`,
    result.calls === result.rounds * result.callsPerRound
      ? `${result.rounds} rounds × ${result.callsPerRound.toLocaleString('en-US')} ${result.callsPerRound === 1 ? 'call' : 'calls'}`
      : `${result.rounds} rounds, ${result.calls.toLocaleString('en-US')} calls (measured on until the calls had doubled)`,
    `slope of the last ${judgement.fittedPoints} readings`,
    ...(result.stoppedEarly === null ? [] : [stoppedText(result)]),
    `GC via ${result.gc}`,
    formatEnvironmentLine(result.env),
  ]
  return {
    headline,
    received: `Received: ${received.join(' · ')}`,
    expected,
    advice: advice(result, expectsLeak),
  }
}

/** The explanation as one message: headline, a blank line, Received/Expected, a blank line, advice. */
export function formatLeakMessage(explanation: LeakExplanation): string {
  return [
    explanation.headline,
    '',
    explanation.received,
    explanation.expected,
    ...(explanation.advice.length > 0 ? ['', ...explanation.advice] : []),
  ].join('\n')
}

/** Bytes per call, with two significant digits below 10 B, where whole bytes would read as 0: `0.07 B`, `148 B`. */
export function formatBytesPerCall(bytes: number): string {
  if (Number.isFinite(bytes) && Math.abs(bytes) < 9.95) return `${Number(bytes.toPrecision(2))} B`
  return formatSize(bytes)
}

const INCONCLUSIVE_WARN = `If an unsettled verdict should not fail the test, pass { inconclusive: 'warn' }.`

function stoppedText(result: LeakResult): string {
  return result.stoppedEarly === 'growth-cap'
    ? `stopped early: the heap grew past ${formatSize(2 * LEAK_PLANNED_GROWTH_BYTES)}`
    : 'stopped early: forced GCs took long (a large heap)'
}

function advice(result: LeakResult, expectsLeak: boolean): string[] {
  switch (result.status) {
    case 'leak':
      return expectsLeak
        ? []
        : [
            'Find what keeps a reference to what each call makes: a module-level array or Map, a cache without a bound, listeners or timers never removed. Two heap snapshots (node --inspect, the Memory tab of DevTools, "Comparison" view) show what grew.',
            'If the growth is intended (a bounded cache still filling), fill it before the check, or raise { threshold } or { minGrowth }.',
          ]
    case 'no-leak':
      return expectsLeak
        ? [
            'If a leak was expected, it keeps less than the floor: run longer ({ time } or { iterations }) so its growth adds up, or lower { threshold }.',
          ]
        : []
    case 'inconclusive':
      return [
        "The slope's interval is wider than its distance to the floor: give the check more calls ({ time: '4s' } or { iterations }) or more rounds ({ rounds: 80 }). Other work in the process (a test runner's messages, timers) moves the heap too; quieter is narrower.",
        INCONCLUSIVE_WARN,
      ]
  }
}

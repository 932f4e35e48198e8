import { formatDuration, formatPercent, formatSize } from '../budget/format.js'
import type { BreakingPointResult } from './types.js'

/** A probe's value in its unit: durations for 'ns', percentages for 'fraction', sizes for 'bytes', else the number and unit. */
export function formatProbeValue(value: number | null, unit: string | null): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (unit === 'ns') return formatDuration(value)
  if (unit === 'fraction') return formatPercent(value)
  if (unit === 'bytes') return formatSize(value)
  const shown = Number.isInteger(value) ? String(value) : value.toPrecision(3)
  return unit === null || unit === '' ? shown : `${shown} ${unit}`
}

/** A level with its unit: "37 connections". */
export function formatLevel(level: number, levelUnit: string | null): string {
  return levelUnit === null ? String(level) : `${level} ${levelUnit}`
}

type Described = Pick<
  BreakingPointResult,
  | 'name'
  | 'status'
  | 'min'
  | 'max'
  | 'breakingPoint'
  | 'firstFailing'
  | 'probes'
  | 'inconsistencies'
  | 'levelUnit'
  | 'precision'
>

/** The outcome of a search in one or two sentences a tired engineer can act on. */
export function describeBreakingPoint(result: Described): string {
  const level = (n: number) => formatLevel(n, result.levelUnit)
  const at = (n: number | null) => {
    const probe = n === null ? undefined : result.probes.findLast((p) => p.level === n)
    return probe?.summary ? ` (${probe.summary})` : ''
  }
  const probes = `${result.probes.length} ${result.probes.length === 1 ? 'probe' : 'probes'}`
  const head = `"${result.name}"`
  switch (result.status) {
    case 'found':
      return `${head} breaking point: ${level(result.breakingPoint!)} meets the budget${at(result.breakingPoint)}, ${level(result.firstFailing!)} does not${at(result.firstFailing)}; ${probes}.`
    case 'above-max':
      return `${head}: every level up to max ${level(result.max)} meets the budget${at(result.max)}, so the breaking point is above it; raise max to find it (${probes}).`
    case 'below-min':
      return `${head}: even min ${level(result.min)} misses the budget${at(result.min)}, so no level in ${result.min}–${result.max} passes; lower min, or fix the system at light load first (${probes}).`
    case 'unresolved': {
      const lo =
        result.breakingPoint === null
          ? `below ${level(result.min)}`
          : `at least ${level(result.breakingPoint)}`
      const hi =
        result.firstFailing === null ? `up to ${level(result.max)}` : `below ${level(result.firstFailing)}`
      return `${head}: the breaking point is ${lo} and ${hi}, not narrowed to ${result.precision} after ${probes}; raise maxProbes or precision.`
    }
    case 'inconsistent': {
      const first = result.inconsistencies[0]!
      const pair =
        first.failedLevel === first.passedLevel
          ? `${level(first.passedLevel)} both passed and failed`
          : `${level(first.passedLevel)} passed although ${level(first.failedLevel)} failed`
      return `${head}: passing is not monotone in load: ${pair}, so the breaking point found (${result.breakingPoint === null ? 'none' : level(result.breakingPoint)}) cannot be trusted. Probes are noisier than the budget's margin (measure each level longer) or the system really behaves this way (then search a narrower range); ${probes}.`
    }
  }
}

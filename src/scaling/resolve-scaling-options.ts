import { didYouMean } from '../config/did-you-mean.js'
import { perfgateError } from '../errors.js'
import {
  checkConfidence,
  checkPositiveInteger,
  resolveTime,
  resolveWarmup,
} from '../measure/resolve-options.js'
import { DEFAULT_SCALING_TOLERANCE } from './judge-scaling.js'
import { isScalingClass, SCALING_CLASSES, type ScalingClass } from './scaling-classes.js'
import {
  DEFAULT_SCALING_MAX_ROUNDS,
  DEFAULT_SCALING_MIN_ROUNDS,
  DEFAULT_SCALING_TIME_NS,
  MIN_SCALING_SIZE_RATIO,
  MIN_SCALING_SIZES,
} from './scaling-defaults.js'
import type { MeasureScalingOptions } from './types.js'

/** Options checked and resolved, ready to measure with. */
export interface ScalingSettings<T> {
  name: string
  sizes: number[]
  input: (n: number) => T | Promise<T>
  freshInput: boolean
  budgetNs: number
  warmupNs: number
  minRounds: number
  maxRounds: number
  confidence: number
  seed: number
}

const EXAMPLE = '{ sizes: [1e3, 1e4, 1e5], input: (n) => makeInput(n) }'

/**
 * Check everything about a scaling measurement before anything runs, so a mistake costs no
 * measuring time. `where` names the caller in errors: 'measureScaling()' or 'toScale()'.
 *
 * @throws PerfgateError SCALING_OPTIONS_INVALID (or DURATION_INVALID for `time`).
 */
export function resolveScalingOptions<T>(
  where: string,
  fn: unknown,
  options: MeasureScalingOptions<T> | undefined,
): ScalingSettings<T> {
  const invalid = (problem: string, fix: string) =>
    perfgateError('SCALING_OPTIONS_INVALID', { fn: where, problem, fix })
  if (typeof fn !== 'function') {
    throw invalid(
      `the function to measure is ${fn === null ? 'null' : typeof fn}`,
      'Pass a function of the input, e.g. (items) => process(items).',
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid('the options with `sizes` and `input` are missing', `Pass them: ${EXAMPLE}.`)
  }
  const sizes = checkSizes(options.sizes, invalid)
  if (typeof options.input !== 'function') {
    throw invalid(
      `\`input\` must be a function that builds the input of size n, received ${shown(options.input)}`,
      'Write e.g. input: (n) => Array.from({ length: n }, (_, i) => i).',
    )
  }
  if (options.freshInput !== undefined && typeof options.freshInput !== 'boolean') {
    throw invalid(
      `\`freshInput\` must be true or false, received ${shown(options.freshInput)}`,
      'Write freshInput: true.',
    )
  }
  for (const key of ['minRounds', 'maxRounds'] as const) {
    const problem = checkPositiveInteger(key, options[key])
    if (problem) throw invalid(problem.problem, problem.fix)
  }
  const minRounds = options.minRounds ?? DEFAULT_SCALING_MIN_ROUNDS
  if (minRounds < 2)
    throw invalid(
      'minRounds must be at least 2: one round has no spread to make an interval from',
      'Use minRounds: 5.',
    )
  const maxRounds = options.maxRounds ?? Math.max(DEFAULT_SCALING_MAX_ROUNDS, minRounds)
  if (maxRounds < minRounds) {
    throw invalid(
      `maxRounds (${maxRounds}) is below minRounds (${minRounds})`,
      'Raise maxRounds or lower minRounds.',
    )
  }
  const confidence = checkConfidence(options.confidence)
  if (typeof confidence !== 'number') throw invalid(confidence.problem, confidence.fix)
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw invalid(`\`seed\` must be a finite number, received ${shown(options.seed)}`, 'Write e.g. seed: 1.')
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw invalid(
      `\`name\` must be a non-empty string, received ${shown(options.name)}`,
      "Write e.g. name: 'sort'.",
    )
  }
  const budgetNs = resolveTime(options.time, DEFAULT_SCALING_TIME_NS, `${where}.time`)
  const fnName = (fn as { name?: unknown }).name
  return {
    name: options.name ?? (typeof fnName === 'string' && fnName !== '' ? fnName : 'anonymous function'),
    sizes,
    input: options.input,
    freshInput: options.freshInput ?? false,
    budgetNs,
    warmupNs: resolveWarmup(undefined, budgetNs, `${where}.time`),
    minRounds,
    maxRounds,
    confidence,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
  }
}

function checkSizes(sizes: unknown, invalid: (problem: string, fix: string) => Error): number[] {
  if (!Array.isArray(sizes)) {
    throw invalid(
      `\`sizes\` must be an array of input sizes, received ${shown(sizes)}`,
      `Write e.g. ${EXAMPLE}.`,
    )
  }
  if (sizes.length < MIN_SCALING_SIZES) {
    throw invalid(
      `\`sizes\` has ${sizes.length} ${sizes.length === 1 ? 'size' : 'sizes'}, and a fit needs at least ${MIN_SCALING_SIZES} (two points always lie on a line)`,
      'Add sizes, e.g. sizes: [1e3, 1e4, 1e5].',
    )
  }
  sizes.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw invalid(
        `sizes[${i}] is ${shown(n)}, but a size is a whole number of at least 1`,
        'Write sizes as counts, e.g. sizes: [1e3, 1e4, 1e5].',
      )
    }
    if (i > 0 && n <= sizes[i - 1]) {
      throw invalid(
        `sizes must increase, but sizes[${i}] (${n}) is not above sizes[${i - 1}] (${sizes[i - 1]})`,
        `List each size once, smallest first: sizes: [${[...new Set(sizes as number[])].sort((a, b) => a - b).join(', ')}].`,
      )
    }
  })
  const ratio = sizes.at(-1) / sizes[0]
  if (ratio < MIN_SCALING_SIZE_RATIO) {
    throw invalid(
      `the sizes span only ${formatRatio(ratio)} (${sizes[0]} to ${sizes.at(-1)}), too narrow to tell growth classes apart`,
      `Make the largest size at least ${MIN_SCALING_SIZE_RATIO}× the smallest, e.g. sizes: [${sizes[0]}, ${sizes[0] * 10}, ${sizes[0] * 100}]; two decades or more separate the classes best.`,
    )
  }
  return [...(sizes as number[])]
}

/** Aliases people write for the classes; suggested when the claim is not a class name. */
const CLASS_ALIASES: Readonly<Record<string, ScalingClass>> = {
  '1': 'constant',
  logn: 'log',
  n: 'linear',
  nlogn: 'nlogn',
  'n^2': 'quadratic',
  n2: 'quadratic',
  'n²': 'quadratic',
  'n^3': 'cubic',
  n3: 'cubic',
  'n³': 'cubic',
}

/**
 * The claimed class, checked: a class name passes through; anything else is an error that
 * suggests the class meant ("O(n)" → 'linear', "lienar" → 'linear').
 *
 * @throws PerfgateError SCALING_CLASS_UNKNOWN
 */
export function parseScalingClass(where: string, claim: unknown): ScalingClass {
  if (isScalingClass(claim)) return claim
  const text = typeof claim === 'string' ? claim : ''
  const bare = text
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^o\((.*)\)$/, '$1')
    .replace(/[()*·]/g, '')
  const suggestion = CLASS_ALIASES[bare] ?? (text === '' ? undefined : didYouMean(text, SCALING_CLASSES))
  throw perfgateError('SCALING_CLASS_UNKNOWN', {
    fn: where,
    received: claim,
    ...(suggestion !== undefined && { suggestion }),
    known: SCALING_CLASSES.map((c) => `'${c}'`).join(', '),
  })
}

/**
 * The tolerance, checked: a number of powers of n from 0 to 2.
 *
 * @throws PerfgateError SCALING_OPTIONS_INVALID
 */
export function checkTolerance(where: string, tolerance: unknown): number {
  if (tolerance === undefined) return DEFAULT_SCALING_TOLERANCE
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance <= 2)) {
    throw perfgateError('SCALING_OPTIONS_INVALID', {
      fn: where,
      problem: `\`tolerance\` must be a number of powers of n from 0 to 2, received ${shown(tolerance)}`,
      fix: `Leave it out for the default (${DEFAULT_SCALING_TOLERANCE}: halfway to the next class), or write e.g. tolerance: 0.3.`,
    })
  }
  return tolerance
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function formatRatio(ratio: number): string {
  return `${Number(ratio.toPrecision(3))}×`
}

/**
 * The functions every section measures. Each one sums square roots over a loop whose bound is read
 * from `sizes` at every call: a mutable object property, so V8 cannot fold the loop into a constant.
 *
 * Every function is its own literal, written out by hand. An A/A pair is two literals with the
 * same body (not one literal called twice), which is how identical code meets a benchmark in real
 * life: compiled twice, placed at different addresses, with its own type feedback.
 */

/**
 * Loop bounds (one iteration ≈ 2.2 ns on the reference machine). `…Base` and `…Slow` form the 5%
 * slowdown pair: `…Slow` is exactly 1.05 × `…Base`, which needs a base divisible by 20, so the tiny
 * pair uses 60 → 63 (~0.13 µs) instead of 44. `…Double` is 2 × the A/A bound. `edge` sits near a
 * batch-size boundary of bench() (4 ms / 32768 calls ≈ 122 ns), where a fresh calibration can
 * land on either side: it shows what the calibration cache is for.
 */
export const sizes = {
  tiny: 44,
  tinyBase: 60,
  tinySlow: 63,
  tinyDouble: 88,
  small: 480,
  smallBase: 480,
  smallSlow: 504,
  smallDouble: 960,
  large: 4800,
  largeBase: 4800,
  largeSlow: 5040,
  largeDouble: 9600,
  edge: 56,
}

export type WorkloadId = 'tiny' | 'small' | 'large'

export interface Workload {
  id: WorkloadId
  /** Nominal per-call time on the reference machine. */
  label: string
  /** Loop bound of `a` and `twin`. */
  n: number
  /** The function. */
  a: () => number
  /** A second literal with the same body as `a`. */
  twin: () => number
  /** Loop bound of `base`; `slow` runs exactly 1.05 × as many iterations. */
  nBase: number
  /** The fast side of the 5% slowdown pair. */
  base: () => number
  /** Like `base`, with 5% more loop iterations. */
  slow: () => number
  /** Like `a`, with twice the loop iterations. */
  double: () => number
}

export const workloads: readonly Workload[] = [
  {
    id: 'tiny',
    label: '~0.1 µs',
    n: sizes.tiny,
    a: () => {
      let sum = 0
      for (let i = 0; i < sizes.tiny; i++) sum += Math.sqrt(i)
      return sum
    },
    twin: () => {
      let sum = 0
      for (let i = 0; i < sizes.tiny; i++) sum += Math.sqrt(i)
      return sum
    },
    nBase: sizes.tinyBase,
    base: () => {
      let sum = 0
      for (let i = 0; i < sizes.tinyBase; i++) sum += Math.sqrt(i)
      return sum
    },
    slow: () => {
      let sum = 0
      for (let i = 0; i < sizes.tinySlow; i++) sum += Math.sqrt(i)
      return sum
    },
    double: () => {
      let sum = 0
      for (let i = 0; i < sizes.tinyDouble; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    id: 'small',
    label: '~1 µs',
    n: sizes.small,
    a: () => {
      let sum = 0
      for (let i = 0; i < sizes.small; i++) sum += Math.sqrt(i)
      return sum
    },
    twin: () => {
      let sum = 0
      for (let i = 0; i < sizes.small; i++) sum += Math.sqrt(i)
      return sum
    },
    nBase: sizes.smallBase,
    base: () => {
      let sum = 0
      for (let i = 0; i < sizes.smallBase; i++) sum += Math.sqrt(i)
      return sum
    },
    slow: () => {
      let sum = 0
      for (let i = 0; i < sizes.smallSlow; i++) sum += Math.sqrt(i)
      return sum
    },
    double: () => {
      let sum = 0
      for (let i = 0; i < sizes.smallDouble; i++) sum += Math.sqrt(i)
      return sum
    },
  },
  {
    id: 'large',
    label: '~10 µs',
    n: sizes.large,
    a: () => {
      let sum = 0
      for (let i = 0; i < sizes.large; i++) sum += Math.sqrt(i)
      return sum
    },
    twin: () => {
      let sum = 0
      for (let i = 0; i < sizes.large; i++) sum += Math.sqrt(i)
      return sum
    },
    nBase: sizes.largeBase,
    base: () => {
      let sum = 0
      for (let i = 0; i < sizes.largeBase; i++) sum += Math.sqrt(i)
      return sum
    },
    slow: () => {
      let sum = 0
      for (let i = 0; i < sizes.largeSlow; i++) sum += Math.sqrt(i)
      return sum
    },
    double: () => {
      let sum = 0
      for (let i = 0; i < sizes.largeDouble; i++) sum += Math.sqrt(i)
      return sum
    },
  },
]

/** Near a batch-size boundary (~88 ns): for information in the batch-size section. */
export const edge = () => {
  let sum = 0
  for (let i = 0; i < sizes.edge; i++) sum += Math.sqrt(i)
  return sum
}

/** The empty function of the overhead section. */
export const empty = () => {}

/** An async function for the wall-time section: the ~1 µs loop behind an await. */
export const asyncSmall = async () => {
  await undefined
  let sum = 0
  for (let i = 0; i < sizes.small; i++) sum += Math.sqrt(i)
  return sum
}

export function workloadById(id: WorkloadId): Workload {
  const found = workloads.find((w) => w.id === id)
  if (!found) throw new Error(`unknown workload ${id}`)
  return found
}

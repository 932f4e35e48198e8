import { median, quantile } from '../stats/quantile.js'
import { type SortedSamples, sortSamples } from '../stats/sorted-samples.js'
import { studentTCdf, studentTQuantile } from '../stats/student-t.js'

/*
 * The process as the unit of measurement. Pure: numbers in, numbers out.
 *
 * The same code runs at a different speed in each fresh process: the JIT settles into another
 * state, memory lands elsewhere. Measured on this project's 2-core machine (docs/accuracy.md,
 * "Regression guard"), the per-call median of one bench moves between fresh processes with a
 * robust standard deviation of 1.4–4.5% (12% for an allocation-heavy bench), 1.4 to 6 times
 * the width of the interval the batches of one process give. An interval from the batches of one
 * process therefore calls one process's luck a regression. Here each process contributes one
 * number, its per-call time ({@link processTimesNs}), and the interval comes from how those
 * numbers spread.
 */

/** What {@link processTimesNs} reads: a result, or a baseline bench pooled from several processes. */
export interface ProcessBatches {
  batchSize: number
  /** Raw batch times (whole batches, ns), the processes one after another. */
  batchTimesNs: readonly number[]
  /** Batches each process contributed, in order; absent means one process. */
  batchesPerRun?: readonly number[] | undefined
}

/**
 * The quantile of a process's per-call batch times that stands for the process in a comparison
 * with its baseline: the 10th percentile, the time of its fast batches.
 *
 * On this project's 2-core VM the machine runs code at about half speed for stretches of
 * milliseconds to minutes (docs/accuracy.md, "Slow periods of the machine"). A stretch that covers
 * part of a bench's half second moves its median batch anywhere between the two speeds, where no
 * rule can tell it from a change of the code; the fast batches of the same process ran outside
 * it. Fresh processes of one bench, measured one after another in such an hour, spread 27.5% by
 * their median batch, 8.9% by their 10th percentile and 2.5% by their fastest batch
 * (bench/sibling-contention.ts, 04:20 UTC, docs/accuracy.md). The fastest batch is the quietest
 * but rests on one batch; the 10th percentile rests on a tenth of them. Replayed through the guard,
 * the 10th percentile beat the median in each of the four recorded runs of
 * bench/regression-accuracy.ts that have both (runs 16–19; bench/replay-guard.ts --statistic).
 *
 * What it costs: a change that slows only some batches of a process (more garbage to collect
 * now and then) moves the 10th percentile less than the median, or not at all. Such a change
 * shows in the median, the p95 and the memory figures of the result (`memory: true`), and a
 * budget on those catches it.
 */
export const PROCESS_TIME_QUANTILE = 0.1
/** {@link PROCESS_TIME_QUANTILE} as a metric name: the `metric` of a bench's [VERIFY] `regression` event. */
export const PROCESS_TIME_METRIC = 'p10'
/** {@link PROCESS_TIME_QUANTILE} in words, as a verdict's reason says it. */
export const PROCESS_TIME_LABEL = '10th percentile'

/**
 * The per-call time of each process in `bench`, as the regression guard compares it: the
 * {@link PROCESS_TIME_QUANTILE} quantile of its batch times over the batch size. When
 * `batchesPerRun` is missing or does not add up to the batch count (a file written by an older
 * perfgate), all batches count as one process: the comparison then leans on the prior spread,
 * which is the cautious reading.
 */
export function processTimesNs(bench: ProcessBatches): number[] {
  return perCallByRun(bench).map((sorted) => quantile(sorted, PROCESS_TIME_QUANTILE))
}

/**
 * The per-call median of each process in `bench` (the regression guard compares
 * {@link processTimesNs}; the median is what reports show). When `batchesPerRun` is missing or does not
 * add up to the batch count (a file written by an older perfgate), all batches count as one
 * process: the comparison then leans on the prior spread, which is the cautious reading.
 */
export function processMediansNs(bench: ProcessBatches): number[] {
  return perCallByRun(bench).map(median)
}

/** Each process's per-call batch times, sorted (see splitBatchesByRun). */
function perCallByRun(bench: ProcessBatches): SortedSamples[] {
  return splitBatchesByRun(bench).map((batches) => sortSamples(batches.map((t) => t / bench.batchSize)))
}

/**
 * The raw batch times of each process in `bench`, in order. When `batchesPerRun` is missing or
 * does not add up to the batch count, all batches are one process (empty without batches).
 */
export function splitBatchesByRun(bench: ProcessBatches): number[][] {
  const counts = bench.batchesPerRun
  const total = bench.batchTimesNs.length
  if (total === 0) return []
  const valid =
    counts !== undefined &&
    counts.length > 0 &&
    counts.every((n) => Number.isInteger(n) && n > 0) &&
    counts.reduce((a, b) => a + b, 0) === total
  if (!valid) return [[...bench.batchTimesNs]]
  const runs: number[][] = []
  let start = 0
  for (const n of counts) {
    runs.push(bench.batchTimesNs.slice(start, start + n))
    start += n
  }
  return runs
}

/**
 * The spread between processes assumed before any is seen: a standard deviation of 3% in
 * log per-call time (the measured 1.4–4.5%, rounded up), worth {@link PROCESS_SPREAD_PRIOR_DF}
 * processes' evidence. It keeps a baseline of one process, or a handful of processes that
 * happened to agree, from claiming a precision no machine has.
 */
export const DEFAULT_PROCESS_SPREAD = 0.03
/** Degrees of freedom the prior spread counts for; see {@link DEFAULT_PROCESS_SPREAD}. */
export const PROCESS_SPREAD_PRIOR_DF = 4

/** A comparison of two sets of processes, on the log scale of per-call time. */
export interface ProcessComparison {
  /** exp(mean log current − mean log baseline): the ratio of the processes' geometric means. */
  ratio: number
  /** Interval for `ratio` at the requested confidence. */
  interval: [number, number]
  /** Half the interval's width in log units: the change this comparison cannot tell from noise. */
  halfWidthLog: number
  /**
   * One-sided p-value that the current processes are slower (ratio > 1) when the estimate says
   * slower, or faster (ratio < 1) when it says faster. H₀: no change.
   */
  pValue: number
  direction: 'slower' | 'faster'
  /** Spread between processes used (standard deviation of log per-call time), prior included. */
  spread: number
  /** Degrees of freedom of the t distribution: the prior's plus the processes'. */
  df: number
  /** Processes now and in the baseline. */
  processes: [number, number]
  /** Geometric mean of the processes' per-call times ({@link processTimesNs}), now and in the baseline (ns). */
  centerNs: [number, number]
}

/** Options of {@link compareProcesses}. */
export interface ProcessComparisonOptions {
  /** @default DEFAULT_PROCESS_SPREAD */
  priorSpread?: number
  /** @default PROCESS_SPREAD_PRIOR_DF */
  priorDf?: number
}

/**
 * Compare the per-call times ({@link processTimesNs}) of fresh processes now (`currentNs`) with those of the baseline's
 * processes (`baselineNs`): a two-sample t test on log times with a moderated variance,
 *
 *   s² = (ν₀·σ₀² + Σ(xᵢ − x̄)² + Σ(yⱼ − ȳ)²) / (ν₀ + (m − 1) + (n − 1)),
 *
 * the pooled variance shrunk toward a prior σ₀ worth ν₀ degrees of freedom (the moderated t of
 * Smyth, "Linear models and empirical Bayes methods for assessing differential expression",
 * Stat. Appl. Genet. Mol. Biol. 3(1), 2004, with a fixed prior). It has t(ν₀ + m + n − 2)
 * under H₀, so one process on each side still gives an honest, wide interval. Times of 0
 * (below the timer's resolution) are taken as the smallest positive one.
 */
export function compareProcesses(
  currentNs: readonly number[],
  baselineNs: readonly number[],
  confidence: number,
  options: ProcessComparisonOptions = {},
): ProcessComparison {
  const priorSpread = options.priorSpread ?? DEFAULT_PROCESS_SPREAD
  const priorDf = options.priorDf ?? PROCESS_SPREAD_PRIOR_DF
  const m = currentNs.length
  const n = baselineNs.length
  if (m === 0 || n === 0) {
    return {
      ratio: Number.NaN,
      interval: [0, Number.POSITIVE_INFINITY],
      halfWidthLog: Number.POSITIVE_INFINITY,
      pValue: Number.NaN,
      direction: 'slower',
      spread: Number.NaN,
      df: Number.NaN,
      processes: [m, n],
      centerNs: [Number.NaN, Number.NaN],
    }
  }
  let floor = Number.POSITIVE_INFINITY
  for (const t of [...currentNs, ...baselineNs]) if (t > 0 && t < floor) floor = t
  if (!Number.isFinite(floor)) floor = 1
  const log = (t: number) => Math.log(t > 0 ? t : floor)
  const x = currentNs.map(log)
  const y = baselineNs.map(log)
  const meanX = x.reduce((a, b) => a + b, 0) / m
  const meanY = y.reduce((a, b) => a + b, 0) / n
  let squares = priorDf * priorSpread * priorSpread
  for (const v of x) squares += (v - meanX) ** 2
  for (const v of y) squares += (v - meanY) ** 2
  const df = priorDf + m + n - 2
  const spread = df > 0 ? Math.sqrt(squares / df) : Number.NaN
  const se = spread * Math.sqrt(1 / m + 1 / n)
  const d = meanX - meanY
  const direction = d >= 0 ? 'slower' : 'faster'
  let pValue: number
  let halfWidthLog: number
  if (!(df > 0) || !(se > 0)) {
    // No prior and processes that agree exactly: nothing to say how far they could move.
    pValue = Number.NaN
    halfWidthLog = Number.POSITIVE_INFINITY
  } else {
    pValue = studentTCdf(-Math.abs(d) / se, df)
    halfWidthLog = studentTQuantile(1 - (1 - confidence) / 2, df) * se
  }
  return {
    ratio: Math.exp(d),
    interval: [Math.exp(d - halfWidthLog), Math.exp(d + halfWidthLog)],
    halfWidthLog,
    pValue,
    direction,
    spread,
    df,
    processes: [m, n],
    centerNs: [Math.exp(meanX), Math.exp(meanY)],
  }
}

/** A process whose per-call time ({@link processTimesNs}) sits far from those of the other processes of its side. */
export interface WildProcess {
  /** Position among its side's processes, from 0. */
  index: number
  timeNs: number
  /**
   * 'far': far from the rest (see {@link wildProcesses}), and `ratio` is over the median of all
   * processes' times. 'slow-period': slower than the fastest process by a slow period's margin
   * (see {@link slowPeriodProcesses}), and `ratio` is over the fastest process's time.
   * 1.7 is 70% slower.
   */
  kind: 'far' | 'slow-period'
  ratio: number
}

/**
 * A process at least this many times as slow as the fastest process of its side ran, for part
 * or all of the bench, in one of the machine's slow periods, and is left out.
 *
 * On this project's 2-core VM, in hours that come and go, the machine runs code at about half
 * speed for stretches of a tenth of a second to minutes (bench/slow-periods.ts; docs/accuracy.md,
 * "Slow periods"): a bench's process time then reads 1.4–2.1× its fast processes, with little in
 * between. Throughput-bound code slows most, a chain of square roots not at all, so the other
 * benches of the process (the machine-speed controls) do not always show it. Processes of the same
 * code otherwise spread 1–5% (12% for allocation-heavy code): 1.3× the fastest is far outside that,
 * and a change of the code moves every process, never only some. So the fastest processes are the
 * code's speed, and the slow ones say how busy the host was. (The same VM has also had stretches
 * faster than any baseline process had seen, "Run 17" in docs/accuracy.md: no rule that keeps a
 * side's fastest processes helps when only one side saw them.)
 */
export const SLOW_PERIOD_RATIO = 1.3

/**
 * Positions of the processes at least {@link SLOW_PERIOD_RATIO} times as slow as the fastest of
 * `timesNs` (none with fewer than 2 processes; the fastest is always kept).
 */
export function slowPeriodProcesses(timesNs: readonly number[]): number[] {
  if (timesNs.length < 2) return []
  const fastest = Math.min(...timesNs.filter((m) => m > 0))
  if (!Number.isFinite(fastest)) return []
  return timesNs.flatMap((m, index) => (m >= SLOW_PERIOD_RATIO * fastest ? [index] : []))
}

/**
 * How far from the others a process must be, in robust standard deviations, to be called wild:
 * the modified z-score cut of Iglewicz and Hoaglin ("How to Detect and Handle Outliers", ASQC
 * 1993). Five was too strict for five processes, whose MAD the ordinary spread of the others
 * inflates: a baseline process at 1.23× among four within 4% of each other went unflagged.
 */
export const WILD_PROCESS_SCALES = 3.5
/** ...and at least this far, as a ratio: smaller gaps are the ordinary spread between processes. */
export const WILD_PROCESS_MIN_RATIO = 1.1

/**
 * The processes of a side that ran far from the rest: more than {@link WILD_PROCESS_SCALES}
 * robust standard deviations and more than 10% from the median process (of those kept, on a
 * second look). Needs 4 processes or more, and never leaves out half of them or more.
 *
 * One such process widens every interval of its bench (in bench/regression-accuracy.ts, two of
 * five made a bench's spread 32% and its 10% regression undetectable), and two or more that agree
 * with each other are a second state the code settles into in some processes. Either way the
 * user is better told than left with a bench that stays 'inconclusive'.
 *
 * The robust deviation is 1.4826 × the median absolute deviation of log times (at least 1%),
 * taken over the processes faster than the median when that is smaller: a disturbance on the
 * machine only ever slows a process down, so slow processes inflate the deviation of all of them
 * but not that of the fast half. Without that, 3–4 slow processes of 10 counted as ordinary: in
 * run 13 of bench/regression-accuracy.ts a baseline at 1.00–1.08, 1.22, 1.42, 1.54, 1.58 kept
 * 1.22 and 1.42, which lifted its center 6%: its 10% regression read 1.04. The rule is applied again
 * to the processes kept until it finds none, because a slower group hides a less slow one
 * (1.40 and 1.50 hid 1.25 among 1.00–1.08).
 */
export function wildProcesses(timesNs: readonly number[]): WildProcess[] {
  const n = timesNs.length
  if (n < 4) return []
  const logs = timesNs.map((m) => Math.log(Math.max(m, 1e-9)))
  let kept = logs.map((_, i) => i)
  while (kept.length >= 4) {
    const far = new Set(farFromTheRest(kept.map((i) => logs[i]!)).map((k) => kept[k]!))
    const next = kept.filter((i) => !far.has(i))
    if (far.size === 0 || next.length <= n / 2) break
    kept = next
  }
  if (kept.length === n) return []
  const center = median(sortSamples(logs))
  const keptSet = new Set(kept)
  return logs.flatMap((l, index) =>
    keptSet.has(index)
      ? []
      : [{ index, timeNs: timesNs[index]!, kind: 'far' as const, ratio: Math.exp(l - center) }],
  )
}

/** Positions in `logs` (log times) beyond the cut of {@link wildProcesses}, one pass. */
function farFromTheRest(logs: readonly number[]): number[] {
  const center = median(sortSamples(logs))
  const deviationAll = median(sortSamples(logs.map((l) => Math.abs(l - center))))
  const below = logs.filter((l) => l < center).map((l) => center - l)
  const deviationFast = below.length > 0 ? median(sortSamples(below)) : deviationAll
  const scale = Math.max(1.4826 * Math.min(deviationAll, deviationFast), 0.01)
  const minGap = Math.log(WILD_PROCESS_MIN_RATIO)
  return logs.flatMap((l, k) => {
    const gap = Math.abs(l - center)
    return gap > WILD_PROCESS_SCALES * scale && gap > minGap ? [k] : []
  })
}

/** A side's processes split into those a comparison uses and the wild ones it leaves out. */
export interface TypicalProcesses {
  /** Per-call times of the processes kept, in their order. */
  keptNs: number[]
  wild: WildProcess[]
}

/**
 * `timesNs` without the processes that ran in a slow period of the machine
 * ({@link slowPeriodProcesses}) and, among the rest, its {@link wildProcesses}: the processes a
 * comparison rests on. Wild ones are listed in position order.
 *
 * A wild process is left out rather than averaged in because it tells of the process, not the
 * code: in bench/regression-accuracy.ts such processes came in bursts (two of a baseline's five
 * at 1.9× on one bench, none in the 40 trials after), and one in a baseline either hid a real
 * 10% regression behind a 30% spread or, if fast, made every later run look slower. The far rule
 * never leaves out half of the processes it looks at; the slow-period rule always keeps the fastest.
 */
export function typicalProcesses(timesNs: readonly number[]): TypicalProcesses {
  // A lone process far faster than the rest (found among 4 or more, with no other process
  // within a slow period's margin of it) is no measure of the code's speed either, and would make
  // every other process look like a slow period: out first. Fast processes that agree with each
  // other are the code's speed, however many slow ones the far rule would weigh against them.
  const fast = wildProcesses(timesNs).filter(
    (w) => w.ratio < 1 && timesNs.every((m, i) => i === w.index || m >= SLOW_PERIOD_RATIO * w.timeNs),
  )
  const fastSet = new Set(fast.map((w) => w.index))
  const afterFast = timesNs.flatMap((m, index) => (fastSet.has(index) ? [] : [{ m, index }]))
  const slowAt = slowPeriodProcesses(afterFast.map((r) => r.m))
  const fastest = Math.min(...afterFast.map((r) => r.m).filter((m) => m > 0))
  const slow = slowAt.map((k) => afterFast[k]!.index)
  const slowSet = new Set(slow)
  const rest = afterFast.filter((r) => !slowSet.has(r.index))
  const far = wildProcesses(rest.map((r) => r.m)).map((w) => ({ ...w, index: rest[w.index]!.index }))
  const wild: WildProcess[] = [
    ...fast,
    ...slow.map((index) => ({
      index,
      timeNs: timesNs[index]!,
      kind: 'slow-period' as const,
      ratio: timesNs[index]! / fastest,
    })),
    ...far,
  ].sort((a, b) => a.index - b.index)
  if (wild.length === 0) return { keptNs: [...timesNs], wild }
  const out = new Set(wild.map((w) => w.index))
  return { keptNs: timesNs.filter((_, i) => !out.has(i)), wild }
}

import { theilSenLine } from '../stats/linear-regression.js'
import { median } from '../stats/quantile.js'
import { sortSamples } from '../stats/sorted-samples.js'

/** An exponent fitted over some sizes, with its interval. */
export interface ExponentFit {
  /** The sizes the fit covers, increasing. */
  sizes: number[]
  /** Slope of log(time per call) against log(size): time grows like n^exponent. */
  exponent: number
  /** Interval for `exponent` at the fit's confidence. */
  interval: [number, number]
}

/**
 * Time per call against size on log–log axes. The exponent is the slope; the line is
 * time ≈ e^logInterceptNs · n^exponent nanoseconds.
 */
export interface ScalingFit extends ExponentFit {
  /**
   * How the line was fitted: Theil–Sen on log–log points, each round centred on its own mean
   * (see {@link fitScaling}).
   */
  method: 'theil-sen-round-centered'
  confidence: number
  /** ln(nanoseconds) of the fitted line at n = 1, for drawing it. */
  logInterceptNs: number
  /**
   * The same fit over the two largest sizes alone. A fixed cost per call flattens the small
   * sizes; growth shows best at the large ones, which are what a complexity class is about.
   */
  largest: ExponentFit
  /** Exponent between each pair of neighbouring sizes, from their medians over rounds. */
  localExponents: number[]
  /** Rounds the fit rests on (each measured every size once). */
  rounds: number
}

/**
 * Fit the growth exponent of time per call against size.
 *
 * The data are rounds: in each, every size was timed once (in shuffled order), so a round is a
 * paired set of points. Each round's log times are centred on the round's mean before fitting:
 * whatever slowed or sped up the machine during that round (drift, a noisy neighbour) moves all
 * its points alike and drops out, as in compare()'s paired rounds. The slope is Theil–Sen's (the
 * median of pairwise slopes, robust to a wild round), with Sen's distribution-free interval.
 * Centring also removes 1/S of each point's own noise variance (S sizes per round), which the
 * interval would take for precision; so its half-widths are widened by √(S/(S−1)). In 1000
 * simulated runs per case (3–4 sizes, 5–30 rounds, round drift, 10% wild points) this interval
 * covered the true exponent in 93.8–97.8% of runs at 95% confidence (docs/scaling.md).
 *
 * @param sizes - The sizes, increasing, at least 2.
 * @param roundTimesNs - Per round, the time per call at each size (same order as `sizes`), > 0.
 * @throws RangeError for fewer than 2 sizes or 2 rounds, ragged rounds, or times that are not
 *   positive and finite.
 */
export function fitScaling(
  sizes: readonly number[],
  roundTimesNs: readonly (readonly number[])[],
  confidence = 0.95,
): ScalingFit {
  if (sizes.length < 2) throw new RangeError(`A scaling fit needs at least 2 sizes, got ${sizes.length}`)
  if (roundTimesNs.length < 2) {
    throw new RangeError(`A scaling fit needs at least 2 rounds, got ${roundTimesNs.length}`)
  }
  roundTimesNs.forEach((round, r) => {
    if (round.length !== sizes.length) {
      throw new RangeError(`Round ${r} has ${round.length} times for ${sizes.length} sizes`)
    }
    round.forEach((t, s) => {
      if (!(t > 0 && Number.isFinite(t))) throw new RangeError(`Round ${r}, size ${sizes[s]}: time ${t} ns`)
    })
  })
  const all = exponentFit(sizes, roundTimesNs, confidence)
  const last = sizes.length - 1
  const largest =
    sizes.length === 2
      ? all
      : exponentFit(
          sizes.slice(last - 1),
          roundTimesNs.map((round) => round.slice(last - 1)),
          confidence,
        )
  const mediansNs = sizes.map((_, s) => median(sortSamples(roundTimesNs.map((round) => round[s]!))))
  const logX = sizes.map((n) => Math.log(n))
  // The line through the raw (uncentred) points: the median of log t − slope · log n.
  const offsets = roundTimesNs.flatMap((round) => round.map((t, s) => Math.log(t) - all.exponent * logX[s]!))
  return {
    method: 'theil-sen-round-centered',
    ...all,
    confidence,
    logInterceptNs: median(sortSamples(offsets)),
    largest: { sizes: largest.sizes, exponent: largest.exponent, interval: largest.interval },
    localExponents: sizes
      .slice(1)
      .map((_, i) => (Math.log(mediansNs[i + 1]!) - Math.log(mediansNs[i]!)) / (logX[i + 1]! - logX[i]!)),
    rounds: roundTimesNs.length,
  }
}

function exponentFit(
  sizes: readonly number[],
  roundTimesNs: readonly (readonly number[])[],
  confidence: number,
): ExponentFit {
  const x: number[] = []
  const y: number[] = []
  for (const round of roundTimesNs) {
    const logs = round.map((t) => Math.log(t))
    const center = logs.reduce((sum, v) => sum + v, 0) / logs.length
    logs.forEach((v, s) => {
      x.push(Math.log(sizes[s]!))
      y.push(v - center)
    })
  }
  const line = theilSenLine(x, y, confidence)
  const widen = Math.sqrt(sizes.length / (sizes.length - 1))
  const [lo, hi] = line.slopeInterval
  return {
    sizes: [...sizes],
    exponent: line.slope,
    interval: [line.slope - widen * (line.slope - lo), line.slope + widen * (hi - line.slope)],
  }
}

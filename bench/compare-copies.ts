/**
 * Do compare()'s loop copies run at different speeds for a whole comparison?
 *
 *   node --expose-gc --import tsx bench/compare-copies.ts [--trials 300] [--workload small] [--pair aa|slow] [--load]
 *
 * compare() times each side through COMPARE_COPIES private loops, one picked at random per round.
 * If a copy stays in a slower state of the machine's code for the whole comparison, its rounds
 * share an offset that more rounds do not average away, and the paired test (which treats rounds
 * as independent) can call identical functions different. This runs A/A comparisons (or the 5%
 * pair) at default settings, works out from each comparison's seed which copy of a and of b every
 * round used (compare() draws them from the seeded generator in that order), and tests for a copy
 * effect per side with the one-way analysis of variance statistic
 * Q = Σ nᵢ (meanᵢ − mean)² / s²_within. Rounds are heavy-tailed, so Q is referred both to χ²(3)
 * (rough) and to its permutation distribution: with no copy effect the copy a round used is a
 * random draw unrelated to its time, so shuffling the copies among the rounds gives Q's exact null
 * distribution (PERMUTATIONS shuffles per trial). Read the share of trials below 1% against the
 * 1% it would be without copy effects. Prints one line per trial and a summary. `--load` runs
 * the trials beside the busy neighbour of section 1b of bench:self (bench/competitor.mjs).
 */
import { parseArgs } from 'node:util'
import { compare } from '../src/index.js'
import { COMPARE_COPIES } from '../src/measure/defaults.js'
import { mean } from '../src/stats/moments.js'
import { createRandom, randomIndex, shuffleInPlace } from '../src/stats/random.js'
import { startBusyNeighbour } from './busy-neighbour.js'
import { collectGarbage, formatShare } from './numbers.js'
import { type WorkloadId, workloadById } from './workloads.js'

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '300' },
    workload: { type: 'string', default: 'small' },
    pair: { type: 'string', default: 'aa' },
    load: { type: 'boolean', default: false },
  },
})
const trials = Number(values.trials)
const workload = workloadById(values.workload as WorkloadId)
const [fnA, fnB] = values.pair === 'slow' ? [workload.slow, workload.base] : [workload.a, workload.twin]

/** χ²(3) quantiles: the Q a copy effect must pass at 1% and 0.1% with 4 copies. */
const CHI2_3_99 = 11.34
const CHI2_3_999 = 16.27
/** Shuffles of the copy labels per trial and side for the permutation p-value. */
const PERMUTATIONS = 400

/** The copy of a and of b each round used, drawn as compare() draws them from its seed. */
function copiesOfRounds(seed: number, rounds: number): [number[], number[]] {
  const random = createRandom(seed)
  const ofA: number[] = []
  const ofB: number[] = []
  for (let r = 0; r < rounds; r++) {
    ofA.push(randomIndex(random, COMPARE_COPIES))
    ofB.push(randomIndex(random, COMPARE_COPIES))
    random() // which side goes first
  }
  return [ofA, ofB]
}

/** Per-copy means of the log ratios and the one-way ANOVA statistic Q for a copy effect. */
function copyEffect(logRatios: readonly number[], copyOfRound: readonly number[]) {
  const groups = Array.from({ length: COMPARE_COPIES }, () => [] as number[])
  logRatios.forEach((v, r) => {
    groups[copyOfRound[r]!]!.push(v)
  })
  const grand = mean(logRatios)
  const means = groups.map((g) => (g.length > 0 ? mean(g) : Number.NaN))
  let within = 0
  let df = 0
  groups.forEach((g, i) => {
    for (const v of g) within += (v - means[i]!) ** 2
    df += Math.max(0, g.length - 1)
  })
  const variance = within / df
  let q = 0
  groups.forEach((g, i) => {
    if (g.length > 0) q += (g.length * (means[i]! - grand) ** 2) / variance
  })
  return { means, q }
}

/** Share of shuffles of `copyOfRound` whose Q reaches the observed one (with the observed counted). */
function permutationP(
  logRatios: readonly number[],
  copyOfRound: readonly number[],
  q: number,
  seed: number,
): number {
  const random = createRandom(seed)
  const labels = [...copyOfRound]
  let atLeast = 1
  for (let i = 0; i < PERMUTATIONS; i++) {
    shuffleInPlace(labels, random)
    if (copyEffect(logRatios, labels).q >= q) atLeast++
  }
  return atLeast / (PERMUTATIONS + 1)
}

const competitor = values.load ? await startBusyNeighbour(3600) : undefined

const qs: { a: number; b: number; pA: number; pB: number; verdict: string }[] = []
const percent = (logs: number[]) =>
  logs.map((l) => ((Math.exp(l) - 1) * 100).toFixed(1).padStart(5)).join(' ')
try {
  for (let t = 0; t < trials; t++) {
    collectGarbage()
    const c = await compare({ name: 'a', fn: fnA }, { name: 'b', fn: fnB })
    const [ofA, ofB] = copiesOfRounds(c.seed, c.rounds)
    const a = copyEffect(c.logRatios, ofA)
    const b = copyEffect(c.logRatios, ofB)
    const pA = permutationP(c.logRatios, ofA, a.q, c.seed ^ 1)
    const pB = permutationP(c.logRatios, ofB, b.q, c.seed ^ 2)
    qs.push({ a: a.q, b: b.q, pA, pB, verdict: c.verdict })
    console.log(
      `${String(t + 1).padStart(4)} ${c.verdict.padEnd(12)} ratio ${c.ratio.toFixed(3)}, ${c.rounds} rounds; ` +
        `Q a ${a.q.toFixed(1)} (p ${pA.toFixed(3)}), b ${b.q.toFixed(1)} (p ${pB.toFixed(3)}); copies of a (%) ${percent(a.means)} | of b (%) ${percent(b.means)}`,
    )
  }
} finally {
  competitor?.kill('SIGKILL')
}
const share = (f: (x: (typeof qs)[number]) => boolean) => formatShare(qs.filter(f).length, qs.length)
console.log(
  `\n${workload.label} ${values.pair}, ${trials} trials at default settings${values.load ? ', beside a busy neighbour' : ''}`,
)
console.log(
  `copy effect beyond χ²(3) 1%:   a ${share((x) => x.a > CHI2_3_99)}, b ${share((x) => x.b > CHI2_3_99)}`,
)
console.log(
  `copy effect beyond χ²(3) 0.1%: a ${share((x) => x.a > CHI2_3_999)}, b ${share((x) => x.b > CHI2_3_999)}`,
)
console.log(`copy effect, permutation p < 1%: a ${share((x) => x.pA < 0.01)}, b ${share((x) => x.pB < 0.01)}`)
console.log(
  `verdicts: ${['faster', 'slower', 'equivalent', 'inconclusive'].map((v) => `${v} ${share((x) => x.verdict === v)}`).join(', ')}`,
)

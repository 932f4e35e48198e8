/**
 * Does toScale tell a nested loop from a single loop, run after run, on this machine as it is?
 *
 *   node --import tsx bench/scaling-trials.ts [--trials 10] [--time 700ms]
 *
 * Each trial measures both functions of test/fixtures/vitest-projects/scaling (sizes 100, 300,
 * 1000, 3000) with measureScaling and judges the claim 'linear', as the fixture's tests do.
 * Prints a Markdown table: the range of fitted exponents (all sizes, two largest), rounds, the
 * verdicts, and the load average seen.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { judgeScaling } from '../src/scaling/judge-scaling.js'
import { measureScaling } from '../src/scaling/measure-scaling.js'
import { numbers, pairsSummingToZero, sumOf } from '../test/fixtures/vitest-projects/scaling/work.js'

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '10' }, time: { type: 'string', default: '700ms' } },
})
const trials = Number(values.trials)
const sizes = [100, 300, 1000, 3000]
const subjects = [
  { name: 'nested loop (O(n²))', fn: pairsSummingToZero },
  { name: 'single loop (O(n))', fn: sumOf },
]
const seen = subjects.map(() => ({
  all: [] as number[],
  largest: [] as number[],
  rounds: [] as number[],
  verdicts: new Map<string, number>(),
}))
const loads: number[] = []
const started = new Date().toISOString()
for (let t = 0; t < trials; t++) {
  for (const [i, subject] of subjects.entries()) {
    const result = await measureScaling(subject.fn, { sizes, input: numbers, time: values.time })
    const verdict = judgeScaling(result, 'linear')
    const s = seen[i]!
    s.all.push(result.fit.exponent)
    s.largest.push(result.fit.largest.exponent)
    s.rounds.push(result.fit.rounds)
    s.verdicts.set(verdict.status, (s.verdicts.get(verdict.status) ?? 0) + 1)
    loads.push(loadavg()[0]!)
    process.stderr.write(
      `trial ${t + 1}/${trials} ${subject.name}: n^${result.fit.exponent.toFixed(3)} → ${verdict.status}\n`,
    )
  }
}
const range = (xs: number[], digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`
console.log(
  `${trials} trials from ${started}, time ${values.time} each, sizes ${sizes.join(', ')}, load average ${range(loads, 1)}\n`,
)
console.log("| function | exponent, all sizes | exponent, two largest | rounds | toScale('linear') |")
console.log('| :-- | --: | --: | --: | :-- |')
for (const [i, subject] of subjects.entries()) {
  const s = seen[i]!
  const verdicts = [...s.verdicts].map(([status, count]) => `${count} ${status}`).join(', ')
  console.log(
    `| ${subject.name} | ${range(s.all)} | ${range(s.largest)} | ${range(s.rounds, 0)} | ${verdicts} |`,
  )
}

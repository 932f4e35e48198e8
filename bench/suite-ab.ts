/**
 * Would a regression guard that compares base and head code inside one process meet issue 4's
 * targets on this machine, where comparing processes with a baseline does not (docs/accuracy.md)?
 *
 *   node --import tsx bench/suite-ab.ts [--processes 20] [--by 5%] [--seed 1] [--time 1s] [--node-flag <flag>]…
 *
 * Each of `--processes` fresh processes takes every bench of bench/regression-suite.ts and runs
 * compare() (the paired, interleaved rounds of `toBeFasterThan`) twice:
 *
 * - A/A: the unchanged bench against a second copy of itself. 'slower' is a false alarm; a
 *   process with any of the 20 benches 'slower' is an unchanged suite that failed (target: at
 *   most 1 in 20);
 * - 10% slower: the bench doing 22 repetitions of its unit instead of 20 against the unchanged
 *   one. 'slower' is a catch (target: at least 95%).
 *
 * A guard would confirm a suspect in a fresh process before failing, as the regression guard does;
 * the "confirmed" rows read the processes in pairs (1–2, 3–4, …) and count a bench only when both
 * processes of a pair called it slower: what such a rule would have said.
 *
 * `--by` is compare()'s practical threshold, the guard's 5% by default: 'slower' needs the whole
 * interval of the ratio past it. The two comparisons of a bench run in turn, in an order that
 * alternates by process, and each bench's comparisons use fresh closures from the same seed, so
 * base and head do the same work but for the repetitions.
 *
 * Prints Markdown to stdout and progress to stderr.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { compare } from '../src/measure/compare.js'
import type { ComparisonVerdict } from '../src/measure/types.js'
import { formatRange, formatShare, median } from './numbers.js'
import { BASE_REPS, benchRandom, suite } from './regression-suite.js'
import { markdownTable, status } from './table.js'

const run = promisify(execFile)
const scriptPath = fileURLToPath(import.meta.url)
/** The slowed bench's repetitions: 10% more of the same work. */
const SLOW_REPS = 22
const MAX_FALSE_ALARM_RUNS = 1 / 20
const MIN_DETECTION_RATE = 0.95
const CHILD_TIMEOUT_MS = 10 * 60_000

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '20' },
    by: { type: 'string', default: '5%' },
    seed: { type: 'string', default: '1' },
    time: { type: 'string' },
    'node-flag': { type: 'string', multiple: true, default: [] },
    child: { type: 'boolean', default: false },
    index: { type: 'string', default: '0' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

/** One comparison: its verdict, ratio and interval, and how long it took. */
interface Outcome {
  verdict: ComparisonVerdict
  ratio: number
  interval: [number, number]
  ms: number
}

/** One bench's two comparisons in one process. */
interface BenchOutcome {
  name: string
  aa: Outcome
  slowed: Outcome
}

async function child(index: number, seed: number, out: string): Promise<void> {
  const outcomes: BenchOutcome[] = []
  const options = { by: values.by, ...(values.time === undefined ? {} : { time: values.time }) }
  for (const [i, bench] of suite.entries()) {
    const base = bench.make(benchRandom(seed, i), BASE_REPS)
    const copy = bench.make(benchRandom(seed, i), BASE_REPS)
    const slowed = bench.make(benchRandom(seed, i), SLOW_REPS)
    const one = async (head: () => unknown): Promise<Outcome> => {
      const started = performance.now()
      const c = await compare(
        { name: `${bench.name} head`, fn: head },
        { name: `${bench.name} base`, fn: base },
        options,
      )
      return { verdict: c.verdict, ratio: c.ratio, interval: c.interval, ms: performance.now() - started }
    }
    // Alternate which comparison comes first, so neither always meets the fresher process.
    if ((index + i) % 2 === 0) {
      const aa = await one(copy)
      outcomes.push({ name: bench.name, aa, slowed: await one(slowed) })
    } else {
      const slowedOutcome = await one(slowed)
      outcomes.push({ name: bench.name, aa: await one(copy), slowed: slowedOutcome })
    }
  }
  await writeFile(out, JSON.stringify(outcomes))
}

async function parent(): Promise<void> {
  const processes = Number(values.processes)
  const seed = Number(values.seed)
  if (!Number.isInteger(processes) || processes < 1 || !Number.isInteger(seed)) {
    console.error('suite-ab: --processes and --seed take whole numbers (see --help).')
    process.exit(2)
  }
  const tmp = await mkdtemp(join(tmpdir(), 'perfgate-suite-ab-'))
  const started = Date.now()
  const loads: number[] = []
  const all: BenchOutcome[][] = []
  try {
    for (let p = 0; p < processes; p++) {
      const out = join(tmp, `process-${p}.json`)
      const args = [
        ...(values['node-flag'] ?? []),
        '--import',
        'tsx',
        scriptPath,
        '--child',
        '--index',
        String(p),
        '--seed',
        String(seed),
        '--by',
        values.by!,
        ...(values.time === undefined ? [] : ['--time', values.time]),
        '--out',
        out,
      ]
      await run(process.execPath, args, { timeout: CHILD_TIMEOUT_MS })
      const outcomes = JSON.parse(await readFile(out, 'utf8')) as BenchOutcome[]
      all.push(outcomes)
      loads.push(loadavg()[0]!)
      const alarms = outcomes.filter((o) => o.aa.verdict === 'slower').map((o) => o.name)
      const missed = outcomes
        .filter((o) => o.slowed.verdict !== 'slower')
        .map((o) => `${o.name} (${o.slowed.verdict})`)
      console.error(
        `suite-ab: process ${p + 1}/${processes}: A/A slower: ${alarms.join(', ') || 'none'}; 10% slower missed: ${missed.join(', ') || 'none'}`,
      )
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  report(all, loads, (Date.now() - started) / 60_000)
}

function report(all: readonly BenchOutcome[][], loads: readonly number[], minutes: number): void {
  const flags = (values['node-flag'] ?? []).map((f) => ` --node-flag=${f}`).join('')
  const processes = all.length
  const suiteFailed = all.filter((outcomes) => outcomes.some((o) => o.aa.verdict === 'slower')).length
  const flat = all.flat()
  const caught = flat.filter((o) => o.slowed.verdict === 'slower').length
  // Processes in pairs: a bench counts only when both processes of the pair called it slower.
  const pairs = Array.from(
    { length: Math.floor(processes / 2) },
    (_, k) => [all[2 * k]!, all[2 * k + 1]!] as const,
  )
  const bothSlower = (pair: readonly [BenchOutcome[], BenchOutcome[]], side: 'aa' | 'slowed') =>
    pair[0]
      .filter((o, i) => o[side].verdict === 'slower' && pair[1][i]?.[side].verdict === 'slower')
      .map((o) => o.name)
  const pairsFailed = pairs.filter((pair) => bothSlower(pair, 'aa').length > 0).length
  const pairsCaught = pairs.reduce((n, pair) => n + bothSlower(pair, 'slowed').length, 0)
  const aaOther = flat.filter((o) => o.aa.verdict !== 'equivalent').length
  console.log(
    `Command: \`node --import tsx bench/suite-ab.ts --processes ${processes} --by ${values.by} --seed ${values.seed}${values.time === undefined ? '' : ` --time ${values.time}`}${flags}\`  `,
  )
  console.log(`${formatEnvironmentLine(captureEnvironment())}  `)
  console.log(
    `${minutes.toFixed(1)} min; load average (1 min) after each process ${formatRange(loads).replace('–', ' to ')}\n`,
  )
  console.log(
    markdownTable(
      ['measure', 'result', 'target', 'status'],
      [
        [
          'Unchanged suite (20 A/A comparisons in one process): processes with any bench called slower',
          formatShare(suiteFailed, processes),
          '≤ 1 in 20',
          status(suiteFailed / processes <= MAX_FALSE_ALARM_RUNS),
        ],
        [
          'A/A comparisons not called equivalent (faster, slower or inconclusive)',
          formatShare(aaOther, flat.length),
          '',
          '',
        ],
        [
          '… confirmed: pairs of processes with a bench called slower in both',
          formatShare(pairsFailed, pairs.length),
          '≤ 1 in 20',
          pairs.length === 0 ? '' : status(pairsFailed / pairs.length <= MAX_FALSE_ALARM_RUNS),
        ],
        [
          'One bench 10% slower: called slower',
          formatShare(caught, flat.length),
          '≥ 95%',
          status(caught / flat.length >= MIN_DETECTION_RATE),
        ],
        [
          '… confirmed: called slower in both processes of a pair',
          formatShare(pairsCaught, pairs.length * suite.length),
          '≥ 95%',
          pairs.length === 0 ? '' : status(pairsCaught / (pairs.length * suite.length) >= MIN_DETECTION_RATE),
        ],
        [
          'Wall time per comparison, median (A/A; 10% slower)',
          `${median(flat.map((o) => o.aa.ms)).toFixed(0)} ms; ${median(flat.map((o) => o.slowed.ms)).toFixed(0)} ms`,
          '',
          '',
        ],
      ],
    ),
  )
  console.log('\n#### Per bench\n')
  console.log(
    markdownTable(
      [
        'bench',
        'A/A: slower / faster / inconclusive',
        'A/A ratio, median (range)',
        '10% slower: caught',
        'its ratio, median (range)',
      ],
      suite.map((bench) => {
        const mine = flat.filter((o) => o.name === bench.name)
        const count = (verdict: ComparisonVerdict) => mine.filter((o) => o.aa.verdict === verdict).length
        return [
          bench.name,
          `${count('slower')} / ${count('faster')} / ${count('inconclusive')}`,
          `${median(mine.map((o) => o.aa.ratio)).toFixed(3)} (${formatRange(mine.map((o) => o.aa.ratio))})`,
          `${mine.filter((o) => o.slowed.verdict === 'slower').length}/${mine.length}`,
          `${median(mine.map((o) => o.slowed.ratio)).toFixed(3)} (${formatRange(mine.map((o) => o.slowed.ratio))})`,
        ]
      }),
    ),
  )
}

if (values.help) {
  console.log(
    'Usage: node --import tsx bench/suite-ab.ts [--processes 20] [--by 5%] [--seed 1] [--time 1s] [--node-flag <flag>]…',
  )
} else if (values.child) {
  await child(Number(values.index), Number(values.seed), values.out!)
} else {
  await parent()
}

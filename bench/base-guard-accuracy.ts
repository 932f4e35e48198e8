/**
 * Issue 4's targets for the base comparison (PERFGATE_BASE_REF), measured as users run it: real
 * Vitest runs of the 20 benches of bench/regression-suite.ts as perfTests in a git repository.
 *
 *   pnpm build && node --import tsx bench/base-guard-accuracy.ts [--runs 20] [--busy] [--json out.json]
 *
 * The repository has a base commit (every bench repeats its unit BASE_REPS = 20 times per call)
 * and two heads:
 *
 * - `unchanged`: the same code, a comment changed. A run in which any bench is 'regressed' is an
 *   unchanged suite that failed (target: at most 1 run in 20);
 * - `slowed`: every bench repeats its unit 22 times, exactly 10% more of the same work. Each bench
 *   'regressed' is a caught regression (target: at least 95%).
 *
 * Each of `--runs` rounds runs `vitest run` once on each head (the order alternates by round),
 * with PERFGATE_BASE_REF set to the base commit: every perfTest is timed against the base's copy of
 * its function in the same process, and a 'slower' is confirmed in a fresh process before it
 * counts (reporters/base-guard.ts). Verdicts are read from the [VERIFY] log's regression events.
 * The project sets `bench.time` to 200 ms: bench() only feeds budgets and the candidate here; the
 * verdicts come from the comparisons, whose time is compare()'s own.
 *
 * `--busy` keeps a busy neighbour running beside the whole run (bench/competitor.mjs, as in
 * accuracy.md section 1b: one core kept busy allocating and thrashing caches), as on a shared runner.
 *
 * Prints Markdown to stdout and progress to stderr.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { readEvents } from '../src/log/verify-log.js'
import { git } from '../test/helpers/git.js'
import { installPerfgate } from '../test/helpers/run-vitest-fixture.js'
import { startBusyNeighbour } from './busy-neighbour.js'
import { formatShare } from './numbers.js'
import { markdownTable, status } from './table.js'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const MAX_FALSE_ALARM_RUNS = 1 / 20
const MIN_DETECTION_RATE = 0.95

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    busy: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})

type Head = 'unchanged' | 'slowed'

/** One Vitest run on one head: each bench's final verdict, and what the run cost. */
interface RunOutcome {
  head: Head
  round: number
  exitCode: number | null
  verdicts: Record<string, string>
  /** Head/base ratio per bench, as the run's process measured it. */
  ratios: Record<string, number>
  seconds: number
  load: number
}

const PERF_FILE = `import { perfTest } from 'perfgate/vitest'
import { REPS } from '../src/reps.js'
import { benchRandom, suite } from '../src/regression-suite.js'

for (const [index, bench] of suite.entries()) perfTest(bench.name, bench.make(benchRandom(1, index), REPS))
`

/** The project: perfgate and Vitest linked from this repository, the suite, a base and two heads. */
function makeProject(): { dir: string; base: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-base-guard-'))
  mkdirSync(join(dir, 'src'))
  mkdirSync(join(dir, 'perf'))
  // Installed as a user's project has it (see installPerfgate), with Vitest 4.
  installPerfgate(dir, 4)
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'base-guard-bench', private: true, type: 'module', perfgate: { bench: { time: '200ms' } } }, null, 2)}\n`,
  )
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    "import { definePerfConfig } from 'perfgate/vitest/config'\n\nexport default definePerfConfig({ test: { include: ['perf/**/*.perf.ts'] } })\n",
  )
  writeFileSync(join(dir, '.gitignore'), 'node_modules\nlogs\n.perfgate\n.base\n')
  const suite = readFileSync(join(REPO, 'bench/regression-suite.ts'), 'utf8')
  writeFileSync(
    join(dir, 'src/regression-suite.ts'),
    suite.replace("from '../src/stats/random.js'", "from './random.js'"),
  )
  writeFileSync(join(dir, 'src/random.ts'), readFileSync(join(REPO, 'src/stats/random.ts'), 'utf8'))
  writeFileSync(join(dir, 'src/reps.ts'), 'export const REPS = 20\n')
  writeFileSync(join(dir, 'perf/suite.perf.ts'), PERF_FILE)
  git(dir, 'init', '-q')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  const base = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'branch', '-q', 'unchanged')
  git(dir, 'branch', '-q', 'slowed')
  git(dir, 'checkout', '-q', 'unchanged')
  writeFileSync(join(dir, 'src/reps.ts'), '// Unchanged: only this comment is new.\nexport const REPS = 20\n')
  git(dir, 'commit', '-qam', 'unchanged')
  git(dir, 'checkout', '-q', 'slowed')
  writeFileSync(join(dir, 'src/reps.ts'), 'export const REPS = 22\n')
  git(dir, 'commit', '-qam', 'slowed')
  return { dir, base }
}

function runVitest(dir: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) process.stderr.write(stderr)
      resolvePromise(code)
    })
  })
}

async function runHead(dir: string, base: string, head: Head, round: number): Promise<RunOutcome> {
  git(dir, 'checkout', '-q', head)
  const log = join(dir, 'logs/perfgate.jsonl')
  rmSync(log, { force: true })
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'),
  )
  const start = Date.now()
  const exitCode = await runVitest(dir, {
    ...inherited,
    PERFGATE_BASE_REF: base,
    PERFGATE_BASE_DIR: join(dir, '.base'),
    PERFGATE_CACHE_DIR: 'off',
    CI: '',
  })
  const seconds = (Date.now() - start) / 1000
  const verdicts: Record<string, string> = {}
  const ratios: Record<string, number> = {}
  for (const event of readEvents(log).events) {
    if (event.type !== 'regression' || event.base === undefined) continue
    verdicts[event.name] = event.verdict
    ratios[event.name] = 1 + (event.delta ?? Number.NaN)
  }
  return { head, round, exitCode, verdicts, ratios, seconds, load: loadavg()[0]! }
}

function summarize(outcomes: readonly RunOutcome[], benches: readonly string[]): string {
  const unchanged = outcomes.filter((o) => o.head === 'unchanged')
  const slowed = outcomes.filter((o) => o.head === 'slowed')
  const failedRuns = unchanged.filter((o) => Object.values(o.verdicts).includes('regressed')).length
  const trials = slowed.length * benches.length
  const caught = slowed.reduce((n, o) => n + benches.filter((b) => o.verdicts[b] === 'regressed').length, 0)
  const count = (runs: readonly RunOutcome[], verdict: string) =>
    runs.reduce((n, o) => n + benches.filter((b) => o.verdicts[b] === verdict).length, 0)
  const missing = (runs: readonly RunOutcome[]) =>
    runs.reduce((n, o) => n + benches.filter((b) => o.verdicts[b] === undefined).length, 0)
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  const lines = [
    `Base comparison, real Vitest runs${values.busy ? ', beside a busy neighbour' : ''}: ${formatEnvironmentLine(captureEnvironment())}; ${new Date().toISOString()}`,
    '',
    markdownTable(
      ['', 'runs', 'target', 'measured', ''],
      [
        [
          'unchanged suite failed',
          String(unchanged.length),
          '≤ 1 in 20',
          formatShare(failedRuns, unchanged.length),
          status(failedRuns / Math.max(1, unchanged.length) <= MAX_FALSE_ALARM_RUNS),
        ],
        [
          '10% regressions caught',
          String(slowed.length),
          '≥ 95%',
          formatShare(caught, trials),
          status(caught / Math.max(1, trials) >= MIN_DETECTION_RATE),
        ],
      ],
    ),
    '',
    markdownTable(
      ['head', 'regressed', 'inconclusive', 'unchanged', 'improved', 'no verdict', 'mean run time'],
      (
        [
          ['unchanged', unchanged],
          ['slowed', slowed],
        ] as const
      ).map(([name, runs]) => [
        name,
        String(count(runs, 'regressed')),
        String(count(runs, 'inconclusive')),
        String(count(runs, 'unchanged')),
        String(count(runs, 'improved')),
        String(missing(runs)),
        `${mean(runs.map((o) => o.seconds)).toFixed(1)} s`,
      ]),
    ),
    '',
    'Misses and false alarms by bench (slowed: not regressed; unchanged: regressed or inconclusive):',
    '',
    markdownTable(
      ['bench', 'slowed missed', 'unchanged regressed', 'unchanged inconclusive'],
      benches.map((b) => [
        b,
        String(slowed.filter((o) => o.verdicts[b] !== 'regressed').length),
        String(unchanged.filter((o) => o.verdicts[b] === 'regressed').length),
        String(unchanged.filter((o) => o.verdicts[b] === 'inconclusive').length),
      ]),
    ),
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(
      'node --import tsx bench/base-guard-accuracy.ts [--runs 20] [--busy] [--json out.json] [--keep]\n',
    )
    return
  }
  const runs = Number(values.runs)
  if (!existsSync(join(REPO, 'dist/vitest-base-shim.js')))
    throw new Error('perfgate is not built: run pnpm build first.')
  const { dir, base } = makeProject()
  process.stderr.write(`project ${dir}, base ${base.slice(0, 7)}\n`)
  const outcomes: RunOutcome[] = []
  const neighbour = values.busy ? await startBusyNeighbour(4 * 3600) : undefined
  try {
    for (let round = 1; round <= runs; round++) {
      const order: Head[] = round % 2 === 1 ? ['unchanged', 'slowed'] : ['slowed', 'unchanged']
      for (const head of order) {
        const outcome = await runHead(dir, base, head, round)
        outcomes.push(outcome)
        const regressed = Object.entries(outcome.verdicts).filter(([, v]) => v === 'regressed').length
        process.stderr.write(
          `round ${round} ${head}: exit ${outcome.exitCode}, ${regressed}/${Object.keys(outcome.verdicts).length} regressed, ${outcome.seconds.toFixed(0)} s, load ${outcome.load.toFixed(2)}\n`,
        )
        if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(outcomes, null, 1))
      }
    }
  } finally {
    neighbour?.kill()
    if (!values.keep) rmSync(dir, { recursive: true, force: true })
  }
  const benches = [...new Set(outcomes.flatMap((o) => Object.keys(o.verdicts)))]
  process.stdout.write(`${summarize(outcomes, benches)}\n`)
}

await main()

/**
 * Do two checkouts of perfgate differ in how far fresh processes of the same suite disagree?
 *
 *   node --import tsx bench/process-spread-ab.ts <checkout A> <checkout B> [--processes 8]
 *
 * Runs the 20 benches of bench/regression-suite.ts in fresh processes (the `--child` of
 * bench/regression-accuracy.ts in each checkout), alternating A, B, A, B… so that whatever the
 * machine does in that hour falls on both alike, and prints per bench the spread between
 * processes (standard deviation of log per-call median) and the range, for A and for B. Each
 * checkout keeps its own calibration cache, as a real project's node_modules/.cache would.
 *
 * A checkout is a directory with node_modules, e.g. a `git worktree add /tmp/before <commit>`
 * with `ln -s "$PWD/node_modules" /tmp/before/node_modules`. Both must have
 * bench/regression-accuracy.ts with `--child` (from commit d5916be on).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { standardDeviation } from '../src/stats/moments.js'
import { formatNs } from './numbers.js'
import { markdownTable } from './table.js'

const run = promisify(execFile)
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { processes: { type: 'string', default: '8' } },
})

function fail(message: string): never {
  console.error(`process-spread-ab: ${message}`)
  process.exit(2)
}

const processes = Number(values.processes)
if (!Number.isInteger(processes) || processes < 2)
  fail(`--processes must be a whole number of at least 2, received ${values.processes}.`)
if (positionals.length !== 2) fail('give two checkouts: process-spread-ab.ts <checkout A> <checkout B>.')
const checkouts = positionals.map((p) => resolve(p))
for (const dir of checkouts) {
  if (!existsSync(join(dir, 'bench/regression-accuracy.ts')))
    fail(`${dir} has no bench/regression-accuracy.ts: give the root of a perfgate checkout.`)
  if (!existsSync(join(dir, 'node_modules')))
    fail(
      `${dir} has no node_modules: link the main checkout's (ln -s <main>/node_modules ${dir}/node_modules).`,
    )
}

interface ChildResult {
  name: string
  batchSize: number
  stats: { medianNs: number }
}

const tmp = await mkdtemp(join(tmpdir(), 'perfgate-spread-ab-'))
/** Per bench, per checkout: each process's per-call median and batch size. */
const medians = new Map<string, { medianNs: number; batchSize: number }[][]>()
try {
  for (let i = 0; i < processes; i++) {
    for (const [side, dir] of checkouts.entries()) {
      const out = join(tmp, `${side}-${i}.json`)
      await run(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          'bench/regression-accuracy.ts',
          '--child',
          '--out',
          out,
          '--seed',
          '1',
        ],
        { cwd: dir, env: { ...process.env, PERFGATE_CACHE_DIR: join(tmp, `cache-${side}`) } },
      )
      const { results } = JSON.parse(await readFile(out, 'utf8')) as { results: ChildResult[] }
      for (const r of results) {
        const sides = medians.get(r.name) ?? checkouts.map(() => [])
        sides[side]!.push({ medianNs: r.stats.medianNs, batchSize: r.batchSize })
        medians.set(r.name, sides)
      }
      console.error(`process-spread-ab: process ${i + 1}/${processes} of ${side === 0 ? 'A' : 'B'} done`)
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true })
}

const cells = (side: { medianNs: number; batchSize: number }[]) => {
  const ns = side.map((s) => s.medianNs)
  const sizes = [...new Set(side.map((s) => s.batchSize))].join(' / ')
  return [
    // The spread between processes: standard deviation of log per-call median, as a share.
    `${(standardDeviation(ns.map(Math.log)) * 100).toFixed(1)}%`,
    `${formatNs(Math.min(...ns))}–${formatNs(Math.max(...ns))}`,
    sizes,
  ]
}
console.log(`A: ${checkouts[0]}  \nB: ${checkouts[1]}  \n${processes} fresh processes each, alternating.\n`)
console.log(
  markdownTable(
    ['bench', 'A: spread', 'A: range', 'A: batch sizes', 'B: spread', 'B: range', 'B: batch sizes'],
    [...medians].map(([name, [a, b]]) => [name, ...cells(a!), ...cells(b!)]),
  ),
)

/**
 * Are consecutive fresh processes independent measurements?
 *
 *   node --import tsx bench/page-reuse.ts [--processes 24] [--block 8] [--spacer-mb 256]
 *
 * The regression guard treats each fresh process as new evidence (src/baseline/process-spread.ts).
 * But the kernel hands a new process largely the physical pages the one before it freed, and in
 * disturbed hours three fresh processes in a row have read one bench 1.3–1.9× (docs/accuracy.md,
 * "Regression guard"). If the pages a process gets decided how slow its benches run, processes
 * close in sequence would share their slowness, and a re-measurement would repeat the run's luck.
 *
 * This script runs the 20 benches of bench/regression-suite.ts (the `--child` of
 * bench/regression-accuracy.ts) in fresh processes, in blocks of `--block` processes alternating
 * two conditions:
 *
 *   - plain: as the guard runs them;
 *   - spacer: the child first allocates and touches a random 0–`--spacer-mb` MiB (bench/page-probe.mjs),
 *     so its heap lands on other pages.
 *
 * For each condition it prints, per lag L within a block (process i against process i + L):
 *   - page overlap: the share of process i + L's private pages that process i also had (root only);
 *   - correlation: of the two processes' per-bench deviations (log of the process median minus the
 *     bench's median over the condition's processes), across the 20 benches.
 * and the spread between processes (standard deviation of the deviations, median over benches).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { processMediansNs } from '../src/baseline/process-spread.js'
import { captureEnvironment } from '../src/env/capture-environment.js'
import type { BenchResult } from '../src/measure/types.js'
import { mean } from '../src/stats/moments.js'
import { correlation, quantile } from './numbers.js'
import { suite } from './regression-suite.js'
import { markdownTable } from './table.js'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '24' },
    block: { type: 'string', default: '8' },
    'spacer-mb': { type: 'string', default: '256' },
  },
})

function fail(message: string): never {
  console.error(`page-reuse: ${message}`)
  process.exit(2)
}

const processes = Number(values.processes)
const block = Number(values.block)
const spacerMb = Number(values['spacer-mb'])
if (!Number.isInteger(block) || block < 3)
  fail(`--block must be a whole number of at least 3, received ${values.block}.`)
if (!Number.isInteger(processes) || processes < block || processes % block !== 0)
  fail(
    `--processes must be a whole multiple of --block (${block}) per condition, received ${values.processes}.`,
  )
if (!(spacerMb > 0)) fail(`--spacer-mb must be a positive number of MiB, received ${values['spacer-mb']}.`)

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const childScript = join(repoRoot, 'bench/regression-accuracy.ts')
const probe = join(repoRoot, 'bench/page-probe.mjs')
const names = suite.map((b) => b.name)
const LAGS = [1, 2, 3, 4] as const

type Condition = 'plain' | 'spacer'
interface Measured {
  condition: Condition
  block: number
  logMedians: Map<string, number>
  frames: Set<number>
}

async function measure(
  tmp: string,
  index: number,
  condition: Condition,
  blockIndex: number,
): Promise<Measured> {
  const out = join(tmp, `child-${index}.json`)
  const pages = join(tmp, `pages-${index}.json`)
  await run(
    process.execPath,
    ['--expose-gc', '--import', probe, '--import', 'tsx', childScript, '--child', '--out', out],
    {
      cwd: repoRoot,
      timeout: 10 * 60_000,
      env: {
        ...process.env,
        PERFGATE_PAGES_OUT: pages,
        ...(condition === 'spacer' ? { PERFGATE_SPACER_MB: String(spacerMb) } : {}),
      },
    },
  )
  const { results } = JSON.parse(await readFile(out, 'utf8')) as { results: BenchResult[] }
  const logMedians = new Map<string, number>()
  for (const result of results) logMedians.set(result.name, Math.log(processMediansNs(result)[0]!))
  const frames = new Set((JSON.parse(await readFile(pages, 'utf8')) as number[]).filter((f) => f > 0))
  return { condition, block: blockIndex, logMedians, frames }
}

const env = captureEnvironment()
const started = new Date()
const tmp = await mkdtemp(join(tmpdir(), 'perfgate-page-reuse-'))
const measured: Measured[] = []
try {
  const blocks = (2 * processes) / block
  for (let b = 0; b < blocks; b++) {
    const condition: Condition = b % 2 === 0 ? 'plain' : 'spacer'
    for (let i = 0; i < block; i++) {
      measured.push(await measure(tmp, measured.length, condition, b))
      process.stderr.write(`process ${measured.length}/${2 * processes} (${condition}) done\n`)
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true })
}

const rows: string[][] = []
const spreads: string[][] = []
for (const condition of ['plain', 'spacer'] as const) {
  const list = measured.filter((m) => m.condition === condition)
  const centre = new Map(
    names.map(
      (name) =>
        [
          name,
          quantile(
            list.map((m) => m.logMedians.get(name)!),
            0.5,
          ),
        ] as const,
    ),
  )
  const deviation = (m: Measured) => names.map((name) => m.logMedians.get(name)! - centre.get(name)!)
  const benchSpreads = names.map((name) => {
    const d = list.map((m) => m.logMedians.get(name)! - centre.get(name)!)
    return Math.sqrt(mean(d.map((x) => x * x)))
  })
  spreads.push([
    condition,
    `${(quantile(benchSpreads, 0.5) * 100).toFixed(1)}%`,
    `${(Math.min(...benchSpreads) * 100).toFixed(1)}–${(Math.max(...benchSpreads) * 100).toFixed(1)}%`,
    String(list.filter((m) => m.frames.size > 0).length),
  ])
  for (const lag of LAGS) {
    const overlaps: number[] = []
    const correlations: number[] = []
    for (let i = 0; i + lag < measured.length; i++) {
      const a = measured[i]!
      const b = measured[i + lag]!
      if (a.condition !== condition || a.block !== b.block) continue
      if (a.frames.size > 0 && b.frames.size > 0) {
        let shared = 0
        for (const frame of b.frames) if (a.frames.has(frame)) shared++
        overlaps.push(shared / b.frames.size)
      }
      correlations.push(correlation(deviation(a), deviation(b)))
    }
    rows.push([
      condition,
      String(lag),
      String(correlations.length),
      overlaps.length === 0 ? '—' : `${(mean(overlaps) * 100).toFixed(0)}%`,
      mean(correlations).toFixed(2),
      `${Math.min(...correlations).toFixed(2)} to ${Math.max(...correlations).toFixed(2)}`,
    ])
  }
}

console.log(`## Fresh processes and physical pages: ${processes} plain, ${processes} with a spacer\n`)
console.log(
  `${started.toISOString()}; ${env.cpu.model} × ${env.cpu.count}, Node ${env.runtime.version}, load ${env.load.avg1.toFixed(2)} at the start; blocks of ${block}, spacer 0–${spacerMb} MiB.\n`,
)
console.log(
  markdownTable(
    ['condition', 'spread between processes (median of benches)', 'range', 'processes with page frames'],
    spreads,
  ),
)
console.log('')
console.log(
  markdownTable(
    ['condition', 'lag', 'pairs', 'page overlap', 'correlation of deviations (mean)', 'range'],
    rows,
  ),
)

/**
 * `pnpm bench:self`: perfgate against its own targets, and against tinybench, mitata and Vitest's
 * bench, in one run. Prints Markdown and writes it to bench/results/latest.md (raw numbers to
 * latest.json). Run with `node --expose-gc` so trials can start from a collected heap.
 *
 *   --quick           few trials, for development; results go to bench/results/partial.*
 *   --only <section>  one of: aa, aa-load, power, accuracy, overhead, wall-time, batch-size; also partial.*
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { runAaTrials } from './aa-trials.js'
import { runAaUnderLoad } from './aa-under-load.js'
import { runAccuracyVsLoop } from './accuracy-vs-loop.js'
import { runBatchSizeStability } from './batch-size-stability.js'
import { runOverhead } from './overhead.js'
import { runPowerTrials } from './power-trials.js'
import { SECTION_IDS, type SectionId, type SectionOutput, type TrialCounts, trialCounts } from './section.js'
import { markdownTable, type SectionContext, sectionHeading } from './table.js'
import { runWallTime } from './wall-time.js'

const sections: Record<SectionId, (counts: TrialCounts) => Promise<SectionOutput>> = {
  aa: runAaTrials,
  'aa-load': runAaUnderLoad,
  power: runPowerTrials,
  accuracy: runAccuracyVsLoop,
  overhead: runOverhead,
  'wall-time': runWallTime,
  'batch-size': runBatchSizeStability,
}

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
})
const only = values.only
if (only !== undefined && !(SECTION_IDS as readonly string[]).includes(only)) {
  console.error(`bench:self: unknown section "${only}". Use one of: ${SECTION_IDS.join(', ')}.`)
  process.exit(2)
}
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.error(
    'bench:self: run with node --expose-gc (pnpm bench:self does), so trials start from a collected heap.',
  )
  process.exit(2)
}

const quick = values.quick
const counts = trialCounts(quick)
const chosen = only === undefined ? SECTION_IDS : ([only] as SectionId[])
const runStart = process.hrtime.bigint()
const startedAt = new Date()

const done: { id: SectionId; output: SectionOutput; context: SectionContext }[] = []
for (const id of chosen) {
  console.error(`bench:self: ${id}…`)
  const loadBefore = loadavg()[0] ?? Number.NaN
  const machine = formatEnvironmentLine(captureEnvironment())
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const start = process.hrtime.bigint()
  const output = await sections[id](counts)
  const wallNs = Number(process.hrtime.bigint() - start)
  const context: SectionContext = { date, machine, loadBefore, loadAfter: loadavg()[0] ?? Number.NaN, wallNs }
  done.push({ id, output, context })
  console.error(
    `bench:self: ${id} done in ${(wallNs / 1e9).toFixed(0)} s (load ${context.loadAfter.toFixed(2)})`,
  )
}
const totalNs = Number(process.hrtime.bigint() - runStart)

const targets = done.flatMap((d) => d.output.targets)
const passed = targets.filter((t) => t.status === 'PASS').length
const markdown = [
  '# perfgate self-benchmark',
  '',
  `Command: \`pnpm bench:self${quick ? ' --quick' : ''}${only ? ` --only ${only}` : ''}\` · started ${startedAt.toISOString()} · ` +
    `total ${(totalNs / 60e9).toFixed(1)} min`,
  ...(quick
    ? ['', "**Quick run**: trial counts are below the targets' minimums; PASS/MISS here is not a result."]
    : []),
  '',
  `## Targets: ${passed} of ${targets.length} met`,
  '',
  markdownTable(
    ['target', 'goal', 'measured', 'status'],
    targets.map((t) => [t.target, t.goal, t.measured, t.status]),
  ),
  '',
  ...done.flatMap((d) => [sectionHeading(d.output.title, d.context), '', d.output.markdown, '']),
].join('\n')

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results')
const base = quick || only !== undefined ? 'partial' : 'latest'
await mkdir(resultsDir, { recursive: true })
await writeFile(join(resultsDir, `${base}.md`), markdown)
await writeFile(
  join(resultsDir, `${base}.json`),
  `${JSON.stringify(
    {
      startedAt: startedAt.toISOString(),
      totalNs,
      quick,
      only: only ?? null,
      counts,
      targets,
      sections: Object.fromEntries(done.map((d) => [d.id, { context: d.context, raw: d.output.raw }])),
    },
    null,
    1,
  )}\n`,
)
console.log(markdown)
console.error(
  `bench:self: wrote bench/results/${base}.md and ${base}.json in ${(totalNs / 60e9).toFixed(1)} min`,
)

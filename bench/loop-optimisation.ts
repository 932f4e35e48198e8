/**
 * Are perfgate's timing loops optimised, each with the measured function inlined? V8 caches the
 * code of `new Function` by its source text, so loops compiled from one text share their code and
 * optimisation state; compilePrivateLoop gives each a text of its own (src/measure/private-loop.ts).
 *
 * For each way of compiling, a child process (`node --trace-opt`) runs A/A trials built like
 * compare()'s: four loop copies per side, warm-up, then paired rounds in random order. The table
 * gives how many loops V8 optimised, and how often the rounds of identical functions sat apart:
 * trials whose median ratio is beyond ±2% (compare()'s default band), and eighths of trials beyond
 * ±8% (the machine's two speeds are 1.2× apart).
 *
 *   node --expose-gc --import tsx bench/loop-optimisation.ts [--trials 100] [--workload small]
 */
import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { captureEnvironment, formatEnvironmentLine } from '../src/index.js'
import { batchLoopBody, createResultSink } from '../src/measure/batch-runner.js'
import { warmUpAndCalibrate } from '../src/measure/calibrate.js'
import { COMPARE_COPIES, COMPARE_TARGET_BATCH_NS } from '../src/measure/defaults.js'
import { compilePrivateLoop } from '../src/measure/private-loop.js'
import { nowNs } from '../src/measure/timer.js'
import { createRandom, randomIndex } from '../src/stats/random.js'
import { median } from './numbers.js'
import { markdownTable, sectionHeading } from './table.js'
import { type WorkloadId, workloads } from './workloads.js'

type Mode = 'shared text' | 'private text'
const MODES: Mode[] = ['shared text', 'private text']
const ROUNDS = 768
const RESULT_MARK = 'LOOP-OPTIMISATION-RESULT '

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    workload: { type: 'string', default: 'small' },
    child: { type: 'string' },
  },
})
const trials = Number(values.trials)
const workloadId = values.workload as WorkloadId

// Exactly the text bench() and compare() compile for a sync function.
const body = batchLoopBody(false)

/** One child: A/A trials with loops compiled one way; prints its result as one marked JSON line. */
async function child(mode: Mode): Promise<void> {
  const w = workloads.find((x) => x.id === workloadId)
  if (!w) throw new Error(`no workload "${workloadId}"; use tiny, small or large`)
  const sink = createResultSink()
  const compile = (fn: () => number) =>
    (
      (mode === 'shared text'
        ? new Function('fn', 'now', 'sink', body)
        : compilePrivateLoop(['fn', 'now', 'sink'], body)) as (
        f: () => number,
        now: () => number,
        s: typeof sink,
      ) => (k: number) => number
    )(fn, nowNs, sink)
  const medians: number[] = []
  let eighths = 0
  let shiftedEighths = 0
  for (let t = 0; t < trials; t++) {
    ;(globalThis as { gc?: () => void }).gc?.()
    const ra = Array.from({ length: COMPARE_COPIES }, () => compile(w.a))
    const rb = Array.from({ length: COMPARE_COPIES }, () => compile(w.twin))
    const options = { warmupNs: 25e6, targetBatchNs: COMPARE_TARGET_BATCH_NS }
    const ka = (await warmUpAndCalibrate(ra, {}, options)).batchSize
    const kb = (await warmUpAndCalibrate(rb, {}, options)).batchSize
    const random = createRandom(t + 1)
    const logRatios: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const a = ra[randomIndex(random, ra.length)]!
      const b = rb[randomIndex(random, rb.length)]!
      let ta: number
      let tb: number
      if (random() < 0.5) {
        ta = a(ka)
        tb = b(kb)
      } else {
        tb = b(kb)
        ta = a(ka)
      }
      logRatios.push(Math.log(ta / ka) - Math.log(tb / kb))
    }
    medians.push(median(logRatios))
    for (let e = 0; e < 8; e++) {
      eighths++
      if (Math.abs(median(logRatios.slice((e * ROUNDS) / 8, ((e + 1) * ROUNDS) / 8))) > Math.log(1.08)) {
        shiftedEighths++
      }
    }
  }
  console.log(
    RESULT_MARK +
      JSON.stringify({ mode, loops: trials * 2 * COMPARE_COPIES, medians, eighths, shiftedEighths }),
  )
}

interface ChildResult {
  mode: Mode
  loops: number
  medians: number[]
  eighths: number
  shiftedEighths: number
}

if (values.child !== undefined) {
  await child(values.child as Mode)
} else {
  const started = Date.now()
  const loadBefore = loadavg()[0]!
  const script = fileURLToPath(import.meta.url)
  const rows: string[][] = []
  for (const mode of MODES) {
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--trace-opt',
        '--import',
        'tsx',
        script,
        '--child',
        mode,
        '--trials',
        String(trials),
        '--workload',
        workloadId,
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    )
    const lines = out.split('\n')
    const optimised = lines.filter((l) => /completed optimizing .*<JSFunction runBatch /.test(l)).length
    const result = JSON.parse(
      lines.find((l) => l.startsWith(RESULT_MARK))!.slice(RESULT_MARK.length),
    ) as ChildResult
    const apart = result.medians.filter((m) => Math.abs(m) > Math.log(1.02)).length
    rows.push([
      mode,
      String(result.loops),
      `${optimised} (${((100 * optimised) / result.loops).toFixed(0)}%)`,
      `${apart}/${trials} (${((100 * apart) / trials).toFixed(1)}%)`,
      `${result.shiftedEighths}/${result.eighths} (${((100 * result.shiftedEighths) / result.eighths).toFixed(1)}%)`,
    ])
  }
  const heading = sectionHeading('Timing loops: optimised on their own, or sharing code', {
    date: new Date(started).toISOString(),
    machine: formatEnvironmentLine(captureEnvironment()),
    loadBefore,
    loadAfter: loadavg()[0]!,
    wallNs: (Date.now() - started) * 1e6,
  })
  console.log(`${heading}

Command: \`node --expose-gc --import tsx bench/loop-optimisation.ts --trials ${trials} --workload ${workloadId}\`

A/A trials of the ${workloadId} workload built like compare()'s (${COMPARE_COPIES} loop copies per side, ${ROUNDS} paired rounds), one child process per row.
"Shared text": every loop compiled from the same text with \`new Function\`, as perfgate did before; "private text": \`compilePrivateLoop\`.
Optimised: \`--trace-opt\` lines "completed optimizing … runBatch" (OSR included), over loops compiled.

${markdownTable(['loops compiled from', 'loops', 'optimised', 'trials, median ratio beyond ±2%', 'eighths of trials beyond ±8%'], rows)}`)
}

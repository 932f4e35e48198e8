/**
 * Does this machine have slow periods, and how long do they last?
 *
 *   node --import tsx bench/slow-periods.ts [--seconds 20] [--sample-ms 10]
 *
 * Times a throughput-bound loop (an FNV-1a hash over a 260-character string, like the suite's
 * 'FNV-1a hash 256 chars') in back-to-back samples of about `--sample-ms` for `--seconds`, in
 * this one process, and prints:
 *
 *   - how the samples spread, as multiples of the fastest samples (their 2nd percentile);
 *   - the slow stretches: runs of consecutive samples at 1.3× the fastest or slower, how many,
 *     how long (median, longest) and the share of the time they took;
 *   - the CPU time the kernel counted as stolen by the hypervisor meanwhile (/proc/stat), which
 *     says whether the host admits taking the CPU away.
 *
 * On this project's 2-core VM, in some hours, the loop runs at one speed or at about half of it,
 * switching every tenth of a second to minutes, with no steal counted and no other process of
 * the VM busy: the host's other work shares the core. The regression guard's slow-period rule
 * (SLOW_PERIOD_RATIO in src/baseline/process-spread.ts) rests on this; docs/accuracy.md,
 * "Slow periods", has the figures.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { SLOW_PERIOD_RATIO } from '../src/baseline/process-spread.js'
import { captureEnvironment } from '../src/env/capture-environment.js'
import { quantile } from './numbers.js'
import { markdownTable } from './table.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'sample-ms': { type: 'string', default: '10' },
  },
})

function fail(message: string): never {
  console.error(`slow-periods: ${message}`)
  process.exit(2)
}

const seconds = Number(values.seconds)
const sampleMs = Number(values['sample-ms'])
if (!(seconds > 0)) fail(`--seconds must be a positive number, received ${values.seconds}.`)
if (!(sampleMs >= 1)) fail(`--sample-ms must be at least 1, received ${values['sample-ms']}.`)

const TEXT = 'abcdefghijklmnopqrstuvwxyz'.repeat(10)
let sink = 0
function hash(rounds: number): void {
  let acc = 0
  for (let r = 0; r < rounds; r++) {
    let h = 0x811c9dc5
    for (let i = 0; i < TEXT.length; i++) h = Math.imul(h ^ TEXT.charCodeAt(i), 16777619)
    acc ^= h
  }
  sink ^= acc
}

/** Per-CPU steal ticks (the 8th field of each cpuN line), summed; 0 where /proc/stat is missing. */
function stealTicks(): number {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d/.test(line))
      .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[8] ?? 0), 0)
  } catch {
    return 0
  }
}

// Warm up (the optimising compiler settles within a second), then size a sample to about
// --sample-ms from the fastest of several probes, so that a slow stretch during sizing does not
// make every sample short.
const warmUntil = performance.now() + 1000
while (performance.now() < warmUntil) hash(100)
let fastestProbeMs = Number.POSITIVE_INFINITY
for (let i = 0; i < 20; i++) {
  const probeStart = performance.now()
  hash(1000)
  fastestProbeMs = Math.min(fastestProbeMs, performance.now() - probeStart)
}
const roundsPerSample = Math.max(1, Math.round((1000 * sampleMs) / fastestProbeMs))

const env = captureEnvironment()
const started = new Date()
const stealBefore = stealTicks()
const samplesMs: number[] = []
const end = performance.now() + seconds * 1000
while (performance.now() < end) {
  const t0 = performance.now()
  hash(roundsPerSample)
  samplesMs.push(performance.now() - t0)
}
const stolenTicks = stealTicks() - stealBefore

const fastestMs = quantile(samplesMs, 0.02)
const ratios = samplesMs.map((ms) => ms / fastestMs)
const bins = [
  { label: 'under 1.1×', test: (r: number) => r < 1.1 },
  { label: '1.1–1.3×', test: (r: number) => r >= 1.1 && r < SLOW_PERIOD_RATIO },
  { label: '1.3–1.6×', test: (r: number) => r >= SLOW_PERIOD_RATIO && r < 1.6 },
  { label: '1.6–2.2×', test: (r: number) => r >= 1.6 && r < 2.2 },
  { label: '2.2× or more', test: (r: number) => r >= 2.2 },
]
const share = (n: number) => `${((100 * n) / ratios.length).toFixed(1)}%`

// Slow stretches: consecutive samples at SLOW_PERIOD_RATIO × the fastest or slower.
const stretchesMs: number[] = []
let current = 0
for (let i = 0; i < ratios.length; i++) {
  if (ratios[i]! >= SLOW_PERIOD_RATIO) current += samplesMs[i]!
  else if (current > 0) {
    stretchesMs.push(current)
    current = 0
  }
}
if (current > 0) stretchesMs.push(current)
const slowMs = stretchesMs.reduce((a, b) => a + b, 0)
const totalMs = samplesMs.reduce((a, b) => a + b, 0)

console.log(`## Slow periods: ${seconds} s of ~${sampleMs} ms samples of a hash loop, in one process\n`)
console.log(
  `${started.toISOString()}; ${env.cpu.model} × ${env.cpu.count}, Node ${env.runtime.version}, load ${env.load.avg1.toFixed(2)} at the start; ${samplesMs.length} samples, the fastest (2nd percentile) ${fastestMs.toFixed(2)} ms.\n`,
)
console.log(
  markdownTable(
    ['sample time over the fastest', 'share of samples', 'median within'],
    bins.map((bin) => {
      const inBin = ratios.filter(bin.test)
      return [
        bin.label,
        share(inBin.length),
        inBin.length === 0 ? '—' : `${quantile(inBin, 0.5).toFixed(2)}×`,
      ]
    }),
  ),
)
console.log('')
console.log(
  markdownTable(
    [
      'slow stretches (≥ 1.3×)',
      'share of the time',
      'median length',
      'longest',
      'steal counted by the kernel',
    ],
    [
      [
        String(stretchesMs.length),
        `${((100 * slowMs) / totalMs).toFixed(1)}%`,
        stretchesMs.length === 0 ? '—' : `${quantile(stretchesMs, 0.5).toFixed(0)} ms`,
        stretchesMs.length === 0 ? '—' : `${Math.max(...stretchesMs).toFixed(0)} ms`,
        `${stolenTicks} ticks`,
      ],
    ],
  ),
)
if (sink === 0.5) console.log('')

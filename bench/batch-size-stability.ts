import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { formatNs, maxOf, median, minOf } from './numbers.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { sizes, workloads } from './workloads.js'

const run = promisify(execFile)

async function child(cache: string): Promise<ChildReport> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(benchDir, 'batch-size-child.ts'), cache],
    {
      cwd: repoRoot,
    },
  )
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport
}
const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(benchDir, '..')

interface ChildReport {
  batchSize: Record<string, number>
  medianNs: Record<string, number>
}

/**
 * Target 6: the same code gets the same batch size in every process, so a baseline measured in one
 * process and a check in another time identical batches. Fresh processes, one after the other.
 */
export async function runBatchSizeStability(counts: TrialCounts): Promise<SectionOutput> {
  // Shipped defaults: the calibration cache, starting empty as on a fresh checkout; the first
  // process calibrates, the others keep its choice while it still fits.
  const cacheDir = await mkdtemp(join(tmpdir(), 'perfgate-batch-sizes-'))
  const reports: ChildReport[] = []
  const rawReports: ChildReport[] = []
  try {
    for (let p = 0; p < counts.batchSizeProcesses; p++) {
      reports.push(await child(cacheDir))
      // Raw calibration, no memory: how often the grid alone gives the same answer.
      rawReports.push(await child('off'))
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true })
  }

  const ids = [
    ...workloads.map((w) => ({
      id: w.id as string,
      label: `${w.id} (${w.label}, n = ${w.n})`,
      target: true,
    })),
    {
      id: 'edge',
      label: `edge (n = ${sizes.edge}, near the 32768/65536 boundary at 122 ns; information only)`,
      target: false,
    },
  ]
  const summarize = (reports: ChildReport[]) =>
    ids.map(({ id, label, target }) => {
      const sizesSeen = reports.map((r) => r.batchSize[id] ?? Number.NaN)
      const counts = new Map<number, number>()
      for (const k of sizesSeen) counts.set(k, (counts.get(k) ?? 0) + 1)
      const medians = reports.map((r) => r.medianNs[id] ?? Number.NaN)
      return { id, label, target, counts, medians, identical: counts.size === 1 }
    })
  const summary = summarize(reports)
  const rawSummary = summarize(rawReports)
  const toRows = (summary: ReturnType<typeof summarize>) =>
    summary.map((s) => [
      s.label,
      reports.length,
      [...s.counts].map(([k, n]) => `${k} × ${n}`).join(', '),
      `${formatNs(minOf(s.medians))} / ${formatNs(median(s.medians))} / ${formatNs(maxOf(s.medians))}`,
      s.target ? status(s.identical) : s.identical ? 'identical' : 'differs',
    ])
  const header = [
    'workload',
    'processes',
    'batch sizes seen (size × processes)',
    'median per call: min / median / max',
    'target: identical',
  ]

  const markdown = [
    `### Batch size chosen by bench() at default settings in ${reports.length} fresh processes, run one after the other`,
    '',
    'Default settings include the calibration cache (node_modules/.cache/perfgate), here starting empty as on a fresh checkout: the first process calibrates and later ones keep its choice while its batch stays within 4× of the target.',
    '',
    markdownTable(header, toRows(summary)),
    '',
    `### Raw calibration, cache off (\`calibrationCache: false\`), ${rawReports.length} fresh processes interleaved with the above`,
    '',
    'How often the power-of-two grid alone gives every process the same batch size: a function whose cost sits near a boundary flips without the cache. Information, not a target.',
    '',
    markdownTable(
      header,
      toRows(rawSummary).map((row) => [
        ...row.slice(0, 4),
        row[4] === 'PASS' || row[4] === 'identical' ? 'identical' : 'differs',
      ]),
    ),
  ].join('\n')

  const targets: TargetResult[] = summary
    .filter((s) => s.target)
    .map((s) => ({
      target: `6. Batch size, ${s.id}`,
      goal: `identical in ${counts.batchSizeProcesses} fresh processes`,
      measured: [...s.counts].map(([k, n]) => `${k} in ${n}`).join(', '),
      status: status(s.identical),
    }))

  return { title: '6. Batch size across processes', markdown, targets, raw: { reports, rawReports } }
}

import { execFile } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { formatNs, maxOf, median, minOf } from './numbers.js'
import type { SectionOutput, TargetResult, TrialCounts } from './section.js'
import { markdownTable, status } from './table.js'
import { sizes, workloads } from './workloads.js'

const run = promisify(execFile)
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
  const reports: ChildReport[] = []
  for (let p = 0; p < counts.batchSizeProcesses; p++) {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(benchDir, 'batch-size-child.ts')],
      {
        cwd: repoRoot,
      },
    )
    reports.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport)
  }

  const ids = [
    ...workloads.map((w) => ({
      id: w.id as string,
      label: `${w.id} (${w.label}, n = ${w.n})`,
      target: true,
    })),
    {
      id: 'edge',
      label: `edge (n = ${sizes.edge}, near the 2048/4096 boundary at 87.9 ns; information only)`,
      target: false,
    },
  ]
  const summary = ids.map(({ id, label, target }) => {
    const sizesSeen = reports.map((r) => r.batchSize[id] ?? Number.NaN)
    const counts = new Map<number, number>()
    for (const k of sizesSeen) counts.set(k, (counts.get(k) ?? 0) + 1)
    const medians = reports.map((r) => r.medianNs[id] ?? Number.NaN)
    return { id, label, target, counts, medians, identical: counts.size === 1 }
  })
  const rows = summary.map((s) => [
    s.label,
    reports.length,
    [...s.counts].map(([k, n]) => `${k} × ${n}`).join(', '),
    `${formatNs(minOf(s.medians))} / ${formatNs(median(s.medians))} / ${formatNs(maxOf(s.medians))}`,
    s.target ? status(s.identical) : s.identical ? 'identical' : 'differs',
  ])

  const markdown = [
    `### Batch size chosen by bench() at default settings in ${reports.length} fresh processes, run one after the other`,
    '',
    markdownTable(
      [
        'workload',
        'processes',
        'batch sizes seen (size × processes)',
        'median per call: min / median / max',
        'target: identical',
      ],
      rows,
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

  return { title: '6. Batch size across processes', markdown, targets, raw: { reports } }
}

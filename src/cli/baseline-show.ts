import { type BaselineBench, type BaselineFile, baselinePath } from '../baseline/baseline-file.js'
import { formatDuration, formatPercent, formatRange } from '../budget/format.js'
import { DEFAULT_REGRESSION_CONFIDENCE } from '../config/schema.js'
import { formatEnvironment } from '../env/format-environment.js'
import { perfgateError } from '../errors.js'
import { textTable } from '../report/format-table.js'
import { displayPath, loadCliSettings, readBaselineFile } from './cli-settings.js'
import { type CliIo, type Command, flag, type ParsedArgs, writeLines } from './command.js'
import { jsonText } from './json-text.js'

export const baselineShowCommand: Command = {
  name: 'baseline show',
  summary: "A baseline's benches (median, interval, p95, batches, budget) and environment",
  positionals: { synopsis: '[name]', min: 0, max: 1 },
  options: {
    json: { type: 'boolean', description: 'Print the benches and environment as JSON (no raw batch times)' },
  },
  details: `[name] defaults to $PERFGATE_BASELINE, else output.baseline, else "default"; the file is
<output.dir>/baselines/<name>.json.

Examples:
  perfgate baseline show
  perfgate baseline show main --json

Exit codes: 0 shown, 1 no such baseline or an unreadable one, 2 usage error.`,
  run: runShow,
}

async function runShow(args: ParsedArgs, io: CliIo): Promise<number> {
  const settings = loadCliSettings(io, args.positionals[0])
  const name = settings.baselineName
  const path = baselinePath(settings.dir, name)
  const read = await readBaselineFile(io, path)
  if (read === undefined) throw perfgateError('BASELINE_MISSING', { name, file: displayPath(io, path) })
  const { file } = read
  if (flag(args, 'json')) {
    io.stdout(jsonText(showJson(file, displayPath(io, path))))
    return 0
  }
  const count = Object.keys(file.benches).length
  const rows = Object.entries(file.benches).map(([bench, b]) => [
    bench,
    `${formatDuration(b.stats.medianNs)} (${formatRange(b.stats.medianIntervalNs[0], b.stats.medianIntervalNs[1], formatDuration)})`,
    formatDuration(b.stats.p95Ns),
    `${b.stats.samples} × ${b.batchSize}`,
    String(b.runs),
    budgetText(b) ?? '—',
  ])
  writeLines(io.stdout, [
    `Baseline "${file.name}" · ${displayPath(io, path)}`,
    `${count} ${count === 1 ? 'bench' : 'benches'}, recorded ${file.createdAt}`,
    '',
    ...textTable(
      ['bench', `median (${confidenceOf(file)} CI)`, 'p95', 'batches × calls', 'runs', 'budget'],
      rows,
    ),
    '',
    'Environment',
    ...formatEnvironment(file.env)
      .split('\n')
      .map((line) => `  ${line}`),
  ])
  return 0
}

/** The budget as written when the baseline was recorded: `p95 2ms, opsPerSec >= 10000`. */
function budgetText(bench: BaselineBench): string | undefined {
  if (bench.budget === undefined) return undefined
  return Object.entries(bench.budget.written)
    .map(([metric, limit]) => `${metric} ${String(limit)}`)
    .join(', ')
}

function confidenceOf(file: BaselineFile): string {
  return formatPercent(Object.values(file.benches)[0]?.stats.confidence ?? DEFAULT_REGRESSION_CONFIDENCE)
}

function showJson(file: BaselineFile, path: string) {
  return {
    name: file.name,
    path,
    createdAt: file.createdAt,
    env: file.env,
    benches: Object.entries(file.benches).map(([name, b]) => ({
      name,
      batchSize: b.batchSize,
      samples: b.stats.samples,
      runs: b.runs,
      medianNs: b.stats.medianNs,
      medianIntervalNs: b.stats.medianIntervalNs,
      p95Ns: b.stats.p95Ns,
      p95IntervalNs: b.stats.p95IntervalNs,
      meanNs: b.stats.meanNs,
      opsPerSec: b.stats.opsPerSec,
      confidence: b.stats.confidence,
      granularity: b.stats.granularity,
      budget: b.budget ?? null,
    })),
  }
}

import {
  BASELINE_SCHEMA_VERSION,
  type BaselineFile,
  baselinePath,
  candidatePath,
  readBaseline,
  writeBaselineAtomic,
} from '../baseline/baseline-file.js'
import { mergeRunInto } from '../baseline/baseline-pages.js'
import { type KeyedSize, sizeBaselineFor, sizeKey, sizesFromResults } from '../baseline/baseline-sizes.js'
import { formatBudgetMessage } from '../budget/explain-budget.js'
import { captureEnvironment } from '../env/capture-environment.js'
import type { Environment } from '../env/types.js'
import { formatSizeSummary } from '../report/size-summary.js'
import type { PerfRecord } from '../results/result-sink.js'
import { evaluateSizeBudget } from '../size/evaluate-size-budget.js'
import { explainSizeBudget } from '../size/explain-size-budget.js'
import { loadSizeLimit } from '../size/load-size-limit.js'
import { measureSize } from '../size/measure-size.js'
import type { KindOutcome } from './check-command.js'
import type { CliSettings } from './cli-settings.js'
import type { CliIo } from './command.js'

/** Options of {@link checkSizes}. */
export interface CheckSizesOptions {
  /** Accept this run's sizes as the baseline. */
  update: boolean
}

/**
 * `perfgate check` for `budgets.size`: measure every budget with size-limit, judge it against
 * its limits and the baseline's bytes, write the sizes into the candidate (and the baseline on
 * --update), and explain each failure.
 */
export async function checkSizes(
  settings: CliSettings,
  io: CliIo,
  options: CheckSizesOptions,
): Promise<KindOutcome> {
  const { loaded } = settings
  const budgets = loaded.config.budgets.size
  const file = configFileName(settings)
  const sizeLimit = await loadSizeLimit({ esbuild: budgets.some((b) => b.import !== undefined) })
  const baselineFile = baselinePath(settings.dir, settings.baselineName)
  const baseline = await readBaseline(baselineFile)

  const measured: KeyedSize[] = []
  const records: PerfRecord[] = []
  const explanations: string[] = []
  for (const [index, budget] of budgets.entries()) {
    const key = sizeKey(budget)
    const where = `perfgate.budgets.size[${index}] in ${file}`
    const result = await measureSize(
      { path: budget.path, ...(budget.import === undefined ? {} : { import: budget.import }) },
      { root: loaded.root, where, sizeLimit },
    )
    const lookup = sizeBaselineFor(baseline, key, result)
    const verdict = evaluateSizeBudget({
      name: key,
      path: budget.path,
      limits: budget,
      measured: result,
      // On --update this run becomes the baseline: growth against the old one is what is accepted.
      baseline: options.update ? null : lookup.bytes,
      baselineNote: lookup.note,
      source: { kind: 'config', file, key: `budgets.size[${index}]` },
    })
    measured.push({ key, result })
    records.push({ kind: 'size', name: key, result, verdict })
    if (verdict.status === 'fail') {
      const explanation = explainSizeBudget(verdict, result)
      explanations.push(
        '',
        formatBudgetMessage({ ...explanation, headlines: explanation.headlines.map((h) => `✗ ${h}`) }),
      )
    } else if (verdict.baselineNote !== null) {
      explanations.push(`⚠ "${key}" was not compared with the baseline: ${verdict.baselineNote}.`)
    }
  }

  const env = captureEnvironment({ cwd: io.cwd, env: io.env })
  const run = sizeRunFile(settings.baselineName, env, measured)
  // The candidate may hold benches and pages of other runs: this run replaces only the sizes.
  const candidateFile = candidatePath(settings.dir, settings.baselineName)
  const previous = await readBaseline(candidateFile).catch(() => undefined)
  await writeBaselineAtomic(candidateFile, mergeRunInto(previous, run))
  if (options.update) await writeBaselineAtomic(baselineFile, mergeRunInto(baseline, run))

  return {
    lines: [...formatSizeSummary(records), ...explanations],
    records,
    events: () => [],
    failed: records.some((r) => r.kind === 'size' && r.verdict?.status === 'fail'),
    env,
    baselineFound: baseline !== undefined,
  }
}

/** A baseline file holding only sizes; `mergeRunInto` writes it into an existing file. */
function sizeRunFile(name: string, env: Environment, sizes: readonly KeyedSize[]): BaselineFile {
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    name,
    createdAt: new Date().toISOString(),
    env,
    benches: {},
    sizes: sizesFromResults(sizes),
  }
}

function configFileName(settings: CliSettings): string {
  const { file, root } = settings.loaded
  if (file === null) return 'package.json'
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file
}

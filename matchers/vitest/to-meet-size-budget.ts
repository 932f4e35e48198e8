import { relative, resolve } from 'node:path'
import { baselinePath, chooseBaselineName, readBaseline } from '../../src/baseline/baseline-file.js'
import { sizeBaselineFor, sizeKey } from '../../src/baseline/baseline-sizes.js'
import { formatBudgetMessage } from '../../src/budget/explain-budget.js'
import type { BudgetSource } from '../../src/budget/verdict.js'
import { formatIssues } from '../../src/config/format-issues.js'
import type { LoadedConfig } from '../../src/config/load-config.js'
import { sizeBudgetSchema } from '../../src/config/schema.js'
import { perfgateError } from '../../src/errors.js'
import { recordResult } from '../../src/results/result-sink.js'
import { evaluateSizeBudget, type SizeLimits } from '../../src/size/evaluate-size-budget.js'
import { explainSizeBudget } from '../../src/size/explain-size-budget.js'
import { measureSize } from '../../src/size/measure-size.js'
import { hint, type MatcherContext, type MatcherResult } from './matcher-context.js'
import { projectConfig } from './project-config.js'
import { describeValue } from './received.js'

/** Schema of an inline size budget: a size budget without its path (the received path) or name. */
const inlineSizeBudgetSchema = sizeBudgetSchema.omit({ path: true, name: true })

/** An inline size budget as written: `{ gzip: '10 kB' }`, `{ limit: '40 kB', allowedGrowth: '1%' }`. */
export type SizeBudgetInput = import('zod').input<typeof inlineSizeBudgetSchema>

/**
 * `await expect('dist/index.js').toMeetSizeBudget({ gzip: '10 kB' })`: measure the file (or glob),
 * relative to the package.json of the project, with size-limit and check it. Without an inline
 * budget, the one in package.json `budgets.size` whose path (or name) is the received string
 * applies, and so does its growth rule against the baseline, as in `perfgate check`; an inline
 * budget checks the limits only (there is no baseline entry to accept its growth into).
 */
export async function toMeetSizeBudget(
  this: MatcherContext,
  received: unknown,
  budget?: SizeBudgetInput,
): Promise<MatcherResult> {
  if (typeof received !== 'string' || received === '') {
    throw perfgateError('MATCHER_RECEIVED_INVALID', {
      matcher: 'toMeetSizeBudget()',
      received: describeValue(received),
      accepted: 'a file path or glob relative to package.json, like "dist/index.js"',
    })
  }
  const loaded = projectConfig()
  const found = budget === undefined ? configBudget(received, loaded) : inlineBudget(received, budget)
  const result = await measureSize(
    { path: found.path, ...(found.limits.import === undefined ? {} : { import: found.limits.import }) },
    { root: loaded.root, where: found.where },
  )
  const key = found.key
  const lookup =
    found.source.kind === 'config'
      ? sizeBaselineFor(await readBaseline(baselineFileOf(loaded)), key, result)
      : { bytes: null, note: null }
  const verdict = evaluateSizeBudget({
    name: key,
    path: found.path,
    limits: found.limits,
    measured: result,
    baseline: lookup.bytes,
    baselineNote: lookup.note,
    source: found.source,
  })
  recordResult({ kind: 'size', name: key, result, verdict, negated: this.isNot })

  const pass = verdict.status === 'pass'
  return {
    pass,
    message: () => {
      const explanation = explainSizeBudget(verdict, result)
      const head = hint(this, 'toMeetSizeBudget', 'budget')
      // Negated and within budget: the explanation's headlines say where it stands.
      return `${head}\n\n${formatBudgetMessage(this.isNot && pass ? { ...explanation, advice: [] } : explanation)}`
    },
  }
}

interface FoundSizeBudget {
  key: string
  path: string
  limits: SizeLimits & { import?: string | Record<string, string> | undefined }
  source: BudgetSource
  where: string
}

function inlineBudget(path: string, budget: SizeBudgetInput): FoundSizeBudget {
  const parsed = inlineSizeBudgetSchema.safeParse(budget)
  if (!parsed.success) {
    throw perfgateError(
      'SIZE_BUDGET_INVALID',
      { where: 'toMeetSizeBudget()', problems: formatIssues(parsed.error.issues, undefined, 'the budget') },
      parsed.error,
    )
  }
  return { key: path, path, limits: parsed.data, source: { kind: 'inline' }, where: 'toMeetSizeBudget()' }
}

function configBudget(path: string, loaded: LoadedConfig): FoundSizeBudget {
  const budgets = loaded.config.budgets.size
  const file = loaded.file === null ? 'package.json' : relative(loaded.root, loaded.file) || loaded.file
  const index = budgets.findIndex((b) => b.path === path || b.name === path)
  if (index === -1) {
    throw perfgateError('SIZE_BUDGET_MISSING', {
      path,
      file,
      known: budgets.map((b) => JSON.stringify(b.name ?? b.path)).join(', '),
    })
  }
  const b = budgets[index]!
  return {
    key: sizeKey(b),
    path: b.path,
    limits: b,
    source: { kind: 'config', file, key: `budgets.size[${index}]` },
    where: `perfgate.budgets.size[${index}] in ${file}`,
  }
}

function baselineFileOf(loaded: LoadedConfig): string {
  const { output } = loaded.config
  return baselinePath(resolve(loaded.root, output.dir), chooseBaselineName(output.baseline, process.env))
}

import type { BenchBudget } from '../config/schema.js'
import type { BudgetSource } from './verdict.js'

/** A budget found in the config, with the source that failure messages name. */
export interface FoundBudget {
  budget: BenchBudget
  source: BudgetSource
  /** The key that matched: the bench name itself, or the glob that matched it. */
  key: string
}

/**
 * Find the budget for a bench in `budgets.bench` of the config. An exact key wins; otherwise the
 * most specific glob (`*` matches any run of characters, including none): the one with the most
 * literal characters, so `"sort 10k *"` beats `"sort *"` beats `"*"`. Between equally specific
 * globs, the one written first wins, as JSON object order is what the user sees.
 *
 * @param file - The package.json the config came from, as it should read in messages.
 */
export function findBenchBudget(
  name: string,
  budgets: Readonly<Record<string, BenchBudget>>,
  file: string,
): FoundBudget | undefined {
  const key = findBenchKey(name, budgets)
  if (key === undefined) return undefined
  return {
    budget: budgets[key]!,
    source: { kind: 'config', file, key: `budgets.bench[${JSON.stringify(key)}]` },
    key,
  }
}

/**
 * The key of `byName` that applies to bench `name`: the name itself, else the most specific glob
 * that matches it (most literal characters; the first written among equals). See
 * {@link findBenchBudget}; `regression.benches` resolves its keys the same way.
 */
export function findBenchKey(name: string, byName: Readonly<Record<string, unknown>>): string | undefined {
  return keysNaming(name, byName)[0]
}

/**
 * Every key of `byName` that applies to `name`, in the order {@link findBenchKey} ranks them: the
 * name itself, then the globs matching it, most literal characters first (the first written among
 * equals). `regression.pages` reads them in turn, so a page's own entry can leave a metric to a glob.
 */
export function keysNaming(name: string, byName: Readonly<Record<string, unknown>>): string[] {
  const globs = Object.keys(byName)
    .filter((key) => key !== name && key.includes('*') && globMatches(key, name))
    // A stable sort: equally specific globs keep the order they were written in.
    .sort((a, b) => b.replaceAll('*', '').length - a.replaceAll('*', '').length)
  return Object.hasOwn(byName, name) ? [name, ...globs] : globs
}

/** Whether `name` matches `glob`, where `*` is the only special character. */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${pattern}$`).test(name)
}

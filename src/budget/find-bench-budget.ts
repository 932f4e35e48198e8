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
  if (Object.hasOwn(byName, name)) return name
  let key: string | undefined
  let bestSpecificity = -1
  for (const candidate of Object.keys(byName)) {
    if (!candidate.includes('*') || !globMatches(candidate, name)) continue
    const specificity = candidate.replaceAll('*', '').length
    if (specificity > bestSpecificity) {
      bestSpecificity = specificity
      key = candidate
    }
  }
  return key
}

/** Whether `name` matches `glob`, where `*` is the only special character. */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${pattern}$`).test(name)
}

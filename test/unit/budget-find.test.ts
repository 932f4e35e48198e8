import { describe, expect, it } from 'vitest'
import { findBenchBudget, globMatches } from '../../src/budget/find-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import type { BenchBudget } from '../../src/config/schema.js'

const p95 = (text: string): BenchBudget => parseBenchBudget({ p95: text }, 'test')

/** The key that wins for `name`, or undefined. */
const winner = (name: string, budgets: Record<string, BenchBudget>) =>
  findBenchBudget(name, budgets, 'package.json')?.key

describe('findBenchBudget', () => {
  it('prefers the exact key over any glob, wherever it is written', () => {
    const budgets = { 'sort *': p95('3ms'), '*': p95('9ms'), 'sort 10k': p95('2ms') }
    expect(findBenchBudget('sort 10k', budgets, 'package.json')).toEqual({
      budget: budgets['sort 10k'],
      source: { kind: 'config', file: 'package.json', key: 'budgets.bench["sort 10k"]' },
      key: 'sort 10k',
    })
  })

  it('otherwise takes the glob with the most literal characters', () => {
    const budgets = { '*': p95('9ms'), 'sort *': p95('3ms'), 'sort 10k *': p95('2ms'), '*k*': p95('5ms') }
    expect(winner('sort 10k numbers', budgets)).toBe('sort 10k *')
    expect(winner('sort 1M numbers', budgets)).toBe('sort *')
    expect(winner('parse', budgets)).toBe('*')
    expect(winner('pack', budgets)).toBe('*k*')
  })

  it('between equally specific globs, takes the one written first', () => {
    expect(winner('sort 10k', { 'sor*': p95('1ms'), '*10k': p95('2ms') })).toBe('sor*')
    expect(winner('sort 10k', { '*10k': p95('2ms'), 'sor*': p95('1ms') })).toBe('*10k')
  })

  it('returns undefined when nothing matches', () => {
    expect(
      findBenchBudget('parse', { 'sort *': p95('3ms'), sort: p95('3ms') }, 'package.json'),
    ).toBeUndefined()
    expect(findBenchBudget('parse', {}, 'package.json')).toBeUndefined()
  })

  it('treats a key without * as exact only, and ignores keys inherited from Object.prototype', () => {
    expect(winner('sort 10k!', { 'sort 10k': p95('2ms') })).toBeUndefined()
    expect(winner('constructor', { 'sort *': p95('2ms') })).toBeUndefined()
    expect(winner('toString', { '*': p95('2ms') })).toBe('*')
  })

  it('names the source with the key as JSON, so quotes and backslashes read as written', () => {
    const budgets = { 'say "hi" \\ *': p95('2ms') }
    expect(findBenchBudget('say "hi" \\ loudly', budgets, 'packages/app/package.json')?.source).toEqual({
      kind: 'config',
      file: 'packages/app/package.json',
      key: 'budgets.bench["say \\"hi\\" \\\\ *"]',
    })
  })
})

describe('globMatches', () => {
  it('matches * against any run of characters, including none and line breaks', () => {
    expect(globMatches('sort *', 'sort ')).toBe(true)
    expect(globMatches('sort *', 'sort 10k')).toBe(true)
    expect(globMatches('*', '')).toBe(true)
    expect(globMatches('a*b', 'a\nb')).toBe(true)
    expect(globMatches('sort *', 'quicksort 10k')).toBe(false)
    expect(globMatches('sort *', 'sort')).toBe(false)
  })

  it('treats regular-expression characters in names as literal', () => {
    expect(globMatches('parse (1 kB) [fast]', 'parse (1 kB) [fast]')).toBe(true)
    expect(globMatches('parse (1 kB) [fast]', 'parse 1 kB f')).toBe(false)
    expect(globMatches('parse (1 kB) *', 'parse (1 kB) [fast]')).toBe(true)
    expect(globMatches('a.b', 'axb')).toBe(false)
    expect(globMatches('a+b?', 'aab')).toBe(false)
    expect(globMatches('$^|\\{1}', '$^|\\{1}')).toBe(true)
    expect(winner('parse (1 kB) [fast]', { 'parse (1 kB) [fast]': p95('1ms'), 'parse *': p95('2ms') })).toBe(
      'parse (1 kB) [fast]',
    )
  })
})

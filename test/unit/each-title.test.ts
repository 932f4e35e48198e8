import { describe, expect, it } from 'vitest'
import { getCurrentSuite } from 'vitest/suite'
import { collectBase } from '../../matchers/vitest/base-collection.js'
import { eachTitle } from '../../matchers/vitest/each-title.js'
import { perfTest } from '../../matchers/vitest/perf-test.js'
import * as shim from '../../matchers/vitest/vitest-base-shim.js'

// The titles perfgate gives a base file's describe.each / describe.for blocks must be the ones
// Vitest gives the head's, or their perfTests find no base. So the cases below are titled by the
// real Vitest here, while this file is collected, and eachTitle must give the same.

interface Case {
  template: string
  table: unknown[]
  kind: 'each' | 'for'
}

const CASES: Case[] = [
  { template: 'sort n=%i', table: [100, 1000], kind: 'each' },
  {
    template: '%s with %d items (#%#, %$ of 2)',
    table: [
      ['quick', 10],
      ['merge', 20.5],
    ],
    kind: 'each',
  },
  {
    template: 'parse $name at $size.kb kB',
    table: [
      { name: 'json', size: { kb: 4 } },
      { name: 'csv', size: { kb: 8 } },
    ],
    kind: 'each',
  },
  // (Vitest counts "%%" as a placeholder that takes a value, and turns -0 under %f into "-…":
  // quirks no title is worth copying, so not here.)
  {
    template: 'first $0 then %f',
    table: [
      [1.5, 2],
      [2.5, 3],
    ],
    kind: 'each',
  },
  {
    template: 'for %s',
    table: [
      ['a', 1],
      ['b', 2],
    ],
    kind: 'for',
  },
  { template: 'flag %s', table: [true, null, undefined], kind: 'each' },
]

const realTitles = new Map<Case, string[]>()
for (const c of CASES) {
  const titles: string[] = []
  realTitles.set(c, titles)
  const block = c.kind === 'each' ? describe.each(c.table) : describe.for(c.table)
  block(c.template, () => {
    titles.push(getCurrentSuite().name)
    // A block needs a test, or Vitest reports the file as having an empty suite.
    it('is titled', () => {})
  })
}

describe('eachTitle', () => {
  it.each(CASES.map((c) => [c.template, c] as const))('titles %s as Vitest does', (_, c) => {
    const ours = c.table.map((row, index) => eachTitle(c.template, Array.isArray(row) ? row : [row], index))
    expect(ours).toEqual(realTitles.get(c))
    expect(ours.length).toBeGreaterThan(0)
  })
})

describe('describe.each and describe.for in a base file', () => {
  it('collect each row under its title, with the row as the body takes it', async () => {
    const seen: unknown[][] = []
    const collected = await collectBase(async () => {
      shim.describe.each([
        [100, 'small'],
        [1000, 'large'],
      ])('sort n=%i (%s)', (...args: unknown[]) => {
        seen.push(args)
        perfTest('sort', () => args[0])
      })
      shim.describe.for([{ n: 5 }])('for $n', (row: unknown) => {
        seen.push([row])
        perfTest('inner', () => row)
      })
    })
    expect([...collected.keys()].sort()).toEqual([
      'for 5 > inner',
      'sort n=100 (small) > sort',
      'sort n=1000 (large) > sort',
    ])
    expect(seen).toEqual([[100, 'small'], [1000, 'large'], [{ n: 5 }]])
  })
})

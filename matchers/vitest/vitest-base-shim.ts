/**
 * What a base perf file gets for `import … from 'vitest'` (perfgate's Vite plugin points it here,
 * for files of the base checkout only): the real Vitest, except that `describe` bodies are run by
 * perfgate's collection (after the file, one at a time, as Vitest collects them) to learn names;
 * tests are not declared (the head's are the tests; perfTest collects the base's functions); and
 * `beforeAll` hooks are kept for perfgate to run after the import. Hooks around each test, and
 * afterAll, do nothing: no base test runs.
 */
import { baseCollection, blockName } from './base-collection.js'
import { eachTitle } from './each-title.js'

export * from 'vitest'

type Body = (() => unknown) | undefined

function runBlock(name: unknown, a?: unknown, b?: unknown): void {
  const collection = baseCollection()
  // Vitest takes (name, fn), (name, fn, options) and (name, options, fn).
  const body = (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined) as Body
  if (collection === undefined || body === undefined) return
  // Run later, after the code declaring it (see collectBase), as Vitest collects a block.
  collection.blocks.push({ path: [...collection.describePath, blockName(name)], body })
}

const nothing = (): void => {}
const notEach = () => nothing

/**
 * `describe.each(table)` (`spread`: an array row's values are the body's arguments when every row
 * is an array) and `describe.for(table)` (the row is the one argument): one block per row, titled
 * as Vitest titles it.
 */
function eachBlock(spread: boolean) {
  return (table: readonly unknown[]) =>
    (name: unknown, a?: unknown, b?: unknown): void => {
      const body = (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined) as
        | ((...args: unknown[]) => unknown)
        | undefined
      if (body === undefined || !Array.isArray(table)) return
      const allArrays = table.every(Array.isArray)
      table.forEach((row, index) => {
        const items: unknown[] = Array.isArray(row) ? row : [row]
        const args = spread && allArrays ? items : [row]
        runBlock(eachTitle(blockName(name), items, index), () => body(...args))
      })
    }
}

/** Declares nothing: in the base, only perfTest functions are wanted. */
export const test = Object.assign(nothing, {
  skip: nothing,
  only: nothing,
  todo: nothing,
  fails: nothing,
  concurrent: nothing,
  sequential: nothing,
  skipIf: notEach,
  runIf: notEach,
  each: notEach,
  for: notEach,
  extend: () => test,
})
export const it = test

/** Queues its body, so the perfTests inside are collected under its name. */
export const describe = Object.assign(runBlock, {
  only: runBlock,
  concurrent: runBlock,
  sequential: runBlock,
  shuffle: runBlock,
  // A skipped block's tests are skipped in the head too: nothing to compare.
  skip: nothing,
  todo: nothing,
  skipIf: (condition: unknown) => (condition ? nothing : runBlock),
  runIf: (condition: unknown) => (condition ? runBlock : nothing),
  each: eachBlock(true),
  for: eachBlock(false),
})
export const suite = describe

export function beforeAll(fn: () => unknown): void {
  baseCollection()?.hooks.push(fn)
}
export const afterAll = nothing
export const beforeEach = nothing
export const afterEach = nothing

import type { BenchFn } from '../../src/measure/types.js'

/*
 * What importing a base perf file collects: while perfgate imports the base ref's copy of a test
 * file, `describe` (from vitest-base-shim) runs its body and tracks the names, `perfTest` records
 * its function under its full name instead of declaring a test, and `beforeAll` hooks are kept to
 * be run once the import is done (inputs built there must exist before the base is timed).
 *
 * Kept on globalThis: the shim and perfTest may come from different chunks of perfgate's build.
 */

/** A base perfTest: its function and the batch hooks it was declared with. */
export interface BasePerfTest {
  fn: BenchFn
  setup?: () => unknown
  teardown?: () => unknown
}

export interface BaseCollection {
  /** Names of the describe blocks being run, outermost first. */
  describePath: string[]
  /** Each perfTest by its full name (describe names and its own, joined by " > "). */
  perfTests: Map<string, BasePerfTest>
  /** beforeAll hooks, in the order they were declared. */
  hooks: (() => unknown)[]
  /** Promises of async describe bodies, awaited with the import. */
  pending: Promise<unknown>[]
}

const KEY = Symbol.for('perfgate.base-collection')
type Holder = { [KEY]?: BaseCollection | undefined }

/** The collection under way, or undefined when no base file is being imported. */
export function baseCollection(): BaseCollection | undefined {
  return (globalThis as Holder)[KEY]
}

/**
 * Run `load` (which imports a base file) with a fresh collection open, then its beforeAll hooks;
 * returns the perfTests collected. The collection is closed even when loading throws.
 */
export async function collectBase(load: () => Promise<unknown>): Promise<Map<string, BasePerfTest>> {
  const collection: BaseCollection = { describePath: [], perfTests: new Map(), hooks: [], pending: [] }
  const holder = globalThis as Holder
  holder[KEY] = collection
  try {
    await load()
    await Promise.all(collection.pending)
  } finally {
    holder[KEY] = undefined
  }
  for (const hook of collection.hooks) await hook()
  return collection.perfTests
}

/** The full name perfTests are matched by: describe names, then the test's, joined by " > ". */
export function fullTestName(describePath: readonly string[], name: string): string {
  return [...describePath, name].join(' > ')
}

/** How Vitest names a describe block given a function or class instead of a string. */
export function blockName(name: unknown): string {
  if (typeof name === 'function') return name.name || '<anonymous>'
  return String(name)
}

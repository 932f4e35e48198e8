import type { BatchHooks, BenchFn } from '../../src/measure/types.js'

/*
 * What importing a base perf file collects: while perfgate imports the base ref's copy of a test
 * file, `describe` (from vitest-base-shim) queues its body, which runs after the file as in
 * Vitest, `perfTest` records its function under its full name instead of declaring a test, and
 * `beforeAll` hooks are kept to be run once all is collected (inputs built there must exist
 * before the base is timed).
 *
 * Kept on globalThis: the shim and perfTest may come from different chunks of perfgate's build.
 */

/** A perfTest as compare() takes a side: its function and the batch hooks it was declared with. */
export interface BasePerfTest extends BatchHooks {
  fn: BenchFn
}

/** The batch hooks of `options` (a perfTest's options, or a collected perfTest), none left undefined. */
export function batchHooksOf(options: BatchHooks): BatchHooks {
  return {
    ...(options.setup !== undefined && { setup: options.setup }),
    ...(options.teardown !== undefined && { teardown: options.teardown }),
  }
}

/** `fn` with the batch hooks of a perfTest's options: the perfTest as compare() takes a side. */
export function perfTestSide(fn: BenchFn, options: BatchHooks): BasePerfTest {
  return { fn, ...batchHooksOf(options) }
}

/** A describe block declared and not yet run: its full name path, and its body. */
export interface PendingBlock {
  path: string[]
  body: () => unknown
}

export interface BaseCollection {
  /** Names of the describe block being run, outermost first. */
  describePath: string[]
  /** Each perfTest by its full name (describe names and its own, joined by " > "). */
  perfTests: Map<string, BasePerfTest>
  /** beforeAll hooks, in the order they were declared. */
  hooks: (() => unknown)[]
  /** Blocks declared by the code running now (the file, or a block's body), run after it. */
  blocks: PendingBlock[]
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
  const collection: BaseCollection = { describePath: [], perfTests: new Map(), hooks: [], blocks: [] }
  const holder = globalThis as Holder
  holder[KEY] = collection
  try {
    await load()
    await runBlocks(collection, collection.blocks)
  } finally {
    holder[KEY] = undefined
  }
  for (const hook of collection.hooks) await hook()
  return collection.perfTests
}

/**
 * Run declared blocks as Vitest collects them: after the code that declared them, one at a time
 * in order, each body awaited, then the blocks that body declared. So a perfTest after an
 * `await` in a block still gets the block's name, and async siblings never interleave.
 */
async function runBlocks(collection: BaseCollection, blocks: readonly PendingBlock[]): Promise<void> {
  for (const block of blocks) {
    const inner: PendingBlock[] = []
    collection.blocks = inner
    collection.describePath = block.path
    try {
      await block.body()
    } finally {
      collection.describePath = []
    }
    await runBlocks(collection, inner)
  }
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

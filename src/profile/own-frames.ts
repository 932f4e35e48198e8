import type { CpuProfileCallFrame } from './cpu-profile.js'

/*
 * perfgate's own frames in a profile: the calling loop around the user's function and the code
 * that drives it. They are left out of the hottest functions (the user cannot change them) and
 * reported as one share, which is large only for functions of a few nanoseconds.
 */

/** Names of the loops createBatchRunner compiles with new Function (they have no URL). */
const BATCH_LOOPS = new Set(['runBatch', 'runAsyncBatch'])

/**
 * The folder of perfgate's code as a file URL: `…/perfgate/dist/` when bundled (every chunk sits
 * there), or the `src/` folder when run from source (this file is in src/profile/).
 */
export function ownCodeRoot(moduleUrl: string = import.meta.url): string {
  const dir = new URL('.', moduleUrl).href
  return dir.endsWith('/src/profile/') ? new URL('../', dir).href : dir
}

/** A predicate for perfgate's frames, given the folder of its code. */
export function ownFrameTest(root: string = ownCodeRoot()): (frame: CpuProfileCallFrame) => boolean {
  return (frame) => (frame.url === '' ? BATCH_LOOPS.has(frame.functionName) : frame.url.startsWith(root))
}

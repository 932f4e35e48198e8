import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = dirname(fileURLToPath(import.meta.url))

/**
 * Start bench/competitor.mjs (the busy neighbour of section 1b) and wait until it has reached its
 * steady state (heap grown, caches thrashed). It ends by itself after `seconds`, in case this
 * process dies without killing it.
 */
export async function startBusyNeighbour(seconds = 900): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(benchDir, 'competitor.mjs'), String(seconds)], {
    stdio: 'ignore',
  })
  child.unref()
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  return child
}

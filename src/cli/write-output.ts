import { randomBytes } from 'node:crypto'
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { perfgateError, reasonOf } from '../errors.js'
import { displayPath } from './cli-settings.js'
import type { CliIo } from './command.js'

/**
 * Write a file the CLI produces (a comparison, a report, a merged log) so that a reader sees the
 * old file or the new one, never half of one: the text goes to a temporary file beside it, which
 * is then renamed over it. Creates the folder.
 *
 * @throws PerfgateError CLI_OUTPUT_UNWRITABLE; the temporary file is removed.
 */
export async function writeOutput(io: CliIo, path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' })
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw perfgateError(
      'CLI_OUTPUT_UNWRITABLE',
      { file: displayPath(io, path), reason: reasonOf(error) },
      error,
    )
  }
}

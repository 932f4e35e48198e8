#!/usr/bin/env node
import { run } from './run.js'

// The bin entry: the real process's io for run(), and its exit code through process.exitCode so
// that output still being written to a pipe is not cut off, as process.exit() could.
process.exitCode = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
})

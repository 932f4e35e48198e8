import { basename } from 'node:path'

/*
 * The run's Vitest command-line options that a re-measurement child must share. The child starts
 * from the config file alone, so `vitest run --pool=threads` would otherwise re-measure a suspect
 * in forked processes while the run and its baseline measured it in worker threads, and
 * `--project perf` would let a file included by two projects run (and report its benches) twice.
 * Only options that change where and how a test file runs are forwarded: the child sets its own
 * filters, reporter and update mode, and must not write coverage or stop at a bail.
 */

/** Options taking a value, by their camelCase name. */
const VALUE_OPTIONS = new Set(['pool', 'maxWorkers', 'environment', 'project', 'mode', 'vmMemoryLimit'])
/** Boolean options, by their camelCase name (`--no-<kebab>` negates). */
const BOOLEAN_OPTIONS = new Set(['isolate', 'fileParallelism', 'globals', 'dom'])

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}

/** Whether `argv` (a process's `process.argv`) is a run of Vitest's own command line. */
export function isVitestCommandLine(argv: readonly string[]): boolean {
  const script = argv[1]
  if (script === undefined) return false
  const name = basename(script)
  return name === 'vitest' || name === 'vitest.mjs' || name === 'vitest.js'
}

/**
 * The options of `args` (a Vitest command line after the script) to give a re-measurement child,
 * each as one `--name=value`, `--name` or `--no-name` token, so that no value is read as a filter.
 */
export function forwardedCliOptions(args: readonly string[]): string[] {
  const forwarded: string[] = []
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    if (!token.startsWith('--')) continue
    const at = token.indexOf('=')
    const rawName = token.slice(2, at < 0 ? undefined : at)
    const inline = at < 0 ? undefined : token.slice(at + 1)
    const name = camelCase(rawName)
    if (VALUE_OPTIONS.has(name)) {
      const next = args[i + 1]
      const value = inline ?? (next !== undefined && !next.startsWith('-') ? next : undefined)
      if (inline === undefined && value !== undefined) i++
      if (value !== undefined) forwarded.push(`--${name}=${value}`)
    } else if (BOOLEAN_OPTIONS.has(name)) {
      forwarded.push(inline === undefined || inline === 'true' ? `--${name}` : `--no-${kebabCase(name)}`)
    } else if (rawName.startsWith('no-') && BOOLEAN_OPTIONS.has(camelCase(rawName.slice(3)))) {
      forwarded.push(`--no-${kebabCase(camelCase(rawName.slice(3)))}`)
    }
  }
  return forwarded
}

/** This process's Vitest options for a re-measurement child; none when Vitest was not started from its CLI. */
export function runCliOptions(argv: readonly string[] = process.argv): string[] {
  return isVitestCommandLine(argv) ? forwardedCliOptions(argv.slice(2)) : []
}

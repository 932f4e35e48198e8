import { spawnSync } from 'node:child_process'
import v8 from 'node:v8'

/*
 * V8's CPU profiler charges the time of inlined code to the function it was inlined into: with
 * `checksum()` calling a hot `mixBytes()`, an optimised checksum that inlined mixBytes shows all
 * of the loop as checksum's self time, and code that was optimised before the profiler started
 * (all of a measured bench) can even land on the caller's caller, in another file. Measured here
 * on Node 20 and 24: the hot helper got 4-5% of the samples, its callers the rest.
 *
 * So a profile is taken with inlining off: TurboFan's and Maglev's inlining flags are turned off,
 * every function is deoptimised (so no code optimised with inlining runs on), the profile is
 * taken while V8 optimises the code again without inlining, and afterwards the flags are restored
 * and everything is deoptimised once more, so the benches measured later optimise as usual.
 *
 * Deoptimising everything has one public trigger: switching V8 to precise coverage, which
 * deoptimises all functions so that their calls get counted, and back. That would wreck coverage
 * being collected in the same process, so with coverage on (Vitest's v8 provider, c8) inlining
 * stays on, and the profile says so.
 */

/** The inlining flags V8 has, by engine; flags a V8 does not know are left alone. */
const INLINING_FLAGS = ['turbo-inlining', 'maglev-inlining'] as const
type InliningFlag = (typeof INLINING_FLAGS)[number]

export type Post = (method: string, params?: object) => Promise<unknown>

/** Restores what {@link turnOffInlining} changed. */
export type RestoreInlining = () => Promise<void>

/**
 * Turn V8's inlining off and deoptimise every function. Returns how to undo it, or undefined when
 * inlining could not be turned off (then nothing was changed).
 */
export async function turnOffInlining(post: Post): Promise<RestoreInlining | undefined> {
  const flipped: InliningFlag[] = []
  for (const flag of INLINING_FLAGS) {
    const on = flagIsOn(flag)
    // Without its value the flag cannot be restored exactly, and a guess would change the
    // process for good: leave inlining alone.
    if (on === undefined) return undefined
    if (on === true) flipped.push(flag)
  }
  try {
    for (const flag of flipped) v8.setFlagsFromString(`--no-${flag}`)
    await deoptimizeAll(post)
  } catch {
    for (const flag of flipped) v8.setFlagsFromString(`--${flag}`)
    return undefined
  }
  return async () => {
    for (const flag of flipped) v8.setFlagsFromString(`--${flag}`)
    await deoptimizeAll(post).catch(() => undefined)
  }
}

/** Switch precise coverage on and off again: V8 deoptimises every function on the way in. */
async function deoptimizeAll(post: Post): Promise<void> {
  await post('Profiler.startPreciseCoverage', { callCount: false, detailed: false })
  await post('Profiler.stopPreciseCoverage')
}

let defaults: Map<string, boolean> | null | undefined

/**
 * Whether a boolean V8 flag is on in this process: as set on the command line (execArgv or
 * NODE_OPTIONS, the last mention winning), else V8's default, read once from `node --v8-options`.
 * 'absent' when this V8 has no such flag; undefined when its value cannot be told.
 */
export function flagIsOn(
  flag: string,
  argv: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)],
): boolean | 'absent' | undefined {
  defaults ??= readDefaults()
  if (defaults === null) return undefined
  if (!defaults.has(flag)) return 'absent'
  return explicitFlag(flag, argv) ?? defaults.get(flag)
}

/** The flag's value as given on a command line, if it is: `--no-turbo-inlining` → false. */
export function explicitFlag(flag: string, argv: readonly string[]): boolean | undefined {
  const name = flag.replace(/_/g, '-')
  let value: boolean | undefined
  for (const arg of argv) {
    const normal = arg.replace(/_/g, '-').split('=')[0]
    if (normal === `--${name}`) value = true
    else if (normal === `--no-${name}` || normal === `--no${name}`) value = false
  }
  return value
}

/** Boolean flags and their defaults from `--v8-options` output. */
export function parseFlagDefaults(text: string): Map<string, boolean> {
  const found = new Map<string, boolean>()
  for (const match of text.matchAll(/type: bool\s+default: --(no-)?([a-z0-9-]+)/g)) {
    found.set(match[2]!, match[1] === undefined)
  }
  return found
}

function readDefaults(): Map<string, boolean> | null {
  try {
    const out = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', timeout: 10_000 })
    return out.status === 0 ? parseFlagDefaults(out.stdout) : null
  } catch {
    return null
  }
}

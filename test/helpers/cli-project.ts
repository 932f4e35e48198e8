import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  type BaselineFile,
  type BudgetToStore,
  baselineFromResults,
  serializeBaseline,
} from '../../src/baseline/baseline-file.js'
import { run } from '../../src/cli/run.js'
import type { Environment } from '../../src/env/types.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** A throwaway project folder with a package.json, and the CLI run inside it. */
export interface CliProject {
  dir: string
  /** Run `perfgate <argv>` with the project as cwd and only `env` as the environment. */
  run(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult>
  write(path: string, text: string): Promise<void>
  read(path: string): Promise<string>
  remove(): Promise<void>
}

/** A temp folder with a package.json holding `perfgate` as its "perfgate" section. */
export async function cliProject(perfgate?: unknown): Promise<CliProject> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-cli-'))
  const project: CliProject = {
    dir,
    async run(argv, env = {}) {
      let stdout = ''
      let stderr = ''
      const code = await run(argv, {
        stdout: (s) => {
          stdout += s
        },
        stderr: (s) => {
          stderr += s
        },
        cwd: dir,
        env,
      })
      return { code, stdout, stderr }
    },
    async write(path, text) {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), text)
    },
    read: (path) => readFile(join(dir, path), 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
  await project.write(
    'package.json',
    `${JSON.stringify({ name: 'cli-fixture', private: true, ...(perfgate !== undefined && { perfgate }) }, null, 2)}\n`,
  )
  return project
}

/** A bench of a synthetic file: per-call times spread ±5% around `centerNs`, from `seed`. */
export interface SyntheticBench {
  centerNs: number
  seed?: number
  /** @default 40 */
  batches?: number
  /** @default 0.05 */
  spread?: number
}

/**
 * A baseline-format file (baseline or candidate) with deterministic batch times, so verdicts and
 * the tables that show them are the same on every run.
 */
export function syntheticFile(
  name: string,
  benches: Readonly<Record<string, SyntheticBench>>,
  options: { createdAt?: string; env?: Environment; budgets?: ReadonlyMap<string, BudgetToStore> } = {},
): BaselineFile {
  const results = Object.entries(benches).map(([bench, b]) =>
    benchResult({
      name: bench,
      perCallNs: uniformTimes(b.centerNs, b.spread ?? 0.05, b.batches ?? 40, b.seed ?? 1),
      ...(options.env !== undefined && { env: options.env }),
    }),
  )
  return baselineFromResults(name, results, options.budgets, {
    createdAt: options.createdAt ?? '2025-01-02T03:04:05.000Z',
  })
}

/** The file's text, as perfgate writes it. */
export function fileText(file: BaselineFile): string {
  return serializeBaseline(file)
}

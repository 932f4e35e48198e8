import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CliProject, cliProject, fileText, syntheticFile } from '../helpers/cli-project.js'

let project: CliProject

beforeEach(async () => {
  project = await cliProject({ output: { baseline: 'main' } })
})
afterEach(async () => {
  await project.remove()
})

/** Base: two benches; head: "sort" 30% slower, "parse" the same batches, "render" new, "load" removed. */
async function writeBaseAndHead(): Promise<void> {
  await project.write(
    '.perfgate/baselines/main.json',
    fileText(
      syntheticFile('main', {
        sort: { centerNs: 1000, seed: 1 },
        parse: { centerNs: 250, seed: 2 },
        load: { centerNs: 5000, seed: 3 },
      }),
    ),
  )
  await project.write(
    'head.json',
    fileText(
      syntheticFile(
        'main',
        {
          sort: { centerNs: 1300, seed: 4 },
          parse: { centerNs: 250, seed: 2 },
          render: { centerNs: 20_000, seed: 5 },
        },
        { createdAt: '2025-01-03T00:00:00.000Z' },
      ),
    ),
  )
}

describe('perfgate compare', () => {
  it('finds a 30% slower bench regressed, an identical one unchanged, and lists new and removed ones (exit 1)', async () => {
    await writeBaseAndHead()
    const result = await project.run(['compare', 'main', 'head.json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatchInlineSnapshot(`
      "base  baseline "main", .perfgate/baselines/main.json · 3 benches · recorded 2025-01-02T03:04:05.000Z · git abc1234*
      head  head.json · 3 benches · recorded 2025-01-03T00:00:00.000Z · git abc1234*

      bench   base median  head median  change (CI)            verdict
      ──────  ───────────  ───────────  ─────────────────────  ─────────
      load    5.00 µs      —            —                      removed
      parse   251 ns       251 ns       0% (-11% to +13%)      unchanged
      render  —            19.9 µs      —                      new
      sort    1.01 µs      1.30 µs      ▲ +28% (+14% to +44%)  regressed

      ✗ "sort" regressed: 28% slower than the baseline (1.28×, 95% interval 1.14–1.44×; 1.25 µs per call at the 10th percentile of batches, baseline 977 ns; 1 process now, 1 process in the baseline, spread between processes 3%), beyond the 5% threshold and significant (one-sided p = 0.0021).

      1 regressed, 1 unchanged, 1 new, 1 removed · threshold 5% · 95% confidence, Holm-adjusted across 2 benches
      Compared from files, so nothing was re-measured: a regression here rests on one run of each side. Run the perf suite again to confirm it.
      Wrote .perfgate/comparison.json
      "
    `)
  })

  it('exits 0 when nothing regressed', async () => {
    await writeBaseAndHead()
    await project.write('same.json', await project.read('.perfgate/baselines/main.json'))
    const result = await project.run(['compare', 'main', 'same.json'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('3 unchanged')
  })

  it('writes the comparison file with both files identity, deltas, intervals and p-values', async () => {
    await writeBaseAndHead()
    await project.run(['compare', 'main', 'head.json'])
    const written = JSON.parse(await project.read('.perfgate/comparison.json'))
    expect(written.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(written.base).toMatchObject({
      given: 'main',
      path: '.perfgate/baselines/main.json',
      via: 'baseline-name',
      name: 'main',
      createdAt: '2025-01-02T03:04:05.000Z',
      benches: 3,
    })
    expect(written.base.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(written.head).toMatchObject({ given: 'head.json', path: 'head.json', via: 'path' })
    expect(written.counts).toEqual({
      regressed: 1,
      improved: 0,
      unchanged: 1,
      inconclusive: 0,
      'environment-changed': 0,
      new: 1,
      removed: 1,
    })
    expect(written.exitCode).toBe(1)
    const sort = written.benches.find((b: { name: string }) => b.name === 'sort')
    expect(sort.status).toBe('regressed')
    expect(sort.delta).toBeCloseTo(0.3, 1)
    expect(sort.deltaInterval[0]).toBeGreaterThan(0.05)
    expect(sort.pValue).toBeLessThan(0.025)
    expect(sort.adjustedPValue).toBeLessThan(0.05)
    expect(written.benches.find((b: { name: string }) => b.name === 'render')).toMatchObject({
      status: 'new',
      baseMedianNs: null,
      ratio: null,
    })
  })

  it('prints the JSON with --json (and says on stderr where it wrote it), Markdown with --markdown', async () => {
    await writeBaseAndHead()
    const json = await project.run(['compare', 'main', 'head.json', '--json', '--out', 'out/cmp.json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(await project.read('out/cmp.json')))
    expect(json.stderr).toBe('Wrote out/cmp.json\n')

    const markdown = await project.run(['compare', 'main', 'head.json', '--markdown'])
    expect(markdown.stdout.replace(/p = [\d.e-]+/g, 'p = …')).toMatchInlineSnapshot(`
      "### perfgate compare

      **base** baseline "main", .perfgate/baselines/main.json · 3 benches · recorded 2025-01-02T03:04:05.000Z · git abc1234\\*  
      **head** head.json · 3 benches · recorded 2025-01-03T00:00:00.000Z · git abc1234\\*

      | bench | base median | head median | change (CI) | verdict |
      | --- | ---: | ---: | --- | --- |
      | load | 5.00 µs | — | — | ➖ removed |
      | parse | 251 ns | 251 ns | 0% (-11% to +13%) | ✅ unchanged |
      | render | — | 19.9 µs | — | 🆕 new |
      | sort | 1.01 µs | 1.30 µs | ▲ +28% (+14% to +44%) | ❌ regressed |

      1 regressed, 1 unchanged, 1 new, 1 removed · threshold 5% · 95% confidence, Holm-adjusted across 2 benches

      <details><summary>Details</summary>

      - ❌ "sort" regressed: 28% slower than the baseline (1.28×, 95% interval 1.14–1.44×; 1.25 µs per call at the 10th percentile of batches, baseline 977 ns; 1 process now, 1 process in the baseline, spread between processes 3%), beyond the 5% threshold and significant (one-sided p = …).

      </details>

      Compared from files, so nothing was re-measured: a regression here rests on one run of each side. Run the perf suite again to confirm it.
      "
    `)
  })

  it('takes --threshold and --confidence over the config', async () => {
    await writeBaseAndHead()
    const result = await project.run(['compare', 'main', 'head.json', '--threshold', '50%', '--json'])
    expect(result.code).toBe(0)
    const sort = JSON.parse(result.stdout).benches.find((b: { name: string }) => b.name === 'sort')
    expect(sort).toMatchObject({ status: 'unchanged', threshold: 0.5, confidence: 0.95 })
    const strict = await project.run(['compare', 'main', 'head.json', '--confidence', '0.99', '--json'])
    expect(JSON.parse(strict.stdout).settings).toMatchObject({ confidence: 0.99, threshold: 0.05 })
  })

  it('judges a bench by its own threshold from regression.benches, unless --threshold sets one for all', async () => {
    await project.remove()
    project = await cliProject({
      output: { baseline: 'main' },
      regression: { benches: { 'so*': { threshold: '50%' } } },
    })
    await writeBaseAndHead()
    const result = await project.run(['compare', 'main', 'head.json', '--json'])
    expect(result.code).toBe(0)
    const benches = JSON.parse(result.stdout).benches as { name: string; status: string; reason: string }[]
    const sortOwn = benches.find((b) => b.name === 'sort')
    expect(sortOwn).toMatchObject({ status: 'unchanged', threshold: 0.5 })
    expect(sortOwn!.reason).toContain('within the ±50% threshold (regression.benches["so*"] in package.json)')
    expect(benches.find((b) => b.name === 'parse')).toMatchObject({ status: 'unchanged', threshold: 0.05 })
    const forAll = await project.run(['compare', 'main', 'head.json', '--threshold', '5%', '--json'])
    expect(forAll.code).toBe(1)
    const sort = JSON.parse(forAll.stdout).benches.find((b: { name: string }) => b.name === 'sort')
    expect(sort).toMatchObject({ status: 'regressed', threshold: 0.05 })
  })

  it('gives no verdict across environments unless --fail-on-environment-change', async () => {
    await writeBaseAndHead()
    const base = syntheticFile('main', { sort: { centerNs: 1000, seed: 1 } })
    const elsewhere = syntheticFile('main', { sort: { centerNs: 1300, seed: 4 } })
    elsewhere.env.cpu.model = 'Intel Xeon Platinum 8370C'
    await project.write('base.json', fileText(base))
    await project.write('elsewhere.json', fileText(elsewhere))
    const warned = await project.run(['compare', 'base.json', 'elsewhere.json'])
    expect(warned.code).toBe(0)
    expect(warned.stdout).toContain('environment changed')
    expect(warned.stdout).toContain(
      'Environments differ (base → head): cpu.model AMD EPYC 7763 64-Core Processor → Intel Xeon Platinum 8370C (major).',
    )
    const failed = await project.run([
      'compare',
      'base.json',
      'elsewhere.json',
      '--fail-on-environment-change',
    ])
    expect(failed.code).toBe(1)
  })

  it('names both readings of an argument that is neither a file nor a baseline', async () => {
    const result = await project.run(['compare', 'nope', 'head.json'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: Cannot find "nope": there is no file nope and no baseline "nope" (.perfgate/baselines/nope.json). Pass the path of a baseline or candidate JSON file, or the name of a baseline listed by \`perfgate baseline list\`.
      "
    `)
  })

  it('refuses a corrupt file with its line and column, leaving it untouched', async () => {
    await writeBaseAndHead()
    const corrupt = (await project.read('head.json')).replace('"batchSize": 1,', '"batchSize": 1')
    await project.write('head.json', corrupt)
    const result = await project.run(['compare', 'main', 'head.json'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: The baseline head.json is not valid JSON: expected "," or "}", found "\\"" at head.json:56:7. Restore it from version control (git checkout -- head.json) or record a new one with \`perfgate baseline accept\`.
      "
    `)
    expect(await project.read('head.json')).toBe(corrupt)
  })

  it('rejects bad options as usage errors (exit 2) with the fix and the usage', async () => {
    const threshold = await project.run(['compare', 'a', 'b', '--threshold', 'lots'])
    expect(threshold.code).toBe(2)
    expect(threshold.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Invalid --threshold "lots". Write a percentage like --threshold 5% or --threshold 0.5%."`,
    )
    const confidence = await project.run(['compare', 'a', 'b', '--confidence', '95'])
    expect(confidence.code).toBe(2)
    expect(confidence.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Invalid --confidence "95". Write a level above 0.5 and below 1, like --confidence 0.95 or --confidence 0.99."`,
    )
    const both = await project.run(['compare', 'a', 'b', '--json', '--markdown'])
    expect(both.code).toBe(2)
    expect(both.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Options "--json" and "--markdown" cannot be combined. Pick one; the JSON is also written to the comparison file."`,
    )
    const missing = await project.run(['compare', 'a'])
    expect(missing.code).toBe(2)
    // The usage that follows is pinned in cli-run.test.ts.
    expect(missing.stderr.split('\n').slice(0, 3)).toMatchInlineSnapshot(`
      [
        "perfgate: "perfgate compare" needs <head>. Write it as: perfgate compare <base> <head>.",
        "",
        "Usage: perfgate compare <base> <head> [options]",
      ]
    `)
  })
})

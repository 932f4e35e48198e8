import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseBaseline } from '../../src/baseline/baseline-file.js'
import {
  checkEventLine,
  eventsFromRecord,
  regressionEvent,
  runEndEvent,
  runStartEvent,
  serializeEvent,
  type VerifyEvent,
} from '../../src/log/verify-event.js'
import { runsFromEvents } from '../../src/report/run-report.js'
import { benchResult } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { type CliProject, cliProject, fileText, syntheticFile } from '../helpers/cli-project.js'

let project: CliProject

beforeEach(async () => {
  project = await cliProject()
})
afterEach(async () => {
  await project.remove()
})

const shard = (i: number) => `.perfgate/candidates/default.shard-${i}-of-2.json`

describe('perfgate merge: candidate files', () => {
  it('merges shards into the unsharded candidate: all benches, first env, latest createdAt', async () => {
    await project.write(
      shard(1),
      fileText(
        syntheticFile('default', { sort: { centerNs: 1000 } }, { createdAt: '2025-01-02T03:04:05.000Z' }),
      ),
    )
    await project.write(
      shard(2),
      fileText(
        syntheticFile(
          'default',
          { parse: { centerNs: 250 }, render: { centerNs: 9000 } },
          { createdAt: '2025-01-02T03:09:00.000Z' },
        ),
      ),
    )
    const result = await project.run(['merge', shard(1), shard(2)])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatchInlineSnapshot(`
      "Merged 2 candidate files (3 benches) into .perfgate/candidates/default.json
      Accept it as the baseline: perfgate baseline accept
      "
    `)
    const merged = parseBaseline(await project.read('.perfgate/candidates/default.json'), 'merged')
    expect(Object.keys(merged.benches).sort()).toEqual(['parse', 'render', 'sort'])
    expect(merged.createdAt).toBe('2025-01-02T03:09:00.000Z')
    expect(merged.env).toEqual(ciRunner())
  })

  it('refuses a bench that is in two files, naming both (exit 1), and writes nothing', async () => {
    await project.write(shard(1), fileText(syntheticFile('default', { sort: { centerNs: 1000 } })))
    await project.write(shard(2), fileText(syntheticFile('default', { sort: { centerNs: 1100 } })))
    const result = await project.run(['merge', shard(1), shard(2), '--out', 'merged.json'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: Bench "sort" is in both .perfgate/candidates/default.shard-1-of-2.json and .perfgate/candidates/default.shard-2-of-2.json, so one result would be lost. Each bench must run in exactly one shard: merge the files of one sharded run only, or give the bench a unique name.
      "
    `)
    await expect(project.read('merged.json')).rejects.toThrow(/ENOENT/)
  })

  it('warns when the shards were measured in different environments', async () => {
    const other = ciRunner()
    other.cpu.count = 4
    await project.write(shard(1), fileText(syntheticFile('default', { sort: { centerNs: 1000 } })))
    await project.write(
      shard(2),
      fileText(syntheticFile('default', { parse: { centerNs: 250 } }, { env: other })),
    )
    const result = await project.run(['merge', shard(1), shard(2), '--out', 'merged.json'])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: warning: .perfgate/candidates/default.shard-2-of-2.json was measured in another environment than .perfgate/candidates/default.shard-1-of-2.json (cpu.count 2 → 4); the merged file records the environment of .perfgate/candidates/default.shard-1-of-2.json only.
      "
    `)
  })

  it('refuses a corrupt shard and leaves it untouched', async () => {
    await project.write(shard(1), fileText(syntheticFile('default', { sort: { centerNs: 1000 } })))
    await project.write(shard(2), '{"schemaVersion": 1, "name": "default"}\n')
    const result = await project.run(['merge', shard(1), shard(2)])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n').slice(0, 2)).toMatchInlineSnapshot(`
      [
        "perfgate: Invalid baseline .perfgate/candidates/default.shard-2-of-2.json:",
        "✖ Invalid input: expected string, received undefined",
      ]
    `)
    expect(await project.read(shard(2))).toBe('{"schemaVersion": 1, "name": "default"}\n')
  })
})

/** The events of one shard's run: run-start, a bench, a regression, run-end. */
function shardRun(runId: string, bench: string, startMs: number, exitCode: number): VerifyEvent[] {
  const at = (offsetMs: number) => ({ runId, ts: new Date(startMs + offsetMs).toISOString() })
  return [
    runStartEvent(at(0), ciRunner()),
    ...eventsFromRecord(
      { kind: 'bench', result: benchResult({ name: bench, perCallNs: [100, 110, 105] }) },
      at(10),
    ),
    regressionEvent(
      {
        name: bench,
        metric: 'median',
        unit: 'ns',
        value: 105,
        baseline: 100,
        delta: 0.05,
        interval: [0.01, 0.09],
        verdict: exitCode === 0 ? 'unchanged' : 'regressed',
        threshold: 0.05,
        confidence: 0.95,
      },
      at(20),
    ),
    runEndEvent(at(30), { [exitCode === 0 ? 'unchanged' : 'regressed']: 1 }, exitCode),
  ]
}

const logText = (events: readonly VerifyEvent[]) => events.map((e) => `${serializeEvent(e)}\n`).join('')

describe('perfgate merge: [VERIFY] logs', () => {
  it('makes the runs of two shard logs ONE run: one run-start, events in time order, summed counts', async () => {
    const t0 = Date.parse('2025-01-02T03:04:05.000Z')
    await project.write('shard-1/perfgate.jsonl', logText(shardRun('run-a', 'sort', t0, 0)))
    await project.write('shard-2/perfgate.jsonl', logText(shardRun('run-b', 'parse', t0 + 5, 1)))
    const result = await project.run([
      'merge',
      'shard-1/perfgate.jsonl',
      'shard-2/perfgate.jsonl',
      '--out',
      'logs/perfgate.jsonl',
    ])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout.replace(/run [0-9a-z]{9}-[0-9a-f]{8}/, 'run <id>')).toMatchInlineSnapshot(`
      "Merged 2 logs (2 runs, 6 events) into run <id>: wrote logs/perfgate.jsonl
      "
    `)

    const lines = (await project.read('logs/perfgate.jsonl')).trimEnd().split('\n')
    const events = lines.map((line) => {
      const checked = checkEventLine(line)
      if (!checked.ok) throw new Error(checked.problems)
      return checked.event
    })
    expect(new Set(events.map((e) => e.runId)).size).toBe(1)
    expect(events.map((e) => `${e.type} ${e.name ?? ''}`.trim())).toEqual([
      'run-start',
      'bench sort',
      'bench parse',
      'regression sort',
      'regression parse',
      'run-end',
    ])
    expect(events[0]!.ts).toBe('2025-01-02T03:04:05.000Z')
    const [run] = runsFromEvents(events)
    expect(run!.benches.map((b) => b.name)).toEqual(['sort', 'parse'])
    expect(run!.exitCode).toBe(1)
    expect(run!.counts).toMatchObject({ unchanged: 1, regressed: 1 })
  })

  it('appends the merged run to an existing log that is not an input', async () => {
    const t0 = Date.parse('2025-01-02T03:04:05.000Z')
    await project.write('logs/perfgate.jsonl', logText(shardRun('older', 'sort', t0 - 86_400_000, 0)))
    await project.write('a.jsonl', logText(shardRun('run-a', 'sort', t0, 0)))
    await project.write('b.jsonl', logText(shardRun('run-b', 'parse', t0, 0)))
    const result = await project.run(['merge', 'a.jsonl', 'b.jsonl', '--out', 'logs/perfgate.jsonl'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('appended to logs/perfgate.jsonl')
    const lines = (await project.read('logs/perfgate.jsonl')).trimEnd().split('\n')
    const runs = runsFromEvents(lines.map((line) => JSON.parse(line) as VerifyEvent))
    expect(runs.map((r) => r.benches.length)).toEqual([1, 2])
  })

  it('counts a shard that never finished as failed, with a warning', async () => {
    const t0 = Date.parse('2025-01-02T03:04:05.000Z')
    await project.write('a.jsonl', logText(shardRun('run-a', 'sort', t0, 0)))
    await project.write('b.jsonl', logText(shardRun('run-b', 'parse', t0, 0).slice(0, -1)))
    const result = await project.run(['merge', 'a.jsonl', 'b.jsonl', '--out', 'merged.jsonl'])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: warning: Run run-b in b.jsonl has no run-end event (its process died before the end); its verdicts are counted from its events, and the merged run ends with exit code 1.
      "
    `)
    const last = JSON.parse((await project.read('merged.jsonl')).trimEnd().split('\n').at(-1)!)
    expect(last).toMatchObject({ type: 'run-end', exitCode: 1 })
    expect(last.counts.unchanged).toBe(2)
  })

  it('needs --out for logs, refuses mixing logs with candidates and unknown kinds (exit 2)', async () => {
    const noOut = await project.run(['merge', 'a.jsonl', 'b.jsonl'])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Merging [VERIFY] logs needs --out <file>. Name the log to write, e.g. --out logs/perfgate.jsonl (an existing log that is not an input gets the merged run appended)."`,
    )
    const mixed = await project.run(['merge', 'a.json', 'b.jsonl'])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Cannot merge candidate files and [VERIFY] logs together ("a.json" is a candidate, "b.jsonl" a log). Merge the candidates in one call and the logs in another."`,
    )
    const unknown = await project.run(['merge', 'a.txt'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Cannot tell what "a.txt" is. perfgate merge takes candidate files (.json) or [VERIFY] logs (.jsonl)."`,
    )
    const none = await project.run(['merge'])
    expect(none.code).toBe(2)
    expect(none.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: "perfgate merge" needs <files...>. Write it as: perfgate merge <files...>."`,
    )
  })

  it('refuses an empty log', async () => {
    await project.write('a.jsonl', '')
    const result = await project.run(['merge', 'a.jsonl', '--out', 'merged.jsonl'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: The [VERIFY] log a.jsonl has no events. Run the perf suite (pnpm test:perf) with "perfgate/reporter" among its reporters, which appends to it, or give perfgate merge the logs the shards' reporters wrote.
      "
    `)
  })
})

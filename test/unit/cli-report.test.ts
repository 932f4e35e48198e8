import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventsFromRecord, runEndEvent, runStartEvent, serializeEvent } from '../../src/log/verify-event.js'
import { benchResult, uniformTimes } from '../fixtures/bench-results.js'
import { ciRunner } from '../fixtures/environments.js'
import { type CliProject, cliProject, fileText, syntheticFile } from '../helpers/cli-project.js'

let project: CliProject

beforeEach(async () => {
  project = await cliProject()
})
afterEach(async () => {
  await project.remove()
})

/** Two runs of one bench in the log, a day apart. */
async function writeLog(): Promise<void> {
  const lines: string[] = []
  for (const [i, runId] of ['run-1', 'run-2'].entries()) {
    const at = (ms: number) => ({ runId, ts: new Date(Date.UTC(2025, 0, 2 + i) + ms).toISOString() })
    const result = benchResult({ name: 'sort', perCallNs: uniformTimes(1000 + 100 * i, 0.05, 20, i + 1) })
    lines.push(
      serializeEvent(runStartEvent(at(0), ciRunner())),
      ...eventsFromRecord({ kind: 'bench', result }, at(10)).map(serializeEvent),
      serializeEvent(runEndEvent(at(20), {}, 0)),
    )
  }
  await project.write('logs/perfgate.jsonl', `${lines.join('\n')}\n`)
}

describe('perfgate report', () => {
  it('writes report.html (every run) and report.md (the last run), and prints their paths', async () => {
    await writeLog()
    await project.write(
      '.perfgate/candidates/default.json',
      fileText(syntheticFile('default', { sort: { centerNs: 1100 } })),
    )
    await project.write(
      '.perfgate/baselines/default.json',
      fileText(syntheticFile('default', { sort: { centerNs: 1000 } })),
    )
    const result = await project.run(['report'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatchInlineSnapshot(`
      "Read 2 runs from logs/perfgate.jsonl
      Wrote .perfgate/report/report.html
      Wrote .perfgate/report/report.md
      "
    `)
    const html = await project.read('.perfgate/report/report.html')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('sort')
    const markdown = await project.read('.perfgate/report/report.md')
    expect(markdown).toContain('sort')
  })

  it('appends the Markdown to the job summary when GITHUB_STEP_SUMMARY is set', async () => {
    await writeLog()
    await project.write('summary.md', '# earlier step\n')
    const summary = `${project.dir}/summary.md`
    const result = await project.run(['report', '--out', 'site'], { GITHUB_STEP_SUMMARY: summary })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Appended the Markdown report to the job summary ${summary}`)
    const markdown = await project.read('site/report.md')
    expect(await project.read('summary.md')).toBe(`# earlier step\n\n${markdown}`)
  })

  it('says where the log should be when there is none, and what to do about an empty one', async () => {
    const missing = await project.run(['report'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatchInlineSnapshot(`
      "perfgate: Could not read the [VERIFY] log logs/perfgate.jsonl: the file does not exist. perfgate writes it during a run, at "output.log" in the "perfgate" section of package.json (default "logs/perfgate.jsonl"); check the path.
      "
    `)
    await project.write('empty.jsonl', '\n')
    const empty = await project.run(['report', '--log', 'empty.jsonl'])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatchInlineSnapshot(`
      "perfgate: The [VERIFY] log empty.jsonl has no events. Run the perf suite (pnpm test:perf) with "perfgate/reporter" among its reporters, which appends to it, or pass another log with --log <file>.
      "
    `)
  })

  it('skips a torn last line with a warning', async () => {
    await writeLog()
    await project.write('logs/perfgate.jsonl', `${await project.read('logs/perfgate.jsonl')}{"v":1,"ts":"20`)
    const result = await project.run(['report'])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: warning: logs/perfgate.jsonl:7: the last line is cut short (no line break at its end): a crash while it was written; skipped.
      "
    `)
  })
})

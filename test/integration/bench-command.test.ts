import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { evaluateBenchBudget } from '../../src/budget/evaluate-bench-budget.js'
import { parseBenchBudget } from '../../src/budget/parse-bench-budget.js'
import { benchCommand } from '../../src/command/bench-command.js'
import { chooseLauncher } from '../../src/command/rusage-launcher.js'
import { isPerfgateError, type PerfgateError } from '../../src/errors.js'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'
import { ciRunner } from '../fixtures/environments.js'

// Real processes on a possibly loaded 2-core machine: assertions are about properties that hold
// whatever the load (a 60 ms sleep takes at least 60 ms; a 100 MiB buffer is resident), never
// about how fast anything is.
const node = process.execPath
const launcher = chooseLauncher()
const MiB = 1024 * 1024

afterEach(() => {
  setResultSink(undefined)
})

/** Whether a process runs: it exists and, on Linux, is not a zombie (a container's init may never reap it). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …", the state after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

async function failure(promise: Promise<unknown>): Promise<PerfgateError> {
  try {
    await promise
  } catch (error) {
    if (isPerfgateError(error)) return error
    throw error
  }
  throw new Error('expected the promise to reject')
}

describe('benchCommand()', () => {
  it('records one sample per timed run, not the warm-up runs, and a sleeper takes at least its sleep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-command-'))
    const counter = join(dir, 'runs.txt')
    const records: PerfRecord[] = []
    setResultSink((record) => records.push(record))
    const script = `require('fs').appendFileSync(${JSON.stringify(counter)}, 'x'); setTimeout(() => {}, 60)`
    const result = await benchCommand([node, '-e', script], { runs: 4, warmup: 2, name: 'sleeper' })

    // Every run happened (6 appends), but only the 4 timed ones are samples.
    expect(readFileSync(counter, 'utf8')).toBe('xxxxxx')
    expect(result.name).toBe('sleeper')
    expect(result.batchSize).toBe(1)
    expect(result.batchTimesNs).toHaveLength(4)
    expect(result.runs.map((r) => r.wallNs)).toEqual(result.batchTimesNs)
    expect(result.warmupRuns).toBe(2)
    expect(result.stats.samples).toBe(4)
    expect(result.stats.granularity).toBe('call')
    expect(result.command).toMatchObject({ argv: [node, '-e', script], shell: false })
    // A process that sleeps 60 ms cannot exit sooner, however loaded the machine.
    expect(result.stats.minNs).toBeGreaterThanOrEqual(60e6)
    expect(result.stats.medianNs).toBeGreaterThanOrEqual(60e6)
    expect(result.timing.wallNs).toBeGreaterThanOrEqual(6 * 60e6)
    // Recorded through the result sink like bench(), as a bench record.
    expect(records).toEqual([{ kind: 'bench', result }])
  })

  it('is budgeted like any bench: a 60 ms sleeper fails a 10 ms median budget with the interval above it', async () => {
    // 8 runs: the fewest whose 95% interval for the median is bounded (6 would do; 5 cannot).
    const result = await benchCommand([node, '-e', 'setTimeout(() => {}, 60)'], { runs: 8, warmup: 0 })
    const verdict = evaluateBenchBudget(result, parseBenchBudget({ median: '10ms' }, 'test'))
    expect(verdict.status).toBe('fail')
    expect(verdict.metrics[0]!.interval![0]).toBeGreaterThanOrEqual(60e6)
  })

  it.skipIf(!launcher.ok)(
    'measures peak RSS: a process that fills a 100 MiB buffer peaks above 100 MiB',
    async () => {
      const result = await benchCommand([node, '-e', `Buffer.alloc(${100 * MiB}, 1)`], { runs: 2, warmup: 0 })
      expect(result.measurement.method).toBe('wait4')
      for (const run of result.runs) expect(run.peakRssBytes).toBeGreaterThan(100 * MiB)
      expect(result.maxPeakRssBytes).toBeGreaterThan(100 * MiB)
      // A process that allocates nothing stays well below that: the figure is the command's own.
      const small = await benchCommand([node, '-e', ''], { runs: 2, warmup: 0 })
      expect(small.maxPeakRssBytes).toBeLessThan(100 * MiB)
    },
  )

  it.skipIf(!launcher.ok)(
    'measures CPU time: a process that burns 200 ms of its own CPU time reports at least that',
    async () => {
      // The child spins until its own CPU clock says 200 ms, so the kernel's figure cannot be lower.
      const burn =
        'const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 200e3) {}'
      const result = await benchCommand([node, '-e', burn], { runs: 2, warmup: 0 })
      for (const run of result.runs) {
        expect(run.cpuNs).toBeGreaterThanOrEqual(200e6)
        expect(run.cpuNs).toBe(run.userNs! + run.systemNs!)
      }
      expect(result.medianCpuNs).toBeGreaterThanOrEqual(200e6)
    },
  )

  it('says CPU time and peak RSS are unavailable instead of guessing when it cannot read them', async () => {
    const off = await benchCommand([node, '-e', ''], { runs: 2, warmup: 0, resources: false })
    expect(off.measurement).toEqual({ method: 'node', unavailable: 'resources: false was given' })
    expect(off.runs.every((r) => r.cpuNs === null && r.peakRssBytes === null)).toBe(true)
    expect([off.medianCpuNs, off.maxPeakRssBytes]).toEqual([null, null])

    const noPython = await benchCommand([node, '-e', ''], {
      runs: 2,
      warmup: 0,
      env: { PERFGATE_PYTHON: '/nonexistent/python3' },
    })
    expect(noPython.measurement).toEqual({
      method: 'node',
      unavailable: 'PERFGATE_PYTHON=/nonexistent/python3 is not an executable file',
    })
    expect(noPython.maxPeakRssBytes).toBeNull()
  })

  it('runs a string through /bin/sh, with cwd and env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-command-'))
    const result = await benchCommand('test "$(pwd)" = "$EXPECTED_DIR" && test "$GREETING" = hello', {
      runs: 2,
      warmup: 0,
      cwd: dir,
      env: { GREETING: 'hello', EXPECTED_DIR: dir },
    })
    expect(result.command.shell).toBe(true)
    expect(result.command.argv.slice(0, 2)).toEqual(['/bin/sh', '-c'])
    expect(result.command.cwd).toBe(dir)
  })

  it('fails on a non-zero exit with the name, the run, the exit code and the end of stderr, keeping a cause', async () => {
    const error = await failure(
      benchCommand([node, '-e', "console.error('cannot read config.json'); process.exit(3)"], {
        name: 'cli start',
        runs: 2,
        warmup: 0,
        cwd: '/tmp',
      }),
    )
    expect(error.code).toBe('COMMAND_FAILED')
    expect(error.message.replace(node, '<node>')).toMatchInlineSnapshot(`
      "perfgate: Command "cli start" failed in run 1 of 2: exit code 3.
      Its last stderr:
        cannot read config.json
      A timed command must succeed: run it yourself in the same folder (cd /tmp && <node> -e console.error('cannot read config.json'); process.exit(3)) and fix it, or time a command that exits with 0."
    `)
    expect(error.cause).toMatchObject({ exitCode: 3, signal: null, stderr: 'cannot read config.json' })
  })

  it('fails on a command that cannot start', async () => {
    const error = await failure(benchCommand(['perfgate-no-such-program'], { runs: 2, warmup: 0 }))
    expect(error.code).toBe('COMMAND_FAILED')
    expect(error.message).toContain('failed in run 1 of 2: it could not start')
  })

  it('kills a run that outlives its timeout together with the processes it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-command-'))
    const pidFile = join(dir, 'pid')
    const startedMs = Date.now()
    const error = await failure(
      benchCommand(`sleep 30 & echo $! > ${pidFile}; wait`, { runs: 2, warmup: 0, timeout: '500ms' }),
    )
    // Killing only the shell would leave sleep holding stderr open, and the run would end with it
    // 30 s later; 20 s is far from both on any machine.
    expect(Date.now() - startedMs).toBeLessThan(20_000)
    expect(error.code).toBe('COMMAND_TIMEOUT')
    expect(error.message).toContain('did not finish within its 500 ms timeout in run 1 of 2')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    // SIGKILL is delivered at once, but the grandchild may need a moment to die.
    let alive = true
    for (let i = 0; i < 50 && alive; i++) {
      alive = isRunning(pid)
      if (alive) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(alive).toBe(false)
  })

  it('refuses options it cannot honour, naming the fix', async () => {
    const runs = await failure(benchCommand('true', { runs: 1 }))
    expect(runs.message).toMatchInlineSnapshot(
      `"perfgate: benchCommand("true") has an invalid option: runs must be a whole number of at least 2, received 1. Use e.g. runs: 10."`,
    )
    const empty = await failure(benchCommand('  '))
    expect(empty.code).toBe('COMMAND_OPTIONS_INVALID')
    const warmup = await failure(benchCommand(['true'], { warmup: -1 }))
    expect(warmup.message).toContain('warmup must be a whole number of runs')
  })

  it('stores the environment it is given', async () => {
    const environment = ciRunner()
    const result = await benchCommand([node, '-e', ''], { runs: 2, warmup: 0, environment })
    expect(result.env).toBe(environment)
  })
})

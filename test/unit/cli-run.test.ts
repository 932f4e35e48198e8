import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CliProject, cliProject } from '../helpers/cli-project.js'

let project: CliProject

beforeEach(async () => {
  project = await cliProject()
})
afterEach(async () => {
  await project.remove()
})

describe('perfgate: help, version and usage errors', () => {
  it('prints the command list with --help and -h (exit 0)', async () => {
    const result = await project.run(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatchInlineSnapshot(`
      "perfgate: performance budgets as tests, baselines and regression checks.

      Usage: perfgate <command> [options]

      Commands:
        check            Measure every size, web and HTTP budget in package.json and check it; exit 1 when one fails
        compare          Compare two baseline or candidate files bench by bench; exit 1 when one regressed
        baseline accept  Make the last run's results (its candidate file) the baseline
        baseline show    A baseline's benches (median, interval, p95, batches, budget) and environment
        baseline list    Every baseline in <output.dir>/baselines with its date, bench count, Node.js and CPU
        report           Write the HTML report (every run in the log) and the Markdown report (the last run)
        merge            Combine the outputs of a sharded run (candidate files or [VERIFY] logs) into one run
        env              The environment a measurement here would record, and what in it spoils timings

      Options:
        -h, --help     Show help (also "perfgate <command> --help" and "perfgate help <command>")
            --version  Print perfgate's version

      Paths on the command line are relative to the current folder; paths in the config (output.dir,
      output.log) to the folder of the package.json holding the "perfgate" section.

      Exit codes: 0 success, 1 a regression (compare), a merge conflict or a failed operation, 2 a usage
      error. Every error says what is wrong, where, and how to fix it.
      "
    `)
    expect((await project.run(['-h'])).stdout).toBe(result.stdout)
  })

  it("prints each command's help with --help, -h and perfgate help <command>", async () => {
    const result = await project.run(['merge', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatchInlineSnapshot(`
      "Combine the outputs of a sharded run (candidate files or [VERIFY] logs) into one run

      Usage: perfgate merge <files...> [options]

      Options:
            --out <file>  Where to write (default for candidates: <output.dir>/candidates/<name>.json; required for logs)
        -h, --help        Show this help

      Candidate files (.json), as a run sharded with vitest --shard writes them
      (<output.dir>/candidates/<name>.shard-<i>-of-<n>.json), become one candidate: the union of their
      benches, the first file's environment, the latest recording time. A bench in two files is an error
      (exit 1) naming both. Accept the result with perfgate baseline accept.

      [VERIFY] logs (.jsonl) become one log holding ONE run: a fresh run id, one run-start (the first
      log's environment), every other event in time order, one run-end with the verdict counts summed and
      the largest exit code. --out is required; an existing --out that is not one of the inputs gets the
      run appended (logs are append-only), otherwise it is written atomically.

      The two kinds cannot be mixed in one call.

      Examples:
        perfgate merge .perfgate/candidates/default.shard-1-of-2.json .perfgate/candidates/default.shard-2-of-2.json
        perfgate merge shard-1/perfgate.jsonl shard-2/perfgate.jsonl --out logs/perfgate.jsonl

      Exit codes: 0 merged, 1 a bench in two files or an unreadable file, 2 usage error.
      "
    `)
    expect((await project.run(['help', 'merge'])).stdout).toBe(result.stdout)
    expect((await project.run(['baseline', 'accept', '-h'])).stdout).toContain(
      'Usage: perfgate baseline accept [options]',
    )
    for (const command of [
      ['compare'],
      ['baseline'],
      ['baseline', 'show'],
      ['baseline', 'list'],
      ['report'],
      ['env'],
    ]) {
      const help = await project.run([...command, '--help'])
      expect(help.code, command.join(' ')).toBe(0)
      expect(help.stdout, command.join(' ')).toContain(`Usage: perfgate ${command.join(' ')}`)
    }
  })

  it('prints the version', async () => {
    const result = await project.run(['--version'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/)
  })

  it('is a usage error (exit 2) without a command, with an unknown one, or an unknown option', async () => {
    const none = await project.run([])
    expect(none.code).toBe(2)
    expect(none.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: "perfgate" needs a command. Run "perfgate --help" for what each one does."`,
    )
    const typo = await project.run(['raport'])
    expect(typo.code).toBe(2)
    expect(typo.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Unknown command "raport" for "perfgate". Did you mean "report"?"`,
    )
    const unknownTop = await project.run(['--verbose'])
    expect(unknownTop.code).toBe(2)
    expect(unknownTop.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Unknown option "--verbose" for "perfgate". "perfgate" itself takes only --help and --version; a command's options go after its name, e.g. perfgate compare main head.json --json."`,
    )
    const option = await project.run(['compare', 'a', 'b', '--treshold', '5%'])
    expect(option.code).toBe(2)
    expect(option.stderr).toMatchInlineSnapshot(`
      "perfgate: Unknown option "--treshold" for "perfgate compare". Did you mean "--threshold"?

      Usage: perfgate compare <base> <head> [options]

      Options:
            --json                        Print the comparison as JSON instead of a table
            --markdown                    Print the comparison as Markdown instead of a table
            --out <file>                  Write the comparison JSON here (default: <output.dir>/comparison.json)
            --threshold <percent>         Smallest slowdown that counts as a regression (default: regression.threshold, 5%)
            --confidence <level>          Confidence of the intervals, above 0.5 and below 1 (default: regression.confidence, 0.95)
            --fail-on-environment-change  Give verdicts even when the files come from different machines or Node.js majors
        -h, --help                        Show this help
      "
    `)
    const value = await project.run(['report', '--log'])
    expect(value.code).toBe(2)
    expect(value.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Option "--log" needs a value. Write it as --log <file> (a value that starts with "-" as --log=<value>)."`,
    )
    const flagValue = await project.run(['env', '--json=yes'])
    expect(flagValue.code).toBe(2)
    expect(flagValue.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Option "--json" takes no value. Write just --json."`,
    )
    const extra = await project.run(['env', 'now'])
    expect(extra.code).toBe(2)
    expect(extra.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"perfgate: Unexpected argument "now" for "perfgate env". This command takes no arguments, only options."`,
    )
  })

  it('reports an invalid config with its key (exit 1)', async () => {
    await project.write('package.json', JSON.stringify({ perfgate: { output: { dri: 'x' } } }))
    const result = await project.run(['baseline', 'list'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: Invalid "perfgate" config in package.json:
      ✖ Unknown key "dri". Did you mean "dir"?
        → at output
      Fix it in the "perfgate" section of package.json.
      "
    `)
  })

  it('rejects an invalid baseline name', async () => {
    const result = await project.run(['baseline', 'show', '../etc'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatchInlineSnapshot(`
      "perfgate: Invalid baseline name "../etc": it has a "." or ".." path segment, which could place the file outside the baselines folder. A baseline name is any text of up to 80 characters without control characters or "." and ".." path segments, such as "main" or "ci/linux-x64".
      "
    `)
  })
})

describe('perfgate env', () => {
  it('prints the environment and its warnings, exit 0 even with warnings', async () => {
    const result = await project.run(['env'], { NODE_OPTIONS: '--inspect' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^perfgate {3}\S+\nCaptured/)
    expect(result.stdout).toContain('NODE_OPTIONS=--inspect')
    expect(result.stdout).toContain('⚠ The inspector is active (--inspect)')
  })

  it('prints it as JSON with --json', async () => {
    const result = await project.run(['env', '--json'], { GITHUB_ACTIONS: 'true' })
    expect(result.code).toBe(0)
    const env = JSON.parse(result.stdout)
    expect(env.runtime.version).toBe(process.versions.node)
    expect(env.ci).toEqual({ name: 'GitHub Actions' })
    expect(Array.isArray(env.warnings)).toBe(true)
  })
})

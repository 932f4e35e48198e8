import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type CaptureEnvironmentOptions, captureEnvironment } from '../../src/env/capture-environment.js'
import { detectCi } from '../../src/env/detect-ci.js'
import { coverageSource, defaultInspectorUrl } from '../../src/env/detect-instrumentation.js'
import { findPerfgateVersion, UNKNOWN_VERSION } from '../../src/env/perfgate-version.js'
import { parseCpuMax, readCgroupQuota } from '../../src/env/read-cgroup-quota.js'
import { parseGitStatus, type RunGit } from '../../src/env/read-git.js'

const repoRoot = join(import.meta.dirname, '../..')

/** A readFile over an in-memory tree: unknown paths do not exist. */
function files(tree: Record<string, string>) {
  return (path: string): string | undefined => tree[path]
}

/** Options that keep a capture away from the real machine's files, git and variables. */
function isolated(overrides: CaptureEnvironmentOptions = {}): CaptureEnvironmentOptions {
  return {
    env: {},
    execArgv: [],
    readFile: files({}),
    runGit: () => undefined,
    inspectorUrl: () => undefined,
    globals: {},
    ...overrides,
  }
}

describe('captureEnvironment in this process', () => {
  const env = captureEnvironment()

  it('reports this runtime and machine', () => {
    expect(env.runtime.name).toBe('node')
    expect(env.runtime.version).toBe(process.versions.node)
    expect(env.runtime.v8).toBe(process.versions.v8)
    expect(env.runtime.execArgv).toEqual(process.execArgv)
    expect(env.os.platform).toBe(process.platform)
    expect(env.os.arch).toBe(process.arch)
    expect(env.cpu.count).toBeGreaterThanOrEqual(1)
    expect(env.cpu.model.length).toBeGreaterThan(0)
    expect(env.memory.totalBytes).toBeGreaterThan(env.memory.freeBytes)
    expect(env.load.avg1).toBeGreaterThanOrEqual(0)
    expect(env.timer.costNs).toBeGreaterThan(0)
    expect(env.timer.resolutionNs).toBeGreaterThan(0)
    expect(Date.parse(env.capturedAt)).not.toBeNaN()
  })

  it('reads its version from perfgate package.json', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    expect(env.perfgateVersion).toBe(manifest.version)
  })

  it('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(env))).toEqual(env)
  })

  it('describes the git work tree it runs in, and null outside one', () => {
    const inRepo = captureEnvironment({ cwd: repoRoot })
    expect(inRepo.git?.commit).toMatch(/^[0-9a-f]{40}$/)
    const outside = mkdtempSync(join(tmpdir(), 'perfgate-env-'))
    try {
      expect(captureEnvironment({ cwd: outside }).git).toBeNull()
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })

  it('asks the real inspector without throwing', () => {
    // undefined in a plain run; a ws:// URL when the suite itself runs under a debugger.
    expect(defaultInspectorUrl() ?? 'ws://none').toMatch(/^ws:\/\//)
  })

  it('relies on a Vitest worker state that still reports coverage as `enabled`', () => {
    // Vitest's v8 coverage sets no variable; its worker config is the only signal (see coverageSource).
    const worker = (globalThis as { __vitest_worker__?: { config?: { coverage?: { enabled?: unknown } } } })
      .__vitest_worker__
    expect(typeof worker?.config?.coverage?.enabled).toBe('boolean')
  })
})

describe('captureEnvironment with fakes', () => {
  it('takes time, flags and NODE_OPTIONS from its options', () => {
    const env = captureEnvironment(
      isolated({
        now: () => new Date('2025-01-02T03:04:05.000Z'),
        execArgv: ['--expose-gc'],
        env: { NODE_OPTIONS: '--max-old-space-size=4096' },
      }),
    )
    expect(env.capturedAt).toBe('2025-01-02T03:04:05.000Z')
    expect(env.runtime.execArgv).toEqual(['--expose-gc'])
    expect(env.runtime.nodeOptions).toBe('--max-old-space-size=4096')
    expect(env.perfgateVersion).toBe(UNKNOWN_VERSION)
    expect(env.git).toBeNull()
    expect(env.ci).toBeNull()
  })

  it('reads the cpufreq governor of cpu0', () => {
    const readFile = files({ '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor': 'powersave\n' })
    const env = captureEnvironment(isolated({ readFile }))
    expect(env.cpu.governor).toBe('powersave')
    expect(env.warnings.map((w) => w.code)).toContain('cpu-governor')
  })

  it('never throws, whatever its probes do', () => {
    const boom = () => {
      throw new Error('probe failed')
    }
    const hostile = new Proxy({}, { get: boom, has: boom, ownKeys: boom })
    const env = captureEnvironment({
      readFile: boom,
      runGit: boom,
      now: boom,
      inspectorUrl: boom,
      env: hostile,
      globals: hostile,
      cwd: '/definitely/not/here',
    })
    expect(env.runtime.version).toBe(process.versions.node)
    expect(env.cpu.governor).toBeNull()
    expect(env.cpu.quotaCores).toBeNull()
    expect(env.git).toBeNull()
    expect(env.ci).toBeNull()
    expect(env.perfgateVersion).toBe(UNKNOWN_VERSION)
    expect(Date.parse(env.capturedAt)).not.toBeNaN()
    expect(() => captureEnvironment({ now: () => new Date(Number.NaN) })).not.toThrow()
  })

  it('runs git once per working directory', () => {
    const calls: string[] = []
    const runGit: RunGit = (_args, cwd) => {
      calls.push(cwd)
      return '# branch.oid 0123456789abcdef0123456789abcdef01234567\n# branch.head main\n'
    }
    captureEnvironment(isolated({ runGit, cwd: '/a' }))
    captureEnvironment(isolated({ runGit, cwd: '/a' }))
    captureEnvironment(isolated({ runGit, cwd: '/b' }))
    expect(calls).toEqual(['/a', '/b'])
  })
})

describe('git', () => {
  const oid = '9c3664e7a4ea547a40e9b61d24de97517c3f3ee4'

  it('parses commit, branch and dirtiness from one status call', () => {
    expect(
      parseGitStatus(`# branch.oid ${oid}\n# branch.head main\n# branch.upstream origin/main\n`),
    ).toEqual({
      commit: oid,
      branch: 'main',
      dirty: false,
    })
    expect(
      parseGitStatus(
        `# branch.oid ${oid}\n# branch.head main\n1 .M N... 100644 100644 100644 a b src/x.ts\n`,
      ),
    ).toEqual({ commit: oid, branch: 'main', dirty: true })
    expect(parseGitStatus(`# branch.oid ${oid}\n# branch.head (detached)\n? new-file.ts\n`)).toEqual({
      commit: oid,
      branch: null,
      dirty: true,
    })
  })

  it('is null in a repository without commits', () => {
    expect(parseGitStatus('# branch.oid (initial)\n# branch.head main\n')).toBeNull()
  })

  it('is null when git fails, is missing or throws', () => {
    expect(captureEnvironment(isolated({ runGit: () => undefined, cwd: '/fail' })).git).toBeNull()
    const throwing: RunGit = () => {
      throw new Error('spawn git ENOENT')
    }
    expect(captureEnvironment(isolated({ runGit: throwing, cwd: '/fail' })).git).toBeNull()
  })

  it('takes the branch from CI variables on a detached HEAD', () => {
    const runGit: RunGit = () => `# branch.oid ${oid}\n# branch.head (detached)\n`
    const env = captureEnvironment(
      isolated({ runGit, cwd: '/ci', env: { GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: 'feature/x' } }),
    )
    expect(env.git).toEqual({ commit: oid, branch: 'feature/x', dirty: false })
  })
})

describe('cgroup CPU quota', () => {
  const capture = (tree: Record<string, string>) =>
    captureEnvironment(isolated({ readFile: files(tree) })).cpu.quotaCores

  it('reads cgroup v2 cpu.max', () => {
    expect(capture({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' })).toBe(1.5)
    expect(capture({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })).toBeNull()
    expect(capture({ '/sys/fs/cgroup/cpu.max': '50000 100000' })).toBe(0.5)
  })

  it('reads cgroup v1 cfs quota and period', () => {
    const v1 = (quota: string) => ({
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`,
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    })
    expect(capture(v1('200000'))).toBe(2)
    expect(capture(v1('-1'))).toBeNull()
    expect(
      capture({
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '25000',
        '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000',
      }),
    ).toBe(0.25)
  })

  it('prefers v2 over v1 when both are mounted', () => {
    expect(
      capture({
        '/sys/fs/cgroup/cpu.max': 'max 100000',
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000',
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      }),
    ).toBeNull()
  })

  it('applies the smallest quota from the process cgroup up to the root', () => {
    const readFile = files({
      '/proc/self/cgroup': '0::/system.slice/ci.service\n',
      '/sys/fs/cgroup/system.slice/ci.service/cpu.max': 'max 100000',
      '/sys/fs/cgroup/system.slice/cpu.max': '300000 100000',
      '/sys/fs/cgroup/cpu.max': '400000 100000',
    })
    expect(readCgroupQuota(readFile)).toBe(3)
    const v1 = files({
      '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n0::/\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '150000',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000',
    })
    expect(readCgroupQuota(v1)).toBe(1.5)
  })

  it('ignores malformed files and cgroups outside the namespace', () => {
    expect(parseCpuMax('garbage')).toBeUndefined()
    expect(parseCpuMax('0 100000')).toBeUndefined()
    const escaped = files({ '/proc/self/cgroup': '0::/../../x\n', '/sys/fs/cgroup/cpu.max': '100000 100000' })
    expect(readCgroupQuota(escaped)).toBe(1)
    expect(readCgroupQuota(files({}))).toBeNull()
  })
})

describe('CI detection', () => {
  it.each([
    [{ GITHUB_ACTIONS: 'true', CI: 'true' }, 'GitHub Actions'],
    [{ GITLAB_CI: 'true', CI: 'true' }, 'GitLab CI'],
    [{ CIRCLECI: 'true', CI: 'true' }, 'CircleCI'],
    [{ BUILDKITE: 'true', CI: 'true' }, 'Buildkite'],
    [{ JENKINS_URL: 'https://jenkins.example/' }, 'Jenkins'],
    [{ TF_BUILD: 'True' }, 'Azure Pipelines'],
    [{ TRAVIS: 'true', CI: 'true' }, 'Travis CI'],
    [{ BITBUCKET_BUILD_NUMBER: '42', CI: 'true' }, 'Bitbucket Pipelines'],
    [{ DRONE: 'true', CI: 'true' }, 'Drone'],
    [{ CI: 'woodpecker', DRONE: 'true' }, 'Woodpecker'],
    [{ CI: 'true' }, 'CI'],
    [{ CI: '1' }, 'CI'],
  ])('%o → %s', (env, name) => {
    expect(detectCi(env)).toEqual({ name })
    expect(captureEnvironment(isolated({ env })).ci).toEqual({ name })
  })

  it.each([{}, { CI: 'false' }, { CI: '0' }, { CI: '' }, { GITHUB_ACTIONS: 'false' }])(
    '%o → not CI',
    (env) => {
      expect(detectCi(env)).toBeNull()
    },
  )
})

describe('perfgate version', () => {
  it('walks up from the module to the package named perfgate', () => {
    const tree = files({
      '/proj/package.json': JSON.stringify({ name: 'my-app', version: '1.0.0' }),
      '/proj/node_modules/perfgate/package.json': JSON.stringify({ name: 'perfgate', version: '2.3.4' }),
    })
    expect(findPerfgateVersion('/proj/node_modules/perfgate/dist', tree)).toBe('2.3.4')
    // Source layout: two levels below the root, with an unrelated manifest in between.
    const source = files({
      '/repo/src/env/package.json': '{"type":"module"}',
      '/repo/package.json': JSON.stringify({ name: 'perfgate', version: '0.1.0' }),
    })
    expect(findPerfgateVersion('/repo/src/env', source)).toBe('0.1.0')
  })

  it('falls back when no manifest names perfgate or one is not JSON', () => {
    expect(findPerfgateVersion('/x/dist', files({ '/x/package.json': '{ not json' }))).toBe(UNKNOWN_VERSION)
    expect(findPerfgateVersion('/', files({}))).toBe(UNKNOWN_VERSION)
  })
})

describe('coverage detection', () => {
  it('recognises each tool by the signal it really leaves', () => {
    expect(coverageSource({ NODE_V8_COVERAGE: '/tmp/cov' }, {})).toBe('NODE_V8_COVERAGE')
    expect(coverageSource({}, { __coverage__: {} })).toBe('istanbul')
    expect(coverageSource({}, { __VITEST_COVERAGE__: {} })).toBe('vitest')
    expect(coverageSource({}, { __vitest_worker__: { config: { coverage: { enabled: true } } } })).toBe(
      'vitest',
    )
    expect(coverageSource({}, { __vitest_worker__: { config: { coverage: { enabled: false } } } })).toBeNull()
    expect(coverageSource({ NODE_V8_COVERAGE: '' }, {})).toBeNull()
  })

  it('turns into a warning in the captured environment', () => {
    const env = captureEnvironment(isolated({ globals: { __coverage__: {} } }))
    expect(env.warnings.map((w) => w.code)).toContain('coverage')
    expect(captureEnvironment(isolated()).warnings.map((w) => w.code)).not.toContain('coverage')
  })
})

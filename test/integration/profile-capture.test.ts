import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { registerVitestSourceMaps } from '../../matchers/vitest/vitest-source-maps.js'
import { bench } from '../../src/measure/bench.js'
import { captureCpuProfile } from '../../src/profile/capture-cpu-profile.js'
import { isCpuProfile } from '../../src/profile/cpu-profile.js'
import { profileBench } from '../../src/profile/profile-bench.js'
import { profileForFailure } from '../../src/profile/profile-targets.js'
import { setSourceMapLookup } from '../../src/profile/source-map.js'
import { type PerfRecord, setResultSink } from '../../src/results/result-sink.js'
import { workload } from '../fixtures/profiles/hot-work.js'

// Real CPU profiles taken in this Vitest worker, of test/fixtures/profiles/hot-work.ts, which
// Vitest transformed from TypeScript: the hot loop must be found by name and by its line in the
// .ts file. Shares, not times, are asserted: burnCpu has ~99% of the busy time on any machine,
// loaded or not, so "over half" holds with a wide margin.

const HOT_SOURCE = readFileSync(new URL('../fixtures/profiles/hot-work.ts', import.meta.url), 'utf8').split(
  '\n',
)
/** 1-based line of the first line containing `text`. */
const lineOf = (text: string) => HOT_SOURCE.findIndex((l) => l.includes(text)) + 1
const BURN_START = lineOf('export function burnCpu')
const BURN_END = lineOf('return x')
const LOOP_START = lineOf('for (let i = 0')

const dir = mkdtempSync(join(tmpdir(), 'perfgate-profiles-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const work = { fn: workload, isAsync: false, batchSize: 8, hooks: {}, perCallNs: 200e3 }

describe('captureCpuProfile', () => {
  it('profiles in the worker thread and returns a CPU profile with a sample timeline', async () => {
    const captured = await captureCpuProfile(work, { durationNs: 100e6 })
    expect(captured.ok).toBe(true)
    if (!captured.ok) return
    expect(isCpuProfile(captured.profile)).toBe(true)
    expect(captured.profile.samples?.length).toBeGreaterThan(50)
    expect(captured.calls % 8).toBe(0)
    expect(captured.profiledNs).toBeGreaterThanOrEqual(100e6)
  })

  it('runs setup and teardown around every batch, as bench() does', async () => {
    const events: string[] = []
    const captured = await captureCpuProfile(
      {
        ...work,
        hooks: { setup: () => events.push('setup'), teardown: () => events.push('teardown') },
      },
      { durationNs: 20e6 },
    )
    expect(captured.ok).toBe(true)
    expect(events.length).toBeGreaterThanOrEqual(4)
    expect(events.every((e, i) => e === (i % 2 === 0 ? 'setup' : 'teardown'))).toBe(true)
  })

  it('profiles an async function, awaiting every call', async () => {
    let calls = 0
    const captured = await captureCpuProfile(
      {
        fn: async () => {
          calls++
          return workload()
        },
        isAsync: true,
        batchSize: 2,
        hooks: {},
        perCallNs: 200e3,
      },
      { durationNs: 30e6 },
    )
    expect(captured.ok && captured.calls).toBe(calls)
  })
})

describe('profileBench in a Vitest worker, with Vitest source maps', () => {
  it('names the hot function by its TypeScript file and a line inside the loop, and saves a .cpuprofile', async () => {
    const previous = setSourceMapLookup(undefined)
    registerVitestSourceMaps()
    try {
      const profile = await profileBench('hot work', work, 'budget', { dir, durationNs: 200e6 })
      expect(profile.status).toBe('profiled')
      if (profile.status !== 'profiled') return
      const [top] = profile.hotspots
      expect(top?.functionName).toBe('burnCpu')
      expect(top?.selfShare).toBeGreaterThan(0.5)
      expect(top?.mapped).toBe(true)
      expect(top?.definedAt?.file).toMatch(/test\/fixtures\/profiles\/hot-work\.ts$/)
      expect(top?.definedAt?.line).toBe(BURN_START)
      expect(top?.hottestLine?.line).toBeGreaterThanOrEqual(LOOP_START)
      expect(top?.hottestLine?.line).toBeLessThanOrEqual(BURN_END)
      // perfgate's loop is not a hotspot.
      expect(profile.hotspots.map((h) => h.functionName)).not.toContain('runBatch')
      // The saved file opens as a profile whose hot frame points at the .ts source.
      expect(profile.file).not.toBeNull()
      expect(existsSync(profile.file!)).toBe(true)
      const saved: unknown = JSON.parse(readFileSync(profile.file!, 'utf8'))
      expect(isCpuProfile(saved)).toBe(true)
      const burn = (
        saved as { nodes: { callFrame: { functionName: string; url: string; lineNumber: number } }[] }
      ).nodes.find((n) => n.callFrame.functionName === 'burnCpu')
      expect(burn?.callFrame.url).toMatch(/^file:\/\/.*hot-work\.ts$/)
      expect(burn?.callFrame.lineNumber).toBe(BURN_START - 1)
    } finally {
      setSourceMapLookup(previous)
    }
  })

  it('without the Vitest lookup, says the position is unmapped rather than inventing one', async () => {
    const previous = setSourceMapLookup(undefined)
    try {
      const profile = await profileBench('hot work', work, 'budget', { dir, durationNs: 50e6 })
      if (profile.status !== 'profiled') throw new Error(`not profiled: ${JSON.stringify(profile)}`)
      const [top] = profile.hotspots
      expect(top?.functionName).toBe('burnCpu')
      expect(top?.mapped).toBe(false)
    } finally {
      setSourceMapLookup(previous)
    }
  })

  it('reports a function that throws while profiled instead of failing', async () => {
    let calls = 0
    const profile = await profileBench(
      'throws later',
      {
        fn: () => {
          if (++calls > 3) throw new Error('third time unlucky')
        },
        isAsync: false,
        batchSize: 1,
        hooks: {},
        perCallNs: 1e3,
      },
      'budget',
      { dir, durationNs: 50e6 },
    )
    expect(profile).toEqual({
      status: 'unavailable',
      name: 'throws later',
      reason: 'budget',
      why: 'the function threw while profiled (third time unlucky)',
    })
  })
})

describe('profileForFailure', () => {
  it('profiles the function bench() measured for a result, once, and records the profile', async () => {
    const records: PerfRecord[] = []
    const previous = setResultSink((record) => records.push(record))
    const previousDir = process.env.PERFGATE_PROFILE_DIR
    process.env.PERFGATE_PROFILE_DIR = dir
    try {
      const result = await bench('hot work', workload, { time: '100ms' })
      const first = await profileForFailure(result, undefined, { durationNs: 50e6 })
      const second = await profileForFailure(result, undefined)
      expect(first?.status).toBe('profiled')
      expect(second).toBe(first)
      expect(records.map((r) => r.kind)).toEqual(['bench', 'profile'])
      expect(await profileForFailure(result, 'off')).toBeUndefined()
    } finally {
      setResultSink(previous)
      if (previousDir === undefined) delete process.env.PERFGATE_PROFILE_DIR
      else process.env.PERFGATE_PROFILE_DIR = previousDir
    }
  })

  it('says why when the result is not one bench() made in this process', async () => {
    const result = await bench('hot work', workload, { time: '50ms', profile: 'off' })
    const copy = JSON.parse(JSON.stringify(result)) as typeof result
    expect(await profileForFailure(copy, undefined)).toEqual({
      status: 'unavailable',
      name: 'hot work',
      reason: 'budget',
      why: 'the result did not come from bench() in this process, so its function is not at hand to profile',
    })
    // The bench's own `profile: 'off'` holds for its result.
    expect(await profileForFailure(result, undefined)).toBeUndefined()
  })
})

describe('a function about as cheap as a call', () => {
  it("is not profiled on failure, and says why, unless 'always' is asked for", async () => {
    let n = 0
    const result = await bench('tiny', () => n++, { time: '50ms' })
    expect(result.stats.medianNs).toBeLessThan(50)
    const skipped = await profileForFailure(result, undefined)
    expect(skipped).toMatchObject({ status: 'unavailable', name: 'tiny', reason: 'budget' })
    expect(skipped?.status === 'unavailable' && skipped.why).toMatch(
      /^at [\d.]+ ns per call the function costs about as much as the loop that calls it, so a profile would mostly show that loop; pass \{ profile: 'always' \} to profile it anyway$/,
    )
    const again = await bench('tiny', () => n++, { time: '50ms' })
    const previousDir = process.env.PERFGATE_PROFILE_DIR
    process.env.PERFGATE_PROFILE_DIR = dir
    try {
      expect((await profileForFailure(again, 'always'))?.status).toBe('profiled')
    } finally {
      if (previousDir === undefined) delete process.env.PERFGATE_PROFILE_DIR
      else process.env.PERFGATE_PROFILE_DIR = previousDir
    }
  })
})

describe("bench()'s profile option", () => {
  it('rejects a value that is not a mode, naming the bench', async () => {
    await expect(
      bench('typo', () => 1, { time: '20ms', profile: 'sometimes' as never }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: Bench "typo" has an invalid option: profile is "sometimes", but it takes "on-failure" (the default), "always" or "off". Write { profile: 'off' } to never profile this bench, or leave it out.]`,
    )
  })
})

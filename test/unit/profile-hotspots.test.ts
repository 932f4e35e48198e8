import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CpuProfile } from '../../src/profile/cpu-profile.js'
import { isCpuProfile } from '../../src/profile/cpu-profile.js'
import {
  displayPath,
  type MappedPosition,
  originOf,
  type PositionMapper,
  profileHotspots,
  selfTimesNs,
} from '../../src/profile/hotspots.js'
import { ownCodeRoot, ownFrameTest } from '../../src/profile/own-frames.js'

// test/fixtures/profiles/small.cpuprofile: a hand-written profile of 120 samples, 100 µs apart
// (each charged 100 µs), so every self time is a whole number of samples:
//   burn 55 + 10 (two call paths) · sqrt 8 (native, under burn) · parse 6 (native, under work)
//   work 4 · sortBy 3 (lodash) · runBatch 3 (perfgate's loop) · helper 2 · readFileSync 2 (node:fs)
//   (program) 4 · (garbage collector) 3 · (idle) 20
// Busy time is everything but idle: 100 samples = 10 ms.
function smallProfile(): CpuProfile {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL('../fixtures/profiles/small.cpuprofile', import.meta.url), 'utf8'),
  )
  if (!isCpuProfile(parsed)) throw new Error('fixture is not a CPU profile')
  return parsed
}

const isRunBatch = (frame: { functionName: string; url: string }) =>
  frame.url === '' && frame.functionName === 'runBatch'

describe('profileHotspots', () => {
  it('ranks functions by self time, summing the call paths of one function', () => {
    const result = profileHotspots(smallProfile(), { root: '/project', isOwnFrame: isRunBatch })
    expect(result.busyNs).toBe(10e6)
    expect(result.samples).toBe(120)
    expect(result.hotspots.map((h) => [h.functionName, h.origin, h.selfNs, h.selfShare])).toEqual([
      ['burn', 'user', 6.5e6, 0.65],
      ['sqrt', 'native', 0.8e6, 0.08],
      ['parse', 'native', 0.6e6, 0.06],
      ['work', 'user', 0.4e6, 0.04],
      ['sortBy', 'dependency', 0.3e6, 0.03],
      ['helper', 'user', 0.2e6, 0.02],
      ['readFileSync', 'node', 0.2e6, 0.02],
    ])
  })

  it("reports garbage collection, V8's own time and perfgate's loop as shares, not as functions", () => {
    const result = profileHotspots(smallProfile(), { root: '/project', isOwnFrame: isRunBatch })
    expect(result.gcShare).toBeCloseTo(0.03, 12)
    expect(result.programShare).toBeCloseTo(0.04, 12)
    expect(result.harnessShare).toBeCloseTo(0.03, 12)
    expect(result.idleShare).toBeCloseTo(20 / 120, 12)
    const names = result.hotspots.map((h) => h.functionName)
    for (const pseudo of ['(root)', '(program)', '(idle)', '(garbage collector)', 'runBatch']) {
      expect(names).not.toContain(pseudo)
    }
    // Without the predicate, perfgate's loop is just another function.
    const plain = profileHotspots(smallProfile(), { root: '/project' })
    expect(plain.harnessShare).toBe(0)
    expect(plain.hotspots.map((h) => h.functionName)).toContain('runBatch')
  })

  it('gives 1-based positions, the hottest line from the line ticks, and paths relative to the root', () => {
    const [burn] = profileHotspots(smallProfile(), { root: '/project' }).hotspots
    expect(burn).toMatchObject({
      functionName: 'burn',
      definedAt: { file: 'src/hot.ts', line: 4, column: 14 },
      // Line 7 has 50 + 10 ticks over the two nodes, line 6 has 5.
      hottestLine: { file: 'src/hot.ts', line: 7, column: 1 },
      mapped: false,
      calledFrom: null,
    })
  })

  it('names native and Node.js frames with the user function that called them', () => {
    const byName = new Map(
      profileHotspots(smallProfile(), { root: '/project' }).hotspots.map((h) => [h.functionName, h]),
    )
    expect(byName.get('sqrt')).toMatchObject({
      definedAt: null,
      hottestLine: null,
      calledFrom: { functionName: 'burn', at: { file: 'src/hot.ts', line: 4, column: 14 } },
    })
    expect(byName.get('parse')?.calledFrom).toEqual({
      functionName: 'work',
      at: { file: 'src/work.ts', line: 13, column: 20 },
    })
    expect(byName.get('readFileSync')).toMatchObject({
      definedAt: { file: 'node:fs', line: 441, column: 22 },
      calledFrom: { functionName: 'helper', at: { file: 'src/work.ts', line: 2, column: 16 } },
    })
    // A dependency's frame is shown where it is; only natives and Node's internals need a caller.
    expect(byName.get('sortBy')).toMatchObject({
      definedAt: { file: 'node_modules/lodash/lodash.js', line: 4201, column: 10 },
      calledFrom: null,
    })
  })

  it('maps positions through the source maps, merging generated lines that come from one original line', () => {
    const calls: string[] = []
    // hot.ts: the function starts on generated line 3 (0-based), written on original line 5;
    // generated lines 5 and 6 (1-based ticks 6 and 7) both come from original line 8.
    const mapper: PositionMapper = {
      position(url, line, column) {
        calls.push(`position ${url} ${line}:${column}`)
        return url.endsWith('/hot.ts') && line === 3 ? at('/project/src/hot.ts', 5, 16) : null
      },
      line(url, line) {
        calls.push(`line ${url} ${line}`)
        return url.endsWith('/hot.ts') && (line === 5 || line === 6)
          ? at('/project/src/hot.ts', 8, null)
          : null
      },
    }
    const [burn] = profileHotspots(smallProfile(), { root: '/project', mapper }).hotspots
    expect(burn).toMatchObject({
      definedAt: { file: 'src/hot.ts', line: 6, column: 17 },
      hottestLine: { file: 'src/hot.ts', line: 9, column: 1 },
      mapped: true,
    })
    // Native frames (no URL) have no position to map, so the mapper is never asked about one.
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.filter((c) => c.startsWith('position  ') || c.startsWith('line  '))).toEqual([])
  })

  it('leaves out line ticks a map cannot place in a mapped function, rather than mixing generated lines in', () => {
    const mapper: PositionMapper = {
      position: (url, line, column) =>
        url.endsWith('/hot.ts') && line === 3 && column === 13 ? at('/project/src/hot.ts', 5, 16) : null,
      line: () => null,
    }
    const [burn] = profileHotspots(smallProfile(), { root: '/project', mapper }).hotspots
    expect(burn?.definedAt).toEqual({ file: 'src/hot.ts', line: 6, column: 17 })
    expect(burn?.hottestLine).toBeNull()
  })

  it('splits the span by hit counts when the profile has no sample timeline', () => {
    const { samples: _s, timeDeltas: _t, ...withoutTimeline } = smallProfile()
    const result = profileHotspots(withoutTimeline, { root: '/project' })
    // The same shares: 65 of the 100 busy hits.
    expect(result.hotspots[0]?.selfShare).toBeCloseTo(0.65, 12)
    expect(result.samples).toBe(120)
    // 12.1 ms of span over 120 hits.
    expect(result.hotspots[0]?.selfNs).toBeCloseTo((65 * 12.1e6) / 120, 3)
  })

  it('keeps at most `limit` functions', () => {
    expect(profileHotspots(smallProfile(), { limit: 2 }).hotspots).toHaveLength(2)
  })

  it('gives an empty list and zero shares for a profile that is all idle', () => {
    const idle: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('(idle)'), hitCount: 3 },
      ],
      startTime: 0,
      endTime: 300,
      samples: [2, 2, 2],
      timeDeltas: [0, 100, 100],
    }
    expect(profileHotspots(idle)).toEqual({
      hotspots: [],
      busyNs: 0,
      samples: 3,
      gcShare: 0,
      harnessShare: 0,
      programShare: 0,
      idleShare: 1,
    })
  })
})

describe('selfTimesNs', () => {
  it('charges each sample the time until the next one, and the last one the time until the end', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('a') },
        { id: 2, callFrame: frame('b') },
      ],
      startTime: 1000,
      endTime: 1600,
      samples: [1, 2, 1],
      // Samples at 1100, 1300 and 1350 µs.
      timeDeltas: [100, 200, 50],
    }
    expect(selfTimesNs(profile)).toEqual(
      new Map([
        [1, (200 + 250) * 1e3],
        [2, 50 * 1e3],
      ]),
    )
  })

  it('never charges negative time when the clock steps back', () => {
    const profile: CpuProfile = {
      nodes: [{ id: 1, callFrame: frame('a') }],
      startTime: 0,
      endTime: 100,
      samples: [1, 1],
      timeDeltas: [50, -10],
    }
    expect(selfTimesNs(profile).get(1)).toBe(60e3)
  })
})

describe('originOf and displayPath', () => {
  it.each([
    ['', 'native'],
    ['node:internal/fs/utils', 'node'],
    ['file:///app/node_modules/lodash/lodash.js', 'dependency'],
    ['file:///app/src/sort.ts', 'user'],
  ] as const)('%j is %s code', (url, origin) => {
    expect(originOf(url)).toBe(origin)
  })

  it('shows files inside the root relative to it, and others absolute', () => {
    expect(displayPath('file:///app/src/sort.ts', '/app')).toBe('src/sort.ts')
    expect(displayPath('/app/src/sort.ts', '/app')).toBe('src/sort.ts')
    expect(displayPath('file:///elsewhere/x.ts', '/app')).toBe('/elsewhere/x.ts')
    expect(displayPath('file:///app-other/x.ts', '/app')).toBe('/app-other/x.ts')
    expect(displayPath('node:fs', '/app')).toBe('node:fs')
  })
})

describe('own frames', () => {
  it("recognise perfgate's folder from source (src/) and from the bundle (dist/)", () => {
    expect(ownCodeRoot('file:///repo/src/profile/own-frames.ts')).toBe('file:///repo/src/')
    expect(ownCodeRoot('file:///app/node_modules/perfgate/dist/chunk-X.js')).toBe(
      'file:///app/node_modules/perfgate/dist/',
    )
    const own = ownFrameTest('file:///app/node_modules/perfgate/dist/')
    expect(own(frame('runHookedBatch', 'file:///app/node_modules/perfgate/dist/chunk-X.js'))).toBe(true)
    expect(own(frame('runBatch', ''))).toBe(true)
    expect(own(frame('runAsyncBatch', ''))).toBe(true)
    expect(own(frame('sqrt', ''))).toBe(false)
    expect(own(frame('burn', 'file:///app/src/hot.ts'))).toBe(false)
  })
})

function at(source: string, line: number, column: number | null): MappedPosition {
  return { source, line, column }
}

function frame(functionName: string, url = '') {
  return { functionName, scriptId: '0', url, lineNumber: -1, columnNumber: -1 }
}

describe("perfgate's share", () => {
  it('counts natives and Node.js internals that perfgate called as its own, and those the user called as theirs', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5] },
        { id: 2, callFrame: frame('runBatch'), children: [3, 4] },
        // The loop's clock read: perfgate's.
        { id: 3, callFrame: frame('now', 'node:internal/perf/performance'), hitCount: 2 },
        { id: 4, callFrame: frame('user', 'file:///app/src/user.ts'), hitCount: 5, children: [6] },
        // The inspector call that stops the profiler, under perfgate's code in its dist folder.
        { id: 5, callFrame: frame('post', 'file:///app/node_modules/perfgate/dist/x.js'), children: [7] },
        { id: 6, callFrame: frame('parse'), hitCount: 3 },
        { id: 7, callFrame: frame('post', 'node:inspector'), children: [8] },
        { id: 8, callFrame: frame('dispatch'), hitCount: 10 },
      ],
      startTime: 0,
      endTime: 2000,
    }
    const own = ownFrameTest('file:///app/node_modules/perfgate/dist/')
    const result = profileHotspots(profile, { root: '/app', isOwnFrame: own })
    expect(result.hotspots.map((h) => [h.functionName, h.selfShare])).toEqual([
      ['user', 0.25],
      ['parse', 0.15],
    ])
    expect(result.harnessShare).toBeCloseTo(0.6, 12)
  })
})

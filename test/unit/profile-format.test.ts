import { describe, expect, it } from 'vitest'
import { formatProfileSection } from '../../src/profile/format-hotspots.js'
import { profileHotspots } from '../../src/profile/hotspots.js'
import { profileFileName } from '../../src/profile/profile-bench.js'
import { profiledBench, smallCpuProfile } from '../fixtures/profile-results.js'

describe('formatProfileSection', () => {
  it('lists the hottest functions with share, self time and file:line, then where the profile is', () => {
    expect(formatProfileSection(profiledBench(), { root: '/project' }).join('\n')).toMatchInlineSnapshot(`
      "Hottest functions by self time (profiled after measuring: 312 ms, 4,096 calls, 120 samples):
         65%  6.50 ms  burn    src/hot.ts:9
        8.0%   800 µs  sqrt    (native), called from burn src/hot.ts:6
        6.0%   600 µs  parse   (native), called from work src/work.ts:15
        4.0%   400 µs  work    src/work.ts:15
        3.0%   300 µs  sortBy  lodash/lodash.js:4201
        Also: garbage collection 3.0%, V8 outside JavaScript (program) 4.0%, perfgate's calling loop 3.0% of the busy time.
      CPU profile: logs/profiles/sort-10k-2025-01-02T03-04-05-000Z.cpuprofile (open it in Chrome DevTools: Performance → Load profile)"
    `)
  })

  it('says why there is no profile', () => {
    expect(
      formatProfileSection({
        status: 'unavailable',
        name: 'sort 10k',
        reason: 'budget',
        why: 'this runtime has no node:inspector (no such module)',
      }),
    ).toEqual([
      'Hottest functions: not profiled, because this runtime has no node:inspector (no such module).',
    ])
  })

  it('marks a position in transformed code that no source map covered', () => {
    // The same profile read without source maps: V8's lines of the transformed code.
    const { hotspots } = profileHotspots(smallCpuProfile(), { root: '/project' })
    const unmapped = profiledBench({
      hotspots: hotspots.slice(0, 1),
      gcShare: 0,
      programShare: 0,
      harnessShare: 0,
    })
    expect(formatProfileSection(unmapped, { root: '/project' })[1]).toBe(
      '  65%  6.50 ms  burn  src/hot.ts:7 (line of the transformed code: no source map found)',
    )
  })

  it('notes an idle thread, a file that could not be written, and an empty profile', () => {
    const lines = formatProfileSection(
      profiledBench({
        hotspots: [],
        idleShare: 0.9,
        file: null,
        fileError: 'could not write /ro/x.cpuprofile: EROFS: read-only file system',
        gcShare: 0,
        programShare: 0,
        harnessShare: 0,
      }),
    )
    expect(lines.slice(1)).toEqual([
      '  No JavaScript function took measurable time in the profile.',
      '  The thread was idle 90% of the time (waiting for I/O or timers): self time counts only the rest.',
      'CPU profile not saved: could not write /ro/x.cpuprofile: EROFS: read-only file system.',
    ])
  })
})

describe('profileFileName', () => {
  it('makes a safe file name from any bench name, with the time', () => {
    const at = new Date('2025-01-02T03:04:05.678Z')
    expect(profileFileName('sort 10k', at)).toBe('sort-10k-2025-01-02T03-04-05-678Z.cpuprofile')
    expect(profileFileName('../../etc/passwd', at)).toBe('etc-passwd-2025-01-02T03-04-05-678Z.cpuprofile')
    expect(profileFileName('parse "ü" — fast?', at)).toBe('parse-u-fast-2025-01-02T03-04-05-678Z.cpuprofile')
    expect(profileFileName('???', at)).toBe('bench-2025-01-02T03-04-05-678Z.cpuprofile')
  })
})

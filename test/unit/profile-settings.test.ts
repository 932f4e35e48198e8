import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { benchDefaultsFrom } from '../../matchers/vitest/bench-defaults.js'
import { loadConfigSync } from '../../src/config/load-config.js'
import { setBenchDefaults } from '../../src/measure/bench-defaults.js'
import { explicitFlag, flagIsOn, parseFlagDefaults } from '../../src/profile/inlining.js'
import { profileDir, requestedProfiles, resolveProfileMode } from '../../src/profile/profile-settings.js'

afterEach(() => {
  setBenchDefaults(undefined)
})

describe('resolveProfileMode', () => {
  it("takes the inline option, then PERFGATE_PROFILE, then the config's bench.profile, then 'on-failure'", () => {
    expect(resolveProfileMode(undefined, {})).toBe('on-failure')
    setBenchDefaults({ profile: 'always' })
    expect(resolveProfileMode(undefined, {})).toBe('always')
    expect(resolveProfileMode(undefined, { PERFGATE_PROFILE: 'off' })).toBe('off')
    expect(resolveProfileMode('on-failure', { PERFGATE_PROFILE: 'off' })).toBe('on-failure')
    // An empty variable is unset.
    expect(resolveProfileMode(undefined, { PERFGATE_PROFILE: '' })).toBe('always')
  })

  it('rejects a PERFGATE_PROFILE that is not a mode, saying what it takes', () => {
    expect(() =>
      resolveProfileMode(undefined, { PERFGATE_PROFILE: 'yes' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[PerfgateError: perfgate: The environment variable PERFGATE_PROFILE is "yes", but it accepts "on-failure" (the default), "always" or "off". Set it to one of them (e.g. PERFGATE_PROFILE=off to never profile), or unset it to follow "profile" in the "bench" section of the perfgate config.]`,
    )
  })
})

describe('profileDir', () => {
  it('is PERFGATE_PROFILE_DIR, else the folder the host set (next to the log), else logs/profiles', () => {
    expect(profileDir({}, '/project')).toBe('/project/logs/profiles')
    setBenchDefaults({ profileDir: '/project/out/profiles' })
    expect(profileDir({}, '/project')).toBe('/project/out/profiles')
    expect(profileDir({ PERFGATE_PROFILE_DIR: 'tmp/p' }, '/project')).toBe('/project/tmp/p')
  })

  it("is the log's folder from package.json in a Vitest worker", () => {
    const root = join(import.meta.dirname, '../fixtures/vitest-projects/hotspots')
    const defaults = benchDefaultsFrom(loadConfigSync(root))
    expect(defaults.profileDir).toBe(join(root, 'logs/profiles'))
  })
})

describe('requestedProfiles', () => {
  it('reads the names the reporter asks for, and ignores a malformed value', () => {
    expect(requestedProfiles({ PERFGATE_PROFILE_BENCHES: '["a","b"]' })).toEqual(new Set(['a', 'b']))
    expect(requestedProfiles({ PERFGATE_PROFILE_BENCHES: 'a,b' })).toEqual(new Set())
    expect(requestedProfiles({})).toEqual(new Set())
  })
})

describe('V8 inlining flags', () => {
  const sample = [
    '  --turbo-inlining (enable inlining in TurboFan)',
    '        type: bool  default: --turbo-inlining',
    '  --maglev-inlining (enable inlining in the maglev optimizing compiler)',
    '        type: bool  default: --no-maglev-inlining',
    '  --max-inlined-bytecode-size (maximum size of bytecode for a single inlining)',
    '        type: int  default: --max-inlined-bytecode-size=460',
  ].join('\n')

  it('reads boolean defaults from --v8-options', () => {
    expect(parseFlagDefaults(sample)).toEqual(
      new Map([
        ['turbo-inlining', true],
        ['maglev-inlining', false],
      ]),
    )
  })

  it('lets the last mention on the command line win, in either spelling', () => {
    expect(explicitFlag('turbo-inlining', ['--no-turbo-inlining'])).toBe(false)
    expect(explicitFlag('turbo-inlining', ['--no-turbo_inlining', '--turbo-inlining'])).toBe(true)
    expect(explicitFlag('turbo-inlining', ['--inspect'])).toBeUndefined()
  })

  it("knows this Node's TurboFan inlining is on, and that it has no such flag as --no-such-flag", () => {
    expect(flagIsOn('turbo-inlining', [])).toBe(true)
    expect(flagIsOn('turbo-inlining', ['--no-turbo-inlining'])).toBe(false)
    expect(flagIsOn('no-such-flag', [])).toBe('absent')
  })
})

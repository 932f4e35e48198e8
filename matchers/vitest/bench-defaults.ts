import { resolve } from 'node:path'
import type { LoadedConfig } from '../../src/config/load-config.js'
import type { BenchDefaults } from '../../src/measure/bench-defaults.js'
import { profileDirForLog } from '../../src/profile/profile-settings.js'
import type { InconclusivePolicy } from '../../src/results/result-sink.js'

/** The "bench" section of package.json as defaults for every bench() and compare() in the worker. */
export function benchDefaultsFrom(loaded: LoadedConfig): BenchDefaults {
  const settings = loaded.config.bench
  return {
    ...(settings.time !== undefined && { time: settings.time.text }),
    ...(settings.confidence !== undefined && { confidence: settings.confidence }),
    ...(settings.noiseBand !== undefined && { noiseBand: settings.noiseBand.fraction }),
    ...(settings.profile !== undefined && { profile: settings.profile }),
    // Profiles go next to the [VERIFY] log: <folder of output.log>/profiles.
    profileDir: profileDirForLog(resolve(loaded.root, loaded.config.output.log)),
  }
}

/** The inconclusive policy: the inline option, else package.json `bench.inconclusive`, else 'fail'. */
export function inconclusivePolicy(
  inline: InconclusivePolicy | undefined,
  loaded: LoadedConfig,
): InconclusivePolicy {
  return inline ?? loaded.config.bench.inconclusive ?? 'fail'
}

import type { LoadedConfig } from '../../src/config/load-config.js'
import type { BenchOptions } from '../../src/measure/types.js'
import type { InconclusivePolicy } from '../../src/results/result-sink.js'

/** Inline options over the package.json "bench" settings: inline wins, as everywhere. */
export function withConfigDefaults(options: BenchOptions, loaded: LoadedConfig): BenchOptions {
  const settings = loaded.config.bench
  return {
    ...(settings.time !== undefined && { time: settings.time.text }),
    ...(settings.confidence !== undefined && { confidence: settings.confidence }),
    ...options,
  }
}

/** The inconclusive policy: the inline option, else package.json `bench.inconclusive`, else 'fail'. */
export function inconclusivePolicy(
  inline: InconclusivePolicy | undefined,
  loaded: LoadedConfig,
): InconclusivePolicy {
  return inline ?? loaded.config.bench.inconclusive ?? 'fail'
}

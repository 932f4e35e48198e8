/**
 * When perfgate profiles a bench with V8's CPU profiler, always after its timed batches:
 * - 'on-failure': when its budget fails (and, in the reporter, when a regression is confirmed);
 * - 'always': every bench, right after it is measured;
 * - 'off': never.
 */
export type ProfileMode = 'on-failure' | 'always' | 'off'

/** Every ProfileMode, in the order messages list them. */
export const PROFILE_MODES: readonly ProfileMode[] = ['on-failure', 'always', 'off']

/** Why a profile was taken: a failed budget, a confirmed regression, or `profile: 'always'`. */
export type ProfileReason = 'budget' | 'regression' | 'always'

/**
 * Where a frame's code comes from. Only 'user' and 'dependency' frames have a file a person
 * would open; 'native' frames (V8 builtins such as `JSON.parse`, no file) are named with the
 * user frame that called them; 'node' frames are Node.js internals (`node:fs`).
 */
export type FrameOrigin = 'user' | 'dependency' | 'node' | 'native'

/** A place in a source file: 1-based line and column, as editors count. */
export interface SourcePosition {
  /** Path relative to the folder it was shown from (the working directory) when inside it, else absolute or a URL. */
  file: string
  line: number
  column: number
}

/** One function in a profile, with the time spent in its own code (not in the functions it called). */
export interface Hotspot {
  /** The function's name; `(anonymous)` for one without. */
  functionName: string
  origin: FrameOrigin
  /** Where the function is defined; null for native frames. Source-mapped when `mapped`. */
  definedAt: SourcePosition | null
  /**
   * The line inside the function where most of its self time was spent (V8's per-line ticks),
   * source-mapped like `definedAt`; null when the profile has no line ticks for it.
   */
  hottestLine: SourcePosition | null
  /** True when the positions are the original source's (a source map was found and applied). */
  mapped: boolean
  /** Self time over the whole profile, in nanoseconds. */
  selfNs: number
  /** Self time as a share of the profile's busy time (every sample that was not idle). */
  selfShare: number
  /**
   * For a native or Node.js frame, the nearest user function that called it (most of the time),
   * so `JSON.parse` is shown with the code that called it; null otherwise.
   */
  calledFrom: { functionName: string; at: SourcePosition | null } | null
}

/** A bench's CPU profile in brief: what was profiled, the hottest functions, and where the file is. */
export type BenchProfile =
  | {
      status: 'profiled'
      /** The bench's name. */
      name: string
      reason: ProfileReason
      /** Wall time the profiler ran, in nanoseconds. */
      profiledNs: number
      /** Samples the profiler took, and the interval it was asked for. */
      samples: number
      samplingIntervalUs: number
      /** Calls of the function profiled (setup and teardown ran around each batch as when timed). */
      calls: number
      /** The top functions by self time, perfgate's own frames left out; at most MAX_HOTSPOTS. */
      hotspots: Hotspot[]
      /** Shares of the busy time spent collecting garbage, in perfgate's calling loop, and in V8 itself ("(program)"). */
      gcShare: number
      harnessShare: number
      programShare: number
      /**
       * Share of the profiled wall time the thread was idle (an async function waiting for I/O or
       * timers): self times cover only the rest.
       */
      idleShare: number
      /**
       * 'off' when V8's inlining was turned off for the profile, so each function's self time is
       * its own; 'on' when it could not be (coverage was being collected): a function's self time
       * then includes the functions V8 inlined into it.
       */
      inlining: 'off' | 'on'
      /** The saved .cpuprofile (absolute path), or null when it could not be written (see fileError). */
      file: string | null
      /** Why the file could not be written, or null. */
      fileError: string | null
    }
  | {
      status: 'unavailable'
      name: string
      reason: ProfileReason
      /** Why no profile could be taken, e.g. "this runtime has no node:inspector". */
      why: string
    }

/** The clock every measurement uses: monotonic, nanosecond-valued, as a plain number of ns. */
export type Clock = () => number

const hrtime = process.hrtime.bigint
const origin = hrtime()

/**
 * Nanoseconds since this module loaded. Subtracting the origin keeps values far below 2^53, so
 * the conversion from bigint to number is exact for ~104 days of process uptime.
 */
export const nowNs: Clock = () => Number(hrtime() - origin)

export interface TimerProfile {
  /** Smallest non-zero step between two successive readings. */
  resolutionNs: number
  /** Median cost of one reading: the floor under any single timed region. */
  costNs: number
}

let cached: TimerProfile | undefined

/**
 * Measure the timer itself. Cached per process: it is a property of the runtime and machine,
 * and re-measuring it would only add noise to every bench.
 */
export function timerProfile(clock: Clock = nowNs): TimerProfile {
  if (cached && clock === nowNs) return cached
  const reads = 2_000
  const steps: number[] = []
  let previous = clock()
  for (let i = 0; i < reads * 4 && steps.length < reads; i++) {
    const next = clock()
    if (next > previous) steps.push(next - previous)
    previous = next
  }
  // Cost: time for a tight run of reads divided by their count, median of several runs.
  const perRead: number[] = []
  for (let run = 0; run < 9; run++) {
    const start = clock()
    for (let i = 0; i < 200; i++) clock()
    perRead.push((clock() - start) / 201)
  }
  steps.sort((a, b) => a - b)
  perRead.sort((a, b) => a - b)
  const profile: TimerProfile = {
    resolutionNs: steps[0] ?? 1,
    costNs: perRead[Math.floor(perRead.length / 2)] ?? 0,
  }
  if (clock === nowNs) cached = profile
  return profile
}

import { Bench, type Task } from 'tinybench'

/** A tinybench estimate of one function, per call, in nanoseconds. */
export interface TinybenchEstimate {
  meanNs: number
  medianNs: number
  samples: number
}

function estimateOf(task: Task | undefined): TinybenchEstimate {
  const result = task?.result
  if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    throw new Error(`tinybench task "${task?.name}" did not complete (state ${result?.state})`)
  }
  // tinybench reports latency in milliseconds.
  return {
    meanNs: result.latency.mean * 1e6,
    medianNs: result.latency.p50 * 1e6,
    samples: result.latency.samplesCount,
  }
}

/** Two tasks in one Bench at tinybench's default settings (time 1 s and warm-up 250 ms per task). */
export async function tinybenchPair(
  a: () => unknown,
  b: () => unknown,
): Promise<{ a: TinybenchEstimate; b: TinybenchEstimate; wallNs: number }> {
  const start = process.hrtime.bigint()
  const suite = new Bench()
  suite.add('a', a).add('b', b)
  await suite.run()
  const wallNs = Number(process.hrtime.bigint() - start)
  return { a: estimateOf(suite.getTask('a')), b: estimateOf(suite.getTask('b')), wallNs }
}

/** One task at tinybench's default settings. */
export async function tinybenchOne(fn: () => unknown): Promise<TinybenchEstimate> {
  const suite = new Bench()
  suite.add('fn', fn)
  await suite.run()
  return estimateOf(suite.getTask('fn'))
}

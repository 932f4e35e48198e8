import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { compilePrivateLoop } from '../../src/measure/private-loop.js'

const batchRunnerUrl = new URL('../../src/measure/batch-runner.ts', import.meta.url).href

/**
 * Runs `script` (an ES module that prints one JSON line) in a fresh Node with natives syntax, so
 * that %FunctionGetScriptId can tell which compiled script each function's code comes from.
 */
function runWithNatives(script: string): unknown {
  const out = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' },
  )
  return JSON.parse(out.trim().split('\n').at(-1) ?? '')
}

describe('compilePrivateLoop', () => {
  it('compiles the body with the given parameters, each from a source text of its own', () => {
    const body = 'return function add(k) { return k + offset }'
    const first = compilePrivateLoop(['offset'], body) as (offset: number) => (k: number) => number
    const second = compilePrivateLoop(['offset'], body) as (offset: number) => (k: number) => number
    expect(first(1)(2)).toBe(3)
    expect(second(10)(2)).toBe(12)
    expect(first.toString()).not.toBe(second.toString())
  })

  it('gives every batch runner code of its own, where plain new Function shares it', () => {
    const script = `
      import { createBatchRunner } from '${batchRunnerUrl}'
      const body = 'return function runBatch(k) { let s = 0; for (let i = 0; i < k; i++) s += fn(); return s }'
      const plain = [1, 2, 3].map((n) => new Function('fn', body)(() => n))
      const runners = [1, 2, 3].map((n) => createBatchRunner(() => n, false))
      console.log(JSON.stringify([...plain, ...runners].map((f) => %FunctionGetScriptId(f))))
    `
    const scriptIds = runWithNatives(script) as number[]
    expect(scriptIds).toHaveLength(6)
    // The cache this guards against: from the second compile of the same text on, V8 reuses the
    // first compile's script, and with it the function's code and optimisation state.
    expect(scriptIds[1]).toBe(scriptIds[2])
    expect(new Set(scriptIds.slice(3)).size).toBe(3)
  })
})

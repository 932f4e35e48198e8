/**
 * The suite of bench/regression-accuracy.ts: 20 benches of different shapes (sorting, JSON,
 * strings, Map/Set, regular expressions, typed arrays, allocation) and costs (~0.4 µs to ~1 ms
 * per call on this project's machines), each with inputs drawn from a seeded generator, so every process measures the
 * same work.
 *
 * Every call repeats one unit of work BASE_REPS times. A regression is made by repeating it
 * more often: 22 repetitions instead of 20 is exactly 10% more of the same work, with the same
 * code, so the slowdown is real by construction and not a guess about what some edit costs.
 * Each repetition takes its input from a small rotation (`r & 3`) rather than one value, so V8
 * cannot hoist a pure computation out of the repetition loop. Each bench writes its own
 * repetition loop on purpose: a shared helper taking the unit as a callback would give all twenty
 * one call site, which V8 stops inlining once it has seen several functions (the reason bench()
 * compiles a private timing loop per bench), and every bench would pay for that call.
 */
import { createRandom } from '../src/stats/random.js'

/** Repetitions of the unit of work in one call of an unchanged bench. */
export const BASE_REPS = 20

/** Inputs in each bench's rotation; BASE_REPS is a multiple of it, so every input is used equally. */
const ROTATION = 4

export interface SuiteBench {
  /** The bench name, as a test would give it to bench(). */
  name: string
  /** Rough cost of one call on this project's machines, for the reader. */
  perCall: string
  /**
   * The function to measure: inputs built from `random`, the unit of work done `reps` times per
   * call. Returns a value that depends on all the work, so none of it can be dropped.
   */
  make(random: () => number, reps: number): () => unknown
}

const int = (random: () => number, below: number) => Math.floor(random() * below)
const word = (random: () => number, length: number) =>
  Array.from({ length }, () => String.fromCharCode(97 + int(random, 26))).join('')
const rotation = <T>(build: () => T): T[] => Array.from({ length: ROTATION }, build)

/** A small JSON-able record, the kind an API returns. */
function record(random: () => number, id: number) {
  return {
    id,
    name: word(random, 8),
    email: `${word(random, 6)}@${word(random, 5)}.com`,
    active: random() < 0.5,
    score: Math.round(random() * 1e4) / 100,
    tags: [word(random, 4), word(random, 5)],
  }
}

export const suite: readonly SuiteBench[] = [
  // Under ~3 µs per call: a unit of 20–130 ns.
  {
    name: 'parseInt 8 digits',
    perCall: '~0.7 µs',
    make(random, reps) {
      const inputs = rotation(() => String(10_000_000 + int(random, 89_999_999)))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += Number.parseInt(inputs[r & 3]!, 10)
        return acc
      }
    },
  },
  {
    name: 'regex test email',
    perCall: '~0.6 µs',
    make(random, reps) {
      const pattern = /^[a-z0-9._]+@[a-z0-9-]+\.[a-z]{2,4}$/
      const inputs = rotation(() => `${word(random, 10)}@${word(random, 7)}.com`)
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) if (pattern.test(inputs[r & 3]!)) acc++
        return acc
      }
    },
  },
  {
    name: 'small objects 4',
    perCall: '~0.4 µs',
    make(random, reps) {
      const inputs = rotation(() => random())
      // Objects escape into `kept`, so V8 cannot replace the allocations by scalars.
      const kept: unknown[] = new Array(8).fill(null)
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const x = inputs[r & 3]!
          const items = [
            { x, y: r },
            { x: r, y: x },
            { x: -x, y: 1 },
            { x: 1, y: -x },
          ]
          kept[r & 7] = items
          acc += items.length
        }
        return acc
      }
    },
  },
  {
    name: 'Math.sqrt loop 64',
    perCall: '~2.5 µs',
    make(random, reps) {
      const inputs = rotation(() => 1 + random())
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const base = inputs[r & 3]!
          for (let i = 0; i < 64; i++) acc += Math.sqrt(base + i)
        }
        return acc
      }
    },
  },
  // ~5–30 µs per call: a unit of ~0.3–1.5 µs.
  {
    name: 'JSON.parse record',
    perCall: '~9 µs',
    make(random, reps) {
      const inputs = rotation(() => JSON.stringify(record(random, int(random, 1e6))))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += (JSON.parse(inputs[r & 3]!) as { id: number }).id
        return acc
      }
    },
  },
  {
    name: 'JSON.stringify record',
    perCall: '~8 µs',
    make(random, reps) {
      const inputs = rotation(() => record(random, int(random, 1e6)))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += JSON.stringify(inputs[r & 3]).length
        return acc
      }
    },
  },
  {
    name: 'string concat 50',
    perCall: '~13 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 50 }, () => word(random, 1 + int(random, 6))))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const parts = inputs[r & 3]!
          let s = ''
          for (let i = 0; i < parts.length; i++) s += `${parts[i]},`
          // Reading a character flattens the rope, so the concatenation is really done.
          acc += s.charCodeAt(s.length >> 1)
        }
        return acc
      }
    },
  },
  {
    name: 'template and join 50',
    perCall: '~30 µs',
    make(random, reps) {
      const inputs = rotation(() =>
        Array.from({ length: 50 }, () => ({ key: word(random, 5), value: int(random, 1000) })),
      )
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const text = inputs[r & 3]!.map((e) => `${e.key}=${e.value}`).join('&')
          acc += text.length
        }
        return acc
      }
    },
  },
  {
    name: 'Set dedupe 64',
    perCall: '~20 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 64 }, () => int(random, 48)))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += new Set(inputs[r & 3]).size
        return acc
      }
    },
  },
  {
    name: 'Float64Array dot 512',
    perCall: '~8 µs',
    make(random, reps) {
      const inputs = rotation(() => Float64Array.from({ length: 512 }, () => random() - 0.5))
      const other = Float64Array.from({ length: 512 }, () => random() - 0.5)
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const a = inputs[r & 3]!
          for (let i = 0; i < a.length; i++) acc += a[i]! * other[i]!
        }
        return acc
      }
    },
  },
  {
    name: 'FNV-1a hash 256 chars',
    perCall: '~6 µs',
    make(random, reps) {
      const inputs = rotation(() => word(random, 256))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const s = inputs[r & 3]!
          let h = 0x811c9dc5
          for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
          acc ^= h
        }
        return acc
      }
    },
  },
  // ~60–350 µs per call: a unit of ~3–18 µs.
  {
    name: 'sort 200 numbers',
    perCall: '~350 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 200 }, () => random()))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const sorted = inputs[r & 3]!.slice().sort((a, b) => a - b)
          acc += sorted[100]!
        }
        return acc
      }
    },
  },
  {
    name: 'sort 100 strings',
    perCall: '~80 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 100 }, () => word(random, 3 + int(random, 8))))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += inputs[r & 3]!.slice().sort()[50]!.length
        return acc
      }
    },
  },
  {
    name: 'Map build and read 256',
    perCall: '~160 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 256 }, () => word(random, 6)))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const keys = inputs[r & 3]!
          const map = new Map<string, number>()
          for (let i = 0; i < keys.length; i++) map.set(keys[i]!, i)
          for (let i = 0; i < keys.length; i++) acc += map.get(keys[i]!)!
        }
        return acc
      }
    },
  },
  {
    name: 'regex replace 2 KB',
    perCall: '~65 µs',
    make(random, reps) {
      const inputs = rotation(() =>
        Array.from({ length: 300 }, () => (random() < 0.3 ? String(int(random, 1e5)) : word(random, 6))).join(
          ' ',
        ),
      )
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += inputs[r & 3]!.replace(/\d+/g, '#').length
        return acc
      }
    },
  },
  {
    name: 'map filter reduce 1k',
    perCall: '~100 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 1000 }, () => int(random, 1000)))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          acc += inputs[r & 3]!.map((x) => x * 3)
            .filter((x) => x % 2 === 0)
            .reduce((s, x) => s + x, 0)
        }
        return acc
      }
    },
  },
  {
    name: 'CSV split 200 fields',
    perCall: '~160 µs',
    make(random, reps) {
      const inputs = rotation(() => Array.from({ length: 200 }, () => int(random, 1e6)).join(','))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const fields = inputs[r & 3]!.split(',')
          for (let i = 0; i < fields.length; i++) acc += Number(fields[i])
        }
        return acc
      }
    },
  },
  // ~0.25–1 ms per call: a unit of ~12–50 µs.
  {
    name: 'matrix multiply 24×24',
    perCall: '~240 µs',
    make(random, reps) {
      const n = 24
      const inputs = rotation(() => Float64Array.from({ length: n * n }, () => random()))
      const other = Float64Array.from({ length: n * n }, () => random())
      const out = new Float64Array(n * n)
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const a = inputs[r & 3]!
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0
              for (let k = 0; k < n; k++) s += a[i * n + k]! * other[k * n + j]!
              out[i * n + j] = s
            }
          }
          acc += out[r % (n * n)]!
        }
        return acc
      }
    },
  },
  {
    name: 'JSON round trip 40 records',
    perCall: '~650 µs',
    make(random, reps) {
      const inputs = rotation(() => JSON.stringify(Array.from({ length: 40 }, (_, i) => record(random, i))))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) acc += JSON.stringify(JSON.parse(inputs[r & 3]!)).length
        return acc
      }
    },
  },
  {
    name: 'sieve of Eratosthenes 20k',
    perCall: '~1 ms',
    make(random, reps) {
      // Limits differ by a few units only, so every input costs the same.
      const inputs = rotation(() => 20_000 + int(random, 8))
      return () => {
        let acc = 0
        for (let r = 0; r < reps; r++) {
          const limit = inputs[r & 3]!
          const composite = new Uint8Array(limit + 1)
          let count = 0
          for (let i = 2; i <= limit; i++) {
            if (composite[i] === 0) {
              count++
              for (let j = i * i; j <= limit; j += i) composite[j] = 1
            }
          }
          acc += count
        }
        return acc
      }
    },
  },
]

/** Seed of bench `index` in a run seeded with `seed`: each bench its own stream, the same in every process. */
export function benchRandom(seed: number, index: number): () => number {
  return createRandom(seed * 1000 + index)
}

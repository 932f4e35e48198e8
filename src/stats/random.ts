/** Seed used where a deterministic stream is wanted and the caller gave none. */
export const DEFAULT_SEED = 0x5eed_f00d

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna 2018), 128 bits of state
 * filled from the seed by splitmix32. Returns uniform numbers in [0, 1) with 32 random bits.
 * Same seed, same stream, on every platform — which is what makes bootstraps and shuffles
 * reproducible across processes. Not for cryptography.
 *
 * @param seed any number; it is reduced to 32 bits (`seed >>> 0`), so 1 and 2³² + 1 give the same stream.
 */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) | 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  return xoshiro128ss(splitmix32(), splitmix32(), splitmix32(), splitmix32())
}

/**
 * The raw xoshiro128** generator from an explicit 128-bit state (four 32-bit words, not all zero),
 * returning uniform numbers in [0, 1). Prefer {@link createRandom}; this exists so the generator
 * can be checked against the published reference outputs.
 */
export function xoshiro128ss(s0: number, s1: number, s2: number, s3: number): () => number {
  let a = s0 | 0
  let b = s1 | 0
  let c = s2 | 0
  let d = s3 | 0
  // The all-zero state is a fixed point that would emit zeros forever.
  if ((a | b | c | d) === 0) a = 1
  return () => {
    const result = Math.imul(rotateLeft(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotateLeft(d, 11)
    return result / 4294967296
  }
}

function rotateLeft(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/**
 * A uniform whole number in [0, n), from one draw of `random`. The bias of scaling a 32-bit draw
 * is below n / 2³², negligible for the array sizes this library handles.
 */
export function randomIndex(random: () => number, n: number): number {
  return Math.floor(random() * n)
}

/** Shuffle `arr` in place, uniformly (Fisher–Yates), and return it. */
export function shuffleInPlace<T>(arr: T[], random: () => number): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = arr[i]!
    arr[i] = arr[j]!
    arr[j] = tmp
  }
  return arr
}

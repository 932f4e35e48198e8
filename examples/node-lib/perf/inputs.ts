/** Fixed pseudo-random inputs, so every run measures the same work. */
let seed = 42
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
  return seed / 2 ** 31
}

/** 2,000 numbers in [0, 1). */
export const numbers: readonly number[] = Array.from({ length: 2_000 }, () => random())

/** 50 "key=value" pairs joined by ";" (about 900 characters). */
export const pairs = Array.from({ length: 50 }, (_, i) => `key${i}=value${Math.floor(random() * 1e6)}`).join(
  ';',
)

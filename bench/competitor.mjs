/**
 * A noisy neighbour for the "under load" section: keeps the other core busy the way a CI job's
 * other steps do — allocation churn (GC work), streaming through 128 MB (evicts the shared L3),
 * and plain arithmetic. Ends by itself after argv[2] seconds, in case its parent dies.
 * Run as `node bench/competitor.mjs <seconds>`.
 */
const seconds = Number(process.argv[2] ?? 600)
const end = Date.now() + seconds * 1000
const big = new Float64Array(16 * 1024 * 1024)
let keep = []
let sum = 0
while (Date.now() < end) {
  for (let i = 0; i < big.length; i += 8) big[i] += 1
  for (let i = 0; i < 50_000; i++) keep.push({ i, s: String(i) })
  if (keep.length > 500_000) keep = []
  for (let i = 0; i < 1e6; i++) sum += Math.sqrt(i)
}
if (sum < 0) console.log(sum)

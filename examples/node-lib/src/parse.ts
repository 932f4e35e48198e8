/** Parse "key=value;key=value" pairs with split: the straightforward way. */
export function parsePairsSplit(input: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of input.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1))
  }
  return out
}

/** The same parse with a global regular expression: same result, similar cost. */
export function parsePairsRegex(input: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const match of input.matchAll(/([^;=]+)=([^;]*)/g)) out.set(match[1]!, match[2]!)
  return out
}

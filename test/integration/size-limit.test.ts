import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPerfgateError } from '../../src/errors.js'
import { loadSizeLimit } from '../../src/size/load-size-limit.js'
import { measureSize } from '../../src/size/measure-size.js'

/*
 * Real size-limit (12, with @size-limit/file and @size-limit/esbuild) on real files in a temp
 * folder. The byte counts are checked against node:zlib at the settings size-limit documents
 * (gzip level 9, brotli quality 11), on the same bytes.
 */

let root: string

/** Text that compresses, but not to nothing: a sentence per line with a counter. */
function text(lines: number, word: string): string {
  return Array.from(
    { length: lines },
    (_, i) => `export const ${word}${i} = "${word} number ${i * 7919}"\n`,
  ).join('')
}

const files: Record<string, string> = {
  'dist/index.js': text(200, 'alpha'),
  'dist/extra.js': text(50, 'beta'),
  'dist/index.js.map': '{"version":3}',
  'lib/shake.js':
    'export function small() { return 1 }\nexport function big() { return ' +
    JSON.stringify('z'.repeat(20) + text(40, 'gamma')) +
    ' }\n',
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'perfgate-size-'))
  await writeFile(join(root, 'package.json'), '{ "name": "size-fixture", "type": "module" }\n')
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), content)
  }
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

function zlibSizes(content: string) {
  const bytes = Buffer.from(content)
  return {
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

describe('measureSize with size-limit', () => {
  it('measures raw, gzip and brotli bytes that agree with node:zlib on the same file', async () => {
    const result = await measureSize({ path: 'dist/index.js' }, { root })
    expect(result).toMatchObject({
      files: ['dist/index.js'],
      import: null,
      ...zlibSizes(files['dist/index.js']!),
    })
    expect(result.tool).toEqual({ name: 'size-limit', version: '12.1.0' })
    // The compressors really ran: the repetitive text shrinks several times over.
    expect(result.gzipBytes).toBeLessThan(result.rawBytes / 3)
  })

  it('sums every file a glob matches, as size-limit does, and lists them sorted', async () => {
    const result = await measureSize({ path: 'dist/*.js' }, { root })
    const one = zlibSizes(files['dist/index.js']!)
    const two = zlibSizes(files['dist/extra.js']!)
    expect(result.files).toEqual(['dist/extra.js', 'dist/index.js'])
    expect(result.rawBytes).toBe(one.rawBytes + two.rawBytes)
    expect(result.gzipBytes).toBe(one.gzipBytes + two.gzipBytes)
    expect(result.brotliBytes).toBe(one.brotliBytes + two.brotliBytes)
  })

  it('fails on a path or glob that matches no file, naming it and where it was written', async () => {
    const error = await measureSize(
      { path: 'build/*.js' },
      { root, where: 'perfgate.budgets.size[2] in package.json' },
    ).catch((e: unknown) => e)
    expect(isPerfgateError(error, 'SIZE_FILES_NOT_FOUND')).toBe(true)
    expect((error as Error).message.replace(root, '<root>')).toMatchInlineSnapshot(
      `"perfgate: No file matches "build/*.js" in <root> (perfgate.budgets.size[2] in package.json). A size budget over nothing would pass without measuring anything: build first (e.g. pnpm run build), or fix the path or glob. Fix it in the "perfgate" section of package.json."`,
    )
  })

  it('measures only what an import pulls in, tree-shaken by esbuild', async () => {
    const small = await measureSize({ path: 'lib/shake.js', import: '{ small }' }, { root })
    const big = await measureSize({ path: 'lib/shake.js', import: '{ big }' }, { root })
    const all = await measureSize(
      { path: 'lib/shake.js', import: { 'lib/shake.js': '{ small, big }' } },
      { root },
    )
    expect(small.import).toBe('{ small }')
    // The unused export is shaken out: "small" is a few bytes, "big" carries its string.
    expect(small.rawBytes).toBeLessThan(100)
    expect(big.rawBytes).toBeGreaterThan(files['lib/shake.js']!.length / 2)
    expect(all.rawBytes).toBeGreaterThan(big.rawBytes)
  })

  it('reports a module esbuild cannot bundle with the reason and the cause', async () => {
    await writeFile(join(root, 'lib/broken.js'), 'import { x } from "./missing.js"\nexport const y = x\n')
    const error = await measureSize({ path: 'lib/broken.js', import: '{ y }' }, { root }).catch(
      (e: unknown) => e,
    )
    expect(isPerfgateError(error, 'SIZE_MEASURE_FAILED')).toBe(true)
    expect((error as Error).message).toContain('Could not resolve "./missing.js"')
    expect((error as Error).cause).toBeInstanceOf(Error)
  })
})

describe('loadSizeLimit', () => {
  it('names every missing package in one install command when size-limit is not installed', async () => {
    // Resolved from a folder with no node_modules: Node's real resolution fails.
    const empty = await mkdtemp(join(tmpdir(), 'perfgate-no-size-limit-'))
    try {
      const error = await loadSizeLimit({ resolveFrom: empty, esbuild: true }).catch((e: unknown) => e)
      expect(isPerfgateError(error, 'SIZE_LIMIT_MISSING')).toBe(true)
      expect((error as Error).message).toMatchInlineSnapshot(
        `"perfgate: Size budgets need the packages "size-limit", "@size-limit/file" and "@size-limit/esbuild", which are not installed. Install: pnpm add -D size-limit @size-limit/file @size-limit/esbuild"`,
      )
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('loads the esbuild plugin only when asked', async () => {
    const plain = await loadSizeLimit()
    expect(plain.esbuildPlugin).toBeUndefined()
    expect(plain.filePlugin.map((p) => p.name)).toEqual(['@size-limit/file'])
    expect((await loadSizeLimit({ esbuild: true })).esbuildPlugin?.map((p) => p.name)).toEqual([
      '@size-limit/esbuild',
    ])
  })
})

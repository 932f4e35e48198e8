import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { CpuProfile } from '../../src/profile/cpu-profile.js'
import { sourceMappedProfile } from '../../src/profile/map-profile.js'
import {
  createPositionMapper,
  fileCommentLookup,
  firstEntryOnLine,
  type SourceMapLookup,
} from '../../src/profile/source-map.js'

// test/fixtures/profiles/vite-hot.map.json is the map Vitest 4 (Vite 8) made for this source,
// and vite-hot.generated.txt the code it ran (both taken from a real Vitest worker):
//
//   1 // comment line 1                   generated (0-based)
//   2 interface Foo { a: number }          0 __vite_ssr_exportName__("burn", …)
//   3 type Bar = string                    1 __vite_ssr_exportName__("work", …)
//   4                                      2 /** A helper */
//   5 /** A helper */                      3 function burn(n) {
//   6 export function burn(n: number)…     4 \tlet x = 0;
//   7   let x: number = 0                  5 \tfor (let i = 0; i < n; i++) {
//   8   for (let i = 0; i < n; i++) {      6 \t\tx += Math.sqrt(i) * Math.sin(i);
//   9     x += Math.sqrt(i) * Math.sin(i)  …
//
// V8 reports burn at generated line 3, column 13 (the parameter list); the loop body is line 6.
const fixture = (name: string) => new URL(`../fixtures/profiles/${name}`, import.meta.url)
const payload = JSON.parse(readFileSync(fixture('vite-hot.map.json'), 'utf8')) as SourceMapPayload
const HOT_URL = 'file:///project/src/hot.ts'
const vitestLike: SourceMapLookup = (url) =>
  url === HOT_URL ? { payload, resolvedSources: ['/project/src/hot.ts'] } : undefined

const temp = mkdtempSync(join(tmpdir(), 'perfgate-source-map-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('createPositionMapper', () => {
  it("maps a function's start to its line in the TypeScript source (0-based, as V8 counts)", () => {
    const mapper = createPositionMapper([vitestLike])
    // 0-based line 5 is `export function burn(n: number): number {`.
    expect(mapper.position(HOT_URL, 3, 13)).toEqual({ source: '/project/src/hot.ts', line: 5, column: 16 })
  })

  it('maps a whole line by its first mapping, even when findEntry(line, 0) lands on the line before', () => {
    const map = new SourceMap(payload)
    // The loop body starts with two tabs: no mapping at column 0, so findEntry falls back a line.
    expect(map.findEntry(6, 0)).toMatchObject({ generatedLine: 5 })
    expect(firstEntryOnLine(map, 6)).toMatchObject({ generatedLine: 6, originalLine: 8 })
    const mapper = createPositionMapper([vitestLike])
    expect(mapper.line(HOT_URL, 6)).toEqual({ source: '/project/src/hot.ts', line: 8, column: 4 })
  })

  it('answers null past the mapped lines, for other files, and for builtins', () => {
    const mapper = createPositionMapper([vitestLike])
    expect(mapper.line(HOT_URL, 40)).toBeNull()
    expect(mapper.position(HOT_URL, 40, 0)).toBeNull()
    expect(mapper.position('file:///project/src/other.ts', 3, 13)).toBeNull()
    expect(mapper.position('node:fs', 3, 13)).toBeNull()
    expect(mapper.position('', 3, 13)).toBeNull()
  })

  it('resolves relative sources against the map when the lookup does not resolve them', () => {
    const mapper = createPositionMapper([(url) => (url === HOT_URL ? { payload, base: url } : undefined)])
    expect(mapper.position(HOT_URL, 3, 13)?.source).toBe('file:///project/src/hot.ts')
  })

  it('tries the lookups in order, treats one that throws as having no map, and asks once per file', () => {
    let asked = 0
    const throwing: SourceMapLookup = () => {
      asked++
      throw new Error('unreadable')
    }
    const mapper = createPositionMapper([throwing, vitestLike])
    expect(mapper.position(HOT_URL, 3, 13)?.line).toBe(5)
    expect(mapper.line(HOT_URL, 6)?.line).toBe(8)
    expect(asked).toBe(1)
  })
})

describe('fileCommentLookup', () => {
  const generated = readFileSync(fixture('vite-hot.generated.txt'), 'utf8')

  it('reads a map file named by a sourceMappingURL comment', () => {
    const file = join(temp, 'hot.js')
    writeFileSync(file, `${generated}//# sourceMappingURL=hot.js.map\n`)
    writeFileSync(join(temp, 'hot.js.map'), JSON.stringify(payload))
    const mapper = createPositionMapper([fileCommentLookup])
    expect(mapper.position(pathToFileURL(file).href, 3, 13)).toEqual({
      source: pathToFileURL(join(temp, 'hot.ts')).href,
      line: 5,
      column: 16,
    })
  })

  it('reads an inline data: map', () => {
    const file = join(temp, 'inline.mjs')
    const data = Buffer.from(JSON.stringify(payload)).toString('base64')
    writeFileSync(file, `${generated}//# sourceMappingURL=data:application/json;base64,${data}\n`)
    expect(createPositionMapper([fileCommentLookup]).line(pathToFileURL(file).href, 6)?.line).toBe(8)
  })

  it('never reads a TypeScript file as the code that ran, nor a file without a comment', () => {
    const ts = join(temp, 'hot.ts')
    writeFileSync(ts, '//# sourceMappingURL=hot.js.map\n')
    expect(fileCommentLookup(pathToFileURL(ts).href)).toBeUndefined()
    const plain = join(temp, 'plain.js')
    writeFileSync(plain, 'export const x = 1\n')
    expect(fileCommentLookup(pathToFileURL(plain).href)).toBeUndefined()
  })
})

describe('sourceMappedProfile', () => {
  it('rewrites mapped frames to the original file and lines, for Chrome DevTools, and leaves the rest', () => {
    const profile: CpuProfile = {
      nodes: [
        {
          id: 1,
          callFrame: { functionName: 'burn', scriptId: '9', url: HOT_URL, lineNumber: 3, columnNumber: 13 },
          hitCount: 60,
          // 1-based generated lines 7 and 6: the loop body and the loop header.
          positionTicks: [
            { line: 7, ticks: 50 },
            { line: 6, ticks: 10 },
          ],
        },
        {
          id: 2,
          callFrame: { functionName: 'sqrt', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
          hitCount: 5,
        },
      ],
      startTime: 0,
      endTime: 1000,
    }
    const mapped = sourceMappedProfile(profile, createPositionMapper([vitestLike]))
    expect(mapped.nodes[0]).toEqual({
      id: 1,
      callFrame: {
        functionName: 'burn',
        scriptId: '9',
        url: 'file:///project/src/hot.ts',
        lineNumber: 5,
        columnNumber: 16,
      },
      hitCount: 60,
      positionTicks: [
        { line: 9, ticks: 50 },
        { line: 8, ticks: 10 },
      ],
    })
    expect(mapped.nodes[1]).toBe(profile.nodes[1])
  })
})

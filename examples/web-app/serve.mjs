// A static server for site/ on 127.0.0.1, with one generated file: /hero.bmp, the slow page's
// deliberately unoptimised hero image. Usage: node serve.mjs (PORT=4173 by default).
// `?delay=<ms>` on a page's URL holds its response that long, as a slow server would: a way to
// see a regression against the baseline without touching the site.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const SITE = fileURLToPath(new URL('./site/', import.meta.url))
const HOST = '127.0.0.1'
const DEFAULT_PORT = 4173
const port = Number(process.env.PORT ?? DEFAULT_PORT)

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/** Size of the hero image: 1600 × 1000 pixels at 3 bytes each, about 4.8 MB on the wire. */
const HERO = { width: 1600, height: 1000 }

let heroBytes
/**
 * An uncompressed 24-bit BMP: the kind of image a build step should have turned into a small
 * WebP or AVIF. Made here, once, so the repository holds no binary file. The pixels are a
 * gradient with noise, so the file is what it looks like: a photo-sized, full-entropy image.
 */
function hero() {
  if (heroBytes !== undefined) return heroBytes
  const { width, height } = HERO
  const rowBytes = Math.ceil((width * 3) / 4) * 4
  const pixelBytes = rowBytes * height
  const bytes = Buffer.alloc(54 + pixelBytes)
  bytes.write('BM', 0, 'ascii')
  bytes.writeUInt32LE(bytes.length, 2)
  bytes.writeUInt32LE(54, 10) // pixel data offset
  bytes.writeUInt32LE(40, 14) // BITMAPINFOHEADER size
  bytes.writeInt32LE(width, 18)
  bytes.writeInt32LE(height, 22) // positive: rows stored bottom-up
  bytes.writeUInt16LE(1, 26) // colour planes
  bytes.writeUInt16LE(24, 28) // bits per pixel
  bytes.writeUInt32LE(pixelBytes, 34)
  let seed = 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      const noise = seed % 24
      const at = 54 + y * rowBytes + x * 3
      bytes[at] = (200 - (y * 120) / height + noise) & 0xff // blue
      bytes[at + 1] = (90 + (x * 100) / width + noise) & 0xff // green
      bytes[at + 2] = (40 + (y * 150) / height + noise) & 0xff // red
    }
  }
  heroBytes = bytes
  return bytes
}

/** The longest `?delay=` honoured, in ms. */
const MAX_DELAY_MS = 10_000

const server = createServer(async (request, response) => {
  const { pathname, searchParams } = new URL(request.url ?? '/', `http://${HOST}`)
  const delayMs = Math.min(Math.max(Number(searchParams.get('delay') ?? 0) || 0, 0), MAX_DELAY_MS)
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
  // no-store: every page load fetches everything again, as a first visit does.
  const headers = { 'cache-control': 'no-store' }
  if (pathname === '/hero.bmp') {
    const body = hero()
    response.writeHead(200, { ...headers, 'content-type': 'image/bmp', 'content-length': body.length })
    response.end(request.method === 'HEAD' ? undefined : body)
    return
  }
  const file = normalize(join(SITE, pathname.endsWith('/') ? `${pathname}index.html` : pathname))
  const type = TYPES[extname(file)]
  // join() resolves any ".." in the path; a file outside site/ is simply not found.
  const info = file.startsWith(SITE) ? await stat(file).catch(() => null) : null
  if (type === undefined || info === null || !info.isFile()) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
    response.end('Not found\n')
    return
  }
  response.writeHead(200, { ...headers, 'content-type': type, 'content-length': info.size })
  if (request.method === 'HEAD') response.end()
  else createReadStream(file).pipe(response)
})

server.listen(port, HOST, () => {
  console.log(`web-app example: serving site/ on http://${HOST}:${port}/`)
})

/**
 * The baseline: a bare node:http server that answers each recorded URL with the exact bytes and content-type
 * Trellis sent for it, and nothing else (no framework, no logging, no per-request work). Anything else is 404.
 *
 *   node bench/serve-bare.ts <recordings.json>
 *
 * The recordings file is written by bench/run.ts from real Trellis responses (see Recording in recording.ts).
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { announceListening, onStop } from './child-signals.ts'
import type { Recording } from './recording.ts'

const file = process.argv[2]
if (file === undefined) {
  console.error('usage: serve-bare.ts <recordings.json>')
  process.exit(2)
}
const recordings = JSON.parse(readFileSync(file, 'utf8')) as Recording[]
const responses = new Map(
  recordings.map((recording) => {
    const body = Buffer.from(recording.bodyBase64, 'base64')
    const headers = { 'content-type': recording.contentType, 'content-length': String(body.length) }
    return [recording.url, { headers, body }] as const
  }),
)

const server = createServer((request, response) => {
  const recorded = responses.get(request.url ?? '')
  if (recorded === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not recorded\n')
    return
  }
  response.writeHead(200, recorded.headers).end(recorded.body)
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('did not listen on a TCP port')
  onStop(
    () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      }),
  )
  announceListening(address.port)
})

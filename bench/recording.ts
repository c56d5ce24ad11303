import { request } from 'node:http'

/** One response as the bare server replays it: the URL it answers, and Trellis's exact body and type. */
export interface Recording {
  readonly url: string
  readonly contentType: string
  readonly bodyBase64: string
}

export interface FetchedResponse {
  readonly statusCode: number
  readonly contentType: string
  readonly body: Buffer
  /** The status line and header block as sent, in bytes (what autocannon counts besides the body). */
  readonly headerBytes: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** A GET with exactly these headers (the ones the load generator sends), over node:http with no agent. */
export function fetchOnce(
  origin: string,
  path: string,
  headers: Readonly<Record<string, string>>,
): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, origin), { method: 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const raw = response.rawHeaders
        let headerBytes = `HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n`.length + 2
        for (let i = 0; i + 1 < raw.length; i += 2) headerBytes += `${raw[i]}: ${raw[i + 1]}\r\n`.length
        resolve({
          statusCode: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
          headerBytes,
          headers: response.headers,
        })
      })
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

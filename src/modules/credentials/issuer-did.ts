// Issuers' did:web identifiers and DID documents, pure. An issuer's DID is did:web:<host>:issuers:<issuer id>,
// which the did:web method resolves to https://<host>/issuers/<issuer id>/did.json: the path does not depend on the
// host, so the same document is found on any domain a deployment answers on.
import { contextUrls } from './json-ld-contexts.ts'

/** One of an issuer's keys as its DID document lists it. */
export interface IssuerPublicKey {
  /** The fragment: `key-…`. */
  readonly keyId: string
  readonly publicKeyMultibase: string
  readonly createdAt: Date
  /** When the key stopped signing; a retired key stays in the document so that what it signed still verifies. */
  readonly retiredAt: Date | null
}

export interface DidDocument {
  readonly '@context': readonly string[]
  readonly id: string
  readonly verificationMethod: readonly {
    readonly id: string
    readonly type: 'Multikey'
    readonly controller: string
    readonly publicKeyMultibase: string
  }[]
  readonly assertionMethod: readonly string[]
}

/**
 * The did:web method-specific id of a base URL: the host, its port percent-encoded (`localhost%3A3000`), then
 * any path segments, each after a colon (did:web §3.2.1).
 */
export function describeDidWebHost(publicUrl: string): string {
  const url = new URL(publicUrl)
  const host = url.port === '' ? url.hostname : `${url.hostname}%3A${url.port}`
  const segments = url.pathname.split('/').filter((segment) => segment !== '')
  return [host, ...segments].join(':')
}

/** The DID of an issuer on the deployment at publicUrl. */
export function describeIssuerDid(publicUrl: string, issuerId: string): string {
  return `did:web:${describeDidWebHost(publicUrl)}:issuers:${encodeURIComponent(issuerId)}`
}

/** The path an issuer's DID document is served on, whatever the host. */
export function describeDidDocumentPath(issuerId: string): string {
  return `/issuers/${encodeURIComponent(issuerId)}/did.json`
}

/** The DID document of an issuer: every key, active and retired, as a Multikey usable for assertions. */
export function buildDidDocument(did: string, keys: readonly IssuerPublicKey[]): DidDocument {
  const verificationMethod = keys.map((key) => ({
    id: `${did}#${key.keyId}`,
    type: 'Multikey' as const,
    controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
  }))
  return {
    '@context': [contextUrls.didV1, contextUrls.multikeyV1],
    id: did,
    verificationMethod,
    assertionMethod: verificationMethod.map((method) => method.id),
  }
}

/** A verification method that names a Trellis issuer's key, read from its path (the host is not looked at). */
export interface IssuerKeyReference {
  /** The DID, as written in the verification method. */
  readonly did: string
  readonly issuerId: string
  readonly keyId: string
}

const issuerVerificationMethod = /^(did:web:[^#/?]+:issuers:([A-Za-z0-9._~%-]+))#(key-[a-z0-9]{8,40})$/

/** The issuer and key a verification method `did:web:…:issuers:ID#key-…` names; null for any other form. */
export function parseIssuerVerificationMethod(verificationMethod: string): IssuerKeyReference | null {
  const match = issuerVerificationMethod.exec(verificationMethod)
  if (match === null) return null
  let issuerId: string
  try {
    issuerId = decodeURIComponent(match[2]!)
  } catch {
    return null
  }
  return { did: match[1]!, issuerId, keyId: match[3]! }
}

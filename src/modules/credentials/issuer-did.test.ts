// Issuers' did:web identifiers and DID documents: the port percent-encoded, every key listed for assertions, and
// a verification method read back to its issuer and key by path alone.
import { describe, expect, it } from 'vitest'
import {
  buildDidDocument,
  describeDidDocumentPath,
  describeDidWebHost,
  describeIssuerDid,
  parseIssuerVerificationMethod,
} from './issuer-did.ts'
import { contextUrls } from './json-ld-contexts.ts'

describe('issuer DIDs', () => {
  it('writes the host, its port percent-encoded, and any path as did:web does', () => {
    expect(describeDidWebHost('https://trellis.example.nhs.uk')).toBe('trellis.example.nhs.uk')
    expect(describeDidWebHost('http://localhost:3000')).toBe('localhost%3A3000')
    expect(describeDidWebHost('https://example.org:8443/trellis/')).toBe('example.org%3A8443:trellis')
    expect(describeIssuerDid('http://localhost:3000', 'university-of-exeter')).toBe(
      'did:web:localhost%3A3000:issuers:university-of-exeter',
    )
    expect(describeDidDocumentPath('university-of-exeter')).toBe('/issuers/university-of-exeter/did.json')
  })

  it('reads a verification method back to its issuer and key, whatever the host', () => {
    for (const host of ['localhost%3A3000', 'trellis.example.nhs.uk', 'example.org%3A8443:trellis']) {
      expect(
        parseIssuerVerificationMethod(`did:web:${host}:issuers:framework-team#key-0123456789abcdef`),
      ).toEqual({
        did: `did:web:${host}:issuers:framework-team`,
        issuerId: 'framework-team',
        keyId: 'key-0123456789abcdef',
      })
    }
    for (const other of [
      'did:web:localhost%3A3000:issuers:framework-team',
      'did:web:localhost%3A3000:issuers:framework-team#z6Mkabc',
      'did:key:z6Mkabc#z6Mkabc',
      'https://localhost:3000/issuers/framework-team#key-0123456789abcdef',
      'did:web:localhost%3A3000:people:framework-team#key-0123456789abcdef',
    ]) {
      expect(parseIssuerVerificationMethod(other), other).toBeNull()
    }
  })

  it('lists every key, active and retired, as a Multikey for assertions', () => {
    const did = 'did:web:localhost%3A3000:issuers:framework-team'
    const document = buildDidDocument(did, [
      {
        keyId: 'key-aaaaaaaaaaaaaaaa',
        publicKeyMultibase: 'z6MkOld',
        createdAt: new Date('2026-01-01T00:00:00Z'),
        retiredAt: new Date('2026-06-01T00:00:00Z'),
      },
      {
        keyId: 'key-bbbbbbbbbbbbbbbb',
        publicKeyMultibase: 'z6MkNew',
        createdAt: new Date('2026-06-01T00:00:00Z'),
        retiredAt: null,
      },
    ])
    expect(document).toEqual({
      '@context': [contextUrls.didV1, contextUrls.multikeyV1],
      id: did,
      verificationMethod: [
        {
          id: `${did}#key-aaaaaaaaaaaaaaaa`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: 'z6MkOld',
        },
        {
          id: `${did}#key-bbbbbbbbbbbbbbbb`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: 'z6MkNew',
        },
      ],
      assertionMethod: [`${did}#key-aaaaaaaaaaaaaaaa`, `${did}#key-bbbbbbbbbbbbbbbb`],
    })
  })
})

// A credential our signer signs verifies with an independent, established verifier: Digital Bazaar's vc-js with
// the DataIntegrityProof suite and its eddsa-rdfc-2022 cryptosuite, resolving the did:key issuer with its own
// did:key driver, fully offline (a document loader holding only the bundled contexts and no https handler). And
// the reverse: our verifier accepts a credential vc-js issued.
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { CachedResolver } from '@digitalbazaar/did-io'
import * as didKey from '@digitalbazaar/did-method-key'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import { JsonLdDocumentLoader } from 'jsonld-document-loader'
import { describe, expect, it } from 'vitest'
import { resolveDidKey, signCredential, verifyCredentialProof } from './data-integrity.ts'
import { createEd25519KeyPairFromSeed, describeDidKey } from './ed25519-keys.ts'
import { contextUrls, findBundledContext, listBundledContextUrls } from './json-ld-contexts.ts'

function buildIndependentDocumentLoader() {
  const loader = new JsonLdDocumentLoader()
  loader.addDocuments({
    documents: new Map(listBundledContextUrls().map((url) => [url, findBundledContext(url)])),
  })
  const didKeyDriver = didKey.driver()
  didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from })
  const resolver = new CachedResolver()
  resolver.use(didKeyDriver)
  loader.setDidResolver(resolver)
  return loader.build()
}

async function verifyIndependently(credential: unknown) {
  return vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }),
    documentLoader: buildIndependentDocumentLoader(),
    now: new Date('2026-12-01T00:00:00Z'),
  })
}

async function signModuleBadge() {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.from('9f'.repeat(32), 'hex'))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  return signCredential(
    {
      '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3],
      id: 'urn:uuid:1d2c3b4a-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: did, type: ['Profile'], name: "King's College London" },
      validFrom: '2026-06-30T00:00:00Z',
      name: 'Good Clinical Practice in Research Delivery',
      credentialSubject: {
        id: 'did:example:learner-7',
        type: ['AchievementSubject'],
        achievement: {
          id: 'urn:uuid:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
          type: ['Achievement'],
          achievementType: 'Course',
          name: 'Good Clinical Practice in Research Delivery',
          description: 'A 15 UK credit module at FHEQ level 7.',
          criteria: { narrative: 'Pass the module assessment.' },
        },
        creditsEarned: 15,
      },
    },
    keyPair,
    { verificationMethod, created: '2026-06-30T09:00:00Z' },
  )
}

describe('independent verification with @digitalbazaar/vc', () => {
  it('verifies a credential our signer signed with a did:key issuer, offline', async () => {
    const result = await verifyIndependently(await signModuleBadge())
    expect(result.error).toBeUndefined()
    expect(result.verified).toBe(true)
  })

  it('refuses it once a field is changed', async () => {
    const signed = await signModuleBadge()
    const result = await verifyIndependently({ ...signed, name: 'Principal Investigator Masterclass' })
    expect(result.verified).toBe(false)
    expect(result.results?.[0]?.error?.message).toBe('Invalid signature.')
  })
})

describe('our verifier on a credential @digitalbazaar/vc issued', () => {
  it('verifies it through did:key, and refuses it once a field is changed', async () => {
    const seed = Buffer.from('5a'.repeat(32), 'hex')
    const { publicKeyMultibase } = await Ed25519Multikey.generate({ seed })
    const did = `did:key:${publicKeyMultibase}`
    const key = await Ed25519Multikey.generate({ seed, controller: did })
    const issued = await vc.issue({
      credential: {
        '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3],
        id: 'urn:uuid:4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: did, type: ['Profile'], name: 'Another University' },
        validFrom: '2025-07-01T00:00:00Z',
        name: 'Research Methods',
        credentialSubject: {
          id: 'did:example:learner-9',
          type: ['AchievementSubject'],
          achievement: {
            id: 'urn:uuid:5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
            type: ['Achievement'],
            name: 'Research Methods',
            description: 'A 20 UK credit module at FHEQ level 7.',
            criteria: { narrative: 'Pass the module.' },
          },
        },
      },
      suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: eddsaRdfc2022Cryptosuite }),
      documentLoader: buildIndependentDocumentLoader(),
    })
    expect(issued.proof).toMatchObject({ cryptosuite: 'eddsa-rdfc-2022', verificationMethod: key.id })
    expect(await verifyCredentialProof(issued, resolveDidKey)).toMatchObject({ verified: true, issuer: did })
    const changed = { ...issued, name: 'Advanced Research Methods' }
    expect(await verifyCredentialProof(changed, resolveDidKey)).toMatchObject({
      verified: false,
      failure: 'invalid-signature',
    })
  })
})

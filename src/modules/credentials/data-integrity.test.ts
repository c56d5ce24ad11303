// Our eddsa-rdfc-2022 verifier: a credential 1EdTech signed, our own round trip, and bad input, each with a
// verdict and its reason, never an exception.
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  resolveDidKey,
  resolveFromAny,
  resolveFromKnownKeys,
  signCredential,
  SigningError,
  verifyCredentialProof,
  type VerificationResult,
} from './data-integrity.ts'
import { createEd25519KeyPairFromSeed, describeDidKey, generateEd25519KeyPair } from './ed25519-keys.ts'
import { contextUrls } from './json-ld-contexts.ts'

const fixtures = new URL('../../../test/fixtures/credentials/', import.meta.url)
const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Record<string, unknown>

// 1edtech-simple.json is 1EdTech's validator fixture signed with the spec's public test key, whose Multikey is the
// fragment of its verificationMethod. Its https issuer has no document we can fetch (1EdTech's own tests serve it
// from a mock), so the issuer's key is given here as known in advance: the published test key, controlled by the
// credential's issuer.
const oneEdTechTestKey = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'
const oneEdTechIssuer = 'https://example.com/issuers/876543'
const resolveOneEdTechKey = resolveFromKnownKeys([
  {
    id: `${oneEdTechIssuer}#${oneEdTechTestKey}`,
    controller: oneEdTechIssuer,
    publicKeyMultibase: oneEdTechTestKey,
  },
])

function buildUnsignedBadge(issuerDid: string): Record<string, unknown> {
  return {
    '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3],
    id: 'urn:uuid:6c3f1e0a-8d7b-4a51-9f43-3b6a7f0d2c11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerDid, type: ['Profile'], name: 'University of Exeter' },
    validFrom: '2026-09-30T00:00:00Z',
    name: 'Postgraduate Certificate in Clinical Research',
    credentialSubject: {
      id: 'did:example:learner-42',
      type: ['AchievementSubject'],
      achievement: {
        id: 'urn:uuid:0b9a5c1e-2f1d-4f43-8c71-9d0e4a6b7c22',
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: 'PGCert Clinical Research',
        description: 'Sixty UK credits at FHEQ level 7 in clinical research delivery.',
        criteria: { narrative: 'Pass 60 UK credits of framework modules at FHEQ level 7.' },
        creditsAvailable: 60,
      },
      creditsEarned: 60,
    },
  }
}

async function signBadge() {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 7))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  const signed = await signCredential(buildUnsignedBadge(did), keyPair, {
    verificationMethod,
    created: new Date('2026-09-30T10:11:12.345Z'),
  })
  return { keyPair, did, verificationMethod, signed }
}

function expectFailure(result: VerificationResult, failure: string, reason: RegExp): void {
  expect(result).toMatchObject({ verified: false, failure })
  if (!result.verified) expect(result.reason).toMatch(reason)
}

describe('verifying a credential 1EdTech signed', () => {
  it('verifies 1edtech-simple.json with the issuer key known in advance', async () => {
    const result = await verifyCredentialProof(readJson('1edtech-simple.json'), resolveOneEdTechKey)
    expect(result).toEqual({
      verified: true,
      issuer: oneEdTechIssuer,
      verificationMethods: [`${oneEdTechIssuer}#${oneEdTechTestKey}`],
    })
  })

  it('reports an issuer whose key cannot be resolved as unresolved, not as forged', async () => {
    const result = await verifyCredentialProof(readJson('1edtech-simple.json'), resolveDidKey)
    expectFailure(
      result,
      'unresolved-verification-method',
      /https:\/\/example\.com\/issuers\/876543#z6Mk.* is not known/,
    )
  })

  it('refuses 1edtech-simple.json with its achievement renamed', async () => {
    const credential = readJson('1edtech-simple.json')
    const subject = credential['credentialSubject'] as { achievement: { name: string } }
    subject.achievement.name = 'Leadership'
    expectFailure(
      await verifyCredentialProof(credential, resolveOneEdTechKey),
      'invalid-signature',
      /changed after signing/,
    )
  })
})

describe('signing and verifying our own credential', () => {
  it('signs with a did:key verification method and writes the proof as an array', async () => {
    const { signed, verificationMethod } = await signBadge()
    expect(signed.proof).toHaveLength(1)
    expect(signed.proof[0]).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod,
      created: '2026-09-30T10:11:12Z',
    })
    expect(signed.proof[0]!.proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/)
  })

  it('verifies it offline through did:key, also when given as JSON text', async () => {
    const { signed, did } = await signBadge()
    expect(await verifyCredentialProof(signed, resolveDidKey)).toMatchObject({ verified: true, issuer: did })
    expect(await verifyCredentialProof(JSON.stringify(signed), resolveDidKey)).toMatchObject({
      verified: true,
    })
  })

  it('accepts the proof written as a single object as well as an array', async () => {
    const { signed } = await signBadge()
    expect(await verifyCredentialProof({ ...signed, proof: signed.proof[0] }, resolveDidKey)).toMatchObject({
      verified: true,
    })
  })

  it('refuses a tampered name, credit count or issuer name', async () => {
    const { signed } = await signBadge()
    const renamed = { ...signed, name: 'Master of Science in Clinical Research' }
    expectFailure(
      await verifyCredentialProof(renamed, resolveDidKey),
      'invalid-signature',
      /changed after signing/,
    )
    const inflated = structuredClone(signed)
    ;(inflated.credentialSubject as { creditsEarned: number }).creditsEarned = 180
    expectFailure(
      await verifyCredentialProof(inflated, resolveDidKey),
      'invalid-signature',
      /changed after signing/,
    )
    const reissued = structuredClone(signed)
    ;(reissued.issuer as { name: string }).name = 'Another University'
    expectFailure(
      await verifyCredentialProof(reissued, resolveDidKey),
      'invalid-signature',
      /changed after signing/,
    )
  })

  it('refuses a tampered proof option', async () => {
    const { signed } = await signBadge()
    const redated = { ...signed, proof: [{ ...signed.proof[0]!, created: '2027-01-01T00:00:00Z' }] }
    expectFailure(
      await verifyCredentialProof(redated, resolveDidKey),
      'invalid-signature',
      /changed after signing/,
    )
  })

  it('refuses a signature by a key other than the one named', async () => {
    const { signed, did } = await signBadge()
    const other = generateEd25519KeyPair()
    const forged = await signCredential(buildUnsignedBadge(did), other, {
      verificationMethod: signed.proof[0]!.verificationMethod,
      created: '2026-09-30T10:11:12Z',
    })
    expectFailure(
      await verifyCredentialProof(forged, resolveDidKey),
      'invalid-signature',
      /signed by another key/,
    )
  })

  it('refuses a key that the issuer does not control', async () => {
    const { signed } = await signBadge()
    const other = describeDidKey(generateEd25519KeyPair().publicKeyMultibase).did
    const moved = { ...signed, issuer: { ...(signed.issuer as object), id: other } }
    expectFailure(
      await verifyCredentialProof(moved, resolveDidKey),
      'issuer-mismatch',
      /not by the issuer did:key:/,
    )
  })

  it('refuses a bare did:key as the verification method', async () => {
    const { signed, did } = await signBadge()
    const bare = { ...signed, proof: [{ ...signed.proof[0]!, verificationMethod: did }] }
    expectFailure(
      await verifyCredentialProof(bare, resolveDidKey),
      'unresolved-verification-method',
      /is not known/,
    )
  })

  it('tries resolvers in turn', async () => {
    const { signed } = await signBadge()
    const resolve = resolveFromAny(resolveOneEdTechKey, resolveDidKey)
    expect(await verifyCredentialProof(signed, resolve)).toMatchObject({ verified: true })
    expect(await verifyCredentialProof(readJson('1edtech-simple.json'), resolve)).toMatchObject({
      verified: true,
    })
  })
})

describe('bad input gets a verdict with the reason, never an exception', () => {
  it('refuses an unknown cryptosuite, including the spec guide typo eddsa-rdf-2022', async () => {
    const { signed } = await signBadge()
    for (const cryptosuite of ['eddsa-rdf-2022', 'ecdsa-rdfc-2019', 42]) {
      const credential = { ...signed, proof: [{ ...signed.proof[0]!, cryptosuite }] }
      expectFailure(
        await verifyCredentialProof(credential, resolveDidKey),
        'unknown-cryptosuite',
        /is not eddsa-rdfc-2022/,
      )
    }
  })

  it('refuses another proof type or purpose', async () => {
    const { signed } = await signBadge()
    const legacy = { ...signed, proof: [{ ...signed.proof[0]!, type: 'Ed25519Signature2020' }] }
    expectFailure(
      await verifyCredentialProof(legacy, resolveDidKey),
      'unsupported-proof-type',
      /Ed25519Signature2020/,
    )
    const auth = { ...signed, proof: [{ ...signed.proof[0]!, proofPurpose: 'authentication' }] }
    expectFailure(await verifyCredentialProof(auth, resolveDidKey), 'wrong-proof-purpose', /authentication/)
  })

  it('refuses a missing or empty proof', async () => {
    const { signed } = await signBadge()
    const { proof: _proof, ...unsigned } = signed
    expectFailure(await verifyCredentialProof(unsigned, resolveDidKey), 'missing-proof', /no proof/)
    expectFailure(
      await verifyCredentialProof({ ...unsigned, proof: [] }, resolveDidKey),
      'missing-proof',
      /no proof/,
    )
  })

  it('refuses a malformed proofValue', async () => {
    const { signed } = await signBadge()
    const proof = signed.proof[0]!
    for (const proofValue of ['', 'u' + proof.proofValue.slice(1), 'z0OIl', proof.proofValue.slice(0, 40)]) {
      const credential = { ...signed, proof: [{ ...proof, proofValue }] }
      expectFailure(
        await verifyCredentialProof(credential, resolveDidKey),
        'malformed-proof-value',
        /proofValue/,
      )
    }
    const missing: Record<string, unknown> = { ...proof }
    delete missing['proofValue']
    expectFailure(
      await verifyCredentialProof({ ...signed, proof: [missing] }, resolveDidKey),
      'malformed-proof-value',
      /no proofValue/,
    )
  })

  it('refuses input that is not a credential', async () => {
    for (const input of [undefined, null, 42, 'not json {', '[]', [], { name: 'no context' }]) {
      const result = await verifyCredentialProof(input, resolveDidKey)
      expect(result).toMatchObject({ verified: false, failure: 'malformed-credential' })
    }
    expectFailure(
      await verifyCredentialProof('{"@context": ', resolveDidKey),
      'malformed-credential',
      /not valid JSON/,
    )
  })

  it('refuses a credential without an issuer', async () => {
    const { signed } = await signBadge()
    const { issuer: _issuer, ...orphan } = signed
    expectFailure(await verifyCredentialProof(orphan, resolveDidKey), 'malformed-credential', /no issuer/)
  })

  it('names a context that is not bundled instead of fetching it', async () => {
    const { signed } = await signBadge()
    const elsewhere = {
      ...signed,
      '@context': [...(signed['@context'] as string[]), 'https://example.org/ctx.json'],
    }
    expectFailure(
      await verifyCredentialProof(elsewhere, resolveDidKey),
      'canonicalisation-failed',
      /https:\/\/example\.org\/ctx\.json is not bundled/,
    )
  })

  it('refuses a term that no context defines, rather than dropping it from what was signed', async () => {
    const { signed } = await signBadge()
    const extra = { ...signed, undefinedClaim: 'added later' }
    expectFailure(
      await verifyCredentialProof(extra, resolveDidKey),
      'canonicalisation-failed',
      /the term "undefinedClaim"/,
    )
  })

  it('reports a resolver that throws as unresolved', async () => {
    const { signed } = await signBadge()
    const broken = () => {
      throw new Error('registry unavailable')
    }
    expectFailure(
      await verifyCredentialProof(signed, broken),
      'unresolved-verification-method',
      /registry unavailable/,
    )
  })
})

describe('signing refuses what it cannot sign', () => {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 7))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)

  it('refuses a bare DID, a bad date, an existing proof, an undefined term and a key that is not Ed25519', async () => {
    const badge = buildUnsignedBadge(did)
    const { privateKey: rsaKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    await expect(
      signCredential(badge, { privateKey: rsaKey }, { verificationMethod, created: new Date() }),
    ).rejects.toThrow(/Ed25519 private key/)
    await expect(
      signCredential(badge, { privateKey: keyPair.publicKey }, { verificationMethod, created: new Date() }),
    ).rejects.toThrow(/Ed25519 private key/)
    await expect(
      signCredential(badge, keyPair, { verificationMethod: did, created: new Date() }),
    ).rejects.toThrow(SigningError)
    await expect(
      signCredential(badge, keyPair, { verificationMethod, created: 'yesterday' }),
    ).rejects.toThrow(/dateTime/)
    await expect(
      signCredential({ ...badge, proof: [] }, keyPair, { verificationMethod, created: new Date() }),
    ).rejects.toThrow(/already has a proof/)
    await expect(
      signCredential({ ...badge, undefinedClaim: 1 }, keyPair, { verificationMethod, created: new Date() }),
    ).rejects.toThrow(/cannot be canonicalised/)
  })
})

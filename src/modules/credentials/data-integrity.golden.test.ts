// 1EdTech's published eddsa-rdfc-2022 test vector for Open Badges 3.0, reproduced byte for byte: the document and
// proof-options canonical N-Quads, both SHA-256 hashes and the proofValue (Ed25519 is deterministic).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  createVerifyData,
  resolveFromKnownKeys,
  signCredential,
  verifyCredentialProof,
} from './data-integrity.ts'
import { createEd25519KeyPairFromSeed } from './ed25519-keys.ts'

const fixtures = new URL('../../../test/fixtures/credentials/', import.meta.url)
const readFixture = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8')

interface GoldenVector {
  key: { ed25519SeedHex: string; ed25519PublicKeyHex: string; publicKeyMultibase: string; controller: string }
  unsignedCredential: Record<string, unknown>
  proofOptions: {
    type: 'DataIntegrityProof'
    created: string
    verificationMethod: string
    cryptosuite: 'eddsa-rdfc-2022'
    proofPurpose: 'assertionMethod'
  }
  documentCanonFile: string
  proofCanonFile: string
  expected: { documentHashHex: string; proofHashHex: string; proofValue: string }
}

const vector = JSON.parse(readFixture('1edtech-eddsa-rdfc-2022-golden-vector.json')) as GoldenVector
const keyPair = createEd25519KeyPairFromSeed(Buffer.from(vector.key.ed25519SeedHex, 'hex'))

describe("1EdTech's eddsa-rdfc-2022 golden vector", () => {
  it('derives the published public key and Multikey from the seed', () => {
    expect(keyPair.publicKeyMultibase).toBe(vector.key.publicKeyMultibase)
    const x = keyPair.publicKey.export({ format: 'jwk' }).x!
    expect(Buffer.from(x, 'base64url').toString('hex')).toBe(vector.key.ed25519PublicKeyHex)
  })

  it('canonicalises the document and the proof options to the published N-Quads, byte for byte', async () => {
    const verifyData = await createVerifyData(vector.unsignedCredential, vector.proofOptions)
    expect(verifyData.documentCanon).toBe(readFixture(vector.documentCanonFile))
    expect(verifyData.proofCanon).toBe(readFixture(vector.proofCanonFile))
  })

  it('hashes both canonical forms to the published SHA-256 values, proof options first', async () => {
    const verifyData = await createVerifyData(vector.unsignedCredential, vector.proofOptions)
    expect(Buffer.from(verifyData.documentHash).toString('hex')).toBe(vector.expected.documentHashHex)
    expect(Buffer.from(verifyData.proofHash).toString('hex')).toBe(vector.expected.proofHashHex)
    expect(Buffer.from(verifyData.hashData).toString('hex')).toBe(
      vector.expected.proofHashHex + vector.expected.documentHashHex,
    )
  })

  it('signs to exactly the published proofValue, with the proof as an array', async () => {
    const signed = await signCredential(vector.unsignedCredential, keyPair, {
      verificationMethod: vector.proofOptions.verificationMethod,
      created: vector.proofOptions.created,
    })
    expect(signed.proof).toEqual([{ ...vector.proofOptions, proofValue: vector.expected.proofValue }])
    const { proof: _proof, ...unsigned } = signed
    expect(unsigned).toEqual(vector.unsignedCredential)
  })

  it('verifies the signed vector with its published key', async () => {
    const signed = {
      ...vector.unsignedCredential,
      proof: [{ ...vector.proofOptions, proofValue: vector.expected.proofValue }],
    }
    const resolve = resolveFromKnownKeys([
      {
        id: vector.proofOptions.verificationMethod,
        controller: vector.key.controller,
        publicKeyMultibase: vector.key.publicKeyMultibase,
      },
    ])
    expect(await verifyCredentialProof(signed, resolve)).toEqual({
      verified: true,
      issuer: vector.key.controller,
      verificationMethods: [vector.proofOptions.verificationMethod],
    })
  })
})

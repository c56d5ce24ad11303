import { randomBytes } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import type { Database } from '../../platform/database/database.ts'
import { signCredential, verifyCredentialProof } from './data-integrity.ts'
import {
  createIssuerService,
  NotAnIssuerError,
  resolveFromKnownIssuerKeys,
  type IssuerService,
} from './issuer-service.ts'
import { contextUrls } from './json-ld-contexts.ts'
import { KeyDecryptionError } from './key-store.ts'
import { createKeyStoreRepository } from './key-store-repository.ts'

// Issuers and their keys on each engine: a key made once on first use (even when asked for at once), kept
// encrypted, rotated with the old key kept in the DID document so that what it signed still verifies, and
// Trellis's own keys found by the verifier by path, whatever the host.

const publicUrl = 'http://localhost:3000'
const university = 'test-university-of-issuers'
const origin = { requestId: 'test', ip: '127.0.0.1' }

function buildService(db: Database, credentialsKey: Uint8Array): IssuerService {
  return createIssuerService({ db, keys: createKeyStoreRepository(db), credentialsKey, publicUrl })
}

function buildNote(issuer: string): Record<string, unknown> {
  return {
    '@context': [contextUrls.credentialsV2],
    id: 'urn:uuid:2f0c1d7e-5a8b-4c3d-9e1f-0a1b2c3d4e5f',
    type: ['VerifiableCredential'],
    issuer,
    validFrom: '2026-12-02T00:00:00Z',
    credentialSubject: { id: 'did:example:learner', name: 'A learner' },
  }
}

describeEachEngine('credential issuers and their keys', ({ database }) => {
  let db: Database
  let service: IssuerService
  const credentialsKey = randomBytes(32)

  beforeAll(async () => {
    db = database()
    service = buildService(db, credentialsKey)
    await db.query(
      `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
       VALUES ($1, 'university', 'University of Issuers', 'The University of Issuers', '{}', '{test}', 9999)`,
      [university],
    )
  })

  const auditOf = (issuerId: string) =>
    db.query<{ action: string; actor_label: string; details: Record<string, unknown> }>(
      `SELECT action, actor_label, details FROM audit_events WHERE subject_type = 'credential-issuer'
       AND subject_id = $1 ORDER BY id`,
      [issuerId],
    )

  it('makes one key on first use, even when many ask at once, and keeps only its encrypted form', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => service.findSigningKey(university)))
    expect(new Set(keys.map((key) => key.verificationMethod)).size).toBe(1)
    expect(keys[0]!.did).toBe(`did:web:localhost%3A3000:issuers:${university}`)
    expect(keys[0]!.verificationMethod).toMatch(/#key-[0-9a-f]{16}$/)
    const rows = await db.query<{ encrypted_private_key: string; retired_at: Date | null }>(
      'SELECT encrypted_private_key, retired_at FROM credential_issuer_keys WHERE issuer_id = $1',
      [university],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]!.retired_at).toBeNull()
    expect(rows[0]!.encrypted_private_key).toMatch(/^v1\./)
    expect((await auditOf(university)).map((event) => event.action)).toEqual([
      'credential-issuer.key-created',
    ])
  })

  it('publishes a DID document for the framework team and each university, and none for others', async () => {
    const document = await service.findDidDocument('framework-team')
    const did = 'did:web:localhost%3A3000:issuers:framework-team'
    expect(document).toMatchObject({
      '@context': [contextUrls.didV1, contextUrls.multikeyV1],
      id: did,
      verificationMethod: [
        { type: 'Multikey', controller: did, publicKeyMultibase: expect.stringMatching(/^z6Mk/) },
      ],
    })
    expect(document!.assertionMethod).toEqual(document!.verificationMethod.map((method) => method.id))
    expect(await service.findDidDocument('no-such-organisation')).toBeNull()
    const [trust] = await db.query<{ id: string }>(
      "INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position) VALUES ('TRUST1', 'nhs-trust', 'A trust', 'A trust', '{}', '{test}', 9998) RETURNING id",
    )
    expect(await service.findDidDocument(trust!.id)).toBeNull()
    await expect(service.findSigningKey(trust!.id)).rejects.toThrow(NotAnIssuerError)
    await expect(
      service.rotateKey('no-such-organisation', { label: 'command line' }, origin),
    ).rejects.toThrow(NotAnIssuerError)
  })

  it('rotates: a new active key, the old one retired but still in the DID document and still verifying', async () => {
    const before = await service.findSigningKey(university)
    const signedBefore = await signCredential(buildNote(before.did), before.keyPair, {
      verificationMethod: before.verificationMethod,
      created: '2026-12-02T10:00:00Z',
    })
    const rotation = await service.rotateKey(university, { label: 'command line' }, origin)
    expect(rotation.retiredKeyId).toBe(before.verificationMethod.split('#')[1])
    const after = await service.findSigningKey(university)
    expect(after.verificationMethod).toBe(`${after.did}#${rotation.activeKeyId}`)
    expect(after.verificationMethod).not.toBe(before.verificationMethod)

    const document = await service.findDidDocument(university)
    expect(document!.verificationMethod.map((method) => method.id)).toEqual([
      before.verificationMethod,
      after.verificationMethod,
    ])
    expect(document!.assertionMethod).toEqual([before.verificationMethod, after.verificationMethod])

    const resolve = resolveFromKnownIssuerKeys(service.knownKeys)
    expect(await verifyCredentialProof(signedBefore, resolve)).toMatchObject({ verified: true })
    const signedAfter = await signCredential(buildNote(after.did), after.keyPair, {
      verificationMethod: after.verificationMethod,
      created: '2026-12-02T11:00:00Z',
    })
    expect(await verifyCredentialProof(signedAfter, resolve)).toMatchObject({ verified: true })

    const events = await auditOf(university)
    expect(events.at(-1)).toMatchObject({
      action: 'credential-issuer.key-rotated',
      actor_label: 'command line',
      details: { retiredKeyId: rotation.retiredKeyId, activeKeyId: rotation.activeKeyId },
    })
  })

  it('keeps one active key when rotations run at once', async () => {
    await Promise.all(
      Array.from({ length: 3 }, () => service.rotateKey('framework-team', { label: 'command line' }, origin)),
    )
    const [counts] = await db.query<{ active: number; total: number }>(
      `SELECT count(*) FILTER (WHERE retired_at IS NULL)::int AS active, count(*)::int AS total
       FROM credential_issuer_keys WHERE issuer_id = 'framework-team'`,
    )
    expect(counts).toEqual({ active: 1, total: 4 })
  })

  it('finds its own keys for the verifier by path, whatever the host, and nothing else', async () => {
    const key = await service.findSigningKey(university)
    const keyId = key.verificationMethod.split('#')[1]!
    const elsewhere = `did:web:trellis.example.nhs.uk:issuers:${university}`
    expect(await service.knownKeys.resolve(`${elsewhere}#${keyId}`)).toEqual({
      publicKeyMultibase: key.keyPair.publicKeyMultibase,
      controller: elsewhere,
    })
    expect(await service.knownKeys.resolve(`${elsewhere}#key-0000000000000000`)).toBeNull()
    expect(
      await service.knownKeys.resolve(`did:web:localhost%3A3000:issuers:framework-team#${keyId}`),
    ).toBeNull()
    expect(await service.knownKeys.resolve('did:key:z6Mkabc#z6Mkabc')).toBeNull()
  })

  it('refuses to sign when CREDENTIALS_KEY is not the key the private keys were encrypted with', async () => {
    const wrong = buildService(db, randomBytes(32))
    await expect(wrong.findSigningKey(university)).rejects.toThrow(KeyDecryptionError)
    await expect(wrong.findSigningKey(university)).rejects.toThrow(/CREDENTIALS_KEY is not the key/)
  })
})

import { randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { verifyCredentialProof } from './data-integrity.ts'
import { createIssuerService, resolveFromKnownIssuerKeys, type IssuerService } from './issuer-service.ts'
import { createKeyStoreRepository } from './key-store-repository.ts'
import { decodeStatusList, readStatusBit, type BitstringStatusListEntry } from './status-list.ts'
import { createStatusListRepository } from './status-list-repository.ts'
import {
  createStatusListService,
  RevocationRefusedError,
  type SignedStatusListCredential,
  type StatusListService,
} from './status-list-service.ts'

// Revocation on each engine: each credential takes its own index in its issuer's list (even when issued at once),
// the issuer's staff revoke with a reason that is audit-logged, the signed list then has the bit set, the status
// checker says revoked, and the list credential verifies through Trellis's own issuer keys.

const publicUrl = 'http://localhost:3000'
const university = 'test-university-of-status'
const otherUniversity = 'test-university-elsewhere'
const origin = { requestId: 'test', ip: '127.0.0.1' }

function readBit(credential: SignedStatusListCredential, index: number): boolean {
  const subject = credential['credentialSubject'] as { encodedList: string }
  return readStatusBit(decodeStatusList(subject.encodedList), index)
}

describeEachEngine('credential status lists', ({ database }) => {
  let db: Database
  let issuers: IssuerService
  let service: StatusListService
  let lead: Principal
  let otherLead: Principal
  let learner: Principal
  let admin: Principal

  const issue = (issuerId: string, credentialId = `urn:uuid:${randomUUID()}`) =>
    db.transaction(async (tx) => ({
      credentialId,
      entry: await service.allocateEntry(tx, issuerId, credentialId),
    }))

  beforeAll(async () => {
    db = database()
    issuers = createIssuerService({
      db,
      keys: createKeyStoreRepository(db),
      credentialsKey: randomBytes(32),
      publicUrl,
    })
    service = createStatusListService({ db, lists: createStatusListRepository(db), issuers, publicUrl })
    for (const id of [university, otherUniversity]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, 'university', $1, $1, '{}', '{test}', 9999)`,
        [id],
      )
    }
    const person = async (organisationId: string, role: string) => {
      const created = await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId, roles: [role] }],
      })
      return principalOf(created.id, [{ organisationId, roles: [role] }])
    }
    lead = await person(university, 'programme-lead')
    otherLead = await person(otherUniversity, 'programme-lead')
    learner = await person(university, 'learner')
    admin = await person('framework-team', 'framework-admin')
  })

  it('gives each credential its own index in its issuer’s list, even when issued at once', async () => {
    const issued = await Promise.all(Array.from({ length: 12 }, () => issue(university)))
    const entries = issued.map(({ entry }) => entry)
    const lists = new Set(entries.map((entry) => entry.statusListCredential))
    expect(lists.size).toBe(1)
    const [listUrl] = [...lists]
    expect(listUrl).toMatch(new RegExp(`^${publicUrl}/issuers/${university}/status/[0-9a-f-]{36}$`))
    expect(entries.map((entry) => Number(entry.statusListIndex)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, index) => index),
    )
    for (const entry of entries) {
      expect(entry).toEqual({
        id: `${listUrl}#${entry.statusListIndex}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: entry.statusListIndex,
        statusListCredential: listUrl,
      })
    }
    const other = await issue(otherUniversity)
    expect(other.entry.statusListCredential).not.toBe(listUrl)
    expect(other.entry.statusListIndex).toBe('0')
  })

  it('revokes with a reason kept in the audit log; the signed list has the bit set and the checker says revoked', async () => {
    const { credentialId, entry } = await issue(university)
    const { entry: untouched } = await issue(university)
    const parsed = new URL(entry.statusListCredential).pathname.split('/')
    const listId = parsed.at(-1)!
    const index = Number(entry.statusListIndex)

    const before = await service.findStatusListCredential(university, listId)
    expect(readBit(before!, index)).toBe(false)
    expect(await service.checker.check(entry as unknown as Record<string, unknown>)).toEqual({
      revoked: false,
    })

    const outcome = await service.revokeCredential(lead, credentialId, '  Awarded in error  ', origin)
    expect(outcome).toMatchObject({ ok: true, value: { credentialId, issuerId: university } })

    const after = await service.findStatusListCredential(university, listId)
    expect(readBit(after!, index)).toBe(true)
    expect(readBit(after!, Number(untouched.statusListIndex))).toBe(false)
    expect(await service.checker.check(entry as unknown as Record<string, unknown>)).toEqual({
      revoked: true,
      reason: 'Awarded in error',
    })
    expect(await service.checker.check(untouched as unknown as Record<string, unknown>)).toEqual({
      revoked: false,
    })

    const events = await db.query<{
      action: string
      actor_user_id: string
      details: Record<string, unknown>
    }>(
      `SELECT action, actor_user_id, details FROM audit_events WHERE subject_type = 'credential' AND subject_id = $1`,
      [credentialId],
    )
    expect(events).toEqual([
      {
        action: 'credential.revoked',
        actor_user_id: lead.userId,
        details: {
          issuerId: university,
          statusListId: listId,
          statusListIndex: index,
          reason: 'Awarded in error',
        },
      },
    ])
    expect(await service.revokeCredential(lead, credentialId, 'Again', origin)).toEqual({
      ok: false,
      errors: [{ field: 'reason', message: 'This credential has already been revoked' }],
    })
  })

  it('serves a list credential that verifies through Trellis’s own issuer keys', async () => {
    const { entry } = await issue(university)
    const listId = entry.statusListCredential.split('/').at(-1)!
    const credential = await service.findStatusListCredential(university, listId)
    expect(credential).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: `did:web:localhost%3A3000:issuers:${university}`,
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' },
      proof: [
        { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' },
      ],
    })
    const bits = decodeStatusList((credential!['credentialSubject'] as { encodedList: string }).encodedList)
    expect(bits.length * 8).toBe(131_072)
    const resolve = resolveFromKnownIssuerKeys(issuers.knownKeys)
    expect(await verifyCredentialProof(credential, resolve)).toMatchObject({
      verified: true,
      issuer: `did:web:localhost%3A3000:issuers:${university}`,
    })
    const tampered = structuredClone(credential!) as Record<string, unknown>
    ;(tampered['credentialSubject'] as { encodedList: string }).encodedList =
      'uH4sIAAAAAAAAA2NgGAWjYBQMAAAHpgO2'
    expect(await verifyCredentialProof(tampered, resolve)).toMatchObject({
      verified: false,
      failure: 'invalid-signature',
    })
    expect(await service.findStatusListCredential(otherUniversity, listId)).toBeNull()
    expect(await service.findStatusListCredential(university, 'not-a-list')).toBeNull()
  })

  it('lets only the issuer’s programme leads and framework admins revoke, and checks the reason', async () => {
    const { credentialId } = await issue(university)
    await expect(service.revokeCredential(learner, credentialId, 'No', origin)).rejects.toThrow(
      RevocationRefusedError,
    )
    await expect(service.revokeCredential(otherLead, credentialId, 'No', origin)).rejects.toThrow(
      RevocationRefusedError,
    )
    expect(await service.revokeCredential(lead, credentialId, '   ', origin)).toEqual({
      ok: false,
      errors: [{ field: 'reason', message: 'Enter why the credential is revoked' }],
    })
    expect(await service.revokeCredential(admin, 'urn:uuid:not-issued-here', 'Why', origin)).toBeNull()
    expect(
      await service.revokeCredential(admin, credentialId, 'Withdrawn by the framework', origin),
    ).toMatchObject({
      ok: true,
    })
  })

  it('answers unknown for a status entry it does not hold', async () => {
    const { entry } = await issue(university)
    const check = (changes: Partial<Record<keyof BitstringStatusListEntry, string>>) =>
      service.checker.check({ ...entry, ...changes })
    expect(await check({ statusPurpose: 'suspension' })).toBe('unknown')
    expect(await check({ type: 'StatusList2021Entry' })).toBe('unknown')
    expect(await check({ statusListIndex: '-1' })).toBe('unknown')
    expect(await check({ statusListIndex: '131072' })).toBe('unknown')
    expect(await check({ statusListCredential: 'https://example.com/status/3' })).toBe('unknown')
    expect(
      await check({
        statusListCredential: `${publicUrl}/issuers/${university}/status/${randomUUID()}`,
      }),
    ).toBe('unknown')
    // The same path on another host is still Trellis's list.
    expect(
      await check({
        statusListCredential: entry.statusListCredential.replace(publicUrl, 'https://trellis.example.nhs.uk'),
      }),
    ).toEqual({ revoked: false })
  })
})

import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { principalOf } from '../../../test/support/study-fixtures.ts'
import { verifyCredentialProof } from './data-integrity.ts'
import { resolveFromKnownIssuerKeys } from './issuer-service.ts'
import { decodeStatusList, readStatusBit } from './status-list.ts'

// The issuers' public documents over HTTP, as a verifier elsewhere reads them: the DID document of the framework
// team and of a university (none for an NHS trust), and a signed status list that shows a revocation at once.

describeEachApp('issuers’ DID documents and status lists', ({ app }) => {
  const get = (url: string) => app().app.inject({ method: 'GET', url })

  it('serves each issuer’s DID document on the same path, and none for an organisation that is not an issuer', async () => {
    const did = app().services.issuers.describeDid('framework-team')
    const response = await get('/issuers/framework-team/did.json')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/did\+json/)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    const document = response.json()
    expect(document).toMatchObject({
      id: did,
      verificationMethod: [{ type: 'Multikey', controller: did, id: expect.stringMatching(/#key-/) }],
    })
    // The test app's PUBLIC_URL is http://localhost:3000.
    expect(did).toBe('did:web:localhost%3A3000:issuers:framework-team')

    const [university] = await app().db.database.query<{ id: string }>(
      "SELECT id FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
    )
    expect((await get(`/issuers/${university!.id}/did.json`)).json()).toMatchObject({
      id: `${did.replace(/framework-team$/, '')}${university!.id}`,
    })
    expect((await get('/issuers/RTD/did.json')).statusCode).toBe(404)
    expect((await get('/issuers/nobody-at-all/did.json')).statusCode).toBe(404)
  })

  it('serves a signed status list that shows a revocation at once', async () => {
    const { services, db } = app()
    const credentialId = `urn:uuid:${randomUUID()}`
    const entry = await db.database.transaction((tx) =>
      services.statusLists.allocateEntry(tx, 'framework-team', credentialId),
    )
    const path = new URL(entry.statusListCredential).pathname
    const read = async () => {
      const response = await get(path)
      expect(response.statusCode).toBe(200)
      expect(response.headers['cache-control']).toBe('no-cache')
      return response.json() as Record<string, unknown>
    }
    const bitOf = (credential: Record<string, unknown>) =>
      readStatusBit(
        decodeStatusList((credential['credentialSubject'] as { encodedList: string }).encodedList),
        Number(entry.statusListIndex),
      )
    const resolve = resolveFromKnownIssuerKeys(services.issuers.knownKeys)
    const before = await read()
    expect(bitOf(before)).toBe(false)
    expect(await verifyCredentialProof(before, resolve)).toMatchObject({ verified: true })

    const [admin] = await db.database.query<{ id: string }>(
      `INSERT INTO users (id, full_name, email) VALUES ($1, 'Framework Admin', $2) RETURNING id`,
      [randomUUID(), `admin.${randomUUID().slice(0, 8)}@example.com`],
    )
    const principal = principalOf(admin!.id, [
      { organisationId: 'framework-team', roles: ['framework-admin'] },
    ])
    await services.statusLists.revokeCredential(principal, credentialId, 'Issued to the wrong person', {
      requestId: null,
      ip: null,
    })
    const after = await read()
    expect(bitOf(after)).toBe(true)
    expect(await verifyCredentialProof(after, resolve)).toMatchObject({ verified: true })

    expect((await get(`/issuers/framework-team/status/${randomUUID()}`)).statusCode).toBe(404)
    expect((await get(`${path.replace('framework-team', 'nobody-at-all')}`)).statusCode).toBe(404)
  })
})

// Verification for anyone over HTTP: the API answers every credential with a verdict (200), a body that is not JSON
// with a problem (400), and the public page works without JavaScript, with the NHS error pattern.
import { describe, expect, it } from 'vitest'
import {
  readOneEdTechSimple,
  signDidKeyPgCert,
  signTamperedPgCert,
} from '../../../test/support/credential-fixtures.ts'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'
import { TestBrowser } from '../../../test/support/identity.ts'
import { postMultipart } from '../../../test/support/multipart.ts'
import { signCredential } from './data-integrity.ts'
import { TooManyRequestsError, type RateLimitRule } from '../../platform/http/rate-limit.ts'
import {
  createCredentialVerificationService,
  verificationRateLimit,
} from './credential-verification-service.ts'

describeEachApp('POST /api/v1/credentials/verify', ({ app }) => {
  const verify = (payload: string, contentType = 'application/json') =>
    app().app.inject({
      method: 'POST',
      url: '/api/v1/credentials/verify',
      headers: { 'content-type': contentType },
      payload,
    })

  it('verifies a did:key credential without a cookie or CSRF token', async () => {
    const response = await verify(JSON.stringify(await signDidKeyPgCert()))
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const verdict = response.json()
    expect(verdict).toMatchObject({
      verified: true,
      issuer: { name: 'University of Exeter' },
      achievement: { name: 'PGCert Clinical Research', creditsAvailable: 60, creditsEarned: 60 },
    })
    expect(verdict.checks.map((check: { check: string; ok: boolean }) => [check.check, check.ok])).toEqual([
      ['signature', true],
      ['schema', true],
      ['status', true],
      ['validity', true],
      ['issuer', true],
    ])
  })

  it('answers a tampered credential with verified false and the reason, not an error', async () => {
    const response = await verify(JSON.stringify(await signTamperedPgCert()))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      verified: false,
      checks: expect.arrayContaining([
        expect.objectContaining({ check: 'signature', ok: false, outcome: 'failed' }),
      ]),
    })
  })

  it('reports an issuer Trellis does not know as not checked', async () => {
    const response = await verify(JSON.stringify(readOneEdTechSimple()))
    expect(response.statusCode).toBe(200)
    expect(response.json().checks[0]).toEqual({
      check: 'signature',
      ok: false,
      outcome: 'not-checked',
      message: 'This could not be checked: the issuer is not known to Trellis.',
    })
  })

  it('verifies a credential signed by one of Trellis’s own did:web issuers, offline', async () => {
    const [row] = await app().db.database.query<{ id: string }>(
      "SELECT id FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
    )
    const key = await app().services.issuers.findSigningKey(row!.id)
    const unsigned = await signDidKeyPgCert()
    const { proof: _proof, ...rest } = unsigned
    const signed = await signCredential(
      { ...rest, issuer: { id: key.did, type: ['Profile'], name: 'A Trellis university' } },
      key.keyPair,
      { verificationMethod: key.verificationMethod, created: '2026-01-01T09:00:00Z' },
    )
    const response = await verify(JSON.stringify(signed))
    expect(response.json()).toMatchObject({ verified: true, issuer: { id: key.did } })
  })

  it('answers a credential without a proof with a verdict', async () => {
    const { proof: _proof, ...unsigned } = await signDidKeyPgCert()
    const response = await verify(JSON.stringify(unsigned))
    expect(response.statusCode).toBe(200)
    expect(response.json().checks[0].message).toMatch(/has no proof/)
  })

  it('answers a body that is not JSON with a problem', async () => {
    const response = await verify('{"@context": [')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('is described in the OpenAPI document', async () => {
    const response = await app().app.inject({ method: 'GET', url: '/api/openapi.json' })
    const document = response.json() as { paths: Record<string, Record<string, { operationId: string }>> }
    expect(document.paths['/api/v1/credentials/verify']?.['post']?.operationId).toBe('verifyCredential')
  })
})

describeEachApp('the public verification page', ({ app }) => {
  const browser = () => new TestBrowser(app().app)

  it('shows a form to paste or upload a credential, linked from every page’s footer', async () => {
    const visitor = browser()
    const page = await visitor.page('/verify')
    expect(page.status).toBe(200)
    expect(page.h1).toBe('Check a digital credential')
    expect(page.root.querySelector('form[enctype="multipart/form-data"] input[name="_csrf"]')).not.toBeNull()
    expect(page.root.querySelector('textarea#credentialJson')).not.toBeNull()
    expect(page.root.querySelector('input#credentialFile[type="file"]')).not.toBeNull()
    const home = parsePage((await visitor.get('/')).body)
    expect(home.root.querySelector('footer a[href="/verify"]')?.text.trim()).toBe(
      'Check a digital credential',
    )
  })

  it('verifies a pasted credential and explains every check', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', {
      credentialJson: JSON.stringify(await signDidKeyPgCert(), null, 2),
    })
    expect(response.statusCode).toBe(200)
    const page = parsePage(response.body)
    expect(page.h1).toBe('This credential is verified')
    expect(page.mainText).toContain('PGCert Clinical Research')
    expect(page.mainText).toContain('60 earned, of 60 available')
    expect(page.mainText).toContain('FHEQ level 7')
    expect(page.mainText).toContain('University of Exeter')
    for (const id of ['signature', 'schema', 'status', 'validity', 'issuer']) {
      const card = page.root.querySelector(`#check-${id}`)
      expect(card?.text).toContain('Passed')
      expect(card?.text).toContain('What we checked:')
      expect(card?.text).toContain('What this means:')
    }
  })

  it('verifies an uploaded file', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const content = Buffer.from(JSON.stringify(await signDidKeyPgCert()))
    const response = await postMultipart(visitor, '/verify', { credentialJson: '' }, [
      { field: 'credentialFile', fileName: 'pgcert.json', contentType: 'application/json', content },
    ])
    expect(parsePage(response.body).h1).toBe('This credential is verified')
  })

  it('says a tampered credential is not valid, and why', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', {
      credentialJson: JSON.stringify(await signTamperedPgCert()),
    })
    const page = parsePage(response.body)
    expect(page.h1).toBe('This credential is not valid')
    expect(page.root.querySelector('#check-signature')?.text).toContain('Failed')
    expect(page.root.querySelector('#check-signature')?.text).toContain('changed after it was signed')
  })

  it('says a credential from an issuer Trellis does not know could not be fully checked', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', {
      credentialJson: JSON.stringify(readOneEdTechSimple()),
    })
    const page = parsePage(response.body)
    expect(page.h1).toBe('This credential could not be fully checked')
    expect(page.root.querySelector('#check-signature')?.text).toContain('Could not be checked')
  })

  it('asks for a credential when nothing was pasted or chosen', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', { credentialJson: '  ' })
    expect(response.statusCode).toBe(400)
    const page = parsePage(response.body)
    expect(page.title).toMatch(/^Error: /)
    expect(page.errorSummary()).toEqual(['Paste a credential, or choose a file that holds one'])
    expect(page.root.querySelector('a[href="#credentialJson"]')).not.toBeNull()
  })

  it('says pasted text that is not JSON is not JSON, and keeps it', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', { credentialJson: 'PGCert, 60 credits' })
    const page = parsePage(response.body)
    expect(response.statusCode).toBe(400)
    expect(page.errorSummary()[0]).toMatch(/^The credential is not JSON/)
    expect(page.root.querySelector('textarea#credentialJson')?.text).toBe('PGCert, 60 credits')
  })

  it('says a file that is not JSON is not JSON, at the file field', async () => {
    const visitor = browser()
    await visitor.get('/verify')
    const response = await postMultipart(visitor, '/verify', {}, [
      {
        field: 'credentialFile',
        fileName: 'scan.png',
        contentType: 'image/png',
        content: Buffer.from([137, 80, 78, 71]),
      },
    ])
    const page = parsePage(response.body)
    expect(response.statusCode).toBe(400)
    expect(page.errorSummary()).toEqual(['The selected file is not JSON: choose the credential’s .json file'])
    expect(page.root.querySelector('a[href="#credentialFile"]')).not.toBeNull()
  })

  it('refuses a post without the form’s CSRF token', async () => {
    const response = await postMultipart(browser(), '/verify', { credentialJson: '{}' }, [], { csrf: null })
    expect(response.statusCode).toBe(403)
  })
})

describe('the verification service', () => {
  it('counts every verification against the rate limit, by address, before verifying', async () => {
    const hits: { rule: RateLimitRule; keys: readonly string[] }[] = []
    const service = createCredentialVerificationService({
      now: () => new Date('2026-06-01T00:00:00Z'),
      rateLimiter: {
        hit: async (rule, keys) => {
          hits.push({ rule, keys })
          if (hits.length > 1) throw new TooManyRequestsError(rule, 60)
        },
      },
    })
    expect((await service.verify(await signDidKeyPgCert(), { ip: '192.0.2.7' })).verified).toBe(true)
    await expect(service.verify({}, { ip: '192.0.2.7' })).rejects.toThrow(/too many credential verifications/)
    expect(hits).toEqual([
      { rule: verificationRateLimit, keys: ['192.0.2.7'] },
      { rule: verificationRateLimit, keys: ['192.0.2.7'] },
    ])
  })
})

// Verification for anyone: every check of a credential, good or bad, is a verdict with a reason in plain words, and
// an issuer or status list Trellis does not know is "could not be checked", never "forged".
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readAchievementCredentialSchema } from './credential-schema-files.ts'
import {
  createCredentialVerifier,
  describeJsonPath,
  type CheckName,
  type CredentialVerdict,
  type KnownIssuerKeys,
  type StatusChecker,
} from './credential-verification.ts'
import { signCredential } from './data-integrity.ts'
import { createEd25519KeyPairFromSeed, describeDidKey } from './ed25519-keys.ts'
import { unsignedPgCert } from '../../../test/support/credential-fixtures.ts'

const fixtures = new URL('../../../test/fixtures/credentials/', import.meta.url)
const readFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Record<string, unknown>

const schema = readAchievementCredentialSchema()
const now = () => new Date('2027-01-15T12:00:00Z')

// 1edtech-simple.json is signed with the spec's public test key for an https issuer (see data-integrity.test.ts).
const oneEdTechTestKey = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'
const oneEdTechIssuer = 'https://example.com/issuers/876543'
const knowsOneEdTech: KnownIssuerKeys = {
  resolve: (id) =>
    id === `${oneEdTechIssuer}#${oneEdTechTestKey}`
      ? { publicKeyMultibase: oneEdTechTestKey, controller: oneEdTechIssuer }
      : null,
}

const statusEntry = {
  id: 'https://trellis.example/credentials/status/1#94567',
  type: 'BitstringStatusListEntry',
  statusPurpose: 'revocation',
  statusListIndex: '94567',
  statusListCredential: 'https://trellis.example/credentials/status/1',
}

async function signPgCert(overrides: Record<string, unknown> = {}) {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 5))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  return signCredential(unsignedPgCert(did, overrides), keyPair, {
    verificationMethod,
    created: '2026-09-30T10:00:00Z',
  })
}

function checkOf(verdict: CredentialVerdict, name: CheckName) {
  const check = verdict.checks.find((each) => each.check === name)
  if (check === undefined) throw new Error(`no ${name} check`)
  return check
}

const verifier = createCredentialVerifier({ schema, now })

describe('a credential Trellis can check completely', () => {
  it('verifies a did:key credential offline, with every check passed and explained', async () => {
    const signed = await signPgCert()
    const verdict = await verifier.verify(signed)
    expect(verdict.checks.map((check) => [check.check, check.outcome])).toEqual([
      ['signature', 'passed'],
      ['schema', 'passed'],
      ['status', 'passed'],
      ['validity', 'passed'],
      ['issuer', 'passed'],
    ])
    expect(verdict.verified).toBe(true)
    expect(checkOf(verdict, 'signature').message).toMatch(/nothing in it has been changed/)
    expect(checkOf(verdict, 'validity').message).toBe(
      'It has been valid since 30 September 2026 at 00:00 (UTC) and has no expiry date.',
    )
    expect(checkOf(verdict, 'issuer').message).toMatch(
      /belongs to its issuer, University of Exeter \(did:key:z6Mk/,
    )
    expect(verdict.issuer).toEqual({ id: (signed.issuer as { id: string }).id, name: 'University of Exeter' })
    expect(verdict.achievement).toEqual({
      id: 'urn:uuid:3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f',
      name: 'PGCert Clinical Research',
      description: 'Sixty UK credits at FHEQ level 7 in clinical research delivery.',
      achievementType: 'Certificate',
      criteria: 'Pass 60 UK credits of framework modules at FHEQ level 7.',
      creditsAvailable: 60,
      creditsEarned: 60,
      alignment: [
        {
          targetName: 'FHEQ level 7',
          targetType: 'ext:FHEQLevel',
          targetUrl: 'https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks',
        },
      ],
    })
    expect(verdict.credential).toMatchObject({ subjectId: 'did:example:learner-42' })
  })

  it('verifies JSON text as well as parsed JSON', async () => {
    const verdict = await verifier.verify(JSON.stringify(await signPgCert()))
    expect(verdict.verified).toBe(true)
  })

  it('verifies 1EdTech’s signed credential when its https issuer is one Trellis knows', async () => {
    const known = createCredentialVerifier({ schema, now, knownIssuerKeys: knowsOneEdTech })
    const verdict = await known.verify(readFixture('1edtech-simple.json'))
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([])
    expect(verdict.verified).toBe(true)
    expect(verdict.issuer).toEqual({ id: oneEdTechIssuer, name: 'Example Corp' })
    expect(verdict.achievement).toMatchObject({ name: 'Teamwork', alignment: [] })
  })
})

describe('an issuer Trellis does not know', () => {
  it('reports the signature and the issuer as not checked, not as forged', async () => {
    const verdict = await verifier.verify(readFixture('1edtech-simple.json'))
    expect(verdict.verified).toBe(false)
    for (const name of ['signature', 'issuer'] as const) {
      expect(checkOf(verdict, name)).toEqual({
        check: name,
        ok: false,
        outcome: 'not-checked',
        message: 'This could not be checked: the issuer is not known to Trellis.',
      })
    }
    expect(verdict.checks.some((check) => check.outcome === 'failed')).toBe(false)
  })

  it('reports a key Trellis knows but that belongs to someone else as a failed issuer check', async () => {
    const impostor = createCredentialVerifier({
      schema,
      now,
      knownIssuerKeys: {
        resolve: () => ({ publicKeyMultibase: oneEdTechTestKey, controller: 'https://elsewhere.example' }),
      },
    })
    const verdict = await impostor.verify(readFixture('1edtech-simple.json'))
    expect(checkOf(verdict, 'issuer')).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/belongs to https:\/\/elsewhere\.example, not to the issuer it names/),
    })
    expect(checkOf(verdict, 'signature').outcome).toBe('failed')
  })
})

describe('a changed credential', () => {
  it('fails the signature when a field was changed after signing', async () => {
    const signed = await signPgCert()
    const subject = signed.credentialSubject as { creditsEarned: number }
    subject.creditsEarned = 180
    const verdict = await verifier.verify(signed)
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'signature')).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/changed after it was signed/),
    })
    // What it claims is still shown, so that the page can say what was claimed and that it is not to be trusted.
    expect(verdict.achievement?.creditsEarned).toBe(180)
  })

  it('fails a renamed 1EdTech credential from a known issuer', async () => {
    const known = createCredentialVerifier({ schema, now, knownIssuerKeys: knowsOneEdTech })
    const credential = readFixture('1edtech-simple.json')
    ;(credential['credentialSubject'] as { achievement: { name: string } }).achievement.name = 'Leadership'
    expect(checkOf(await known.verify(credential), 'signature').outcome).toBe('failed')
  })
})

describe('dates', () => {
  it('says a credential whose validUntil has passed has expired', async () => {
    const verdict = await verifier.verify(await signPgCert({ validUntil: '2026-12-31T23:59:59Z' }))
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'signature').ok).toBe(true)
    expect(checkOf(verdict, 'validity')).toMatchObject({
      outcome: 'failed',
      message: 'It has expired: it was valid until 31 December 2026 at 23:59 (UTC).',
    })
  })

  it('says a credential whose validFrom is still to come is not yet valid', async () => {
    const verdict = await verifier.verify(await signPgCert({ validFrom: '2027-06-01T00:00:00Z' }))
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'validity')).toMatchObject({
      outcome: 'failed',
      message: 'It is not yet valid: it takes effect on 1 June 2027 at 00:00 (UTC), which has not arrived.',
    })
  })

  it('uses the clock it is given', async () => {
    const later = createCredentialVerifier({ schema, now: () => new Date('2027-06-02T00:00:00Z') })
    expect((await later.verify(await signPgCert({ validFrom: '2027-06-01T00:00:00Z' }))).verified).toBe(true)
  })
})

describe('status', () => {
  const answering = (answer: Awaited<ReturnType<StatusChecker['check']>>): StatusChecker => ({
    check: () => answer,
  })

  it('says a revoked credential is revoked, with the reason', async () => {
    const revoked = createCredentialVerifier({
      schema,
      now,
      statusChecker: answering({ revoked: true, reason: 'Awarded in error' }),
    })
    const verdict = await revoked.verify(await signPgCert({ credentialStatus: statusEntry }))
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'signature').ok).toBe(true)
    expect(checkOf(verdict, 'status')).toMatchObject({
      outcome: 'failed',
      message: 'It has been revoked by its issuer: Awarded in error. It is no longer valid.',
    })
  })

  it('passes a credential its status list says is not revoked, and gives the checker the entry', async () => {
    const seen: unknown[] = []
    const checker: StatusChecker = {
      check: (entry) => {
        seen.push(entry)
        return { revoked: false }
      },
    }
    const verdict = await createCredentialVerifier({ schema, now, statusChecker: checker }).verify(
      await signPgCert({ credentialStatus: statusEntry }),
    )
    expect(verdict.verified).toBe(true)
    expect(seen).toEqual([statusEntry])
  })

  it('reports a status list nobody knows as not checked, with or without a checker', async () => {
    const signed = await signPgCert({ credentialStatus: statusEntry })
    for (const candidate of [
      verifier,
      createCredentialVerifier({ schema, now, statusChecker: answering('unknown') }),
    ]) {
      const verdict = await candidate.verify(signed)
      expect(verdict.verified).toBe(false)
      expect(checkOf(verdict, 'status')).toMatchObject({
        ok: false,
        outcome: 'not-checked',
        message: expect.stringMatching(/^This could not be checked: Trellis does not know the status list/),
      })
    }
  })
})

describe('bad input, each a verdict with a reason', () => {
  it('malformed JSON', async () => {
    const verdict = await verifier.verify('{"@context": [')
    expect(verdict).toMatchObject({ verified: false, issuer: null, achievement: null })
    expect(checkOf(verdict, 'signature').message).toMatch(/^It is not valid JSON/)
    expect(verdict.checks).toHaveLength(5)
  })

  it.each([
    ['an array', []],
    ['a number', 42],
    ['null', null],
    ['nothing', undefined],
  ])('%s, which is not a credential', async (_name, input) => {
    const verdict = await verifier.verify(input)
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'schema').message).toBe('It is not a JSON object, so it is not a credential.')
  })

  it('a missing proof', async () => {
    const { proof: _proof, ...unsigned } = await signPgCert()
    const verdict = await verifier.verify(unsigned)
    expect(verdict.verified).toBe(false)
    expect(checkOf(verdict, 'signature').message).toMatch(/has no proof/)
    expect(checkOf(verdict, 'issuer').outcome).toBe('failed')
  })

  it('an unknown cryptosuite', async () => {
    const signed = await signPgCert()
    const verdict = await verifier.verify({
      ...signed,
      proof: [{ ...signed.proof[0], cryptosuite: 'ecdsa-sd-2023' }],
    })
    expect(checkOf(verdict, 'signature')).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/of a kind Trellis does not check: The cryptosuite "ecdsa-sd-2023"/),
    })
  })

  it('a credential missing required fields, with the JSON path named', async () => {
    const signed = await signPgCert()
    const subject = signed.credentialSubject as { achievement: Record<string, unknown> }
    delete subject.achievement['name']
    const verdict = await verifier.verify(signed)
    expect(checkOf(verdict, 'schema')).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/credentialSubject\.achievement\.name is missing/),
    })
  })

  it('dates that are not dates', async () => {
    const verdict = await verifier.verify({ ...(await signPgCert()), validUntil: 'next Tuesday' })
    expect(checkOf(verdict, 'validity').message).toBe(
      'Its end date (validUntil) "next Tuesday" is not a date.',
    )
  })
})

describe('describeJsonPath', () => {
  it.each([
    ['', 'the credential'],
    ['/proof', 'proof'],
    ['/proof/0/cryptosuite', 'proof[0].cryptosuite'],
    [
      '/credentialSubject/achievement/alignment/1/targetUrl',
      'credentialSubject.achievement.alignment[1].targetUrl',
    ],
    ['/a~1b', 'a/b'],
  ])('%j reads %s', (pointer, path) => {
    expect(describeJsonPath(pointer)).toBe(path)
  })
})

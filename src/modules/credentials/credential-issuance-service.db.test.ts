import { randomBytes, randomUUID } from 'node:crypto'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import { JsonLdDocumentLoader } from 'jsonld-document-loader'
import { Ajv2019 } from 'ajv/dist/2019.js'
import ajvFormats from 'ajv-formats'
import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { CredentialAchievement } from './credential-builder.ts'
import {
  createCredentialIssuanceService,
  type CredentialIssuanceService,
  type IssueCredentialInput,
} from './credential-issuance-service.ts'
import { readAchievementCredentialSchema } from './credential-schema-files.ts'
import { createCredentialVerifier, type CredentialVerifier } from './credential-verification.ts'
import { createIssuerService, type IssuerService } from './issuer-service.ts'
import { findBundledContext, listBundledContextUrls } from './json-ld-contexts.ts'
import { createKeyStoreRepository } from './key-store-repository.ts'
import { createStatusListRepository } from './status-list-repository.ts'
import { createStatusListService, type StatusListService } from './status-list-service.ts'

// Issuance on each engine: a module pass, a Research Practice Experience and a framework level are issued as signed
// Open Badges 3.0 credentials that the OB schema accepts and Trellis's verifier verifies through its own issuers'
// keys and status lists, and Digital Bazaar's vc-js verifies too (the issuer's DID document served as Trellis serves
// it, offline); issuing the same achievement again returns the same credential; revoked, it says so.

const publicUrl = 'http://localhost:3000'
const university = 'test-university-of-issuance'
const origin = { requestId: 'test', ip: '127.0.0.1' }

const modulePass: CredentialAchievement = {
  kind: 'module-pass',
  universityId: university,
  moduleCode: 'CRD7001',
  moduleTitle: 'Foundations of Clinical Research Delivery',
  credits: 20,
  startedOn: '2026-01-12',
  completedOn: '2026-04-30',
}

const rpe: CredentialAchievement = {
  kind: 'rpe-sign-off',
  universityId: university,
  moduleCode: 'CRD7090',
  moduleTitle: 'Research Practice Experience',
  credits: 20,
  study: { title: 'A trial of early mobilisation after hip fracture', nctId: 'NCT01234567' },
  activities: [
    { name: 'Screening and eligibility checks', hours: 30 },
    { name: 'Informed consent discussions, observed', hours: 12 },
  ],
  startedOn: '2026-02-02',
  completedOn: '2026-05-29',
}

const pgcert: CredentialAchievement = {
  kind: 'framework-level',
  levelId: 'pgcert',
  creditsEarned: 60,
  completedOn: '2026-06-30',
}

function compileSchema() {
  const ajv = new Ajv2019({ strict: false, allErrors: true })
  ajvFormats.default(ajv)
  return ajv.compile(readAchievementCredentialSchema())
}

describeEachEngine('credential issuance', ({ database }) => {
  let db: Database
  let issuers: IssuerService
  let statusLists: StatusListService
  let service: CredentialIssuanceService
  let verifier: CredentialVerifier
  let learnerId: string
  let leadId: string

  const input = (achievement: CredentialAchievement, subjectRef: string): IssueCredentialInput => ({
    learnerId,
    issuerId: university,
    subjectRef,
    achievement,
  })

  beforeAll(async () => {
    db = database()
    issuers = createIssuerService({
      db,
      keys: createKeyStoreRepository(db),
      credentialsKey: randomBytes(32),
      publicUrl,
    })
    statusLists = createStatusListService({ db, lists: createStatusListRepository(db), issuers, publicUrl })
    service = createCredentialIssuanceService({ db, issuers, statusLists, publicUrl })
    verifier = createCredentialVerifier({
      schema: readAchievementCredentialSchema(),
      knownIssuerKeys: issuers.knownKeys,
      statusChecker: statusLists.checker,
      now: () => new Date(),
    })
    await db.query(
      `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
       VALUES ($1, 'university', 'University of Issuance', $1, '{}', '{test}', 9999)`,
      [university],
    )
    learnerId = (
      await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId: university, roles: ['learner'] }],
      })
    ).id
    leadId = (
      await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId: university, roles: ['programme-lead'] }],
      })
    ).id
  })

  it.each([
    ['a module pass', modulePass, 'Course'],
    ['a Research Practice Experience', rpe, 'Fieldwork'],
    ['a framework level', pgcert, 'Certificate'],
  ])('issues %s that the OB schema accepts and the verifier verifies', async (_name, achievement, type) => {
    const issued = await service.issue(input(achievement, randomUUID()))
    const credential = issued.credential
    expect(credential['id']).toBe(`urn:uuid:${issued.id}`)
    expect(credential['issuer']).toMatchObject({ id: `did:web:localhost%3A3000:issuers:${university}` })
    const subject = credential['credentialSubject'] as { achievement: { achievementType: string } }
    expect(subject.achievement.achievementType).toBe(type)

    const validate = compileSchema()
    const valid = validate(credential)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)

    const verdict = await verifier.verify(credential)
    expect(verdict.checks.filter((check) => check.outcome !== 'passed')).toEqual([])
    expect(verdict.verified).toBe(true)
  })

  // vc-js resolves the did:web issuer through its document loader: here, the bundled contexts and the DID document
  // Trellis publishes (and each of its keys, as a did:web resolver gives them), without a network.
  function buildIndependentDocumentLoader() {
    const loader = new JsonLdDocumentLoader()
    loader.addDocuments({
      documents: new Map(listBundledContextUrls().map((url) => [url, findBundledContext(url)])),
    })
    const bundled = loader.build()
    return async (url: string) => {
      if (!url.startsWith('did:web:')) return bundled(url)
      const document = await issuers.findDidDocument(university)
      if (document === null || url.split('#')[0] !== document.id) throw new Error(`unknown DID ${url}`)
      if (!url.includes('#')) return { contextUrl: null, documentUrl: url, document }
      const method = document.verificationMethod.find((candidate) => candidate.id === url)
      if (method === undefined) throw new Error(`unknown verification method ${url}`)
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': document['@context'], ...method },
      }
    }
  }

  it('issues credentials that @digitalbazaar/vc verifies through the issuer’s did:web document', async () => {
    const issued = await service.issue(input(rpe, randomUUID()))
    const result = await vc.verifyCredential({
      credential: issued.credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }),
      documentLoader: buildIndependentDocumentLoader(),
      checkStatus: async ({ credential }: { credential: { credentialStatus: Record<string, unknown> } }) => {
        const answer = await statusLists.checker.check(credential.credentialStatus)
        return { verified: answer !== 'unknown' && !answer.revoked }
      },
    })
    expect(result.error).toBeUndefined()
    expect(result.verified).toBe(true)
  })

  it('names the study and the signed-off hours as RPE evidence', async () => {
    const issued = await service.issue(input(rpe, randomUUID()))
    expect(issued.credential['evidence']).toEqual([
      expect.objectContaining({
        name: 'A trial of early mobilisation after hip fracture',
        description: 'ClinicalTrials.gov NCT01234567',
        narrative:
          'Screening and eligibility checks: 30 hours\nInformed consent discussions, observed: 12 hours',
      }),
    ])
  })

  it('returns the credential already issued for the same achievement, even when issued at once', async () => {
    const subjectRef = randomUUID()
    const [first, second] = await Promise.all([
      service.issue(input(modulePass, subjectRef)),
      service.issue(input(modulePass, subjectRef)),
    ])
    const again = await service.issue(input(modulePass, subjectRef))
    expect(second!.id).toBe(first!.id)
    expect(again.credential).toEqual(first!.credential)
    expect(await service.findById(first!.id)).toMatchObject({ id: first!.id, revokedAt: null })
    const listed = await service.listForLearner(learnerId)
    expect(listed.filter((credential) => credential.subjectRef === subjectRef)).toHaveLength(1)
  })

  it('is reported revoked by the verifier once its issuer revokes it', async () => {
    const issued = await service.issue(input(pgcert, randomUUID()))
    const lead = principalOf(leadId, [{ organisationId: university, roles: ['programme-lead'] }])
    const outcome = await statusLists.revokeCredential(
      lead,
      `urn:uuid:${issued.id}`,
      'Awarded in error',
      origin,
    )
    expect(outcome).toMatchObject({ ok: true })
    const verdict = await verifier.verify(issued.credential)
    expect(verdict.verified).toBe(false)
    expect(verdict.checks.find((check) => check.check === 'status')).toMatchObject({ outcome: 'failed' })
    expect((await service.findById(issued.id))?.revokedAt).toBeInstanceOf(Date)
  })
})

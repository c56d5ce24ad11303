import { describe, expect, it } from 'vitest'
import {
  achievementCredentialSchema,
  buildOpenBadgeCredential,
  describeLearnerSubjectId,
  frameworkName,
  type CredentialBuildInput,
} from './credential-builder.ts'
import { contextUrls } from './json-ld-contexts.ts'
import { buildStatusListEntry } from './status-list.ts'

// The unsigned credential's shape: contexts in order, the achievement's stable URL, UK credits, the alignments to
// FHEQ level 7 and to the framework level, the roles a level prepares for, and the subject's id.

const publicUrl = 'https://trellis.example'
const learnerId = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b'

function build(overrides: Partial<CredentialBuildInput> = {}) {
  return buildOpenBadgeCredential({
    credentialId: 'urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    publicUrl,
    issuer: { did: 'did:web:trellis.example:issuers:framework-team', name: 'Framework team' },
    learnerId,
    issuedAt: new Date('2026-07-01T10:00:00.000Z'),
    credentialStatus: buildStatusListEntry(
      `${publicUrl}/issuers/framework-team/status/11111111-2222-4333-8444-555555555555`,
      'revocation',
      7,
    ),
    achievement: { kind: 'framework-level', levelId: 'pgcert', creditsEarned: 60, completedOn: '2026-06-30' },
    ...overrides,
  })
}

describe('buildOpenBadgeCredential', () => {
  it('builds a framework level as an OB 3.0 credential with its alignments, credits and roles', () => {
    const credential = build()
    expect(credential['@context']).toEqual([
      contextUrls.credentialsV2,
      contextUrls.openBadgesV3,
      contextUrls.openBadgesExtensions,
    ])
    expect(credential).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: 'did:web:trellis.example:issuers:framework-team',
        type: ['Profile'],
        name: 'Framework team',
      },
      validFrom: '2026-07-01T10:00:00Z',
      credentialStatus: { type: 'BitstringStatusListEntry', statusListIndex: '7' },
      credentialSchema: [achievementCredentialSchema],
      credentialSubject: {
        type: ['AchievementSubject'],
        creditsEarned: 60,
        activityEndDate: '2026-06-30T00:00:00Z',
        achievement: {
          id: `${publicUrl}/achievements/framework-levels/pgcert`,
          achievementType: 'Certificate',
          creditsAvailable: 60,
          tag: [
            'Clinical research',
            'Local Co-Investigator',
            'Local Principal Investigator on less complex studies',
          ],
          alignment: [
            { targetType: 'ext:FHEQLevel', targetCode: '7' },
            { targetFramework: frameworkName, targetCode: 'pgcert' },
          ],
        },
      },
    })
    const achievement = (credential['credentialSubject'] as { achievement: { description: string } })
      .achievement
    expect(achievement.description).toContain('60 UK credits')
  })

  it('types the Diploma and the Master’s by their awards', () => {
    const type = (levelId: 'pgdip' | 'masters') =>
      (
        build({
          achievement: { kind: 'framework-level', levelId, creditsEarned: 60, completedOn: '2027-06-30' },
        })['credentialSubject'] as { achievement: { achievementType: string } }
      ).achievement.achievementType
    expect(type('pgdip')).toBe('Diploma')
    expect(type('masters')).toBe('MasterDegree')
  })

  it('names the subject by a stable urn:uuid that is not the learner’s id, or by their DID', () => {
    const subjectId = (credential: Record<string, unknown>) =>
      (credential['credentialSubject'] as { id: string }).id
    const id = subjectId(build())
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(id).toBe(describeLearnerSubjectId(learnerId))
    expect(id).not.toContain(learnerId)
    expect(subjectId(build({ learnerDid: 'did:key:z6MkExample' }))).toBe('did:key:z6MkExample')
  })

  it('gives a module its code and a URL per university and code', () => {
    const credential = build({
      achievement: {
        kind: 'module-pass',
        universityId: 'university-of-exeter',
        moduleCode: 'CRD7001',
        moduleTitle: 'Foundations',
        credits: 15,
        completedOn: '2026-04-30',
      },
    })
    expect(credential['credentialSubject']).toMatchObject({
      creditsEarned: 15,
      achievement: {
        id: `${publicUrl}/achievements/modules/university-of-exeter/crd7001`,
        achievementType: 'Course',
        humanCode: 'CRD7001',
        creditsAvailable: 15,
      },
    })
    expect(credential).not.toHaveProperty('evidence')
  })
})

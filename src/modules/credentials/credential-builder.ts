// Builds the unsigned Open Badges 3.0 OpenBadgeCredential Trellis issues for an achievement: a module passed, a
// Research Practice Experience signed off, or a framework level achieved. Pure: the issuance service allocates the
// status entry, signs and stores. The shapes follow research/anchors-credentials.md §6: UK (CATS) credits in
// creditsAvailable/creditsEarned with the unit stated in the description, and alignments to FHEQ level 7 and to the
// framework level.
import { createHash } from 'node:crypto'
import { contextUrls } from './json-ld-contexts.ts'
import type { BitstringStatusListEntry } from './status-list.ts'

export const frameworkName = 'NIHR–AoMRC Clinician Researcher Credentials Framework'
export const achievementCredentialSchema = {
  id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
  type: '1EdTechJsonSchemaValidator2019',
} as const

const fheqUrl = 'https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks'

export type FrameworkLevelId = 'pgcert' | 'pgdip' | 'masters'

/** The research roles, as content/framework.yaml names them. */
const roleNames = {
  'local-co-investigator': 'Local Co-Investigator',
  'local-pi-less-complex': 'Local Principal Investigator on less complex studies',
  'local-pi-most-studies': 'Local Principal Investigator on most studies',
} as const

/** The framework's levels (content/framework.yaml): the award, its cumulative credits and the roles it prepares for. */
const frameworkLevels: Record<
  FrameworkLevelId,
  {
    name: string
    achievementType: 'Certificate' | 'Diploma' | 'MasterDegree'
    credits: number
    roles: readonly (keyof typeof roleNames)[]
  }
> = {
  pgcert: {
    name: 'Postgraduate Certificate',
    achievementType: 'Certificate',
    credits: 60,
    roles: ['local-co-investigator', 'local-pi-less-complex'],
  },
  pgdip: { name: 'Postgraduate Diploma', achievementType: 'Diploma', credits: 120, roles: [] },
  masters: {
    name: 'Master’s',
    achievementType: 'MasterDegree',
    credits: 180,
    roles: ['local-pi-most-studies'],
  },
}

export type CredentialAchievement =
  | {
      readonly kind: 'module-pass'
      readonly universityId: string
      readonly moduleCode: string
      readonly moduleTitle: string
      readonly credits: number
      readonly startedOn?: string
      readonly completedOn: string
    }
  | {
      readonly kind: 'rpe-sign-off'
      readonly universityId: string
      /** The RPE module's code, when the placement counts toward one. */
      readonly moduleCode?: string
      readonly moduleTitle: string
      readonly credits: number
      /** The study the placement was on: its public title and registry id. Never patient data. */
      readonly study: { readonly title: string; readonly nctId?: string }
      readonly activities: readonly { readonly name: string; readonly hours: number }[]
      readonly startedOn: string
      readonly completedOn: string
    }
  | {
      readonly kind: 'framework-level'
      readonly levelId: FrameworkLevelId
      readonly creditsEarned: number
      readonly startedOn?: string
      readonly completedOn: string
    }

export interface CredentialBuildInput {
  /** `urn:uuid:…`: the credential's id, also its status entry's credential id. */
  readonly credentialId: string
  readonly publicUrl: string
  readonly issuer: { readonly did: string; readonly name: string }
  /** Trellis's learner id; the subject is its stable urn:uuid unless the learner gave a DID. */
  readonly learnerId: string
  readonly learnerDid?: string
  readonly issuedAt: Date
  readonly credentialStatus: BitstringStatusListEntry
  readonly achievement: CredentialAchievement
}

export type UnsignedCredential = Record<string, unknown>

/**
 * The learner's subject id when they have no DID: a name-based UUID (version 8, from SHA-256) of their Trellis id,
 * stable across credentials but not the internal id itself.
 */
export function describeLearnerSubjectId(learnerId: string): string {
  const hash = createHash('sha256').update(`trellis:credential-subject:${learnerId}`).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x80
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const toDateTime = (date: string) => (date.length === 10 ? `${date}T00:00:00Z` : date)

const fheqAlignment = {
  type: ['Alignment'],
  targetName: 'FHEQ level 7',
  targetDescription: 'Master’s level of the Framework for Higher Education Qualifications (England).',
  targetUrl: fheqUrl,
  targetType: 'ext:FHEQLevel',
  targetCode: '7',
}

function frameworkAlignment(publicUrl: string, levelId: FrameworkLevelId) {
  const level = frameworkLevels[levelId]
  return {
    type: ['Alignment'],
    targetName: `${level.name} (${level.credits} UK credits)`,
    targetUrl: `${publicUrl}/framework#${levelId}`,
    targetFramework: frameworkName,
    targetCode: levelId,
  }
}

const roleTags = (roles: readonly (keyof typeof roleNames)[]) => roles.map((role) => roleNames[role])

function describeAchievement(input: CredentialBuildInput) {
  const { publicUrl, achievement } = input
  switch (achievement.kind) {
    case 'module-pass':
      return {
        id: `${publicUrl}/achievements/modules/${slug(achievement.universityId)}/${slug(achievement.moduleCode)}`,
        type: ['Achievement'],
        achievementType: 'Course',
        name: achievement.moduleTitle,
        humanCode: achievement.moduleCode,
        description:
          `${achievement.moduleTitle} (${achievement.moduleCode}), a module of the ${frameworkName}: ` +
          `${achievement.credits} UK credits (CATS) at FHEQ level 7. It counts toward the Postgraduate Certificate.`,
        criteria: {
          narrative: `Pass the module ${achievement.moduleCode} as its university assesses it.`,
        },
        creditsAvailable: achievement.credits,
        fieldOfStudy: 'Clinical research',
        alignment: [fheqAlignment, frameworkAlignment(publicUrl, 'pgcert')],
        tag: ['Clinical research', ...roleTags(frameworkLevels.pgcert.roles)],
      }
    case 'rpe-sign-off': {
      const code = achievement.moduleCode
      return {
        id: `${publicUrl}/achievements/research-practice-experience/${slug(achievement.universityId)}/${slug(code ?? achievement.moduleTitle)}`,
        type: ['Achievement'],
        // 'Fieldwork', not 'ext:ResearchPracticeExperience': a Research Practice Experience is supervised work in a
        // study's delivery team, which the standard term describes and every wallet and verifier understands; the
        // framework's own name is in the achievement's name, description and tags.
        achievementType: 'Fieldwork',
        name: `Research Practice Experience: ${achievement.moduleTitle}`,
        ...(code === undefined ? {} : { humanCode: code }),
        description:
          `A Research Practice Experience of the ${frameworkName}: supervised practice in a research delivery ` +
          `team, signed off by the supervisor. ${achievement.credits} UK credits (CATS) at FHEQ level 7.`,
        criteria: {
          narrative:
            'Complete the placement’s activities in a study’s delivery team, recorded in the logbook and signed ' +
            'off by the placement supervisor.',
        },
        creditsAvailable: achievement.credits,
        fieldOfStudy: 'Clinical research',
        alignment: [fheqAlignment, frameworkAlignment(publicUrl, 'pgcert')],
        tag: ['Research Practice Experience', ...roleTags(frameworkLevels.pgcert.roles)],
      }
    }
    case 'framework-level': {
      const level = frameworkLevels[achievement.levelId]
      const roles = roleTags(level.roles)
      return {
        id: `${publicUrl}/achievements/framework-levels/${achievement.levelId}`,
        type: ['Achievement'],
        achievementType: level.achievementType,
        name: `${level.name}, ${frameworkName}`,
        description:
          `The ${level.name} level of the ${frameworkName}: ${level.credits} UK credits (CATS) in all at FHEQ ` +
          `level 7.` +
          (roles.length === 0
            ? ''
            : ` It prepares the holder for these research roles: ${roles.join('; ')}.`),
        criteria: {
          narrative: `Earn ${level.credits} UK credits of the framework’s modules at FHEQ level 7, as the level’s compositions set out.`,
        },
        creditsAvailable: level.credits,
        fieldOfStudy: 'Clinical research',
        alignment: [fheqAlignment, frameworkAlignment(publicUrl, achievement.levelId)],
        tag: ['Clinical research', ...roles],
      }
    }
  }
}

function describeCreditsEarned(achievement: CredentialAchievement): number {
  return achievement.kind === 'framework-level' ? achievement.creditsEarned : achievement.credits
}

/** RPE evidence: the study and the signed-off activities with hours. Only what the study publishes. */
function describeEvidence(achievement: CredentialAchievement) {
  if (achievement.kind !== 'rpe-sign-off') return undefined
  const { study, activities } = achievement
  return [
    {
      type: ['Evidence'],
      name: study.title,
      ...(study.nctId === undefined ? {} : { description: `ClinicalTrials.gov ${study.nctId}` }),
      genre: 'Research study',
      narrative: activities.map((activity) => `${activity.name}: ${activity.hours} hours`).join('\n'),
    },
  ]
}

export function buildOpenBadgeCredential(input: CredentialBuildInput): UnsignedCredential {
  const { achievement } = input
  const built = describeAchievement(input)
  const evidence = describeEvidence(achievement)
  return {
    // 1EdTech's extensions context third: it defines the credentialSchema type 1EdTechJsonSchemaValidator2019,
    // which the OB 3.0.3 context does not, and canonicalisation refuses an undefined type.
    '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3, contextUrls.openBadgesExtensions],
    id: input.credentialId,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: input.issuer.did, type: ['Profile'], name: input.issuer.name },
    validFrom: input.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    name: built.name,
    credentialSubject: {
      id: input.learnerDid ?? describeLearnerSubjectId(input.learnerId),
      type: ['AchievementSubject'],
      achievement: built,
      creditsEarned: describeCreditsEarned(achievement),
      ...(achievement.startedOn === undefined
        ? {}
        : { activityStartDate: toDateTime(achievement.startedOn) }),
      activityEndDate: toDateTime(achievement.completedOn),
    },
    ...(evidence === undefined ? {} : { evidence }),
    credentialStatus: input.credentialStatus,
    credentialSchema: [achievementCredentialSchema],
  }
}

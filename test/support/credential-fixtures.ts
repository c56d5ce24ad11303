// Credentials for tests of verification: a PGCert signed with a did:key (so it verifies offline), and 1EdTech's
// signed fixture.
import { readFileSync } from 'node:fs'
import {
  contextUrls,
  createEd25519KeyPairFromSeed,
  describeDidKey,
  signCredential,
} from '../../src/modules/credentials/index.ts'

export function readOneEdTechSimple(): Record<string, unknown> {
  const url = new URL('../fixtures/credentials/1edtech-simple.json', import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>
}

/**
 * An unsigned PGCert from the "University of Exeter", valid from 30 September 2026, with the learner
 * `did:example:learner-42`: 60 UK credits at FHEQ level 7. `overrides` replace top-level fields.
 */
export function unsignedPgCert(
  issuerDid: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3],
    id: 'urn:uuid:2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerDid, type: ['Profile'], name: 'University of Exeter' },
    validFrom: '2026-09-30T00:00:00Z',
    name: 'Postgraduate Certificate in Clinical Research',
    credentialSubject: {
      id: 'did:example:learner-42',
      type: ['AchievementSubject'],
      achievement: {
        id: 'urn:uuid:3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f',
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: 'PGCert Clinical Research',
        description: 'Sixty UK credits at FHEQ level 7 in clinical research delivery.',
        criteria: { narrative: 'Pass 60 UK credits of framework modules at FHEQ level 7.' },
        creditsAvailable: 60,
        alignment: [
          {
            type: ['Alignment'],
            targetName: 'FHEQ level 7',
            targetUrl: 'https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks',
            targetType: 'ext:FHEQLevel',
          },
        ],
      },
      creditsEarned: 60,
    },
    ...overrides,
  }
}

/** The PGCert on a did:key, valid from 1 January 2026, signed. */
export async function signDidKeyPgCert(overrides: Record<string, unknown> = {}) {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 9))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  const unsigned = unsignedPgCert(did, {
    id: 'urn:uuid:8f0e2d7c-1b3a-4c5d-9e6f-7a8b9c0d1e2f',
    validFrom: '2026-01-01T00:00:00Z',
    ...overrides,
  })
  return signCredential(unsigned, keyPair, { verificationMethod, created: '2026-01-01T09:00:00Z' })
}

/** The same credential with its credits changed after signing. */
export async function signTamperedPgCert() {
  const signed = await signDidKeyPgCert()
  return { ...signed, credentialSubject: { ...(signed.credentialSubject as object), creditsEarned: 120 } }
}

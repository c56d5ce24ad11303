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

/** A PGCert from the "University of Exeter" on a did:key, valid from 1 January 2026, signed. */
export async function signDidKeyPgCert(overrides: Record<string, unknown> = {}) {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 9))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  const unsigned = {
    '@context': [contextUrls.credentialsV2, contextUrls.openBadgesV3],
    id: 'urn:uuid:8f0e2d7c-1b3a-4c5d-9e6f-7a8b9c0d1e2f',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: did, type: ['Profile'], name: 'University of Exeter' },
    validFrom: '2026-01-01T00:00:00Z',
    name: 'Postgraduate Certificate in Clinical Research',
    credentialSubject: {
      id: 'did:example:learner-7',
      type: ['AchievementSubject'],
      achievement: {
        id: 'urn:uuid:9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
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
  return signCredential(unsigned, keyPair, { verificationMethod, created: '2026-01-01T09:00:00Z' })
}

/** The same credential with its credits changed after signing. */
export async function signTamperedPgCert() {
  const signed = await signDidKeyPgCert()
  return { ...signed, credentialSubject: { ...signed.credentialSubject, creditsEarned: 120 } }
}

import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StudyRecord } from '../../src/modules/placements/study.ts'
import type { Principal } from '../../src/platform/http/access-control.ts'
import { projectRoot } from '../../src/platform/views/view-engine.ts'

/** Real ClinicalTrials.gov API v2 records, byte for byte (test/fixtures/studies/README.md). */
export const studyFixtures = join(projectRoot, 'test', 'fixtures', 'studies')

/** PALLAS: 437 locations, 16 in the UK. */
export const pallasFile = join(studyFixtures, 'NCT02513394.json')
/** Toca 6: three locations in the United States, few optional fields. */
export const tocaFile = join(studyFixtures, 'NCT02576665.json')

export function readStudyFixture(path: string): Promise<string> {
  return readFile(path, 'utf8')
}

/** A registry record with only what a study must have: for tests that need a study, not its details. */
export function minimalStudyRecord(nctId: string, briefTitle: string): StudyRecord {
  return {
    identifiers: { nctId, isrctn: null, irasId: null, orgStudyId: null },
    briefTitle,
    officialTitle: null,
    acronym: null,
    overallStatus: 'RECRUITING',
    phases: [],
    conditions: [],
    leadSponsor: null,
    startDate: null,
    primaryCompletionDate: null,
    completionDate: null,
    locations: [],
  }
}

/** Someone signed in with these memberships, as the services see them. */
export function principalOf(userId: string, memberships: Principal['memberships']): Principal {
  return { userId, displayName: 'Test', sessionId: randomUUID(), memberships }
}

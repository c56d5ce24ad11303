import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
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

import { beforeAll, describe, expect, it } from 'vitest'
import { pallasFile, readStudyFixture, tocaFile } from '../../../test/support/study-fixtures.ts'
import { ukSitesOf } from './study.ts'
import { formatStudyFileProblem, readClinicalTrialsJson } from './study-registry-file.ts'

// Reading ClinicalTrials.gov API v2 JSON: the two real records in test/fixtures/studies, and what a wrong
// file is told.

describe('reading ClinicalTrials.gov study records', () => {
  let pallas: string
  let toca: string

  beforeAll(async () => {
    pallas = await readStudyFixture(pallasFile)
    toca = await readStudyFixture(tocaFile)
  })

  it('reads a full record: titles, identifiers, status, phase, conditions, sponsor, dates and locations', () => {
    const reading = readClinicalTrialsJson('NCT02513394.json', pallas)
    expect(reading.problems).toEqual([])
    expect(reading.studies).toHaveLength(1)
    const [{ record, file, path }] = reading.studies as [(typeof reading.studies)[number]]
    expect({ file, path }).toEqual({ file: 'NCT02513394.json', path: '' })
    expect(record).toMatchObject({
      identifiers: { nctId: 'NCT02513394', orgStudyId: 'AFT-05', isrctn: null, irasId: null },
      briefTitle: 'PALbociclib CoLlaborative Adjuvant Study',
      acronym: 'PALLAS',
      overallStatus: 'ACTIVE_NOT_RECRUITING',
      phases: ['PHASE3'],
      conditions: ['Breast Cancer'],
      leadSponsor: 'Alliance Foundation Trials, LLC.',
      startDate: { date: '2015-08', type: null },
      primaryCompletionDate: { date: '2020-11', type: 'ACTUAL' },
      completionDate: { date: '2025-09', type: 'ESTIMATED' },
    })
    expect(record.officialTitle).toMatch(
      /^PALbociclib CoLlaborative Adjuvant Study: A Randomized Phase III Trial of Palbociclib With Standard Adjuvant Endocrine Therapy/,
    )
    expect(record.locations).toHaveLength(437)
    expect(record.locations[0]).toEqual({
      facility: 'University of South Alabama Mitchell Cancer Institute',
      city: 'Mobile',
      postcode: '36604',
      country: 'United States',
      status: null,
    })
    const uk = ukSitesOf(record)
    expect(uk).toHaveLength(16)
    expect(uk.map((site) => site.facility)).toContain("Guy's and St Thomas' NHS Foundation Trust")
    expect(uk.at(-1)).toEqual({
      facility: 'Royal Cornwall Hospitals NHS Trust, Oncology Trials, Sunrise Centre',
      city: 'Truro',
      postcode: 'TR1 3LQ',
      country: 'United Kingdom',
      status: null,
    })
  })

  it('reads a sparse record: no official title, sponsor identifier or date types, and no UK site', () => {
    const reading = readClinicalTrialsJson('NCT02576665.json', toca)
    expect(reading.problems).toEqual([])
    const record = reading.studies[0]!.record
    expect(record).toMatchObject({
      identifiers: { nctId: 'NCT02576665', orgStudyId: null, isrctn: null, irasId: null },
      briefTitle:
        'A Study of Toca 511, a Retroviral Replicating Vector, Combined With Toca FC in Patients With Solid Tumors or Lymphoma (Toca 6)',
      officialTitle: null,
      acronym: null,
      overallStatus: 'TERMINATED',
      phases: ['PHASE1'],
      leadSponsor: 'Tocagen Inc.',
      startDate: { date: '2016-07', type: null },
      primaryCompletionDate: null,
      completionDate: { date: '2019-12-20', type: null },
    })
    expect(record.conditions).toHaveLength(12)
    expect(record.conditions[0]).toBe('Colorectal Cancer')
    expect(record.locations.map((location) => location.country)).toEqual([
      'United States',
      'United States',
      'United States',
    ])
    expect(ukSitesOf(record)).toEqual([])
  })

  it('reads a page of a search, naming each study by its place in the page', () => {
    const page = JSON.stringify({ studies: [JSON.parse(toca), JSON.parse(pallas)], nextPageToken: 'abc' })
    const reading = readClinicalTrialsJson('search.json', page)
    expect(reading.problems).toEqual([])
    expect(reading.studies.map((study) => [study.path, study.record.identifiers.nctId])).toEqual([
      ['studies[0]', 'NCT02576665'],
      ['studies[1]', 'NCT02513394'],
    ])
  })

  it('finds the ISRCTN and the IRAS number among the secondary identifiers', () => {
    const study = JSON.parse(toca)
    study.protocolSection.identificationModule.orgStudyIdInfo = { id: 'IRAS 281904' }
    study.protocolSection.identificationModule.secondaryIdInfos = [
      { id: '2020-001234-56', type: 'EUDRACT_NUMBER' },
      { id: 'ISRCTN17072692', type: 'REGISTRY', domain: 'ISRCTN' },
    ]
    expect(readClinicalTrialsJson('a.json', JSON.stringify(study)).studies[0]!.record.identifiers).toEqual({
      nctId: 'NCT02576665',
      orgStudyId: 'IRAS 281904',
      isrctn: 'ISRCTN17072692',
      irasId: '281904',
    })
    study.protocolSection.identificationModule.orgStudyIdInfo = { id: 'RHM CAN1234' }
    study.protocolSection.identificationModule.secondaryIdInfos = [
      { id: '17072692', type: 'OTHER', domain: 'ISRCTN registry' },
      { id: '281904', type: 'OTHER', domain: 'IRAS ID' },
    ]
    expect(readClinicalTrialsJson('b.json', JSON.stringify(study)).studies[0]!.record.identifiers).toEqual({
      nctId: 'NCT02576665',
      orgStudyId: 'RHM CAN1234',
      isrctn: 'ISRCTN17072692',
      irasId: '281904',
    })
  })

  it('names the file and the JSON path of every wrong value, and gives no study from a file with any', () => {
    const good = JSON.parse(toca)
    const missingId = JSON.parse(toca)
    delete missingId.protocolSection.identificationModule.nctId
    const wrong = JSON.parse(pallas)
    wrong.protocolSection.identificationModule.nctId = 'NCT1'
    wrong.protocolSection.statusModule.completionDateStruct = { date: '2025-13', type: 'GUESSED' }
    wrong.protocolSection.designModule.phases = ['PHASE3', 'PHASE9']
    wrong.protocolSection.contactsLocationsModule.locations[2].facility = 42
    const page = JSON.stringify({ studies: [good, good, good, missingId, wrong, 'NCT02576665'] })
    const reading = readClinicalTrialsJson('NCT123.json', page)
    expect(reading.studies).toEqual([])
    expect(reading.problems.map(formatStudyFileProblem)).toEqual([
      'NCT123.json: studies[3].protocolSection.identificationModule.nctId: missing',
      'NCT123.json: studies[4].protocolSection.identificationModule.nctId: "NCT1" is not an NCT number (NCT and 8 digits)',
      'NCT123.json: studies[4].protocolSection.statusModule.completionDateStruct.date: "2025-13" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)',
      'NCT123.json: studies[4].protocolSection.designModule.phases[1]: "PHASE9" is not a phase (NA, EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4)',
      'NCT123.json: studies[4].protocolSection.contactsLocationsModule.locations[2].facility: must be text',
      'NCT123.json: studies[5]: must be a study (an object with a protocolSection)',
    ])
  })

  it('says when a file is not JSON, not a study, or an empty page', () => {
    const notJson = readClinicalTrialsJson('broken.json', '{"protocolSection": ')
    expect(notJson.problems).toHaveLength(1)
    expect(formatStudyFileProblem(notJson.problems[0]!)).toMatch(/^broken\.json: is not valid JSON \(/)
    expect(readClinicalTrialsJson('x.json', '[1, 2]').problems.map(formatStudyFileProblem)).toEqual([
      'x.json: is not a ClinicalTrials.gov API v2 study ({"protocolSection": …}) or page of studies ({"studies": […]})',
    ])
    expect(readClinicalTrialsJson('y.json', '{"studies": []}').problems.map(formatStudyFileProblem)).toEqual([
      'y.json: studies: holds no studies',
    ])
    expect(
      readClinicalTrialsJson('z.json', '{"protocolSection": {"identificationModule": {}}}').problems.map(
        formatStudyFileProblem,
      ),
    ).toEqual([
      'z.json: protocolSection.identificationModule.nctId: missing',
      'z.json: protocolSection.identificationModule.briefTitle: missing',
      'z.json: protocolSection.statusModule: missing',
    ])
  })
})

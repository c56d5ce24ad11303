import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { pallasFile, readStudyFixture, tocaFile } from '../../../test/support/study-fixtures.ts'
import { commandLineOrigin } from '../../platform/audit/audit-log.ts'
import type { Database } from '../../platform/database/database.ts'
import { createOrganisationRepository, createOrganisationService } from '../organisations/index.ts'
import { createStudiesRepository } from './studies-repository.ts'
import { createStudiesService, type StudiesService, type StudyFile } from './studies-service.ts'
import { formatStudyFileProblem } from './study-registry-file.ts'

// Importing studies on each engine: created then updated by NCT id (never twice), UK sites matched to NHS
// organisations by name, a match made by hand remembered for later imports, and an import with any bad file
// writing nothing at all.

const trusts: readonly [string, string][] = [
  ['RJ1', "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"],
  ['RBV', 'THE CHRISTIE NHS FOUNDATION TRUST'],
  ['RX1', 'NOTTINGHAM UNIVERSITY HOSPITALS NHS TRUST'],
  ['RWE', 'UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST'],
  ['RHQ', 'SHEFFIELD TEACHING HOSPITALS NHS FOUNDATION TRUST'],
  ['REF', 'ROYAL CORNWALL HOSPITALS NHS TRUST'],
  ['RA7', 'UNIVERSITY HOSPITALS BRISTOL AND WESTON NHS FOUNDATION TRUST'],
  ['RPY', 'THE ROYAL MARSDEN NHS FOUNDATION TRUST'],
]
const bristolSite = 'University Hospitals Bristol NHS Foundation Trust'
const origin = { requestId: 'test', ip: '127.0.0.1' }

describeEachEngine('importing studies', ({ database }) => {
  let db: Database
  let service: StudiesService
  let pallas: string
  let toca: string
  let staffId: string

  const count = async (sql: string, params: readonly unknown[] = []) =>
    Number((await db.query<{ count: string | number }>(sql, params))[0]!.count)

  /** Toca 6 with UK sites of its own, one of them the Bristol site PALLAS lists too. */
  const tocaInTheUk = (title = 'Toca 6') => {
    const study = JSON.parse(toca)
    study.protocolSection.identificationModule.briefTitle = title
    study.protocolSection.contactsLocationsModule.locations.push(
      {
        facility: 'UNIVERSITY HOSPITALS BRISTOL NHS FOUNDATION TRUST',
        city: 'Bristol',
        country: 'United Kingdom',
      },
      { facility: 'The Royal Marsden NHS Foundation Trust', city: 'London', country: 'United Kingdom' },
    )
    return JSON.stringify(study)
  }

  beforeAll(async () => {
    db = database()
    for (const [id, name] of trusts) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, 'nhs-trust', initcap($2), $2, '{}', '{}', 0)`,
        [id, name],
      )
    }
    service = createStudiesService({
      db,
      studies: createStudiesRepository(db),
      organisations: createOrganisationService(createOrganisationRepository(db)),
    })
    pallas = await readStudyFixture(pallasFile)
    toca = await readStudyFixture(tocaFile)
    staffId = (await createPerson(db, { professionId: null })).id
  })

  it('creates a study with its UK sites, matching those whose names name a trust', async () => {
    const result = await service.importFiles(
      [{ fileName: 'NCT02513394.json', text: pallas }],
      { label: 'command line' },
      commandLineOrigin,
    )
    if (!result.ok) throw new Error(result.problems.map(formatStudyFileProblem).join('\n'))
    expect(result.studies).toHaveLength(1)
    const [imported] = result.studies as [(typeof result.studies)[number]]
    expect(imported).toMatchObject({
      nctId: 'NCT02513394',
      briefTitle: 'PALbociclib CoLlaborative Adjuvant Study',
      outcome: 'created',
      matchedSites: 6,
    })
    expect(imported.unmatchedSites).toHaveLength(10)
    expect(imported.unmatchedSites).toContainEqual({ facility: bristolSite, city: 'Bristol' })

    const found = await service.findStudy(imported.id)
    expect(found?.study).toMatchObject({
      nctId: 'NCT02513394',
      orgStudyId: 'AFT-05',
      acronym: 'PALLAS',
      overallStatus: 'ACTIVE_NOT_RECRUITING',
      phases: ['PHASE3'],
      conditions: ['Breast Cancer'],
      leadSponsor: 'Alliance Foundation Trials, LLC.',
      startDate: { date: '2015-08', type: null },
      primaryCompletionDate: { date: '2020-11', type: 'ACTUAL' },
      completionDate: { date: '2025-09', type: 'ESTIMATED' },
      locationCount: 437,
    })
    expect(found?.sites).toHaveLength(16)
    const matched = Object.fromEntries(
      found!.sites
        .filter((site) => site.organisation !== null)
        .map((site) => [site.facility, site.organisation!.id]),
    )
    expect(matched).toEqual({
      "Guy's and St Thomas' NHS Foundation Trust": 'RJ1',
      'The Christie NHS Foundation Trust': 'RBV',
      'Nottingham University Hospitals NHS TRUST UK': 'RX1',
      'University Hospitals of Leicester': 'RWE',
      'Weston Park Hospital, Sheffield Teaching Hospitals': 'RHQ',
      'Royal Cornwall Hospitals NHS Trust, Oncology Trials, Sunrise Centre': 'REF',
    })
    expect(
      await count("SELECT count(*) FROM audit_events WHERE action = 'placements.studies-imported'"),
    ).toBe(1)
  })

  it('updates a study imported again by its NCT id, never adding a second one or its sites twice', async () => {
    const [before] = await db.query<{ id: string }>("SELECT id FROM studies WHERE nct_id = 'NCT02513394'")
    const siteIds = async () => (await service.findStudy(before!.id))!.sites.map((site) => site.id)
    const sitesBefore = await siteIds()
    const renamed = JSON.parse(pallas)
    renamed.protocolSection.identificationModule.briefTitle = 'PALLAS, renamed'
    renamed.protocolSection.statusModule.overallStatus = 'COMPLETED'
    const result = await service.importFiles(
      [{ fileName: 'again.json', text: JSON.stringify(renamed) }],
      { userId: staffId },
      origin,
    )
    expect(result).toMatchObject({ ok: true, studies: [{ id: before!.id, outcome: 'updated' }] })
    expect(await count('SELECT count(*) FROM studies')).toBe(1)
    expect(await count('SELECT count(*) FROM study_sites')).toBe(16)
    // Each site keeps its id (what refers to a site, an offer of a placement, stays with it).
    expect(await siteIds()).toEqual(sitesBefore)
    const found = await service.findStudy(before!.id)
    expect(found?.study).toMatchObject({ briefTitle: 'PALLAS, renamed', overallStatus: 'COMPLETED' })
    expect(found!.study.updatedAt.getTime()).toBeGreaterThanOrEqual(found!.study.createdAt.getTime())
  })

  it('keeps a site the registry stops listing, unlisted, and lists it again with its id', async () => {
    const [birmingham] = await db.query<{ id: string; study_id: string }>(
      "SELECT id, study_id FROM study_sites WHERE facility = 'City Hospital Birmingham'",
    )
    const without = JSON.parse(pallas)
    const locations = without.protocolSection.contactsLocationsModule.locations as { facility: string }[]
    without.protocolSection.contactsLocationsModule.locations = locations.filter(
      (location) => location.facility !== 'City Hospital Birmingham',
    )
    await service.importFiles(
      [{ fileName: 'fewer.json', text: JSON.stringify(without) }],
      { userId: staffId },
      origin,
    )
    const shown = (await service.findStudy(birmingham!.study_id))!.sites
    expect(shown).toHaveLength(15)
    expect(shown.map((site) => site.position)).toEqual([...Array(15).keys()])
    expect(await db.query('SELECT listed FROM study_sites WHERE id = $1', [birmingham!.id])).toEqual([
      { listed: false },
    ])
    await service.importFiles([{ fileName: 'NCT02513394.json', text: pallas }], { userId: staffId }, origin)
    const again = (await service.findStudy(birmingham!.study_id))!.sites
    expect(again[0]).toMatchObject({ id: birmingham!.id, facility: 'City Hospital Birmingham', position: 0 })
    expect(await count('SELECT count(*) FROM study_sites')).toBe(16)
  })

  it('remembers a site matched by hand, for the other sites of that name now and in later imports', async () => {
    await service.importFiles([{ fileName: 'toca.json', text: tocaInTheUk() }], { userId: staffId }, origin)
    const unmatched = await service.listUnmatchedSites()
    const bristol = unmatched.filter(
      (site) => site.normalisedName === 'university hospitals bristol nhs foundation trust',
    )
    expect(bristol.map((site) => [site.facility, site.study.nctId])).toEqual([
      [bristolSite, 'NCT02513394'],
      ['UNIVERSITY HOSPITALS BRISTOL NHS FOUNDATION TRUST', 'NCT02576665'],
    ])

    const refused = await service.matchSiteByHand(
      { userId: staffId },
      bristol[0]!.studyId,
      bristol[0]!.id,
      'NOPE',
      origin,
    )
    expect(refused).toEqual({
      ok: false,
      errors: [{ field: 'organisationId', message: 'Select the NHS organisation' }],
    })
    const matched = await service.matchSiteByHand(
      { userId: staffId },
      bristol[0]!.studyId,
      bristol[0]!.id,
      'RA7',
      origin,
    )
    expect(matched).toEqual({ ok: true, matchedSites: 2 })
    expect(await count("SELECT count(*) FROM study_site_aliases WHERE organisation_id = 'RA7'")).toBe(1)
    expect(
      (await service.listUnmatchedSites()).filter((site) => site.facility.toLowerCase().includes('bristol')),
    ).toEqual([])

    // Imported again, both studies keep the match: the registry's sites are replaced, the alias applied.
    const again = await service.importFiles(
      [
        { fileName: 'NCT02513394.json', text: pallas },
        { fileName: 'toca.json', text: tocaInTheUk() },
      ],
      { userId: staffId },
      origin,
    )
    expect(again).toMatchObject({
      ok: true,
      studies: [
        { nctId: 'NCT02513394', outcome: 'updated', matchedSites: 7 },
        { nctId: 'NCT02576665', outcome: 'updated', matchedSites: 2, unmatchedSites: [] },
      ],
    })
    const sites = await db.query<{ facility: string; organisation_id: string; matched_by: string }>(
      `SELECT facility, organisation_id, matched_by FROM study_sites
       WHERE normalised_name = 'university hospitals bristol nhs foundation trust' ORDER BY facility`,
    )
    expect(sites).toEqual([
      {
        facility: 'UNIVERSITY HOSPITALS BRISTOL NHS FOUNDATION TRUST',
        organisation_id: 'RA7',
        matched_by: 'alias',
      },
      { facility: bristolSite, organisation_id: 'RA7', matched_by: 'alias' },
    ])
  })

  it('writes nothing when any file of an import has a problem, and lists every problem', async () => {
    const studiesBefore = await count('SELECT count(*) FROM studies')
    const auditBefore = await count('SELECT count(*) FROM audit_events')
    const titlesBefore = await db.query('SELECT nct_id, brief_title, updated_at FROM studies ORDER BY nct_id')
    const newStudy = JSON.parse(toca)
    newStudy.protocolSection.identificationModule.nctId = 'NCT09999999'
    const bad = JSON.parse(toca)
    delete bad.protocolSection.identificationModule.nctId
    const files: StudyFile[] = [
      { fileName: 'NCT09999999.json', text: JSON.stringify(newStudy) },
      { fileName: 'renamed.json', text: tocaInTheUk('Renamed again') },
      { fileName: 'NCT123.json', text: JSON.stringify({ studies: [newStudy, bad] }) },
    ]
    const result = await service.importFiles(files, { userId: staffId }, origin)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(formatStudyFileProblem)).toEqual([
      'NCT123.json: studies[1].protocolSection.identificationModule.nctId: missing',
    ])
    expect(await count('SELECT count(*) FROM studies')).toBe(studiesBefore)
    expect(await count('SELECT count(*) FROM audit_events')).toBe(auditBefore)
    expect(await db.query('SELECT nct_id, brief_title, updated_at FROM studies ORDER BY nct_id')).toEqual(
      titlesBefore,
    )
  })

  it('refuses the same study twice in one import', async () => {
    const result = await service.importFiles(
      [
        { fileName: 'a.json', text: toca },
        { fileName: 'b.json', text: JSON.stringify({ studies: [JSON.parse(toca)] }) },
      ],
      { userId: staffId },
      origin,
    )
    expect(result.ok ? [] : result.problems.map(formatStudyFileProblem)).toEqual([
      'b.json: studies[0].protocolSection.identificationModule.nctId: NCT02576665 is in this import already (a.json); give each study once',
    ])
  })

  it('lists studies by title with their sites matched, and the open NHS organisations to match to', async () => {
    expect(
      (await service.listStudies()).map((study) => [study.nctId, study.siteCount, study.matchedSiteCount]),
    ).toEqual([
      ['NCT02513394', 16, 7],
      ['NCT02576665', 2, 2],
    ])
    const choices = await service.listOrganisationChoices()
    expect(choices.map((choice) => choice.id)).toEqual(expect.arrayContaining(['RA7', 'RJ1']))
    expect(choices).toHaveLength(trusts.length)
  })

  it('lets a match by hand correct a match by name, in this import and the next', async () => {
    const [christie] = await db.query<{ id: string; study_id: string }>(
      "SELECT id, study_id FROM study_sites WHERE facility = 'The Christie NHS Foundation Trust'",
    )
    expect(
      await service.matchSiteByHand({ userId: staffId }, christie!.study_id, christie!.id, 'RPY', origin),
    ).toEqual({ ok: true, matchedSites: 1 })
    await service.importFiles([{ fileName: 'NCT02513394.json', text: pallas }], { userId: staffId }, origin)
    expect(
      await db.query(
        "SELECT organisation_id, matched_by FROM study_sites WHERE facility = 'The Christie NHS Foundation Trust'",
      ),
    ).toEqual([{ organisation_id: 'RPY', matched_by: 'alias' }])
  })

  it('records a study entered by hand, matching its sites, and refuses one Trellis has', async () => {
    const fields = {
      briefTitle: 'Physiotherapy after knee replacement',
      officialTitle: '',
      nctId: '',
      isrctn: 'ISRCTN17072692',
      irasId: '281904',
      overallStatus: 'RECRUITING',
      phases: ['NA'],
      conditions: 'Osteoarthritis',
      leadSponsor: '',
      'startDate-month': '3',
      'startDate-year': '2026',
      'completionDate-month': '',
      'completionDate-year': '',
      sites: `${bristolSite}, Bristol\nA community clinic, Leeds`,
    }
    const entered = await service.enterStudy({ userId: staffId }, fields, origin)
    if (!entered.ok) throw new Error(JSON.stringify(entered.errors))
    const found = await service.findStudy(entered.id)
    expect(found?.study).toMatchObject({
      source: 'entered',
      nctId: null,
      isrctn: 'ISRCTN17072692',
      irasId: '281904',
      startDate: { date: '2026-03', type: null },
    })
    expect(
      found?.sites.map((site) => [site.facility, site.organisation?.id ?? null, site.matchedBy]),
    ).toEqual([
      [bristolSite, 'RA7', 'alias'],
      ['A community clinic', null, null],
    ])
    expect(await service.enterStudy({ userId: staffId }, { ...fields, isrctn: '17072692' }, origin)).toEqual({
      ok: false,
      errors: [
        {
          field: 'isrctn',
          message: 'ISRCTN17072692 is in Trellis already, as "Physiotherapy after knee replacement"',
        },
      ],
    })
    expect(
      await service.enterStudy({ userId: staffId }, { ...fields, isrctn: '', nctId: 'nct02513394' }, origin),
    ).toEqual({
      ok: false,
      errors: [
        {
          field: 'nctId',
          message: 'NCT02513394 is in Trellis already, as "PALbociclib CoLlaborative Adjuvant Study"',
        },
      ],
    })
    expect(await count("SELECT count(*) FROM studies WHERE source = 'entered'")).toBe(1)
  })
})

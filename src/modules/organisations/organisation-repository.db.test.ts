import { beforeAll, expect, it } from 'vitest'
import { buildTrust } from '../../../test/builders/catalogue-content.ts'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createOrganisationRepository } from './organisation-repository.ts'
import { createOrganisationService, type OrganisationService } from './organisation-service.ts'

describeEachEngine('NHS organisations', ({ database }) => {
  let organisations: OrganisationService

  beforeAll(async () => {
    organisations = createOrganisationService(createOrganisationRepository(database()))
    await database().transaction((tx) =>
      organisations.replaceNhsTrusts(
        tx,
        [
          buildTrust(),
          buildTrust({
            odsCode: 'RJ1',
            name: "Guy's and St Thomas' NHS Foundation Trust",
            officialName: "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST",
            regionCode: 'Y56',
            regionName: 'London',
            postcode: 'SE1 7EH',
          }),
          buildTrust({
            odsCode: 'RAP',
            name: 'North Middlesex University Hospital NHS Trust',
            officialName: 'NORTH MIDDLESEX UNIVERSITY HOSPITAL NHS TRUST',
            regionCode: 'Y56',
            regionName: 'London',
            closedOn: '2024-12-31',
          }),
          buildTrust({
            odsCode: 'RAL',
            name: 'Royal Free London NHS Foundation Trust',
            officialName: 'ROYAL FREE LONDON NHS FOUNDATION TRUST',
            regionCode: 'Y56',
            regionName: 'London',
          }),
        ],
        ['ods-etr'],
      ),
    )
  })

  it('finds organisations by words of the name, open ones first', async () => {
    const page = await organisations.findOrganisations({ query: 'london' }, 1, 10)
    expect(page.organisations.map((o) => o.id)).toEqual(['RAL'])
    const all = await organisations.findOrganisations({ regionCode: 'Y56' }, 1, 10)
    expect(all.organisations.map((o) => o.id)).toEqual(['RJ1', 'RAL', 'RAP'])
  })

  it('finds an organisation by its ODS code or postcode, in any case and spacing', async () => {
    expect(
      (await organisations.findOrganisations({ query: 'rtd' }, 1, 10)).organisations.map((o) => o.id),
    ).toEqual(['RTD'])
    expect(
      (await organisations.findOrganisations({ query: 'se17eh' }, 1, 10)).organisations.map((o) => o.id),
    ).toEqual(['RJ1'])
    expect((await organisations.getOrganisation('rj1'))?.name).toBe(
      "Guy's and St Thomas' NHS Foundation Trust",
    )
  })

  it('matches % and _ literally rather than as wildcards', async () => {
    expect((await organisations.findOrganisations({ query: '%' }, 1, 10)).total).toBe(0)
    expect((await organisations.findOrganisations({ query: '_' }, 1, 10)).total).toBe(0)
  })

  it('pages the list and counts every match', async () => {
    const first = await organisations.findOrganisations({}, 1, 2)
    const second = await organisations.findOrganisations({}, 2, 2)
    expect([first.total, first.pageCount, second.total]).toEqual([4, 2, 4])
    expect([...first.organisations, ...second.organisations].map((o) => o.id).sort()).toEqual([
      'RAL',
      'RAP',
      'RJ1',
      'RTD',
    ])
    expect((await organisations.findOrganisations({}, 9, 2)).total).toBe(4)
  })

  it('counts organisations by region', async () => {
    expect(await organisations.listRegions()).toEqual([
      { code: 'Y56', name: 'London', organisationCount: 3 },
      { code: 'Y63', name: 'North East and Yorkshire', organisationCount: 1 },
    ])
  })

  it('replaces the trusts with a new list, removing those that are gone', async () => {
    await database().transaction((tx) =>
      organisations.replaceNhsTrusts(tx, [buildTrust({ name: 'Renamed Trust' })], ['ods-etr']),
    )
    const page = await organisations.findOrganisations({}, 1, 10)
    expect(page.organisations.map((o) => [o.id, o.name])).toEqual([['RTD', 'Renamed Trust']])
  })
})

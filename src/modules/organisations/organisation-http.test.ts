import { expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'

describeEachApp('NHS organisations pages and API', ({ app }) => {
  const get = (url: string) => app().app.inject({ method: 'GET', url })

  it('finds organisations by words of the name through the API, open ones first', async () => {
    const body = (await get('/api/v1/organisations?q=newcastle')).json()
    expect(body.items[0]).toMatchObject({
      odsCode: 'RTD',
      name: 'The Newcastle upon Tyne Hospitals NHS Foundation Trust',
      region: { code: 'Y63', name: 'North East and Yorkshire' },
      isOpen: true,
    })
    expect(body.total).toBe(body.items.length)
  })

  it('pages all 210 trusts and filters by region', async () => {
    const first = (await get('/api/v1/organisations?pageSize=100')).json()
    expect([first.total, first.pageCount, first.items.length]).toEqual([210, 3, 100])
    const wales = (await get('/api/v1/organisations?region=W00')).json()
    expect(wales.items.map((o: { name: string }) => o.name)).toEqual(
      expect.arrayContaining(['Velindre NHS Trust']),
    )
    expect(wales.total).toBe(3)
  })

  it('names a bad region or page size in a 400', async () => {
    const response = await get('/api/v1/organisations?region=london&pageSize=0')
    expect(response.statusCode).toBe(400)
    expect(response.json()['invalid-params'].map((p: { name: string }) => p.name)).toEqual([
      'region',
      'pageSize',
    ])
  })

  it('gives one organisation by ODS code, including closed ones, and 404 for an unknown code', async () => {
    expect((await get('/api/v1/organisations/rap')).json()).toMatchObject({
      odsCode: 'RAP',
      isOpen: false,
      closedOn: '2024-12-31',
    })
    const missing = await get('/api/v1/organisations/ZZZ')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().detail).toBe('There is no organisation with the ODS code "ZZZ".')
  })

  it('finds organisations on the page with a form, and shows one with its attribution', async () => {
    const list = parsePage((await get('/organisations?q=newcastle&region=')).body)
    expect(list.links().map((l) => l.href)).toContain('/organisations/RTD')
    expect(list.mainText).toContain('Open Government Licence v3.0')
    const one = parsePage((await get('/organisations/RTD')).body)
    expect(one.h1).toBe('The Newcastle upon Tyne Hospitals NHS Foundation Trust')
    expect(one.mainText).toContain('NE7 7DN')
    const closed = parsePage((await get('/organisations/RAP')).body)
    expect(closed.mainText).toContain('This organisation has closed')
    expect(closed.mainText).toContain('31 December 2024')
  })
})

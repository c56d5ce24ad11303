import { expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'

describeEachApp('the catalogue API', ({ app }) => {
  const get = async (url: string) => {
    const response = await app().app.inject({ method: 'GET', url })
    return {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      body: response.json(),
    }
  }

  it('lists the professions with their regulators, registration formats and pathways', async () => {
    const { status, body } = await get('/api/v1/professions')
    expect(status).toBe(200)
    const nurse = body.items.find((p: { id: string }) => p.id === 'nurse')
    expect(nurse).toMatchObject({
      name: 'Nurse',
      group: { id: 'nursing-midwifery' },
      isMedicalOrDental: false,
      pathways: ['non-medical'],
    })
    expect(nurse.registrations[0]).toMatchObject({ regulator: 'nmc', pattern: '^\\d{2}[A-Z]\\d{4}[A-Z]$' })
    expect(nurse.registrations[0].sources[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), title: expect.any(String) }),
    )
    const doctor = body.items.find((p: { id: string }) => p.id === 'doctor')
    expect(doctor.pathways).toEqual(['medical'])
  })

  it('lists the career stages in order, each with its sources', async () => {
    const { body } = await get('/api/v1/stages')
    expect(body.items.map((s: { id: string }) => s.id)).toEqual([
      'undergraduate',
      'early-research',
      'pre-doctoral',
      'doctoral',
      'early-post-doctoral',
      'senior-post-doctoral',
      'research-delivery',
    ])
    expect(body.items.every((s: { sources: unknown[] }) => s.sources.length > 0)).toBe(true)
  })

  it('filters schemes by profession and stage, with each fact’s status and sources', async () => {
    const { status, body } = await get('/api/v1/schemes?profession=nurse&stage=doctoral')
    expect(status).toBe(200)
    expect(body.items.map((s: { id: string }) => s.id)).toContain('nihr-dcaf')
    for (const scheme of body.items) {
      expect(scheme.professions).toContain('nurse')
      expect(scheme.stages).toContain('doctoral')
    }
    const dcaf = body.items.find((s: { id: string }) => s.id === 'nihr-dcaf')
    expect(dcaf.duration).toMatchObject({ status: 'verified', text: expect.stringContaining('three-year') })
    expect(dcaf.formerNames.map((f: { name: string }) => f.name)).toContain(
      'Clinical Doctoral Research Fellowships',
    )
    expect(body).toMatchObject({ page: 1, pageSize: 100, total: body.items.length, pageCount: 1 })
  })

  it('gives doctors the integrated academic training schemes, not the ICA ones', async () => {
    const { body } = await get('/api/v1/schemes?profession=doctor')
    const ids = body.items.map((s: { id: string }) => s.id)
    expect(ids).not.toContain('nihr-dcaf')
    expect(ids.length).toBeGreaterThan(5)
  })

  it('pages the schemes list', async () => {
    const all = (await get('/api/v1/schemes?pageSize=100')).body
    const second = (await get('/api/v1/schemes?page=2&pageSize=10')).body
    expect(second.items.map((s: { id: string }) => s.id)).toEqual(
      all.items.slice(10, 20).map((s: { id: string }) => s.id),
    )
    expect(second).toMatchObject({
      page: 2,
      pageSize: 10,
      total: all.total,
      pageCount: Math.ceil(all.total / 10),
    })
  })

  it('answers 400 naming each bad parameter and what is allowed', async () => {
    const { status, type, body } = await get('/api/v1/schemes?profession=nures&stage=PhD&pageSize=500')
    expect(status).toBe(400)
    expect(type).toContain('application/problem+json')
    const names = body['invalid-params'].map((p: { name: string }) => p.name)
    expect(names).toEqual(['stage', 'pageSize'])
    expect(body['invalid-params'][1].reason).toBe('must be a whole number from 1 to 100')
    const unknown = await get('/api/v1/schemes?profession=nures')
    expect(unknown.body['invalid-params']).toEqual([
      {
        name: 'profession',
        reason: expect.stringMatching(/^"nures" is not known; allowed values: .*\bnurse\b/),
      },
    ])
  })

  it('answers 404 with problem+json naming an unknown scheme or profession', async () => {
    const scheme = await get('/api/v1/schemes/no-such-scheme')
    expect(scheme.status).toBe(404)
    expect(scheme.body.detail).toBe('There is no scheme "no-such-scheme".')
    expect((await get('/api/v1/professions/astronaut')).status).toBe(404)
  })

  it('searches everything, with the matched words marked', async () => {
    const { status, body } = await get('/api/v1/search?q=doctoral%20fellowship')
    expect(status).toBe(200)
    expect(body.total).toBeGreaterThan(0)
    expect(body.items[0]).toMatchObject({ url: expect.stringMatching(/^\//), kindLabel: expect.any(String) })
    expect(body.items.some((r: { matched: string }) => /\[(Doctoral|fellowship)\]/i.test(r.matched))).toBe(
      true,
    )
  })

  it('refuses an empty search, naming q', async () => {
    const { status, body } = await get('/api/v1/search?q=')
    expect(status).toBe(400)
    expect(body['invalid-params']).toEqual([{ name: 'q', reason: 'must be the words to search for' }])
    expect((await get('/api/v1/search')).body['invalid-params'][0].name).toBe('q')
  })

  it('lists every source the catalogue cites', async () => {
    const { body } = await get('/api/v1/sources')
    expect(body.items.filter((s: { document: string | null }) => s.document !== null)).toHaveLength(5)
    expect(
      body.items.every(
        (s: { url: string | null; document: string | null }) => (s.url === null) !== (s.document === null),
      ),
    ).toBe(true)
  })
})

import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachIdentityApp, type Person, type TestBrowser } from '../../../test/support/identity.ts'
import { pallasFile, readStudyFixture } from '../../../test/support/study-fixtures.ts'
import type { Principal } from '../../platform/http/access-control.ts'

// The placement choices and match round pages over HTTP, on each engine: a learner ranks approved offers with
// a select beside each (no JavaScript) and is told what is wrong; a framework admin runs a round, sees its
// figures and publishes it once; others are refused, and so are forms without their CSRF token.

const origin = { requestId: null, ip: null }

describeEachIdentityApp('the placement choices and match round pages', ({ app }) => {
  let offerIds: string[]
  let learner: Person
  let learnerBrowser: TestBrowser
  let adminBrowser: TestBrowser
  let mentorBrowser: TestBrowser
  let year: number

  beforeAll(async () => {
    year = app().clock.now().getUTCFullYear() + 1
    const imported = await app().services.studies.importFiles(
      [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
      { label: 'command line' },
      origin,
    )
    if (!imported.ok) throw new Error('PALLAS did not import')
    const [site] = await app().db.database.query<{ id: string; organisation_id: string }>(
      'SELECT id, organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position LIMIT 1',
    )
    const trust = site!.organisation_id
    const mentor = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
    const admin = await app().person({
      memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
    })
    learner = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
    const principal = (person: Person, organisationId: string, role: string): Principal => ({
      userId: person.id,
      displayName: person.fullName,
      sessionId: randomUUID(),
      memberships: [{ organisationId, roles: [role] }],
    })
    offerIds = []
    for (const places of [1, 2]) {
      const made = await app().services.offers.createOffer(
        principal(mentor, trust, 'mentor'),
        trust,
        {
          siteId: site!.id,
          places: String(places),
          specialty: `Oncology ${places}`,
          complexity: 'complex',
          activities: ['consent'],
          hoursPerWeek: '7.5',
          startFrom: `${year}-03-01`,
          startBy: `${year}-05-31`,
          prerequisites: '',
        },
        origin,
      )
      if (!made.ok) throw new Error(JSON.stringify(made.errors))
      await app().services.offers.decideOffer(
        principal(admin, 'framework-team', 'framework-admin'),
        trust,
        made.value.id,
        { outcome: 'approve' },
        origin,
      )
      offerIds.push(made.value.id)
    }
    learnerBrowser = await app().signIn(learner)
    adminBrowser = await app().signIn(admin)
    mentorBrowser = await app().signIn(mentor)
  })

  it('lets a learner rank approved offers, and says what is wrong', async () => {
    const page = await learnerBrowser.page('/placement-choices')
    expect(page.status).toBe(200)
    expect(page.h1).toBe('Your placement choices')
    expect(page.root.querySelectorAll('select')).toHaveLength(2)

    const clash = await learnerBrowser.post('/placement-choices', {
      [`rank-${offerIds[0]}`]: '1',
      [`rank-${offerIds[1]}`]: '1',
    })
    expect(clash.statusCode).toBe(400)
    expect(clash.body).toContain('Give each placement you choose a different rank')

    const unknown = await learnerBrowser.post('/placement-choices', { [`rank-${randomUUID()}`]: '1' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('Choose only placements open to learners')

    const saved = await learnerBrowser.post('/placement-choices', {
      [`rank-${offerIds[0]}`]: '2',
      [`rank-${offerIds[1]}`]: '1',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/placement-choices?done=saved')
    expect((await app().services.preferences.listPreferences(learner.id)).map((p) => p.offerId)).toEqual([
      offerIds[1],
      offerIds[0],
    ])
    const again = await learnerBrowser.page('/placement-choices?done=saved')
    expect(again.mainText).toContain('Your placement choices are saved.')
    expect(again.root.querySelector(`#rank-${offerIds[1]} option[selected]`)?.getAttribute('value')).toBe('1')
  })

  it('lets a framework admin run a round, see its figures, and publish it once', async () => {
    const page = await adminBrowser.page('/placement-rounds')
    expect(page.status).toBe(200)
    const run = await adminBrowser.post('/placement-rounds', { name: 'Spring round' })
    expect(run.statusCode).toBe(303)
    const location = run.headers.location as string
    expect(location).toMatch(/^\/placement-rounds\/[0-9a-f-]{36}\?done=run$/)
    const round = await adminBrowser.page(location)
    expect(round.h1).toBe('Match round: Spring round')
    expect(round.mainText).toContain('Matched to their 1st choice')
    const path = location.split('?')[0]!

    const undated = await adminBrowser.post(`${path}/publish`, {})
    expect(undated.statusCode).toBe(400)
    const published = await adminBrowser.post(`${path}/publish`, {
      'acceptBy-day': '15',
      'acceptBy-month': '1',
      'acceptBy-year': String(year),
    })
    expect(published.statusCode).toBe(303)
    expect((await adminBrowser.page(path)).mainText).toContain(`Learners must accept by 15 January ${year}`)
    const twice = await adminBrowser.post(`${path}/publish`, {
      'acceptBy-day': '16',
      'acceptBy-month': '1',
      'acceptBy-year': String(year),
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('This round is published already')
  })

  it('refuses other people, and forms without their CSRF token', async () => {
    expect((await learnerBrowser.page('/placement-rounds')).status).toBe(403)
    expect((await learnerBrowser.post('/placement-rounds', { name: 'Mine' })).statusCode).toBe(403)
    expect((await mentorBrowser.page('/placement-choices')).status).toBe(403)
    const before = await app().count('SELECT count(*) FROM placement_match_rounds')
    expect(
      (await adminBrowser.post('/placement-rounds', { name: 'No token' }, { csrf: null })).statusCode,
    ).toBe(403)
    expect((await learnerBrowser.post('/placement-choices', {}, { csrf: null })).statusCode).toBe(403)
    expect(await app().count('SELECT count(*) FROM placement_match_rounds')).toBe(before)
  })
})

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
  let otherMentorBrowser: TestBrowser
  let trust: string
  let mentor: Person
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
    trust = site!.organisation_id
    const otherMentor = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
    mentor = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
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
    otherMentorBrowser = await app().signIn(otherMentor)
  })

  it('links the choices from a learner’s account page, and the rounds from a framework admin’s', async () => {
    const links = async (browser: typeof learnerBrowser) =>
      (await browser.page('/account')).root.querySelectorAll('main a').map((a) => a.getAttribute('href'))
    expect(await links(learnerBrowser)).toContain('/placement-choices')
    expect(await links(learnerBrowser)).not.toContain('/placement-rounds')
    expect(await links(adminBrowser)).toContain('/placement-rounds')
    expect(await links(mentorBrowser)).not.toContain('/placement-choices')
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

  it("lets the offer's mentor rank its applicants and mark one unacceptable, and says what is wrong", async () => {
    const second = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
    const third = await app().person({
      fullName: 'Dana <b>"Hostile"</b>',
      memberships: [{ organisationId: trust, roles: ['learner'] }],
    })
    for (const person of [second, third])
      expect(
        (await (await app().signIn(person)).post('/placement-choices', { [`rank-${offerIds[0]}`]: '1' }))
          .statusCode,
      ).toBe(303)
    const offerPath = `/organisations/${trust}/placement-offers/${offerIds[0]}`
    const path = `${offerPath}/applicants`
    const offerPage = await mentorBrowser.page(offerPath)
    expect(offerPage.root.querySelector(`a[href="${path}"]`)).not.toBeNull()
    expect((await otherMentorBrowser.page(offerPath)).root.querySelector(`a[href="${path}"]`)).toBeNull()

    const page = await mentorBrowser.page(path)
    expect(page.status).toBe(200)
    expect(page.h1).toBe('Applicants')
    expect(page.mainText).toContain(learner.fullName)
    expect(page.mainText).toContain(third.fullName)
    expect(page.root.querySelectorAll('input[name^="rank-"]')).toHaveLength(3)

    const clash = await mentorBrowser.post(path, { [`rank-${learner.id}`]: '1', [`rank-${second.id}`]: '1' })
    expect(clash.statusCode).toBe(400)
    expect(clash.body).toContain('nhsuk-error-summary')
    expect(clash.body).toContain(`href="#rank-${second.id}"`)
    expect(clash.body).toContain('a different rank from')
    expect(clash.body).not.toContain('<b>"Hostile"')
    expect(clash.body).toContain('Dana &lt;b&gt;')
    const both = await mentorBrowser.post(path, {
      [`rank-${learner.id}`]: '1',
      [`unacceptable-${learner.id}`]: 'yes',
    })
    expect(both.statusCode).toBe(400)
    expect(both.body).toContain(`href="#rank-${learner.id}"`)
    expect(both.body).toContain('a rank or mark them unacceptable, not both')
    const fraction = await mentorBrowser.post(path, { [`rank-${learner.id}`]: '1.5' })
    expect(fraction.statusCode).toBe(400)
    expect(fraction.body).toContain('as a whole number')
    expect(fraction.body).toContain('value="1.5"')

    const saved = await mentorBrowser.post(path, {
      [`rank-${learner.id}`]: '2',
      [`rank-${second.id}`]: '1',
      [`unacceptable-${third.id}`]: 'yes',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${path}?done=ranked`)
    const ranking = await app().services.preferences.listApplicants(
      {
        userId: mentor.id,
        displayName: 'Mentor',
        sessionId: randomUUID(),
        memberships: [{ organisationId: trust, roles: ['mentor'] }],
      },
      offerIds[0]!,
    )
    const byLearner = new Map(ranking!.map((a) => [a.learnerId, a]))
    expect(byLearner.get(second.id)?.rank).toBe(1)
    expect(byLearner.get(learner.id)?.rank).toBe(2)
    expect(byLearner.get(third.id)?.unacceptable).toBe(true)
    const again = await mentorBrowser.page(`${path}?done=ranked`)
    expect(again.mainText).toContain('Your ranking of the applicants is saved.')
    expect(again.mainText).toContain('unacceptable')
    expect(again.root.querySelector(`#rank-${second.id}`)?.getAttribute('value')).toBe('1')
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
    const applicants = `/organisations/${trust}/placement-offers/${offerIds[1]}/applicants`
    expect((await otherMentorBrowser.page(applicants)).status).toBe(403)
    expect((await otherMentorBrowser.post(applicants, {})).statusCode).toBe(403)
    expect((await learnerBrowser.page(applicants)).status).toBe(403)
    expect((await mentorBrowser.post(applicants, {}, { csrf: null })).statusCode).toBe(403)
    const before = await app().count('SELECT count(*) FROM placement_match_rounds')
    expect(
      (await adminBrowser.post('/placement-rounds', { name: 'No token' }, { csrf: null })).statusCode,
    ).toBe(403)
    expect((await learnerBrowser.post('/placement-choices', {}, { csrf: null })).statusCode).toBe(403)
    expect(await app().count('SELECT count(*) FROM placement_match_rounds')).toBe(before)
  })
})

import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachIdentityApp, type Person, type TestBrowser } from '../../../test/support/identity.ts'
import { pallasFile, readStudyFixture } from '../../../test/support/study-fixtures.ts'
import type { Principal } from '../../platform/http/access-control.ts'

// After the match, over HTTP on each engine: a programme lead runs and publishes a round; a matched learner
// sees their match at the top of their choices page and accepts it (once enrolled) or declines it with a form
// (no JavaScript); an unmatched learner is sent to clearing and takes a place there; a draft round is discarded;
// refusals are NHS error summaries, and forms without their CSRF token are refused.

const origin = { requestId: null, ip: null }

describeEachIdentityApp('accepting a match and clearing', ({ app }) => {
  let offerIds: string[]
  let university: string
  let year: number
  const browsers: Record<string, TestBrowser> = {}
  const people: Record<string, Person> = {}

  const enrol = async (person: Person) => {
    await app().db.database.query(
      `INSERT INTO enrolments (id, learner_id, university_id, started_on, status, created_by, created_at)
       VALUES ($1, $2, $3, '2026-09-01', 'active', $2, now())`,
      [randomUUID(), person.id, university],
    )
  }

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
    const [row] = await app().db.database.query<{ id: string }>(
      "SELECT id FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
    )
    university = row!.id
    people.mentor = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
    people.admin = await app().person({
      memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
    })
    people.lead = await app().person({
      memberships: [{ organisationId: university, roles: ['programme-lead'] }],
    })
    for (const key of ['matched', 'unmatched', 'decliner'])
      people[key] = await app().person({
        fullName: key === 'unmatched' ? 'Uma <i>Unmatched</i>' : 'Sam Taylor',
        memberships: [{ organisationId: trust, roles: ['learner'] }],
      })
    const principal = (person: Person, organisationId: string, role: string): Principal => ({
      userId: person.id,
      displayName: person.fullName,
      sessionId: randomUUID(),
      memberships: [{ organisationId, roles: [role] }],
    })
    offerIds = []
    for (const places of [1, 2]) {
      const made = await app().services.offers.createOffer(
        principal(people.mentor, trust, 'mentor'),
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
        principal(people.admin, 'framework-team', 'framework-admin'),
        trust,
        made.value.id,
        { outcome: 'approve' },
        origin,
      )
      offerIds.push(made.value.id)
    }
    for (const [key, person] of Object.entries(people)) browsers[key] = await app().signIn(person)
  })

  it('lets a programme lead run and publish a round; learners then see what they were matched to', async () => {
    const [one, two] = offerIds
    // The one place of the first offer goes to the learner who applied first (the mentor ranked no one).
    for (const [key, fields] of [
      ['matched', { [`rank-${one}`]: '1', [`rank-${two}`]: '2' }],
      ['unmatched', { [`rank-${one}`]: '1' }],
      ['decliner', { [`rank-${two}`]: '1' }],
    ] as const)
      expect((await browsers[key]!.post('/placement-choices', fields)).statusCode).toBe(303)
    expect(
      (await browsers.lead!.page('/account')).root.querySelector('a[href="/placement-rounds"]'),
    ).not.toBeNull()
    const run = await browsers.lead!.post('/placement-rounds', { name: 'Spring round' })
    expect(run.statusCode).toBe(303)
    const path = (run.headers.location as string).split('?')[0]!
    // Not shown to learners while a draft.
    expect((await browsers.matched!.page('/placement-choices')).root.querySelector('#match')).toBeNull()
    const published = await browsers.lead!.post(`${path}/publish`, {
      'acceptBy-day': '15',
      'acceptBy-month': '1',
      'acceptBy-year': String(year),
    })
    expect(published.statusCode).toBe(303)
    expect(
      (await browsers.lead!.page(path)).root.querySelector('a[href="/placement-clearing"]'),
    ).not.toBeNull()

    const page = await browsers.matched!.page('/placement-choices')
    expect(page.status).toBe(200)
    const match = page.root.querySelector('#match')!
    expect(match.textContent).toContain('You were matched in Spring round')
    expect(match.textContent).toContain('Oncology 1')
    expect(match.textContent).toContain('Your 1st choice')
    expect(match.textContent).toContain(`15 January ${year}`)
    expect(match.querySelector('.nhsuk-card--warning')).not.toBeNull()
    const forms = match.querySelectorAll('form')
    expect(forms.map((form) => form.getAttribute('action'))).toEqual([
      '/placement-choices/accept',
      '/placement-choices/decline',
    ])
    for (const form of forms) {
      expect(form.querySelector('input[name="_csrf"]')).not.toBeNull()
      expect(form.querySelector('input[name="roundId"]')?.getAttribute('value')).toBe(path.split('/').at(-1))
    }

    const unmatched = await browsers.unmatched!.page('/placement-choices')
    expect(unmatched.mainText).toContain('You were not matched in Spring round')
    expect(unmatched.root.querySelector('#match a[href="/placement-clearing"]')).not.toBeNull()
  })

  it('asks a learner to be enrolled before they accept, then accepts once', async () => {
    const roundId = (await app().services.preferences.listRounds())[0]!.id
    const refused = await browsers.matched!.post('/placement-choices/accept', { roundId })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('nhsuk-error-summary')
    expect(refused.body).toContain('href="#match"')
    expect(refused.body).toContain('You must be enrolled at a university before you take a placement')
    expect(await app().count('SELECT count(*) FROM placements')).toBe(0)
    expect(
      (await browsers.matched!.post('/placement-choices/accept', { roundId }, { csrf: null })).statusCode,
    ).toBe(403)

    await enrol(people.matched!)
    const accepted = await browsers.matched!.post('/placement-choices/accept', { roundId })
    expect(accepted.statusCode).toBe(303)
    expect(accepted.headers.location).toBe('/placement-choices?done=accepted')
    const page = await browsers.matched!.page('/placement-choices?done=accepted')
    expect(page.mainText).toContain('You have accepted your placement.')
    expect(page.mainText).toContain('You have a placement.')
    expect(
      await app().count('SELECT count(*) FROM placements WHERE learner_id = $1 AND university_id = $2', [
        people.matched!.id,
        university,
      ]),
    ).toBe(1)
    const twice = await browsers.matched!.post('/placement-choices/accept', { roundId })
    expect(twice.statusCode).toBe(409)
    expect(twice.body).toContain('You have accepted this placement already')
  })

  it('records a decline', async () => {
    const roundId = (await app().services.preferences.listRounds())[0]!.id
    const declined = await browsers.decliner!.post('/placement-choices/decline', { roundId })
    expect(declined.statusCode).toBe(303)
    const page = await browsers.decliner!.page('/placement-choices?done=declined')
    expect(page.mainText).toContain('You have declined the placement.')
    expect(page.mainText).toContain('You declined this placement')
  })

  it('gives a place in clearing to a learner without one, and shows leads the learners still without', async () => {
    const [, two] = offerIds
    const notEnrolledPage = await browsers.unmatched!.page('/placement-clearing')
    expect(notEnrolledPage.mainText).toContain('You must be enrolled at a university')
    expect(notEnrolledPage.root.querySelector('form[action^="/placement-clearing/"]')).toBeNull()
    const notEnrolled = await browsers.unmatched!.post(`/placement-clearing/${two}`, {})
    expect(notEnrolled.statusCode).toBe(409)
    expect(notEnrolled.body).toContain('href="#clearing"')
    expect(notEnrolled.body).toContain('You must be enrolled at a university before you take a placement')

    await enrol(people.unmatched!)
    const page = await browsers.unmatched!.page('/placement-clearing')
    expect(page.status).toBe(200)
    expect(page.h1).toBe('Clearing')
    // The second offer's two places: the learner matched to one of them declined it, so both are left.
    expect(page.mainText).toContain('2 of 2')
    expect(page.root.querySelector(`form[action="/placement-clearing/${two}"]`)).not.toBeNull()
    const lead = await browsers.lead!.page('/placement-clearing')
    expect(lead.mainText).toContain('Learners without a placement')
    expect(lead.mainText).toContain('Uma <i>Unmatched</i>')
    expect(lead.root.querySelectorAll('form')).toHaveLength(1) // signing out only: leads take no places

    const taken = await browsers.unmatched!.post(`/placement-clearing/${two}`, {})
    expect(taken.statusCode).toBe(303)
    expect(taken.headers.location).toBe('/placement-choices?done=taken')
    const again = await browsers.unmatched!.post(`/placement-clearing/${two}`, {})
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('You have a placement already')
    expect((await browsers.unmatched!.post('/placement-clearing/not-an-id', {})).statusCode).toBe(400)
    expect((await browsers.admin!.page('/placement-clearing')).mainText).not.toContain('Uma')
    expect((await browsers.mentor!.page('/placement-clearing')).status).toBe(403)
    expect((await browsers.admin!.post(`/placement-clearing/${two}`, {})).statusCode).toBe(403)
  })

  it('lets a draft round be discarded, and then another run', async () => {
    const run = await browsers.admin!.post('/placement-rounds', { name: 'A round to discard' })
    const path = (run.headers.location as string).split('?')[0]!
    const draft = await browsers.admin!.page(path)
    expect(draft.root.querySelector(`form[action="${path}/discard"]`)).not.toBeNull()
    expect((await browsers.admin!.post(`${path}/discard`, {}, { csrf: null })).statusCode).toBe(403)
    const discarded = await browsers.admin!.post(`${path}/discard`, {})
    expect(discarded.statusCode).toBe(303)
    expect(discarded.headers.location).toBe('/placement-rounds?done=discarded')
    const list = await browsers.admin!.page('/placement-rounds?done=discarded')
    expect(list.mainText).toContain('Round discarded.')
    expect(list.mainText).toContain('Discarded')
    expect(list.root.querySelector('form[action="/placement-rounds"]')).not.toBeNull()
    const twice = await browsers.admin!.post(`${path}/discard`, {})
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('This round is discarded already')
    expect((await browsers.matched!.post(`${path}/discard`, {})).statusCode).toBe(403)
  })
})

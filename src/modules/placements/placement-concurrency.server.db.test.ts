import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPerson,
  signedInBrowser,
  type Person,
  type TestBrowser,
} from '../../../test/support/identity.ts'
import { pallasFile, readStudyFixture } from '../../../test/support/study-fixtures.ts'
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { testEngines } from '../../../test/support/test-database.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'

// The last places on an offer, wanted at once through two instances of Trellis (two apps, each with its own pool
// of connections, on one database): matched learners accept theirs and learners in clearing race for the rest.
// Exactly the places there are are taken; everyone else is told no place is left, never given a 500. It needs
// several connections, which only the PostgreSQL server has (PGlite has one): it runs when TEST_DATABASE_URL is
// set, as in CI. Without the lock on the offer's row (placement-repository.ts: lockOffer) it fails.

const serverOnly = testEngines().includes('postgresql') ? describe : describe.skip
const origin = { requestId: null, ip: null }
const places = 4
const matchedCount = 2
const racers = 12

serverOnly('taking the last places through two instances at once [postgresql]', () => {
  let first: TestApp
  let second: TestApp
  let secondPool: Database
  let offerId: string
  let roundId: string
  const matched: Person[] = []
  const principalOf = (person: Person, organisationId: string, role: string): Principal => ({
    userId: person.id,
    displayName: person.fullName,
    sessionId: randomUUID(),
    memberships: [{ organisationId, roles: [role] }],
  })
  const inClearing: Person[] = []

  beforeAll(async () => {
    first = await createTestApp('postgresql')
    secondPool = await first.db.openAnotherInstance!()
    second = await createTestApp('postgresql', { database: secondPool, sessionSecret: first.sessionSecret })
    const db = first.db.database
    const year = new Date().getUTCFullYear() + 1
    const imported = await first.services.studies.importFiles(
      [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
      { label: 'command line' },
      origin,
    )
    if (!imported.ok) throw new Error('PALLAS did not import')
    const [site] = await db.query<{ id: string; organisation_id: string }>(
      'SELECT id, organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position LIMIT 1',
    )
    const trust = site!.organisation_id
    const [university] = await db.query<{ id: string }>(
      "SELECT id FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
    )
    const principal = async (organisationId: string, role: string): Promise<Principal> => {
      const person = await createPerson(db, { memberships: [{ organisationId, roles: [role] }] })
      return principalOf(person, organisationId, role)
    }
    const mentor = await principal(trust, 'mentor')
    const admin = await principal('framework-team', 'framework-admin')
    const made = await first.services.offers.createOffer(
      mentor,
      trust,
      {
        siteId: site!.id,
        places: String(places),
        specialty: 'Oncology',
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
    offerId = made.value.id
    await first.services.offers.decideOffer(admin, trust, offerId, { outcome: 'approve' }, origin)

    const learner = async () => {
      const person = await createPerson(db, { memberships: [{ organisationId: trust, roles: ['learner'] }] })
      await db.query(
        `INSERT INTO enrolments (id, learner_id, university_id, started_on, status, created_by, created_at)
         VALUES ($1, $2, $3, '2026-09-01', 'active', $2, now())`,
        [randomUUID(), person.id, university!.id],
      )
      return person
    }
    for (let i = 0; i < matchedCount; i++) {
      const person = await learner()
      const chosen = await first.services.preferences.setPreferences(
        principalOf(person, trust, 'learner'),
        [offerId],
        origin,
      )
      if (!chosen.ok) throw new Error(JSON.stringify(chosen.errors))
      matched.push(person)
    }
    for (let i = 0; i < racers; i++) inClearing.push(await learner())
    const round = await first.services.preferences.runRound(admin, 'The round', origin)
    if (!round.ok) throw new Error(JSON.stringify(round.errors))
    roundId = round.value.id
    const published = await first.services.preferences.publishRound(admin, roundId, `${year}-01-15`, origin)
    if (published === null || !published.ok) throw new Error(JSON.stringify(published))
  })

  afterAll(async () => {
    await second?.close()
    await secondPool?.close()
    await first?.close()
  })

  it('gives exactly the places there are, and refuses the rest clearly', async () => {
    // Each learner's browser on one instance or the other, in turn, with the page's CSRF token loaded.
    const browserOf = async (person: Person, at: number): Promise<TestBrowser> => {
      const browser = await signedInBrowser(at % 2 === 0 ? first : second, person)
      await browser.page(at < matchedCount ? '/placement-choices' : '/placement-clearing')
      return browser
    }
    const acceptors = await Promise.all(matched.map((person, at) => browserOf(person, at)))
    const takers = await Promise.all(inClearing.map((person, at) => browserOf(person, at + matchedCount)))
    const clearing = await first.services.placements.viewClearing(
      principalOf(inClearing[0]!, 'RTD', 'learner'),
    )
    expect(clearing.offers.find((offer) => offer.id === offerId)?.placesLeft).toBe(places - matchedCount)

    const [accepted, taken] = await Promise.all([
      Promise.all(acceptors.map((browser) => browser.post('/placement-choices/accept', { roundId }))),
      Promise.all(takers.map((browser) => browser.post(`/placement-clearing/${offerId}`, {}))),
    ])

    expect(accepted.map((response) => response.statusCode)).toEqual(matched.map(() => 303))
    const statuses = taken.map((response) => response.statusCode)
    expect(statuses.filter((status) => status === 303)).toHaveLength(places - matchedCount)
    expect(statuses.filter((status) => status === 409)).toHaveLength(racers - (places - matchedCount))
    for (const refused of taken.filter((response) => response.statusCode === 409))
      expect(refused.body).toContain('There are no places left on this placement')

    const [row] = await first.db.database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM placements WHERE offer_id = $1 AND status = 'active'",
      [offerId],
    )
    expect(row!.n).toBe(places)
  })
})

import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { minimalStudyRecord, principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { createOffersRepository } from './offers-repository.ts'
import { createOffersService, OfferRefusedError } from './offers-service.ts'
import { createPlacementRepository } from './placement-repository.ts'
import { createPlacementService, type PlacementService } from './placement-service.ts'
import { createPreferencesRepository } from './preferences-repository.ts'
import { createPreferencesService, type PreferencesService } from './preferences-service.ts'
import { createStudiesRepository } from './studies-repository.ts'

// After the match, on each engine: a matched learner accepts (enrolled first, by the date, inclusive) or
// declines; the places a published round holds are kept from clearing and from the next round until answered
// or lapsed; clearing gives the places left to learners without one, first come first served; a draft round
// is discarded; programme leads run rounds too; two saves of one list at once both succeed.

const origin = { requestId: 'test', ip: '127.0.0.1' }

describeEachEngine('accepting, declining and clearing placements', ({ database }) => {
  let db: Database
  let preferences: PreferencesService
  let placements: PlacementService
  let mentor: Principal
  let admin: Principal
  let programmeLead: Principal
  let otherLead: Principal
  const learners: Principal[] = []
  const enrolled = new Map<string, string>()
  const offer = { A: '', B: '', C: '' }
  let clock = new Date('2026-12-01T10:00:00Z')
  let roundId = ''

  const count = async (sql: string, params: readonly unknown[] = []) =>
    Number((await db.query<{ count: string | number }>(sql, params))[0]!.count)
  const l = (i: number) => learners[i]!
  const choose = async (learner: Principal, offerIds: readonly string[]) => {
    const result = await preferences.setPreferences(learner, offerIds, origin)
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
  }
  const run = async (by: Principal, name: string) => {
    const result = await preferences.runRound(by, name, origin)
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    return result.value
  }
  /** The places left in clearing as `offer:left`, in a fixed order. */
  const placesLeft = async (principal: Principal) =>
    (await placements.viewClearing(principal)).offers.map((o) => `${o.id}:${o.placesLeft}`).sort()
  const refusal = (field: string, message: string) => ({ ok: false, errors: [{ field, message }] })

  beforeAll(async () => {
    db = database()
    for (const [id, kind, name] of [
      ['RJ1', 'nhs-trust', "Guy's and St Thomas' NHS Foundation Trust"],
      ['UNI1', 'university', 'University One'],
      ['UNI2', 'university', 'University Two'],
      ['framework-team', 'framework', 'Framework team'],
    ]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, $2, $3, $3, '{}', '{}', 0) ON CONFLICT (id) DO NOTHING`,
        [id, kind, name],
      )
    }
    const studies = createStudiesRepository(db)
    const siteId = randomUUID()
    await db.transaction(async (tx) => {
      const { id } = await studies.upsertStudy(tx, minimalStudyRecord('NCT09000003', 'A study of <sleep>'), {
        id: randomUUID(),
        locationCount: 1,
        importedBy: null,
        at: clock,
      })
      await studies.replaceSites(tx, id, [
        {
          id: siteId,
          position: 0,
          facility: 'Site RJ1',
          normalisedName: 'site rj1',
          city: 'London',
          postcode: null,
          recruitmentStatus: null,
          organisationId: 'RJ1',
          matchedBy: 'name' as const,
        },
      ])
    })
    const person = async (organisationId: string, role: string) => {
      const { id } = await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId, roles: [role] }],
      })
      return principalOf(id, [{ organisationId, roles: [role] }])
    }
    mentor = await person('RJ1', 'mentor')
    const lead = await person('RJ1', 'employer-research-lead')
    admin = await person('framework-team', 'framework-admin')
    programmeLead = await person('UNI1', 'programme-lead')
    otherLead = await person('UNI2', 'programme-lead')
    for (let i = 0; i < 6; i++) learners.push(await person('RJ1', 'learner'))

    const now = () => clock
    const offers = createOffersService({ db, offers: createOffersRepository(db), now })
    const make = async (places: number, specialty: string) => {
      const made = await offers.createOffer(
        mentor,
        'RJ1',
        {
          siteId,
          places: String(places),
          specialty,
          complexity: 'less-complex',
          activities: ['consent'],
          hoursPerWeek: '7.5',
          startFrom: '2027-03-01',
          startBy: '2027-05-31',
          prerequisites: '',
        },
        origin,
      )
      if (!made.ok) throw new Error(JSON.stringify(made.errors))
      await offers.decideOffer(lead, 'RJ1', made.value.id, { outcome: 'approve' }, origin)
      return made.value.id
    }
    offer.A = await make(1, 'Sleep A')
    offer.B = await make(2, 'Sleep B')
    offer.C = await make(1, 'Sleep C')
    preferences = createPreferencesService({ db, preferences: createPreferencesRepository(db), now })
    placements = createPlacementService({
      db,
      placements: createPlacementRepository(db),
      activeUniversityOf: async (learnerId) => enrolled.get(learnerId) ?? null,
      now,
    })
    // Programme leads see the learners enrolled at their universities: the enrolments the lists read.
    const enrol = async (learner: Principal, universityId: string) => {
      enrolled.set(learner.userId, universityId)
      await db.query(
        `INSERT INTO enrolments (id, learner_id, university_id, started_on, status, created_by, created_at)
         VALUES ($1, $2, $3, '2026-09-01', 'active', $4, now())`,
        [randomUUID(), learner.userId, universityId, admin.userId],
      )
    }
    await enrol(l(2), 'UNI1')
    await enrol(l(3), 'UNI1')
    await enrol(l(4), 'UNI2')
  })

  describe('rounds', () => {
    it('are run, and discarded, by framework admins and programme leads only', async () => {
      await expect(preferences.runRound(mentor, 'Mine', origin)).rejects.toBeInstanceOf(OfferRefusedError)
      await expect(preferences.runRound(l(0), 'Mine', origin)).rejects.toBeInstanceOf(OfferRefusedError)
      const draft = await run(programmeLead, 'By a programme lead')
      await expect(preferences.discardRound(mentor, draft.id, origin)).rejects.toBeInstanceOf(
        OfferRefusedError,
      )
      expect(await preferences.discardRound(admin, randomUUID(), origin)).toBeNull()
      expect(await preferences.runRound(admin, 'Another', origin)).toEqual(
        refusal('name', 'A round is open already: publish or discard it before running another'),
      )

      const discarded = await preferences.discardRound(programmeLead, draft.id, origin)
      expect(discarded).toMatchObject({ ok: true, value: { status: 'discarded', acceptBy: null } })
      if (discarded === null || !discarded.ok) throw new Error('not discarded')
      expect(discarded.value.discardedAt).toBeInstanceOf(Date)
      expect(await preferences.discardRound(admin, draft.id, origin)).toEqual(
        refusal('round', 'This round is discarded already'),
      )
      expect(await preferences.publishRound(admin, draft.id, '2026-12-10', origin)).toEqual(
        refusal('round', 'This round is discarded already'),
      )
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-match-round.discarded' AND subject_id = $1",
          [draft.id],
        ),
      ).toBe(1)
      // A new round may now be run, and discarded too.
      const again = await run(admin, 'After the discard')
      expect((await preferences.discardRound(admin, again.id, origin))?.ok).toBe(true)
    })
  })

  describe('after a published round', () => {
    it('tells each learner what they were matched to, or that they were not', async () => {
      await choose(l(0), [offer.A])
      await choose(l(1), [offer.A, offer.B])
      await choose(l(2), [offer.B])
      await choose(l(3), [offer.A])
      const ranked = await preferences.rankApplicants(
        mentor,
        offer.A,
        { ranked: [l(0).userId, l(1).userId, l(3).userId], unacceptable: [] },
        origin,
      )
      expect(ranked?.ok).toBe(true)
      expect(await placements.findMatchOf(l(0).userId)).toBeNull()
      const round = await run(admin, 'Winter 2026')
      roundId = round.id
      // A draft is not shown to learners, and closes clearing.
      expect(await placements.findMatchOf(l(0).userId)).toBeNull()
      expect((await placements.viewClearing(l(4))).open).toBe(false)
      expect((await preferences.publishRound(admin, roundId, '2026-12-10', origin))?.ok).toBe(true)

      expect(await placements.findMatchOf(l(1).userId)).toMatchObject({
        roundId,
        roundName: 'Winter 2026',
        acceptBy: '2026-12-10',
        offer: { id: offer.B, studyTitle: 'A study of <sleep>', facility: 'Site RJ1', specialty: 'Sleep B' },
        choice: 2,
        response: null,
        state: 'pending',
      })
      expect(await placements.findMatchOf(l(0).userId)).toMatchObject({ offer: { id: offer.A }, choice: 1 })
      expect(await placements.findMatchOf(l(3).userId)).toMatchObject({ offer: null, state: 'unmatched' })
      expect(await placements.findMatchOf(l(5).userId)).toBeNull()
    })

    it('keeps the matched places out of clearing while they may be accepted', async () => {
      const clearing = await placements.viewClearing(l(4))
      expect(clearing).toMatchObject({ open: true, learner: { mayTake: true, reason: null }, unplaced: null })
      expect(clearing.offers.map((o) => [o.id, o.placesLeft])).toEqual([[offer.C, 1]])
      expect(clearing.offers[0]).toMatchObject({ places: 1, specialty: 'Sleep C' })
      expect((await placements.viewClearing(l(1))).learner).toEqual({
        mayTake: false,
        reason: 'You have a match to accept or decline first.',
      })
      expect((await placements.viewClearing(l(5))).learner).toEqual({
        mayTake: false,
        reason:
          'You must be enrolled at a university before you take a placement: ask your university to enrol you on Trellis.',
      })
    })

    it('refuses to accept for a learner not enrolled at a university, and writes nothing', async () => {
      expect(await placements.respondToMatch(l(0), roundId, 'accept', origin)).toEqual(
        refusal(
          'match',
          'You must be enrolled at a university before you take a placement: ask your university to enrol you on Trellis',
        ),
      )
      expect(await count('SELECT count(*) FROM placements')).toBe(0)
      expect((await placements.findMatchOf(l(0).userId))?.state).toBe('pending')
    })

    it('accepts a match once: a placement at the learner’s university with the offer’s mentor', async () => {
      enrolled.set(l(0).userId, 'UNI2')
      const accepted = await placements.respondToMatch(l(0), roundId, 'accept', origin)
      if (!accepted.ok || accepted.value === null) throw new Error(JSON.stringify(accepted))
      expect(accepted.value).toMatchObject({
        offerId: offer.A,
        learnerId: l(0).userId,
        roundId,
        universityId: 'UNI2',
        mentorId: mentor.userId,
        status: 'active',
      })
      expect(await placements.findActivePlacement(l(0).userId)).toMatchObject({ id: accepted.value.id })
      expect(await placements.findMatchOf(l(0).userId)).toMatchObject({
        response: 'accepted',
        state: 'accepted',
      })
      expect(await placements.respondToMatch(l(0), roundId, 'accept', origin)).toEqual(
        refusal('match', 'You have accepted this placement already'),
      )
      expect(await placements.respondToMatch(l(0), roundId, 'decline', origin)).toEqual(
        refusal('match', 'You have accepted this placement already'),
      )
      expect(await placements.respondToMatch(l(3), roundId, 'accept', origin)).toEqual(
        refusal('match', 'You have no match to answer in this round'),
      )
      expect(await placements.respondToMatch(l(0), 'nonsense', 'accept', origin)).toMatchObject({ ok: false })
      await expect(placements.respondToMatch(mentor, roundId, 'accept', origin)).rejects.toBeInstanceOf(
        OfferRefusedError,
      )
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement.accepted' AND subject_id = $1",
          [accepted.value.id],
        ),
      ).toBe(1)
    })

    it('records a decline, and the place goes to clearing', async () => {
      expect(await placements.respondToMatch(l(2), roundId, 'decline', origin)).toEqual({
        ok: true,
        value: null,
      })
      expect(await placements.findMatchOf(l(2).userId)).toMatchObject({ response: 'declined' })
      expect(await count('SELECT count(*) FROM placements WHERE learner_id = $1', [l(2).userId])).toBe(0)
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-match.declined' AND actor_user_id = $1",
          [l(2).userId],
        ),
      ).toBe(1)
      expect(await placesLeft(l(4))).toEqual([`${offer.B}:1`, `${offer.C}:1`].sort())
    })

    it('gives a place in clearing to the first learner without one, and refuses the rest', async () => {
      const taken = await placements.takeFromClearing(l(3), offer.B, origin)
      if (!taken.ok) throw new Error(JSON.stringify(taken.errors))
      expect(taken.value).toMatchObject({ offerId: offer.B, roundId: null, universityId: 'UNI1' })
      enrolled.set(l(5).userId, 'UNI1')
      enrolled.set(l(1).userId, 'UNI1')
      expect(await placements.takeFromClearing(l(5), offer.B, origin)).toEqual(
        refusal('clearing', 'There are no places left on this placement'),
      )
      expect(await placements.takeFromClearing(l(3), offer.C, origin)).toEqual(
        refusal('clearing', 'You have a placement already'),
      )
      expect(await placements.takeFromClearing(l(1), offer.C, origin)).toEqual(
        refusal('clearing', 'Accept or decline the placement you were matched to before you take another'),
      )
      expect(await placements.takeFromClearing(l(5), randomUUID(), origin)).toEqual(
        refusal('clearing', 'This placement is not open to learners'),
      )
      expect(
        await count("SELECT count(*) FROM audit_events WHERE action = 'placement.taken-from-clearing'"),
      ).toBe(1)
      expect((await placements.viewClearing(l(3))).learner).toEqual({
        mayTake: false,
        reason: 'You have a placement already.',
      })
    })

    it('shows framework admins every learner without a place, and programme leads their own', async () => {
      const unplaced = (await placements.viewClearing(admin)).unplaced!
      expect(unplaced.map((u) => [u.learnerId, u.reason])).toEqual([[l(2).userId, 'declined']])
      expect((await placements.viewClearing(programmeLead)).unplaced!.map((u) => u.learnerId)).toEqual([
        l(2).userId,
      ])
      expect((await placements.viewClearing(otherLead)).unplaced).toEqual([])
      expect((await placements.viewClearing(l(4))).unplaced).toBeNull()
    })

    it('leaves out of the next round the places held and the learners holding one', async () => {
      // l0 and l3 have placements and l1 an unanswered match: they are left out. A is full (l0), and so is B
      // (l3 from clearing, l1's match): only C is in the round, which l2 did not choose and l4 did.
      await choose(l(4), [offer.A, offer.C])
      const draft = await run(admin, 'Second round')
      expect(await preferences.listResults(draft.id)).toEqual([
        { learnerId: l(4).userId, offerId: offer.C, choice: 2 },
      ])
      // Its figures count the choice on the learner's whole list too: C was l4's 2nd choice.
      expect(draft.figures).toMatchObject({
        offers: 1,
        totalPlaces: 1,
        byChoice: [0, 1],
        firstChoiceShare: 0,
      })
      expect(draft.figures.secondChoiceShare).toBe(1)
      expect(await placements.takeFromClearing(l(5), offer.C, origin)).toEqual(
        refusal('clearing', 'Clearing is not open'),
      )
      expect((await preferences.discardRound(admin, draft.id, origin))?.ok).toBe(true)
    })

    it('accepts on the date to accept by (London), and refuses after it', async () => {
      clock = new Date('2026-12-10T23:59:00Z')
      expect((await placements.findMatchOf(l(1).userId))?.state).toBe('pending')
      clock = new Date('2026-12-11T00:00:00Z')
      expect((await placements.findMatchOf(l(1).userId))?.state).toBe('lapsed')
      expect(await placements.respondToMatch(l(1), roundId, 'accept', origin)).toEqual(
        refusal('match', 'The date to accept this placement by has passed'),
      )
      expect(await placements.respondToMatch(l(1), roundId, 'decline', origin)).toEqual(
        refusal('match', 'The date to accept this placement by has passed'),
      )
      // The lapsed place is free again, and the learner is listed without one.
      expect(await placesLeft(l(5))).toEqual([`${offer.B}:1`, `${offer.C}:1`].sort())
      expect((await placements.viewClearing(admin)).unplaced!.map((u) => [u.learnerId, u.reason])).toEqual(
        expect.arrayContaining([
          [l(1).userId, 'lapsed'],
          [l(2).userId, 'declined'],
        ]),
      )
    })
  })

  describe('a learner’s list', () => {
    it('is saved whole when two saves of it come at once', async () => {
      const learner = l(5)
      const lists = [[offer.A], [offer.B, offer.C], [offer.C], [offer.A, offer.B], [offer.B]]
      const outcomes = await Promise.all(
        lists.map((list) => preferences.setPreferences(learner, list, origin)),
      )
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true)
      const saved = (await preferences.listPreferences(learner.userId)).map((p) => p.offerId)
      expect(lists).toContainEqual(saved)
    })
  })
})

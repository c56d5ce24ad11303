import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { minimalStudyRecord, principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { matchApplicants, type MatchInput } from './matching.ts'
import { createOffersRepository } from './offers-repository.ts'
import { createOffersService, OfferRefusedError, type OffersService } from './offers-service.ts'
import type { OfferDraft } from './placement-offer.ts'
import { createPreferencesRepository, type RoundResult } from './preferences-repository.ts'
import { createPreferencesService, roundFigures, type PreferencesService } from './preferences-service.ts'
import { createStudiesRepository } from './studies-repository.ts'

// Preferences and the match on each engine: learners rank approved offers (validated, replaced whole), the
// offer's mentor (and no other) ranks its applicants, and a framework admin (and no one else) runs a round whose
// figures are the engine's for the same data, then publishes it once. An applicant the mentor has not ranked
// comes after the ranked ones, in the order they applied.

const origin = { requestId: 'test', ip: '127.0.0.1' }
const today = new Date('2026-12-01T10:00:00Z')

const record = minimalStudyRecord('NCT09000002', 'A study of sleep')

const byLearner = (results: readonly RoundResult[]) =>
  Object.fromEntries(results.map((result) => [result.learnerId, result.offerId]))

describeEachEngine('placement preferences and the match', ({ database }) => {
  let db: Database
  let offers: OffersService
  let service: PreferencesService
  let mentor: Principal
  let otherMentor: Principal
  let admin: Principal
  const learners: Principal[] = []
  const offer = { A: '', B: '', C: '', pending: '' }
  const siteAt = { RJ1: '', RBV: '' }
  let tick = 0

  const count = async (sql: string, params: readonly unknown[] = []) =>
    Number((await db.query<{ count: string | number }>(sql, params))[0]!.count)

  const choose = async (learner: Principal, offerIds: readonly string[]) => {
    const result = await service.setPreferences(learner, offerIds, origin)
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    return result.value
  }

  const rank = async (
    by: Principal,
    offerId: string,
    ranked: Principal[],
    unacceptable: Principal[] = [],
  ) => {
    const result = await service.rankApplicants(
      by,
      offerId,
      { ranked: ranked.map((l) => l.userId), unacceptable: unacceptable.map((l) => l.userId) },
      origin,
    )
    if (result === null || !result.ok) throw new Error(JSON.stringify(result))
    return result.value
  }

  beforeAll(async () => {
    db = database()
    for (const [id, kind, name] of [
      ['RJ1', 'nhs-trust', "Guy's and St Thomas' NHS Foundation Trust"],
      ['RBV', 'nhs-trust', 'The Christie NHS Foundation Trust'],
      ['framework-team', 'framework', 'Framework team'],
    ]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, $2, $3, $3, '{}', '{}', 0) ON CONFLICT (id) DO NOTHING`,
        [id, kind, name],
      )
    }
    const studies = createStudiesRepository(db)
    siteAt.RJ1 = randomUUID()
    siteAt.RBV = randomUUID()
    await db.transaction(async (tx) => {
      const { id } = await studies.upsertStudy(tx, record, {
        id: randomUUID(),
        locationCount: 2,
        importedBy: null,
        at: today,
      })
      await studies.replaceSites(
        tx,
        id,
        (['RJ1', 'RBV'] as const).map((organisationId, position) => ({
          id: siteAt[organisationId],
          position,
          facility: `Site ${organisationId}`,
          normalisedName: `site ${organisationId.toLowerCase()}`,
          city: 'London',
          postcode: null,
          recruitmentStatus: null,
          organisationId,
          matchedBy: 'name' as const,
        })),
      )
    })
    const person = async (organisationId: string, role: string) => {
      const { id } = await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId, roles: [role] }],
      })
      return principalOf(id, [{ organisationId, roles: [role] }])
    }
    mentor = await person('RJ1', 'mentor')
    otherMentor = await person('RBV', 'mentor')
    const lead = await person('RJ1', 'employer-research-lead')
    const otherLead = await person('RBV', 'employer-research-lead')
    admin = await person('framework-team', 'framework-admin')
    for (let i = 0; i < 5; i++) learners.push(await person('RJ1', 'learner'))

    offers = createOffersService({ db, offers: createOffersRepository(db), now: () => today })
    const draft = (siteId: string, places: number): OfferDraft => ({
      siteId,
      places: String(places),
      specialty: 'Sleep medicine',
      complexity: 'less-complex',
      activities: ['consent'],
      hoursPerWeek: '7.5',
      startFrom: '2027-03-01',
      startBy: '2027-05-31',
      prerequisites: '',
    })
    const make = async (
      by: Principal,
      organisationId: string,
      places: number,
      approver: Principal | null,
    ) => {
      const made = await offers.createOffer(
        by,
        organisationId,
        draft(siteAt[organisationId as 'RJ1'], places),
        origin,
      )
      if (!made.ok) throw new Error(JSON.stringify(made.errors))
      if (approver !== null)
        await offers.decideOffer(approver, organisationId, made.value.id, { outcome: 'approve' }, origin)
      return made.value.id
    }
    offer.A = await make(mentor, 'RJ1', 1, lead)
    offer.B = await make(mentor, 'RJ1', 2, lead)
    offer.C = await make(otherMentor, 'RBV', 1, otherLead)
    offer.pending = await make(mentor, 'RJ1', 1, null)

    // A clock a second on at every reading: the order of applying is the order of the calls.
    service = createPreferencesService({
      db,
      preferences: createPreferencesRepository(db),
      now: () => new Date(today.getTime() + tick++ * 1000),
    })
  })

  describe('a learner’s choices', () => {
    it('lists approved offers only', async () => {
      const ids = (await service.listChoosableOffers()).map((o) => o.id)
      expect(ids.sort()).toEqual([offer.A, offer.B, offer.C].sort())
    })

    it('replaces the whole list, keeping when each offer was first chosen', async () => {
      const [learner] = learners
      const first = await choose(learner!, [offer.A, offer.B])
      expect(first.map((p) => [p.offerId, p.rank])).toEqual([
        [offer.A, 1],
        [offer.B, 2],
      ])
      const second = await choose(learner!, [offer.C, offer.B])
      expect(second.map((p) => [p.offerId, p.rank])).toEqual([
        [offer.C, 1],
        [offer.B, 2],
      ])
      expect(second[1]!.appliedAt).toEqual(first[1]!.appliedAt)
      expect(second[0]!.appliedAt.getTime()).toBeGreaterThan(first[1]!.appliedAt.getTime())
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-preferences.set' AND subject_id = $1",
          [learner!.userId],
        ),
      ).toBe(2)
      expect(await choose(learner!, [])).toEqual([])
    })

    it.each([
      ['an unknown offer', () => [randomUUID()], 'Choose only placements open to learners'],
      ['an offer not approved', () => [offer.A, offer.pending], 'Choose only placements open to learners'],
      ['not an id', () => ['nonsense'], 'Choose only placements open to learners'],
      ['the same offer twice', () => [offer.A, offer.B, offer.A], 'Choose each placement only once'],
      ['more than 20', () => Array.from({ length: 21 }, () => randomUUID()), 'Choose 20 placements or fewer'],
    ])('refuses %s, naming the field, and writes nothing', async (_, offerIds, message) => {
      const learner = learners[1]!
      await choose(learner, [offer.C])
      const result = await service.setPreferences(learner, offerIds(), origin)
      expect(result).toEqual({ ok: false, errors: [{ field: 'offerIds', message }] })
      expect((await service.listPreferences(learner.userId)).map((p) => p.offerId)).toEqual([offer.C])
      await choose(learner, [])
    })

    it('is for learners only', async () => {
      await expect(service.setPreferences(mentor, [offer.A], origin)).rejects.toBeInstanceOf(
        OfferRefusedError,
      )
      await expect(service.setPreferences(admin, [offer.A], origin)).rejects.toBeInstanceOf(OfferRefusedError)
    })
  })

  describe('a mentor’s ranking', () => {
    it('ranks the applicants of their own offer only', async () => {
      const [l1, l2] = learners
      await choose(l1!, [offer.A])
      await choose(l2!, [offer.A])
      await expect(
        service.rankApplicants(otherMentor, offer.A, { ranked: [l1!.userId], unacceptable: [] }, origin),
      ).rejects.toBeInstanceOf(OfferRefusedError)
      await expect(service.listApplicants(otherMentor, offer.A)).rejects.toBeInstanceOf(OfferRefusedError)
      await expect(
        service.rankApplicants(admin, offer.A, { ranked: [l1!.userId], unacceptable: [] }, origin),
      ).rejects.toBeInstanceOf(OfferRefusedError)
      expect(
        await service.rankApplicants(mentor, randomUUID(), { ranked: [], unacceptable: [] }, origin),
      ).toBeNull()

      const ranked = await rank(mentor, offer.A, [l2!], [l1!])
      expect(ranked.map((a) => [a.learnerId, a.rank, a.unacceptable])).toEqual([
        [l2!.userId, 1, false],
        [l1!.userId, null, true],
      ])
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.applicants-ranked' AND subject_id = $1",
          [offer.A],
        ),
      ).toBe(1)
    })

    it('refuses learners who did not apply, and an applicant both ranked and unacceptable', async () => {
      const [l1, l2, l3] = learners
      const attempt = (ranked: Principal[], unacceptable: Principal[]) =>
        service.rankApplicants(
          mentor,
          offer.A,
          { ranked: ranked.map((l) => l.userId), unacceptable: unacceptable.map((l) => l.userId) },
          origin,
        )
      expect(await attempt([l3!], [])).toEqual({
        ok: false,
        errors: [{ field: 'ranked', message: 'Rank only learners who applied to this placement' }],
      })
      expect(await attempt([l1!, l1!], [])).toMatchObject({ ok: false, errors: [{ field: 'ranked' }] })
      expect(await attempt([l1!], [l1!, l2!])).toMatchObject({
        ok: false,
        errors: [{ field: 'unacceptable' }],
      })
      expect(await attempt([], [l3!])).toMatchObject({ ok: false, errors: [{ field: 'unacceptable' }] })
    })
  })

  describe('a match round', () => {
    const learner = (i: number) => () => learners[i]!
    const [l1, l2, l3, l4, l5] = [learner(0), learner(1), learner(2), learner(3), learner(4)]
    let firstResults: Record<string, string | null>

    const enterEverything = async (reverse: boolean) => {
      const lists: [Principal, string[]][] = [
        [l1(), [offer.A, offer.B]],
        [l2(), [offer.A, offer.C]],
        [l3(), [offer.C, offer.B]],
        [l4(), [offer.A]],
        [l5(), [offer.B, offer.A, offer.C]],
      ]
      for (const [learner, list] of reverse ? [...lists].reverse() : lists) await choose(learner, list)
      const rankings: (() => Promise<unknown>)[] = [
        // l1 applied to A and B but is not ranked there yet: after the ranked ones. l4 is unacceptable at A.
        () => rank(mentor, offer.A, [l2(), l5()], [l4()]),
        () => rank(mentor, offer.B, [l5(), l3()]),
        // C's mentor has ranked no one: its applicants in the order they applied.
        () => rank(otherMentor, offer.C, []),
      ]
      for (const ranking of reverse ? [...rankings].reverse() : rankings) await ranking()
    }

    it('is run by framework admins only', async () => {
      await expect(service.runRound(l1(), 'Spring 2027', origin)).rejects.toBeInstanceOf(OfferRefusedError)
      await expect(service.runRound(mentor, 'Spring 2027', origin)).rejects.toBeInstanceOf(OfferRefusedError)
      expect(await service.runRound(admin, '  ', origin)).toMatchObject({
        ok: false,
        errors: [{ field: 'name' }],
      })
      expect(await count('SELECT count(*) FROM placement_match_rounds')).toBe(0)
    })

    it('stores a draft whose figures are the engine’s for the same data', async () => {
      for (const learner of learners) await choose(learner, [])
      await enterEverything(false)
      const result = await service.runRound(admin, 'Spring 2027', origin)
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      const round = result.value
      expect(round).toMatchObject({ name: 'Spring 2027', status: 'draft', publishedAt: null, acceptBy: null })

      // The same data by hand: the applicants' lists, and each offer's order (ranked, then unranked by applying).
      const input: MatchInput = {
        applicants: {
          [l1().userId]: [offer.A, offer.B],
          [l2().userId]: [offer.A, offer.C],
          [l3().userId]: [offer.C, offer.B],
          [l4().userId]: [offer.A],
          [l5().userId]: [offer.B, offer.A, offer.C],
        },
        programs: {
          [offer.A]: { capacity: 1, rol: [l2().userId, l5().userId, l1().userId] },
          [offer.B]: { capacity: 2, rol: [l5().userId, l3().userId, l1().userId] },
          [offer.C]: { capacity: 1, rol: [l2().userId, l3().userId, l5().userId] },
        },
      }
      const expected = matchApplicants(input)
      expect(round.figures).toEqual(roundFigures(input, expected))
      expect(round.figures).toMatchObject({
        applicants: 5,
        offers: 3,
        matched: 4,
        unmatched: 1,
        byChoice: [3, 1, 0],
        firstChoiceShare: 0.6,
        secondChoiceShare: 0.2,
        thirdChoiceShare: 0,
        totalPlaces: 4,
        placesLeft: 0,
      })

      firstResults = byLearner(await service.listResults(round.id))
      expect(firstResults).toEqual({
        [l1().userId]: offer.B,
        [l2().userId]: offer.A,
        [l3().userId]: offer.C,
        [l4().userId]: null,
        [l5().userId]: offer.B,
      })
      for (const program of expected.programs)
        for (const learnerId of program.matched) expect(firstResults[learnerId]).toBe(program.id)
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-match-round.run' AND subject_id = $1",
          [round.id],
        ),
      ).toBe(1)
    })

    it('allows one open round at a time', async () => {
      expect(await service.runRound(admin, 'Another', origin)).toMatchObject({
        ok: false,
        errors: [
          { field: 'name', message: 'A round is open already: publish or discard it before running another' },
        ],
      })
      expect(await count('SELECT count(*) FROM placement_match_rounds')).toBe(1)
    })

    it('is published once, by a framework admin, with a date to accept by', async () => {
      const [round] = await service.listRounds()
      await expect(service.publishRound(l1(), round!.id, '2027-01-15', origin)).rejects.toBeInstanceOf(
        OfferRefusedError,
      )
      expect(await service.publishRound(admin, round!.id, '2027-02-30', origin)).toMatchObject({
        ok: false,
        errors: [{ field: 'acceptBy' }],
      })
      expect(await service.publishRound(admin, round!.id, '2026-11-30', origin)).toMatchObject({
        ok: false,
        errors: [{ field: 'acceptBy' }],
      })
      expect(await service.publishRound(admin, randomUUID(), '2027-01-15', origin)).toBeNull()

      const published = await service.publishRound(admin, round!.id, '2027-01-15', origin)
      if (published === null || !published.ok) throw new Error(JSON.stringify(published))
      expect(published.value).toMatchObject({ status: 'published', acceptBy: '2027-01-15' })
      expect(published.value.publishedAt).toBeInstanceOf(Date)
      expect(byLearner(await service.listResults(round!.id))).toEqual(firstResults)

      expect(await service.publishRound(admin, round!.id, '2027-01-20', origin)).toEqual({
        ok: false,
        errors: [{ field: 'round', message: 'This round is published already' }],
      })
      expect((await service.findRound(round!.id))!.acceptBy).toBe('2027-01-15')
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-match-round.published' AND subject_id = $1",
          [round!.id],
        ),
      ).toBe(1)
    })

    it('gives the same matches whatever order the lists and rankings were entered in', async () => {
      for (const learner of learners) await choose(learner, [])
      // Rankings of everyone, so that the order of applying does not decide anything.
      await enterEverything(true)
      await rank(otherMentor, offer.C, [l2(), l3(), l5()])
      await rank(mentor, offer.A, [l2(), l5(), l1()], [l4()])
      await rank(mentor, offer.B, [l5(), l3(), l1()])
      // After the first round's date to accept by, when its matches (none accepted) have lapsed: while they
      // could still be accepted they hold their places, and their learners are left out of a new round.
      const later = createPreferencesService({
        db,
        preferences: createPreferencesRepository(db),
        now: () => new Date('2027-01-16T09:00:00Z'),
      })
      const held = await service.runRound(admin, 'Spring 2027, too soon', origin)
      if (!held.ok) throw new Error(JSON.stringify(held.errors))
      expect(held.value.figures).toMatchObject({ applicants: 0, offers: 0, totalPlaces: 0 })
      expect((await service.discardRound(admin, held.value.id, origin))?.ok).toBe(true)
      const result = await later.runRound(admin, 'Spring 2027, again', origin)
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      expect(byLearner(await service.listResults(result.value.id))).toEqual(firstResults)
      const [first] = (await service.listRounds()).filter((r) => r.status === 'published')
      expect(result.value.figures).toEqual(first!.figures)
    })

    it('opens one round when two admins run one at once', async () => {
      const [open] = (await service.listRounds()).filter((r) => r.status === 'draft')
      await service.publishRound(admin, open!.id, '2027-01-15', origin)
      const outcomes = await Promise.all([
        service.runRound(admin, 'Summer 2027', origin),
        service.runRound(admin, 'Summer 2027, twice', origin),
      ])
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([
        {
          ok: false,
          errors: [
            {
              field: 'name',
              message: 'A round is open already: publish or discard it before running another',
            },
          ],
        },
      ])
      expect(await count("SELECT count(*) FROM placement_match_rounds WHERE status = 'draft'")).toBe(1)
    })
  })
})

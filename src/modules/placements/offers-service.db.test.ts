import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { minimalStudyRecord, principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { createOffersRepository } from './offers-repository.ts'
import { createOffersService, OfferRefusedError, type OffersService } from './offers-service.ts'
import type { OfferDraft } from './placement-offer.ts'
import { createStudiesRepository } from './studies-repository.ts'
import { createStudiesService } from './studies-service.ts'

// Placement offers on each engine: a mentor offers places only on a study site of their own organisation, the
// research lead there (not another organisation's) approves or rejects with a reason, the mentor withdraws, and a
// rejected or withdrawn offer is never approved afterwards. Each change is audited.

const origin = { requestId: 'test', ip: '127.0.0.1' }
const today = new Date('2026-12-01T10:00:00Z')

const record = minimalStudyRecord('NCT09000001', 'A study of breathing')

describeEachEngine('placement offers', ({ database }) => {
  let db: Database
  let service: OffersService
  let mentor: Principal
  let otherMentor: Principal
  let lead: Principal
  let otherLead: Principal
  let admin: Principal
  const siteAt = { RJ1: '', RBV: '' }
  let studyId: string

  const draft = (overrides: Partial<OfferDraft> = {}): OfferDraft => ({
    siteId: siteAt.RJ1,
    places: '2',
    specialty: 'Respiratory medicine',
    complexity: 'complex',
    activities: ['consent', 'data-collection'],
    hoursPerWeek: '7.5',
    startFrom: '2027-03-01',
    startBy: '2027-05-31',
    prerequisites: 'GCP training',
    ...overrides,
  })

  const count = async (sql: string, params: readonly unknown[] = []) =>
    Number((await db.query<{ count: string | number }>(sql, params))[0]!.count)

  const offer = async (overrides: Partial<OfferDraft> = {}) => {
    const result = await service.createOffer(mentor, 'RJ1', draft(overrides), origin)
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    return result.value
  }

  beforeAll(async () => {
    db = database()
    for (const [id, name] of [
      ['RJ1', "Guy's and St Thomas' NHS Foundation Trust"],
      ['RBV', 'The Christie NHS Foundation Trust'],
    ]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, 'nhs-trust', $2, $2, '{}', '{}', 0)`,
        [id, name],
      )
    }
    const studies = createStudiesRepository(db)
    siteAt.RJ1 = randomUUID()
    siteAt.RBV = randomUUID()
    studyId = await db.transaction(async (tx) => {
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
      return id
    })
    const person = async (organisationId: string, role: string) => {
      const { id } = await createPerson(db, {
        professionId: null,
        memberships: [{ organisationId, roles: [role] }],
      })
      return principalOf(id, [{ organisationId, roles: [role] }])
    }
    await db.query(
      `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
       VALUES ('framework-team', 'framework', 'Framework team', 'Framework team', '{}', '{}', 0)
       ON CONFLICT (id) DO NOTHING`,
    )
    mentor = await person('RJ1', 'mentor')
    otherMentor = await person('RBV', 'mentor')
    lead = await person('RJ1', 'employer-research-lead')
    otherLead = await person('RBV', 'employer-research-lead')
    admin = await person('framework-team', 'framework-admin')
    service = createOffersService({ db, offers: createOffersRepository(db), now: () => today })
  })

  describe('offering places', () => {
    it('records a pending offer on a site of the mentor’s organisation, and audits it', async () => {
      const created = await offer()
      expect(created).toMatchObject({
        organisationId: 'RJ1',
        study: { id: studyId, briefTitle: 'A study of breathing' },
        site: { id: siteAt.RJ1, facility: 'Site RJ1' },
        mentor: { id: mentor.userId },
        places: 2,
        specialty: 'Respiratory medicine',
        complexity: 'complex',
        activities: ['consent', 'data-collection'],
        hoursPerWeek: 7.5,
        startFrom: '2027-03-01',
        startBy: '2027-05-31',
        prerequisites: 'GCP training',
        status: 'pending',
        decidedBy: null,
        reason: null,
      })
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.created' AND subject_id = $1",
          [created.id],
        ),
      ).toBe(1)
      expect((await service.listOffersAt('RJ1')).map((listed) => listed.id)).toContain(created.id)
      expect(await service.listOffersAt('RBV')).toEqual([])
    })

    it('refuses a site that is not at the mentor’s organisation, naming the site field', async () => {
      const before = await count('SELECT count(*) FROM placement_offers')
      const result = await service.createOffer(mentor, 'RJ1', draft({ siteId: siteAt.RBV }), origin)
      expect(result).toEqual({
        ok: false,
        errors: [{ field: 'siteId', message: 'Select a study site at this organisation' }],
      })
      const unknown = await service.createOffer(mentor, 'RJ1', draft({ siteId: randomUUID() }), origin)
      expect(unknown.ok).toBe(false)
      // Nor may they offer at the other organisation, where they are not a mentor.
      await expect(service.createOffer(mentor, 'RBV', draft({ siteId: siteAt.RBV }), origin)).rejects.toThrow(
        OfferRefusedError,
      )
      // Nor on a site the registry no longer lists.
      await db.query('UPDATE study_sites SET listed = false WHERE id = $1', [siteAt.RJ1])
      try {
        expect(await service.listSitesAt('RJ1')).toEqual([])
        const unlisted = await service.createOffer(mentor, 'RJ1', draft(), origin)
        expect(unlisted).toMatchObject({ ok: false, errors: [{ field: 'siteId' }] })
      } finally {
        await db.query('UPDATE study_sites SET listed = true WHERE id = $1', [siteAt.RJ1])
      }
      expect((await service.listSitesAt('RJ1')).map((site) => site.id)).toEqual([siteAt.RJ1])
      expect(await count('SELECT count(*) FROM placement_offers')).toBe(before)
    })

    it('names each field that is wrong', async () => {
      const result = await service.createOffer(
        mentor,
        'RJ1',
        draft({
          places: '51',
          specialty: ' ',
          complexity: 'very',
          activities: ['consent', 'juggling'],
          hoursPerWeek: '40',
          startFrom: '2026-11-30',
          startBy: '2026-11-01',
        }),
        origin,
      )
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.errors.map((error) => error.field)).toEqual([
        'places',
        'specialty',
        'complexity',
        'activities',
        'hoursPerWeek',
        'startFrom',
        'startBy',
      ])
      const noActivities = await service.createOffer(mentor, 'RJ1', draft({ activities: [] }), origin)
      expect(noActivities).toEqual({
        ok: false,
        errors: [{ field: 'activities', message: 'Select the activities the learner can take part in' }],
      })
    })

    it('keeps the database’s own checks as a second line', async () => {
      const insert = (places: number, startBy: string) =>
        db.query(
          `INSERT INTO placement_offers (id, study_id, study_site_id, organisation_id, mentor_id, places, specialty,
             complexity, activities, hours_per_week, start_from, start_by, created_at, updated_at)
           VALUES ($1, $2, $3, 'RJ1', $4, $5, 'Oncology', 'complex', '{consent}', 7.5, '2027-03-01', $6, now(), now())`,
          [randomUUID(), studyId, siteAt.RJ1, mentor.userId, places, startBy],
        )
      await expect(insert(0, '2027-04-01')).rejects.toThrow()
      await expect(insert(2, '2027-02-01')).rejects.toThrow()
    })
  })

  describe('deciding', () => {
    it('lets the research lead at the organisation approve, and refuses the lead of another', async () => {
      const created = await offer()
      await expect(
        service.decideOffer(otherLead, 'RJ1', created.id, { outcome: 'approve' }, origin),
      ).rejects.toThrow(OfferRefusedError)
      // At their own organisation there is no such offer.
      expect(
        await service.decideOffer(otherLead, 'RBV', created.id, { outcome: 'approve' }, origin),
      ).toBeNull()
      await expect(
        service.decideOffer(mentor, 'RJ1', created.id, { outcome: 'approve' }, origin),
      ).rejects.toThrow(OfferRefusedError)
      expect((await service.findOfferAt('RJ1', created.id))!.status).toBe('pending')

      const approved = await service.decideOffer(lead, 'RJ1', created.id, { outcome: 'approve' }, origin)
      expect(approved).toMatchObject({
        ok: true,
        value: { status: 'approved', decidedBy: { id: lead.userId }, reason: null },
      })
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.approved' AND subject_id = $1",
          [created.id],
        ),
      ).toBe(1)
      const again = await service.decideOffer(
        lead,
        'RJ1',
        created.id,
        { outcome: 'reject', reason: 'No' },
        origin,
      )
      expect(again).toMatchObject({ ok: false, errors: [{ field: 'outcome' }] })
    })

    it('lets a framework admin decide anywhere', async () => {
      const created = await offer()
      const approved = await service.decideOffer(admin, 'RJ1', created.id, { outcome: 'approve' }, origin)
      expect(approved).toMatchObject({ ok: true, value: { status: 'approved' } })
    })

    it('needs a reason to reject, and a rejected offer is never approved afterwards', async () => {
      const created = await offer()
      const noReason = await service.decideOffer(
        lead,
        'RJ1',
        created.id,
        { outcome: 'reject', reason: '  ' },
        origin,
      )
      expect(noReason).toEqual({
        ok: false,
        errors: [{ field: 'reason', message: 'Enter the reason for rejecting the offer' }],
      })
      expect((await service.findOfferAt('RJ1', created.id))!.status).toBe('pending')
      const rejected = await service.decideOffer(
        lead,
        'RJ1',
        created.id,
        { outcome: 'reject', reason: 'The study closes to recruitment in March.' },
        origin,
      )
      expect(rejected).toMatchObject({
        ok: true,
        value: { status: 'rejected', reason: 'The study closes to recruitment in March.' },
      })
      const approved = await service.decideOffer(lead, 'RJ1', created.id, { outcome: 'approve' }, origin)
      expect(approved).toMatchObject({ ok: false, errors: [{ field: 'outcome' }] })
      expect((await service.findOfferAt('RJ1', created.id))!.status).toBe('rejected')
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.rejected' AND subject_id = $1",
          [created.id],
        ),
      ).toBe(1)
    })
  })

  describe('withdrawing', () => {
    it('lets only the mentor who made an offer withdraw it, after which it cannot be approved', async () => {
      const created = await offer()
      await expect(service.withdrawOffer(otherMentor, 'RJ1', created.id, origin)).rejects.toThrow(
        OfferRefusedError,
      )
      const withdrawn = await service.withdrawOffer(mentor, 'RJ1', created.id, origin)
      expect(withdrawn).toMatchObject({
        ok: true,
        value: { status: 'withdrawn', decidedBy: { id: mentor.userId } },
      })
      const approved = await service.decideOffer(lead, 'RJ1', created.id, { outcome: 'approve' }, origin)
      expect(approved).toMatchObject({ ok: false, errors: [{ field: 'outcome' }] })
      expect((await service.findOfferAt('RJ1', created.id))!.status).toBe('withdrawn')
      const twice = await service.withdrawOffer(mentor, 'RJ1', created.id, origin)
      expect(twice).toMatchObject({ ok: false, errors: [{ field: 'withdraw' }] })
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.withdrawn' AND subject_id = $1",
          [created.id],
        ),
      ).toBe(1)
    })

    it('lets the mentor withdraw an approved offer', async () => {
      const created = await offer()
      await service.decideOffer(lead, 'RJ1', created.id, { outcome: 'approve' }, origin)
      expect(await service.withdrawOffer(mentor, 'RJ1', created.id, origin)).toMatchObject({
        ok: true,
        value: { status: 'withdrawn' },
      })
    })
  })

  describe('a site with live offers', () => {
    it('keeps its organisation until they are withdrawn, however its name is matched by hand', async () => {
      const studies = createStudiesService({
        db,
        studies: createStudiesRepository(db),
        organisations: {
          listNhsTrusts: async () => [],
          getOrganisation: async (id) =>
            (
              await db.query<{ id: string; name: string }>(
                'SELECT id, name FROM organisations WHERE id = $1',
                [id],
              )
            )[0] ?? null,
        },
        now: () => today,
      })
      const siteId = randomUUID()
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO study_sites (id, study_id, position, facility, normalised_name, city, organisation_id,
             matched_by)
           VALUES ($1, $2, 10, 'Moving Hospital', 'moving hospital', 'London', 'RJ1', 'name')`,
          [siteId, studyId],
        )
      })
      const created = await offer({ siteId })
      const matchTo = (organisationId: string) =>
        studies.matchSiteByHand(admin, studyId, siteId, organisationId, origin)

      const refused = await matchTo('RBV')
      expect(refused).toMatchObject({ ok: false, errors: [{ field: 'organisationId' }] })
      expect(refused && !refused.ok && refused.errors[0]!.message).toContain(
        "placement offers (1 at Guy's and St Thomas' NHS Foundation Trust)",
      )
      const organisationOfSite = async () =>
        (
          await db.query<{ organisation_id: string }>(
            'SELECT organisation_id FROM study_sites WHERE id = $1',
            [siteId],
          )
        )[0]!.organisation_id
      expect(await organisationOfSite()).toBe('RJ1')
      expect(
        await count("SELECT count(*) FROM study_site_aliases WHERE normalised_name = 'moving hospital'"),
      ).toBe(0)

      // Matching it to the organisation it is at already moves nothing, so it is allowed.
      expect(await matchTo('RJ1')).toEqual({ ok: true, matchedSites: 1 })

      await service.withdrawOffer(mentor, 'RJ1', created.id, origin)
      expect(await matchTo('RBV')).toEqual({ ok: true, matchedSites: 1 })
      expect(await organisationOfSite()).toBe('RBV')
    })
  })
})

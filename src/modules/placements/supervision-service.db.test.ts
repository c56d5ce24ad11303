import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { sampleFiles } from '../../../test/support/multipart.ts'
import { minimalStudyRecord, principalOf } from '../../../test/support/study-fixtures.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { createLearningRepository, createPlacementResultRecorder } from '../learning/index.ts'
import { createOffersRepository } from './offers-repository.ts'
import { createOffersService } from './offers-service.ts'
import { createStudiesRepository } from './studies-repository.ts'
import { createSupervisionRepository, insertPlacement } from './supervision-repository.ts'
import {
  createSupervisionService,
  SupervisionRefusedError,
  type SupervisionService,
} from './supervision-service.ts'

// Supervising a placement on each engine: the programme lead of the learner's university sets it up, the learner
// keeps the logbook (one transaction an entry, with its files), mentor and supervisor comment and sign off, and
// the second sign-off records the RPE result in the learner's record in the same transaction. People with no
// part in a placement get the same answer as for one that does not exist; bad input writes nothing.

const origin = { requestId: 'test', ip: '127.0.0.1' }
const acceptedAt = new Date('2026-12-01T09:00:00Z')
let clock = new Date('2026-12-03T10:00:00Z')

const pdf = (fileName = 'log.pdf') => ({ fileName, content: sampleFiles.pdf, truncated: false })

describeEachEngine('placement supervision', ({ database }) => {
  let db: Database
  let service: SupervisionService
  let offerId: string
  let mentor: Principal
  let lead: Principal
  let otherLead: Principal
  let supervisor: Principal
  let otherSupervisor: Principal
  let stranger: Principal

  const count = async (sql: string, params: readonly unknown[] = []) =>
    Number((await db.query<{ count: string | number }>(sql, params))[0]!.count)

  const person = async (organisationId: string, role: string, fullName = 'Sam Taylor') => {
    const { id } = await createPerson(db, {
      fullName,
      professionId: null,
      memberships: [{ organisationId, roles: [role] }],
    })
    return principalOf(id, [{ organisationId, roles: [role] }])
  }

  /** A learner enrolled at `uni-a` (unless told otherwise) with an active placement on the offer. */
  async function placedLearner(options: { enrolled?: boolean } = {}) {
    const learner = await person('uni-a', 'learner', 'Lee Learner')
    if (options.enrolled !== false) {
      await db.transaction((tx) =>
        createLearningRepository(db).insertEnrolment(tx, {
          id: randomUUID(),
          learnerId: learner.userId,
          universityId: 'uni-a',
          programmeId: null,
          startedOn: '2026-09-01',
          status: 'active',
          endedOn: null,
          transferredFrom: null,
          createdBy: lead.userId,
          createdAt: new Date('2026-09-01T09:00:00Z'),
        }),
      )
    }
    const placementId = randomUUID()
    await db.transaction((tx) =>
      insertPlacement(tx, {
        id: placementId,
        offerId,
        learnerId: learner.userId,
        roundId: null,
        universityId: 'uni-a',
        mentorId: mentor.userId,
        acceptedAt,
      }),
    )
    return { learner, placementId }
  }

  const setUp = (placementId: string, overrides: Partial<Record<string, string>> = {}) =>
    service.setUpSupervision(
      lead,
      placementId,
      {
        academicSupervisorId: supervisor.userId,
        code: 'rpe7001',
        title: 'Research Practice Experience',
        credits: '15',
        ...overrides,
      },
      origin,
    )

  const entry = (overrides: Partial<Record<string, string | null>> = {}) => ({
    entryDate: '2026-12-02',
    hours: '3.5',
    activity: 'consent',
    reflection: 'Observed the consent conversation for two participants.',
    ...overrides,
  })

  async function logEveryActivity(learner: Principal, placementId: string) {
    for (const activity of ['consent', 'data-collection']) {
      const added = await service.addLogbookEntry(learner, placementId, entry({ activity }), [], origin)
      if (added === null || !added.ok) throw new Error(`entry refused: ${JSON.stringify(added)}`)
    }
  }

  beforeAll(async () => {
    db = database()
    for (const [id, kind, name] of [
      ['RJ1', 'nhs-trust', "Guy's and St Thomas' NHS Foundation Trust"],
      ['uni-a', 'university', 'University A'],
      ['uni-b', 'university', 'University B'],
    ]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, $2, $3, $3, '{}', '{}', 0)`,
        [id, kind, name],
      )
    }
    const studies = createStudiesRepository(db)
    const siteId = randomUUID()
    await db.transaction(async (tx) => {
      const { id } = await studies.upsertStudy(tx, minimalStudyRecord('NCT09000002', 'A study of sleep'), {
        id: randomUUID(),
        locationCount: 1,
        importedBy: null,
        at: new Date('2026-11-01T09:00:00Z'),
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
    mentor = await person('RJ1', 'mentor', 'Mina Mentor')
    const researchLead = await person('RJ1', 'employer-research-lead')
    lead = await person('uni-a', 'programme-lead', 'Pat Lead')
    otherLead = await person('uni-b', 'programme-lead')
    supervisor = await person('uni-a', 'academic-supervisor', 'Ada Supervisor')
    otherSupervisor = await person('uni-b', 'academic-supervisor')
    stranger = await person('RJ1', 'learner')
    const offers = createOffersService({
      db,
      offers: createOffersRepository(db),
      now: () => new Date('2026-11-01T09:00:00Z'),
    })
    const created = await offers.createOffer(
      mentor,
      'RJ1',
      {
        siteId,
        places: '5',
        specialty: 'Sleep medicine',
        complexity: 'less-complex',
        activities: ['consent', 'data-collection'],
        hoursPerWeek: '7.5',
        startFrom: '2026-12-01',
        startBy: '2027-02-28',
        prerequisites: '',
      },
      origin,
    )
    if (!created.ok) throw new Error(JSON.stringify(created.errors))
    offerId = created.value.id
    await offers.decideOffer(researchLead, 'RJ1', offerId, { outcome: 'approve' }, origin)
    service = createSupervisionService({
      db,
      supervision: createSupervisionRepository(db),
      listRpeModules: async (universityId) =>
        universityId === 'uni-a' ? [{ id: 'a-rpe', name: 'Research Practice Experience', credits: 15 }] : [],
      recordPlacementResult: createPlacementResultRecorder(createLearningRepository(db), () => clock),
      now: () => clock,
    })
  })

  describe('who may see a placement', () => {
    it('answers its learner, mentor and programme lead, and nobody else, the same as for no placement', async () => {
      const { learner, placementId } = await placedLearner()
      for (const [who, relations] of [
        [learner, ['learner']],
        [mentor, ['mentor']],
        [lead, ['programme-lead']],
      ] as const) {
        const view = await service.findPlacement(who, placementId)
        expect(view?.relations).toEqual(relations)
        expect(view?.placement.offer.activities).toEqual(['consent', 'data-collection'])
      }
      // The supervisor has no part until named.
      expect(await service.findPlacement(supervisor, placementId)).toBeNull()
      for (const outsider of [stranger, otherLead, otherSupervisor]) {
        expect(await service.findPlacement(outsider, placementId)).toBeNull()
        expect(
          await service.addComment(outsider, placementId, { entryId: null, body: 'Hi' }, origin),
        ).toBeNull()
        expect(
          await service.signOff(outsider, placementId, { role: 'mentor', comment: '' }, origin),
        ).toBeNull()
        expect(await service.addLogbookEntry(outsider, placementId, entry(), [], origin)).toBeNull()
        expect(await setUpAs(outsider, placementId)).toBeNull()
      }
      expect(await service.findPlacement(learner, randomUUID())).toBeNull()

      const listed = await service.listPlacements(lead)
      expect(listed.map((item) => item.placement.id)).toContain(placementId)
      expect((await service.listPlacements(otherLead)).map((item) => item.placement.id)).not.toContain(
        placementId,
      )
      expect((await service.listPlacements(learner)).map((item) => item.placement.id)).toEqual([placementId])
    })
  })

  const setUpAs = (who: Principal, placementId: string) =>
    service.setUpSupervision(
      who,
      placementId,
      { academicSupervisorId: supervisor.userId, code: 'RPE7001', title: 'RPE', credits: '15' },
      origin,
    )

  describe('setting up supervision', () => {
    it('is the programme lead’s: checks every field, writes nothing on bad input, then names supervisor and module', async () => {
      const { learner, placementId } = await placedLearner()
      await expect(setUpAs(learner, placementId)).rejects.toBeInstanceOf(SupervisionRefusedError)
      await expect(setUpAs(mentor, placementId)).rejects.toBeInstanceOf(SupervisionRefusedError)

      const bad = await setUp(placementId, {
        academicSupervisorId: otherSupervisor.userId,
        code: 'RPE 7001!',
        title: '  ',
        credits: '181',
      })
      expect(bad).toEqual({
        ok: false,
        errors: [
          { field: 'academicSupervisorId', message: 'Select the academic supervisor' },
          {
            field: 'code',
            message: 'Module code must be letters, numbers, spaces, full stops, hyphens or slashes',
          },
          { field: 'title', message: 'Enter the module title' },
          { field: 'credits', message: 'Credits must be a whole number from 1 to 180' },
        ],
      })
      const empty = await setUp(placementId, { credits: '' })
      expect(empty).toEqual({
        ok: false,
        errors: [{ field: 'credits', message: 'Enter the credits the module is worth' }],
      })
      expect(
        await count('SELECT count(*) FROM placements WHERE id = $1 AND academic_supervisor_id IS NOT NULL', [
          placementId,
        ]),
      ).toBe(0)

      expect(await setUp(placementId)).toEqual({ ok: true, value: null })
      const view = await service.findPlacement(supervisor, placementId)
      expect(view?.relations).toEqual(['academic-supervisor'])
      expect(view?.placement.academicSupervisor).toEqual({
        id: supervisor.userId,
        fullName: 'Ada Supervisor',
      })
      expect(view?.placement.module).toEqual({
        code: 'RPE7001',
        title: 'Research Practice Experience',
        credits: 15,
      })
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement.supervision-set-up' AND subject_id = $1",
          [placementId],
        ),
      ).toBe(1)
      const choices = await service.listSupervisionChoices(lead, placementId)
      expect(choices?.supervisors.map((p) => p.id)).toEqual([supervisor.userId])
      expect(choices?.modules).toEqual([{ id: 'a-rpe', name: 'Research Practice Experience', credits: 15 }])
    })
  })

  describe('the logbook', () => {
    it('takes the learner’s entries with their files in one transaction, and refuses bad ones whole', async () => {
      const { learner, placementId } = await placedLearner()
      await expect(service.addLogbookEntry(mentor, placementId, entry(), [], origin)).rejects.toBeInstanceOf(
        SupervisionRefusedError,
      )
      const entries = () =>
        count('SELECT count(*) FROM placement_logbook_entries WHERE placement_id = $1', [placementId])
      const files = () =>
        count(
          `SELECT count(*) FROM placement_logbook_evidence v JOIN placement_logbook_entries e ON e.id = v.entry_id
           WHERE e.placement_id = $1`,
          [placementId],
        )

      const future = await service.addLogbookEntry(
        learner,
        placementId,
        entry({ entryDate: '2026-12-04', hours: '25', activity: 'feasibility', reflection: ' ' }),
        [],
        origin,
      )
      expect(future).toEqual({
        ok: false,
        errors: [
          { field: 'entryDate', message: 'Date must be today or in the past' },
          {
            field: 'hours',
            message: 'Hours must be a number from 0.1 to 24, with at most one decimal place',
          },
          { field: 'activity', message: 'Select the activity from the checklist' },
          { field: 'reflection', message: 'Enter your reflection' },
        ],
      })
      const early = await service.addLogbookEntry(
        learner,
        placementId,
        entry({ entryDate: '2026-11-30', hours: '1.25' }),
        [],
        origin,
      )
      expect(early).toMatchObject({
        ok: false,
        errors: [
          {
            field: 'entryDate',
            message: 'Date must be on or after 1 December 2026, when you accepted the placement',
          },
          { field: 'hours' },
        ],
      })
      const disguised = await service.addLogbookEntry(
        learner,
        placementId,
        entry(),
        [pdf(), { fileName: 'notes.pdf', content: sampleFiles.htmlNamedPdf, truncated: false }],
        origin,
      )
      expect(disguised).toEqual({
        ok: false,
        errors: [{ field: 'evidence', message: 'notes.pdf must be a PDF, PNG or JPEG' }],
      })
      const tooMany = await service.addLogbookEntry(
        learner,
        placementId,
        entry(),
        Array.from({ length: 6 }, (_, index) => pdf(`log-${index}.pdf`)),
        origin,
      )
      expect(tooMany).toEqual({
        ok: false,
        errors: [{ field: 'evidence', message: 'Choose 5 files or fewer' }],
      })
      expect(await entries()).toBe(0)
      expect(await files()).toBe(0)

      const added = await service.addLogbookEntry(
        learner,
        placementId,
        entry({ hours: '0.1' }),
        [pdf(), { fileName: 'photo.png', content: sampleFiles.png, truncated: false }],
        origin,
      )
      expect(added?.ok).toBe(true)
      expect(await entries()).toBe(1)
      expect(await files()).toBe(2)
      const view = await service.findPlacement(learner, placementId)
      expect(view?.entries).toMatchObject([
        {
          entryDate: '2026-12-02',
          hours: 0.1,
          activity: 'consent',
          evidence: [
            { fileName: 'log.pdf', mediaType: 'application/pdf' },
            { fileName: 'photo.png', mediaType: 'image/png' },
          ],
        },
      ])
      expect(view?.progress).toMatchObject({
        totalHours: 0.1,
        totalEntries: 1,
        missing: ['Data collection'],
        activities: [
          { activity: 'consent', entries: 1, hours: 0.1 },
          { activity: 'data-collection', entries: 0, hours: 0 },
        ],
      })
      const fileId = view!.entries[0]!.evidence[0]!.id
      for (const who of [learner, mentor, lead]) {
        const file = await service.findEvidence(who, placementId, fileId)
        expect(Buffer.from(file!.content)).toEqual(Buffer.from(sampleFiles.pdf))
      }
      expect(await service.findEvidence(stranger, placementId, fileId)).toBeNull()
      expect(await service.findEvidence(otherLead, placementId, fileId)).toBeNull()
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE action = 'placement.logbook-entry-added' AND subject_id = $1",
          [placementId],
        ),
      ).toBe(1)
    })
  })

  describe('review and sign-off', () => {
    it('lets mentor and supervisor comment, on the placement or an entry of its own', async () => {
      const { learner, placementId } = await placedLearner()
      const other = await placedLearner()
      await logEveryActivity(other.learner, other.placementId)
      const otherEntry = (await service.findPlacement(other.learner, other.placementId))!.entries[0]!.id
      await setUp(placementId)
      await expect(
        service.addComment(learner, placementId, { entryId: null, body: 'Me' }, origin),
      ).rejects.toBeInstanceOf(SupervisionRefusedError)
      expect(await service.addComment(mentor, placementId, { entryId: null, body: '  ' }, origin)).toEqual({
        ok: false,
        errors: [{ field: 'body', message: 'Enter your comment' }],
      })
      expect(
        await service.addComment(mentor, placementId, { entryId: otherEntry, body: 'Good' }, origin),
      ).toMatchObject({ ok: false, errors: [{ field: 'entryId' }] })
      expect(
        await count('SELECT count(*) FROM placement_comments WHERE placement_id = $1', [placementId]),
      ).toBe(0)

      await logEveryActivity(learner, placementId)
      const entryId = (await service.findPlacement(learner, placementId))!.entries[0]!.id
      expect(await service.addComment(mentor, placementId, { entryId, body: 'Well done' }, origin)).toEqual({
        ok: true,
        value: null,
      })
      clock = new Date('2026-12-03T10:05:00Z')
      expect(
        await service.addComment(supervisor, placementId, { entryId: null, body: 'On track' }, origin),
      ).toEqual({ ok: true, value: null })
      clock = new Date('2026-12-03T10:00:00Z')
      const comments = (await service.findPlacement(learner, placementId))!.comments
      expect(comments.map((c) => [c.entryId, c.authorRole, c.body])).toEqual([
        [entryId, 'mentor', 'Well done'],
        [null, 'academic-supervisor', 'On track'],
      ])
    })

    it('needs supervision set up and every listed activity logged, once each, and the second records the result', async () => {
      const { learner, placementId } = await placedLearner()
      const signOffs = () =>
        count('SELECT count(*) FROM placement_sign_offs WHERE placement_id = $1', [placementId])
      expect(await service.signOff(mentor, placementId, { role: 'mentor', comment: '' }, origin)).toEqual({
        ok: false,
        errors: [
          {
            field: 'signOff',
            message:
              'Supervision is not set up yet: the programme lead must name the academic supervisor and the module first',
          },
        ],
      })
      await setUp(placementId)
      await service.addLogbookEntry(learner, placementId, entry({ activity: 'consent' }), [], origin)
      expect(await service.signOff(mentor, placementId, { role: 'mentor', comment: '' }, origin)).toEqual({
        ok: false,
        errors: [{ field: 'signOff', message: 'The logbook has no entry yet for: Data collection' }],
      })
      await expect(
        service.signOff(learner, placementId, { role: 'mentor', comment: '' }, origin),
      ).rejects.toBeInstanceOf(SupervisionRefusedError)
      expect(await signOffs()).toBe(0)

      await service.addLogbookEntry(learner, placementId, entry({ activity: 'data-collection' }), [], origin)
      expect(
        await service.signOff(mentor, placementId, { role: 'mentor', comment: 'x'.repeat(2001) }, origin),
      ).toMatchObject({ ok: false, errors: [{ field: 'comment' }] })
      expect(
        await service.signOff(mentor, placementId, { role: 'mentor', comment: 'Ready' }, origin),
      ).toEqual({ ok: true, value: { completed: false } })
      expect(await service.signOff(mentor, placementId, { role: 'mentor', comment: '' }, origin)).toEqual({
        ok: false,
        errors: [{ field: 'signOff', message: 'The mentor has signed this placement off already' }],
      })
      expect((await service.findPlacement(learner, placementId))!.placement.status).toBe('active')
      expect(await count('SELECT count(*) FROM module_results WHERE learner_id = $1', [learner.userId])).toBe(
        0,
      )

      clock = new Date('2026-12-03T23:30:00Z')
      expect(await service.signOff(supervisor, placementId, { role: '', comment: '' }, origin)).toEqual({
        ok: true,
        value: { completed: true },
      })
      const view = (await service.findPlacement(learner, placementId))!
      expect(view.placement.status).toBe('signed-off')
      expect(view.may).toMatchObject({ addEntry: false, setUpSupervision: false, signOff: [] })
      expect(view.signOffs.map((s) => [s.role, s.signedBy.id, s.comment])).toEqual([
        ['mentor', mentor.userId, 'Ready'],
        ['academic-supervisor', supervisor.userId, null],
      ])
      const results = await createLearningRepository(db).listResultsOf([learner.userId])
      expect(results).toMatchObject([
        {
          id: view.placement.moduleResultId,
          universityId: 'uni-a',
          code: 'RPE7001',
          title: 'Research Practice Experience',
          kind: 'rpe',
          credits: 15,
          level: 7,
          result: 'pass',
          // The UK's date: 23:30 GMT in December is still the 3rd.
          completedOn: '2026-12-03',
          recordedBy: supervisor.userId,
        },
      ])
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE subject_id = $1 AND action IN ('placement.signed-off', 'placement.completed')",
          [placementId],
        ),
      ).toBe(3)
      expect(
        await count(
          "SELECT count(*) FROM audit_events WHERE subject_id = $1 AND action = 'learning.result-recorded'",
          [learner.userId],
        ),
      ).toBe(1)
      // Nothing more once complete.
      await expect(service.addLogbookEntry(learner, placementId, entry(), [], origin)).resolves.toEqual({
        ok: false,
        errors: [{ field: 'entryDate', message: 'This placement is not active: its logbook is closed' }],
      })
      clock = new Date('2026-12-03T10:00:00Z')
    })

    it('refuses the completing sign-off, writing nothing, when the learner has no enrolment for the result', async () => {
      const { learner, placementId } = await placedLearner({ enrolled: false })
      await setUp(placementId)
      await logEveryActivity(learner, placementId)
      await service.signOff(mentor, placementId, { role: 'mentor', comment: '' }, origin)
      const refused = await service.signOff(supervisor, placementId, { role: '', comment: '' }, origin)
      expect(refused).toMatchObject({
        ok: false,
        errors: [{ field: 'signOff', message: expect.stringContaining('not enrolled at University A') }],
      })
      expect(
        await count('SELECT count(*) FROM placement_sign_offs WHERE placement_id = $1', [placementId]),
      ).toBe(1)
      expect(await count('SELECT count(*) FROM module_results WHERE learner_id = $1', [learner.userId])).toBe(
        0,
      )
      expect((await service.findPlacement(learner, placementId))!.placement.status).toBe('active')
    })
  })
})

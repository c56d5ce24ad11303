import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { sampleFiles } from '../../../test/support/multipart.ts'
import type { Database } from '../../platform/database/database.ts'
import type { Enrolment, PriorLearningClaim } from './learner-record.ts'
import {
  createLearningRepository,
  type LearningRepository,
  type NewModuleResult,
} from './learning-repository.ts'

// The learner record's tables on each engine: what the schema itself refuses, and what the repository returns.

const university = 'test-university'
const otherUniversity = 'other-university'

describeEachEngine('the learner record’s tables', ({ database }) => {
  let db: Database
  let records: LearningRepository
  let staffId: string

  beforeAll(async () => {
    db = database()
    records = createLearningRepository(db)
    for (const [id, name] of [
      [university, 'Test University'],
      [otherUniversity, 'Other University'],
    ]) {
      await db.query(
        `INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
         VALUES ($1, 'university', $2, $2, '{}', '{}', 0)`,
        [id, name],
      )
    }
    staffId = (await createPerson(db, { professionId: null })).id
  })

  async function learner(): Promise<string> {
    return (await createPerson(db, { professionId: null })).id
  }

  async function enrol(
    learnerId: string,
    universityId = university,
    startedOn = '2025-09-01',
  ): Promise<Enrolment> {
    const enrolment: Enrolment = {
      id: randomUUID(),
      learnerId,
      universityId,
      programmeId: null,
      startedOn,
      status: 'active',
      endedOn: null,
      transferredFrom: null,
      createdAt: new Date(),
    }
    await db.transaction((tx) => records.insertEnrolment(tx, { ...enrolment, createdBy: staffId }))
    return enrolment
  }

  function resultFor(enrolment: Enrolment, overrides: Partial<NewModuleResult> = {}): NewModuleResult {
    return {
      id: randomUUID(),
      learnerId: enrolment.learnerId,
      enrolmentId: enrolment.id,
      universityId: enrolment.universityId,
      code: 'TST7001',
      title: 'A module',
      kind: 'online',
      credits: 15,
      level: 7,
      result: 'pass',
      completedOn: '2026-01-10',
      recordedBy: staffId,
      recordedAt: new Date(),
      importBatchId: null,
      ...overrides,
    }
  }

  it('allows one active enrolment a learner, and another once the first has ended', async () => {
    const id = await learner()
    const first = await enrol(id)
    await expect(enrol(id, otherUniversity)).rejects.toMatchObject({ code: '23505' })
    await db.transaction((tx) => records.endEnrolment(tx, first.id, 'transferred-out', '2026-01-01'))
    const second = await enrol(id, otherUniversity, '2026-01-01')
    expect((await records.listEnrolmentsOf([id])).map((e) => [e.universityId, e.status, e.endedOn])).toEqual([
      [university, 'transferred-out', '2026-01-01'],
      [otherUniversity, 'active', null],
    ])
    expect(await db.transaction((tx) => records.endEnrolment(tx, first.id, 'completed', '2026-02-01'))).toBe(
      false,
    )
    expect((await db.transaction((tx) => records.lockActiveEnrolment(tx, id)))?.id).toBe(second.id)
  })

  it('refuses an enrolment that ends before it starts, or that is active with an end', async () => {
    const enrolment = await enrol(await learner())
    await expect(
      db.query("UPDATE enrolments SET status = 'completed', ended_on = '2025-01-01' WHERE id = $1", [
        enrolment.id,
      ]),
    ).rejects.toMatchObject({ code: '23514' })
    await expect(
      db.query("UPDATE enrolments SET ended_on = '2026-01-01' WHERE id = $1", [enrolment.id]),
    ).rejects.toMatchObject({ code: '23514' })
  })

  it('keeps every result with its enrolment’s learner and university, in the order recorded', async () => {
    const enrolment = await enrol(await learner())
    const failed = resultFor(enrolment, { result: 'fail' })
    const passed = resultFor(enrolment)
    const inProgress = resultFor(enrolment, { code: 'TST7002', result: 'in-progress', completedOn: null })
    await db.transaction((tx) => records.insertResults(tx, [failed, passed, inProgress]))
    const listed = await records.listResultsOf([enrolment.learnerId])
    expect(listed.map((r) => [r.id, r.result, r.completedOn])).toEqual([
      [failed.id, 'fail', '2026-01-10'],
      [passed.id, 'pass', '2026-01-10'],
      [inProgress.id, 'in-progress', null],
    ])
    expect(listed[0]!.sequence).toBeLessThan(listed[1]!.sequence)

    // A result cannot claim another university, or another learner, than its enrolment's.
    await expect(
      db.transaction((tx) =>
        records.insertResults(tx, [resultFor(enrolment, { universityId: otherUniversity })]),
      ),
    ).rejects.toMatchObject({ code: '23503' })
    await expect(
      db.transaction((tx) => records.insertResults(tx, [resultFor(enrolment, { learnerId: staffId })])),
    ).rejects.toMatchObject({ code: '23503' })
    await expect(
      db.transaction((tx) =>
        records.insertResults(tx, [
          resultFor(enrolment, { result: 'in-progress', completedOn: '2026-01-01' }),
        ]),
      ),
    ).rejects.toMatchObject({ code: '23514' })
    await expect(
      db.transaction((tx) => records.insertResults(tx, [resultFor(enrolment, { level: 9 })])),
    ).rejects.toMatchObject({ code: '23514' })
    await expect(
      db.transaction((tx) => records.insertResults(tx, [resultFor(enrolment, { credits: 0 })])),
    ).rejects.toMatchObject({ code: '23514' })
  })

  it('stores evidence as bytes with its digest, and decides a claim once, as the schema allows', async () => {
    const learnerId = await learner()
    const claim: PriorLearningClaim = {
      id: randomUUID(),
      learnerId,
      universityId: university,
      description: 'A module elsewhere',
      creditsSought: 30,
      countsAs: 'rpe',
      status: 'pending',
      creditsApproved: null,
      level: null,
      reason: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: new Date(),
      evidence: [],
    }
    const fileId = randomUUID()
    await db.transaction((tx) =>
      records.insertClaim(tx, claim, [
        {
          id: fileId,
          fileName: 'a.pdf',
          mediaType: 'application/pdf',
          sha256: 'a'.repeat(64),
          content: sampleFiles.pdf,
        },
      ]),
    )
    const file = await records.findEvidence(claim.id, fileId)
    expect(Buffer.from(file!.content).equals(Buffer.from(sampleFiles.pdf))).toBe(true)
    expect(file).toMatchObject({
      fileName: 'a.pdf',
      mediaType: 'application/pdf',
      sizeBytes: sampleFiles.pdf.length,
    })
    expect(await records.findEvidence(randomUUID(), fileId)).toBeNull()
    expect((await records.findClaim(claim.id))?.evidence).toEqual([
      {
        id: fileId,
        fileName: 'a.pdf',
        mediaType: 'application/pdf',
        sizeBytes: sampleFiles.pdf.length,
        sha256: 'a'.repeat(64),
      },
    ])
    expect((await records.listPendingClaimsAt(university)).map((c) => c.id)).toContain(claim.id)

    const decision = { decidedBy: staffId, decidedAt: new Date() }
    // Partly approving all of it, or rejecting without a reason, is not a decision the schema keeps.
    await expect(
      db.transaction((tx) =>
        records.decideClaim(tx, claim.id, {
          ...decision,
          status: 'partly-approved',
          creditsApproved: 30,
          level: 7,
          reason: 'x',
        }),
      ),
    ).rejects.toMatchObject({ code: '23514' })
    await expect(
      db.transaction((tx) =>
        records.decideClaim(tx, claim.id, {
          ...decision,
          status: 'rejected',
          creditsApproved: 0,
          level: null,
          reason: null,
        }),
      ),
    ).rejects.toMatchObject({ code: '23514' })
    expect(
      await db.transaction((tx) =>
        records.decideClaim(tx, claim.id, {
          ...decision,
          status: 'approved',
          creditsApproved: 30,
          level: 7,
          reason: null,
        }),
      ),
    ).toBe(true)
    expect(
      await db.transaction((tx) =>
        records.decideClaim(tx, claim.id, {
          ...decision,
          status: 'rejected',
          creditsApproved: 0,
          level: null,
          reason: 'no',
        }),
      ),
    ).toBe(false)
    await expect(
      db.query(
        `INSERT INTO prior_learning_evidence (id, claim_id, position, file_name, media_type, size_bytes, sha256, content, uploaded_at)
         VALUES ($1, $2, 1, 'x.html', 'text/html', 3, $3, $4, now())`,
        [randomUUID(), claim.id, 'b'.repeat(64), Buffer.from('abc')],
      ),
    ).rejects.toMatchObject({ code: '23514' })
  })

  it('keeps a university’s cap, and the import previews waiting for confirmation', async () => {
    expect(await records.findRplCap(university)).toBeNull()
    const at = new Date('2026-01-01T10:00:00Z')
    await db.transaction((tx) =>
      records.setRplCap(tx, { universityId: university, capCredits: 40, setBy: staffId, setAt: at }),
    )
    await db.transaction((tx) =>
      records.setRplCap(tx, { universityId: university, capCredits: 50, setBy: staffId, setAt: at }),
    )
    expect(await records.findRplCap(university)).toEqual({
      universityId: university,
      capCredits: 50,
      setBy: staffId,
      setAt: at,
    })

    const enrolment = await enrol(await learner())
    const batchId = randomUUID()
    const row = {
      line: 2,
      learnerId: enrolment.learnerId,
      enrolmentId: enrolment.id,
      code: 'TST7001',
      title: 'A, "quoted" module',
      kind: 'online' as const,
      credits: 15,
      level: 7,
      result: 'pass' as const,
      completedOn: '2026-01-10',
    }
    await db.transaction((tx) =>
      records.insertImportBatch(tx, {
        id: batchId,
        universityId: university,
        fileName: 'results.csv',
        rows: [row],
        status: 'preview',
        createdBy: staffId,
        createdAt: at,
        importedAt: null,
      }),
    )
    expect((await records.findImportBatch(batchId))?.rows).toEqual([row])
    expect(await db.transaction((tx) => records.markImported(tx, batchId, new Date()))).toBe(true)
    expect(await db.transaction((tx) => records.markImported(tx, batchId, new Date()))).toBe(false)
    expect((await records.findImportBatch(batchId))?.status).toBe('imported')
  })
})

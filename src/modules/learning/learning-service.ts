import { createHash, randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import {
  checkEvidenceFile,
  maximumEvidenceFiles,
  type EvidenceMediaType,
  type UploadedFile,
} from './evidence-file.ts'
import {
  checkRplCap,
  cohortProgress,
  creditsPassedByUniversity,
  creditsRecognised,
  defaultRplCapCredits,
  maximumCredits,
  priorLearningKinds,
  rplCapMessage,
  standingResults,
  toLearnerRecord,
  ukToday,
  type CohortProgress,
  type Enrolment,
  type LearnerRecord,
  type ModuleResult,
  type PriorLearningClaim,
  type PriorLearningKind,
} from './learner-record.ts'
import type {
  EvidenceFile,
  ImportBatch,
  ImportedRow,
  LearningRepository,
  NewEvidenceFile,
  NewModuleResult,
} from './learning-repository.ts'
import type { ResultFields } from './module-result-fields.ts'
import type { LoadRecordAssessor, RecordAssessment } from './credit-assessment.ts'
import { readResultsCsv, type ImportProblem } from './result-import.ts'

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** A person as the learner record names them (from the identity module, through PeopleDirectory). */
export interface PersonSummary {
  readonly id: string
  readonly fullName: string
  /** Null once the account is closed. */
  readonly email: string | null
}

/** Who people are: the identity module answers, through the composition root. */
export interface PeopleDirectory {
  findById(id: string): Promise<PersonSummary | null>
  /** Everyone of these ids who has an account, in one query whatever their number (a cohort, an import). */
  findByIds(ids: readonly string[]): Promise<PersonSummary[]>
  /** By an address as typed (any case, spaces around it). */
  findByEmail(email: string): Promise<PersonSummary | null>
}

export interface UniversitySummary {
  readonly id: string
  readonly name: string
}

export interface LearningServiceDependencies {
  readonly db: Database
  readonly records: LearningRepository
  readonly people: PeopleDirectory
  /** Any organisation by id, whatever its kind (the identity module's membership service answers). */
  readonly organisations: {
    findOrganisation(id: string): Promise<{ id: string; name: string; kind: string } | null>
  }
  readonly programmes: {
    listProgrammes(filter: { providerId: string }): Promise<readonly { id: string; name: string }[]>
  }
  /**
   * Adds roles to, or takes them from, a person's membership of an organisation in the caller's transaction,
   * keeping the others, and audits the change (the identity module's membership service answers): enrolling
   * at a university makes the person a learner there; an enrolment that ends (a transfer included) ends it.
   */
  readonly memberships: {
    addRoles(
      tx: Sql,
      actor: { readonly userId: string },
      organisationId: string,
      userId: string,
      roles: readonly 'learner'[],
      origin: AuditOrigin,
    ): Promise<unknown>
    removeRoles(
      tx: Sql,
      actor: { readonly userId: string },
      organisationId: string,
      userId: string,
      roles: readonly 'learner'[],
      origin: AuditOrigin,
    ): Promise<unknown>
  }
  /** The framework's credit rules (credit-assessment.ts); without them, pages show credits and no awards. */
  readonly loadAssessor?: LoadRecordAssessor
  readonly now?: () => Date
}

// Views -----------------------------------------------------------------------------------------------------

export interface EnrolmentView extends Enrolment {
  readonly university: UniversitySummary
  readonly programmeName: string | null
  /** The university of the enrolment this one transferred from. */
  readonly transferredFromUniversity: UniversitySummary | null
}

export interface ResultView extends ModuleResult {
  readonly university: UniversitySummary
  /** The attempt that counts (the first pass, or else the latest attempt). */
  readonly standing: boolean
}

export interface ClaimView extends PriorLearningClaim {
  readonly university: UniversitySummary
}

export interface RecordView {
  readonly learner: PersonSummary
  readonly enrolments: readonly EnrolmentView[]
  /** Every attempt, in the order recorded. */
  readonly results: readonly ResultView[]
  /** Results grouped by awarding university, in the order the learner first studied at each. */
  readonly byUniversity: readonly {
    readonly university: UniversitySummary
    readonly creditsPassed: number
    readonly results: readonly ResultView[]
  }[]
  readonly claims: readonly ClaimView[]
  readonly record: LearnerRecord
  readonly creditsPassed: number
  readonly creditsRecognised: number
  /** Null when the credit rules are not wired in. */
  readonly assessment: RecordAssessment | null
}

export interface RplCapView {
  readonly capCredits: number
  /** No limit set by the university: the Trellis default applies. */
  readonly isDefault: boolean
  readonly setAt: Date | null
}

export interface CohortEntry {
  readonly learner: PersonSummary
  readonly enrolment: Enrolment
  readonly programmeName: string | null
  readonly creditsCounted: number
  /** Null when the credit rules are not wired in. */
  readonly awards: RecordAssessment['awards'] | null
  readonly progress: CohortProgress
}

export interface Cohort {
  readonly university: UniversitySummary
  readonly learners: readonly CohortEntry[]
  readonly pendingClaims: readonly (ClaimView & { readonly learner: PersonSummary })[]
  readonly rplCap: RplCapView
  /** The credit rules are wired in: credits counted and awards are theirs. */
  readonly assessed: boolean
}

export interface StaffRecordView extends RecordView {
  readonly university: UniversitySummary
  /** The learner's latest enrolment here: results recorded here go against it. */
  readonly enrolmentHere: Enrolment
}

export interface ImportPreview {
  readonly batch: ImportBatch
  readonly university: UniversitySummary
  readonly rows: readonly (ImportedRow & { readonly learner: PersonSummary })[]
  readonly expired: boolean
}

export interface DecisionView {
  readonly claim: ClaimView
  readonly learner: PersonSummary
  readonly rplCap: RplCapView
  /** Credit already recognised for this learner at this university, besides this claim. */
  readonly alreadyRecognised: number
}

export type ReadAccess = 'allowed' | 'forbidden' | 'not-found'

// Inputs ----------------------------------------------------------------------------------------------------

export interface EnrolmentInput {
  readonly email: string
  readonly programmeId: string | null
  /** `YYYY-MM-DD` */
  readonly startedOn: string
  /** Moving here from another university: their active enrolment there becomes transferred-out. */
  readonly transferring: boolean
}

export interface ClaimInput {
  readonly universityId: string
  readonly description: string
  readonly creditsSought: number
  readonly countsAs: PriorLearningKind
}

export type ClaimDecision =
  | { readonly outcome: 'approve'; readonly level: number; readonly reason: string | null }
  | {
      readonly outcome: 'partly-approve'
      readonly credits: number
      readonly level: number
      readonly reason: string
    }
  | { readonly outcome: 'reject'; readonly reason: string }

export type ImportPreviewOutcome =
  | { readonly ok: true; readonly batchId: string; readonly rows: number }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] }

/** How long a preview may wait for its confirmation: long enough to check it, short enough not to go stale. */
export const importPreviewHours = 24

// The service -----------------------------------------------------------------------------------------------

export interface LearningService {
  /** The record the credit rules evaluate. */
  recordOf(learnerId: string): Promise<LearnerRecord>
  /** A learner's whole record as pages and the API show it; null when there is no such person. */
  findRecord(learnerId: string): Promise<RecordView | null>
  /**
   * May `actor` read this learner's record: the learner, staff (programme lead or academic supervisor) of a
   * university where the learner is or was enrolled, and framework admins. Only framework admins, who may read
   * any record, learn that an id is unknown ('not-found'); to everyone else an unknown id is 'forbidden', as a
   * record they may not read is, so that the answer never says whether a learner exists.
   */
  checkReadAccess(actor: Principal, learnerId: string): Promise<ReadAccess>
  findUniversity(id: string): Promise<UniversitySummary | null>
  /** Today in the UK by the service's clock, `YYYY-MM-DD`: the latest date a result may be completed on. */
  today(): string
  /** Null unless the enrolment is at this university. */
  findEnrolmentAt(universityId: string, enrolmentId: string): Promise<Enrolment | null>
  listProgrammes(universityId: string): Promise<readonly { id: string; name: string }[]>
  /** Null when `universityId` is not a university. */
  listCohort(universityId: string): Promise<Cohort | null>
  /** Null when the learner has never been enrolled at the university (or there is no such person). */
  findRecordForStaff(universityId: string, learnerId: string): Promise<StaffRecordView | null>
  enrol(
    actor: Principal,
    universityId: string,
    input: EnrolmentInput,
    context: AuditOrigin,
  ): Promise<Outcome<Enrolment>>
  endEnrolment(
    actor: Principal,
    universityId: string,
    enrolmentId: string,
    ending: { readonly status: 'completed' | 'withdrawn'; readonly endedOn: string },
    context: AuditOrigin,
  ): Promise<Outcome<Enrolment> | null>
  recordResult(
    actor: Principal,
    universityId: string,
    learnerId: string,
    fields: ResultFields,
    context: AuditOrigin,
  ): Promise<Outcome<NewModuleResult>>
  /** Reads a CSV file; when every row is valid, keeps it as a preview for its uploader to confirm. */
  previewImport(
    actor: Principal,
    universityId: string,
    csv: string,
    fileName: string | null,
  ): Promise<ImportPreviewOutcome>
  /** Null unless the preview is this university's and `actor` uploaded it. */
  findImport(actor: Principal, universityId: string, batchId: string): Promise<ImportPreview | null>
  confirmImport(
    actor: Principal,
    universityId: string,
    batchId: string,
    context: AuditOrigin,
  ): Promise<Outcome<{ readonly imported: number }> | null>
  /** The universities where the learner may claim prior learning: where they are enrolled now. */
  listClaimUniversities(learnerId: string): Promise<UniversitySummary[]>
  claimPriorLearning(
    learnerId: string,
    input: ClaimInput,
    files: readonly UploadedFile[],
    context: AuditOrigin,
  ): Promise<Outcome<PriorLearningClaim>>
  /** Null unless the claim was made at this university. */
  findClaimForDecision(universityId: string, claimId: string): Promise<DecisionView | null>
  decideClaim(
    actor: Principal,
    universityId: string,
    claimId: string,
    decision: ClaimDecision,
    context: AuditOrigin,
  ): Promise<Outcome<PriorLearningClaim> | null>
  findRplCap(universityId: string): Promise<RplCapView>
  setRplCap(
    actor: Principal,
    universityId: string,
    capCredits: number,
    context: AuditOrigin,
  ): Promise<RplCapView>
  /** A file of the learner's own claim; null for anything else, whether or not it exists. */
  findOwnEvidence(learnerId: string, claimId: string, fileId: string): Promise<EvidenceFile | null>
  /** A file of a claim made at this university; null for anything else. */
  findEvidenceAt(universityId: string, claimId: string, fileId: string): Promise<EvidenceFile | null>
}

/** The roles that make someone staff of a university for its learners' records. */
export const universityStaffRoles = ['programme-lead', 'academic-supervisor'] as const

const uniqueViolation = '23505'

export function createLearningService(deps: LearningServiceDependencies): LearningService {
  const { db, records, people } = deps
  const now = deps.now ?? (() => new Date())

  /** Universities are few and their names change only with a catalogue load: looked up once a request. */
  const universityLookup = () => {
    const cache = new Map<string, Promise<UniversitySummary | null>>()
    return (id: string) => {
      let found = cache.get(id)
      if (found === undefined) {
        found = findUniversity(id)
        cache.set(id, found)
      }
      return found
    }
  }

  async function findUniversity(id: string): Promise<UniversitySummary | null> {
    const organisation = await deps.organisations.findOrganisation(id)
    return organisation === null || organisation.kind !== 'university'
      ? null
      : { id: organisation.id, name: organisation.name }
  }

  const orUnknown = (id: string, university: UniversitySummary | null): UniversitySummary =>
    university ?? { id, name: id }

  async function programmeNames(universityIds: Iterable<string>): Promise<Map<string, string>> {
    const names = new Map<string, string>()
    for (const id of new Set(universityIds)) {
      for (const programme of await deps.programmes.listProgrammes({ providerId: id }))
        names.set(programme.id, programme.name)
    }
    return names
  }

  const loadAssessor = async () => (deps.loadAssessor === undefined ? null : deps.loadAssessor())

  async function buildRecord(
    learner: PersonSummary,
    enrolments: readonly Enrolment[],
    results: readonly ModuleResult[],
    claims: readonly PriorLearningClaim[],
  ): Promise<RecordView> {
    const university = universityLookup()
    const universityOf = async (id: string) => orUnknown(id, await university(id))
    const programmes = await programmeNames(
      enrolments.filter((e) => e.programmeId !== null).map((e) => e.universityId),
    )
    const enrolmentsById = new Map(enrolments.map((e) => [e.id, e]))
    const enrolmentViews: EnrolmentView[] = []
    for (const enrolment of enrolments) {
      const from =
        enrolment.transferredFrom === null ? undefined : enrolmentsById.get(enrolment.transferredFrom)
      enrolmentViews.push({
        ...enrolment,
        university: await universityOf(enrolment.universityId),
        programmeName:
          enrolment.programmeId === null ? null : (programmes.get(enrolment.programmeId) ?? null),
        transferredFromUniversity: from === undefined ? null : await universityOf(from.universityId),
      })
    }
    const standing = new Set(standingResults(results).map((result) => result.id))
    const resultViews: ResultView[] = []
    for (const result of results) {
      resultViews.push({
        ...result,
        university: await universityOf(result.universityId),
        standing: standing.has(result.id),
      })
    }
    const passed = creditsPassedByUniversity(results)
    const groups = new Map<string, ResultView[]>()
    for (const view of resultViews)
      groups.set(view.universityId, [...(groups.get(view.universityId) ?? []), view])
    const claimViews: ClaimView[] = []
    for (const claim of claims)
      claimViews.push({ ...claim, university: await universityOf(claim.universityId) })
    const record = toLearnerRecord(results, claims)
    const universityNames = new Map(
      [...enrolmentViews, ...resultViews, ...claimViews].map((item) => [
        item.university.id,
        item.university.name,
      ]),
    )
    return {
      learner,
      enrolments: enrolmentViews,
      results: resultViews,
      byUniversity: [...groups.entries()].map(([id, list]) => ({
        university: list[0]!.university,
        creditsPassed: passed.get(id) ?? 0,
        results: list,
      })),
      claims: claimViews,
      record,
      creditsPassed: [...passed.values()].reduce((sum, credits) => sum + credits, 0),
      creditsRecognised: creditsRecognised(claims),
      assessment: (await loadAssessor())?.(record, universityNames) ?? null,
    }
  }

  async function loadRecord(learner: PersonSummary): Promise<RecordView> {
    const [enrolments, results, claims] = await Promise.all([
      records.listEnrolmentsOf([learner.id]),
      records.listResultsOf([learner.id]),
      records.listClaimsOf([learner.id]),
    ])
    return buildRecord(learner, enrolments, results, claims)
  }

  async function findRplCap(universityId: string, tx?: Sql): Promise<RplCapView> {
    const setting = await records.findRplCap(universityId, tx)
    return setting === null
      ? { capCredits: defaultRplCapCredits, isDefault: true, setAt: null }
      : { capCredits: setting.capCredits, isDefault: false, setAt: setting.setAt }
  }

  const latestEnrolmentAt = (enrolments: readonly Enrolment[], universityId: string) =>
    enrolments.filter((e) => e.universityId === universityId).at(-1) ?? null

  const audit = (
    tx: Sql,
    actor: { userId: string },
    action: string,
    subjectType: string,
    subjectId: string,
    origin: AuditOrigin,
    details: Record<string, unknown>,
  ) => recordAudit(tx, { actor, action, subjectType, subjectId, origin, details })

  const fail = <T>(field: string, message: string): Outcome<T> => ({
    ok: false,
    errors: [{ field, message }],
  })

  /** Why this enrolment cannot be made, given the learner's active enrolment; null when it can. */
  async function enrolmentProblem(
    learner: PersonSummary,
    university: UniversitySummary,
    input: EnrolmentInput,
    active: Enrolment | null,
  ): Promise<Outcome<Enrolment> | null> {
    if (active !== null && active.universityId === university.id)
      return fail('email', `${learner.fullName} is already enrolled at ${university.name}`)
    if (input.transferring) {
      if (active === null) {
        return fail(
          'transferring',
          `${learner.fullName} is not enrolled at another university. Select no, or ask their university to record their enrolment first.`,
        )
      }
      if (input.startedOn < active.startedOn) {
        return fail(
          'startedOn',
          `Start date must be on or after ${active.startedOn}, when ${learner.fullName} started at their current university`,
        )
      }
    } else if (active !== null) {
      const there = orUnknown(active.universityId, await findUniversity(active.universityId))
      return fail(
        'transferring',
        `${learner.fullName} is enrolled at ${there.name}. If they are moving here, select yes: their enrolment there ends as a transfer.`,
      )
    }
    return null
  }

  async function listClaimUniversities(learnerId: string): Promise<UniversitySummary[]> {
    const enrolments = await records.listEnrolmentsOf([learnerId])
    const universities: UniversitySummary[] = []
    for (const enrolment of enrolments.filter((e) => e.status === 'active')) {
      const university = await findUniversity(enrolment.universityId)
      if (university !== null) universities.push(university)
    }
    return universities
  }

  return {
    async recordOf(learnerId) {
      const [results, claims] = await Promise.all([
        records.listResultsOf([learnerId]),
        records.listClaimsOf([learnerId]),
      ])
      return toLearnerRecord(results, claims)
    },

    async findRecord(learnerId) {
      const learner = await people.findById(learnerId)
      return learner === null ? null : loadRecord(learner)
    },

    async checkReadAccess(actor, learnerId) {
      if (actor.userId === learnerId) return 'allowed'
      if (holdsRole(actor, 'framework-admin'))
        return (await people.findById(learnerId)) === null ? 'not-found' : 'allowed'
      const enrolments = await records.listEnrolmentsOf([learnerId])
      const isStaff = enrolments.some((enrolment) =>
        universityStaffRoles.some((role) => holdsRole(actor, role, enrolment.universityId)),
      )
      return isStaff ? 'allowed' : 'forbidden'
    },

    findUniversity,

    today: () => ukToday(now()),

    async findEnrolmentAt(universityId, enrolmentId) {
      const enrolment = await records.findEnrolment(enrolmentId)
      return enrolment === null || enrolment.universityId !== universityId ? null : enrolment
    },

    async listProgrammes(universityId) {
      return deps.programmes.listProgrammes({ providerId: universityId })
    },

    async listCohort(universityId) {
      const university = await findUniversity(universityId)
      if (university === null) return null
      const enrolmentsHere = await records.listEnrolmentsAt(universityId)
      // The latest enrolment of each learner here (enrolments come ordered by learner, then start).
      const latest = new Map<string, Enrolment>()
      for (const enrolment of enrolmentsHere) latest.set(enrolment.learnerId, enrolment)
      const pending = await records.listPendingClaimsAt(universityId)
      const learnerIds = [...new Set([...latest.keys(), ...pending.map((claim) => claim.learnerId)])]
      const [results, claims, learners, programmes, rplCap] = await Promise.all([
        records.listResultsOf(learnerIds),
        records.listClaimsOf(learnerIds),
        people.findByIds(learnerIds),
        programmeNames([universityId]),
        findRplCap(universityId),
      ])
      const learnerById = new Map(learners.map((p) => [p.id, p]))
      const resultsOf = groupBy(results, (result) => result.learnerId)
      const claimsOf = groupBy(claims, (claim) => claim.learnerId)
      const today = ukToday(now())
      const assess = await loadAssessor()
      const entries: CohortEntry[] = []
      for (const [learnerId, enrolment] of latest) {
        const learner = learnerById.get(learnerId)
        if (learner === undefined) continue
        const theirResults = resultsOf.get(learnerId) ?? []
        const theirClaims = claimsOf.get(learnerId) ?? []
        const assessment = assess?.(toLearnerRecord(theirResults, theirClaims)) ?? null
        const passed = [...creditsPassedByUniversity(theirResults).values()].reduce((a, b) => a + b, 0)
        entries.push({
          learner,
          enrolment,
          programmeName:
            enrolment.programmeId === null ? null : (programmes.get(enrolment.programmeId) ?? null),
          creditsCounted: assessment?.creditsCounted ?? passed + creditsRecognised(theirClaims),
          awards: assessment?.awards ?? null,
          progress: cohortProgress({
            enrolment,
            results: theirResults.filter((result) => result.universityId === universityId),
            eligibleToProgress: assessment?.eligibleToProgress ?? false,
            today,
          }),
        })
      }
      entries.sort(
        (a, b) =>
          a.learner.fullName.localeCompare(b.learner.fullName, 'en-GB') ||
          a.learner.id.localeCompare(b.learner.id),
      )
      return {
        university,
        learners: entries,
        pendingClaims: pending.flatMap((claim) => {
          const learner = learnerById.get(claim.learnerId)
          return learner === undefined ? [] : [{ ...claim, university, learner }]
        }),
        rplCap,
        assessed: assess !== null,
      }
    },

    async findRecordForStaff(universityId, learnerId) {
      const university = await findUniversity(universityId)
      if (university === null) return null
      const learner = await people.findById(learnerId)
      if (learner === null) return null
      const view = await loadRecord(learner)
      const enrolmentHere = latestEnrolmentAt(view.enrolments, universityId)
      return enrolmentHere === null ? null : { ...view, university, enrolmentHere }
    },

    async enrol(actor, universityId, input, context) {
      const university = await findUniversity(universityId)
      if (university === null) return fail('email', `${universityId} is not a university`)
      const learner = await people.findByEmail(input.email)
      if (learner === null) {
        return fail(
          'email',
          `There is no Trellis account with the email address ${input.email.trim()}. Ask the learner to create an account, then enrol them.`,
        )
      }
      if (input.programmeId !== null) {
        const programmes = await deps.programmes.listProgrammes({ providerId: universityId })
        if (!programmes.some((programme) => programme.id === input.programmeId))
          return fail('programme', `Select a programme of ${university.name}, or none`)
      }
      // Read first, to phrase any problem (naming another university means reading outside the transaction,
      // which PGlite's one connection cannot do while it is open); checked again, locked, inside it.
      const [seen] = (await records.listEnrolmentsOf([learner.id])).filter((e) => e.status === 'active')
      const problem = await enrolmentProblem(learner, university, input, seen ?? null)
      if (problem !== null) return problem
      try {
        return await db.transaction(async (tx): Promise<Outcome<Enrolment>> => {
          const active = await records.lockActiveEnrolment(tx, learner.id)
          if (active?.id !== seen?.id)
            return fail(
              'email',
              `${learner.fullName}'s enrolment has just changed. Check their record and try again.`,
            )
          const enrolment: Enrolment = {
            id: randomUUID(),
            learnerId: learner.id,
            universityId,
            programmeId: input.programmeId,
            startedOn: input.startedOn,
            status: 'active',
            endedOn: null,
            transferredFrom: input.transferring ? active!.id : null,
            createdAt: now(),
          }
          if (input.transferring) {
            await records.endEnrolment(tx, active!.id, 'transferred-out', input.startedOn)
            // No longer a learner at the university they left (unless it is this one, a return).
            if (active!.universityId !== universityId)
              await deps.memberships.removeRoles(
                tx,
                actor,
                active!.universityId,
                learner.id,
                ['learner'],
                context,
              )
          }
          await records.insertEnrolment(tx, { ...enrolment, createdBy: actor.userId })
          // A learner at the university, as its members list and their account page show; any roles they hold
          // there already stay.
          await deps.memberships.addRoles(tx, actor, universityId, learner.id, ['learner'], context)
          await audit(
            tx,
            actor,
            input.transferring ? 'learning.transferred' : 'learning.enrolled',
            'learner',
            learner.id,
            context,
            {
              enrolment: enrolment.id,
              university: universityId,
              programme: input.programmeId,
              startedOn: input.startedOn,
              ...(input.transferring ? { from: active!.id, fromUniversity: active!.universityId } : {}),
            },
          )
          return { ok: true, value: enrolment }
        })
      } catch (error) {
        // Someone else enrolled them at the same moment: one active enrolment a learner (the database says so).
        if ((error as { code?: string }).code === uniqueViolation)
          return fail(
            'email',
            `${learner.fullName} has just been enrolled elsewhere. Reload their record and try again.`,
          )
        throw error
      }
    },

    async endEnrolment(actor, universityId, enrolmentId, ending, context) {
      const enrolment = await records.findEnrolment(enrolmentId)
      if (enrolment === null || enrolment.universityId !== universityId) return null
      if (enrolment.status !== 'active') return fail('status', 'This enrolment has already ended')
      if (ending.endedOn > ukToday(now())) return fail('endedOn', 'End date must be today or in the past')
      if (ending.endedOn < enrolment.startedOn)
        return fail('endedOn', `End date must be on or after the start date, ${enrolment.startedOn}`)
      return db.transaction(async (tx): Promise<Outcome<Enrolment>> => {
        if (!(await records.endEnrolment(tx, enrolmentId, ending.status, ending.endedOn)))
          return fail('status', 'This enrolment has already ended')
        await deps.memberships.removeRoles(tx, actor, universityId, enrolment.learnerId, ['learner'], context)
        await audit(tx, actor, 'learning.enrolment-ended', 'learner', enrolment.learnerId, context, {
          enrolment: enrolmentId,
          university: universityId,
          status: ending.status,
          endedOn: ending.endedOn,
        })
        return { ok: true, value: { ...enrolment, status: ending.status, endedOn: ending.endedOn } }
      })
    },

    async recordResult(actor, universityId, learnerId, fields, context) {
      const university = await findUniversity(universityId)
      const enrolment = latestEnrolmentAt(await records.listEnrolmentsOf([learnerId]), universityId)
      if (university === null || enrolment === null)
        return fail('code', 'This learner is not enrolled at this university')
      if (fields.completedOn !== null && fields.completedOn < enrolment.startedOn) {
        return fail(
          'completedOn',
          `Date completed must be on or after ${enrolment.startedOn}, when the learner started at ${university.name}`,
        )
      }
      return db.transaction(async (tx) => {
        // Waits for a transfer or an ending in progress, so that the result goes with the enrolment as it is.
        await records.lockEnrolment(tx, enrolment.id)
        const result: NewModuleResult = {
          id: randomUUID(),
          learnerId,
          enrolmentId: enrolment.id,
          universityId,
          ...fields,
          recordedBy: actor.userId,
          recordedAt: now(),
          importBatchId: null,
        }
        await records.insertResults(tx, [result])
        await audit(tx, actor, 'learning.result-recorded', 'learner', learnerId, context, {
          moduleResult: result.id,
          university: universityId,
          code: fields.code,
          credits: fields.credits,
          level: fields.level,
          result: fields.result,
        })
        return { ok: true as const, value: result }
      })
    },

    async previewImport(actor, universityId, csv, fileName) {
      const university = await findUniversity(universityId)
      if (university === null)
        return { ok: false, problems: [{ line: 1, column: null, reason: 'this is not a university' }] }
      const reading = readResultsCsv(csv, ukToday(now()))
      const problems: ImportProblem[] = [...reading.problems]

      // Who each row is for: an account, enrolled here.
      const byEmail = new Map<string, PersonSummary | null>()
      for (const row of reading.rows) {
        const { learner } = row
        if (learner.by === 'email' && !byEmail.has(learner.email))
          byEmail.set(learner.email, await people.findByEmail(learner.email))
      }
      const ids = reading.rows.flatMap((row) => (row.learner.by === 'id' ? [row.learner.id] : []))
      const byId = new Map<string, PersonSummary | null>(
        (await people.findByIds([...new Set(ids)])).map((person) => [person.id, person]),
      )
      const found = [...byEmail.values(), ...byId.values()].filter((p) => p !== null)
      const enrolments = await records.listEnrolmentsOf([...new Set(found.map((p) => p.id))])
      const rows: ImportedRow[] = []
      for (const row of reading.rows) {
        const { learner } = row
        const person = learner.by === 'email' ? byEmail.get(learner.email) : byId.get(learner.id)
        if (person === null || person === undefined) {
          problems.push({
            line: row.line,
            column: learner.column,
            reason:
              learner.by === 'email'
                ? `no Trellis account has the email address ${learner.email}`
                : `no Trellis account has the id ${learner.id}`,
          })
          continue
        }
        const enrolment = latestEnrolmentAt(
          enrolments.filter((e) => e.learnerId === person.id),
          universityId,
        )
        if (enrolment === null) {
          problems.push({
            line: row.line,
            column: learner.column,
            reason: `${person.fullName} is not enrolled at ${university.name}`,
          })
          continue
        }
        if (row.fields.completedOn !== null && row.fields.completedOn < enrolment.startedOn) {
          problems.push({
            line: row.line,
            column: 'completed_on',
            reason: `is before ${enrolment.startedOn}, when ${person.fullName} started at ${university.name}`,
          })
          continue
        }
        rows.push({ line: row.line, learnerId: person.id, enrolmentId: enrolment.id, ...row.fields })
      }
      if (problems.length > 0) {
        return { ok: false, problems: problems.sort((a, b) => a.line - b.line) }
      }
      const batchId = randomUUID()
      await db.transaction((tx) =>
        records.insertImportBatch(tx, {
          id: batchId,
          universityId,
          fileName,
          rows,
          status: 'preview',
          createdBy: actor.userId,
          createdAt: now(),
          importedAt: null,
        }),
      )
      return { ok: true, batchId, rows: rows.length }
    },

    async findImport(actor, universityId, batchId) {
      const batch = await records.findImportBatch(batchId)
      if (batch === null || batch.universityId !== universityId || batch.createdBy !== actor.userId)
        return null
      const university = orUnknown(universityId, await findUniversity(universityId))
      const learners = new Map(
        (await people.findByIds([...new Set(batch.rows.map((row) => row.learnerId))])).map((person) => [
          person.id,
          person,
        ]),
      )
      return {
        batch,
        university,
        rows: batch.rows.map((row) => ({
          ...row,
          learner: learners.get(row.learnerId) ?? { id: row.learnerId, fullName: 'Unknown', email: null },
        })),
        expired: isExpired(batch, now()),
      }
    },

    async confirmImport(actor, universityId, batchId, context) {
      const batch = await records.findImportBatch(batchId)
      if (batch === null || batch.universityId !== universityId || batch.createdBy !== actor.userId)
        return null
      if (batch.status === 'imported') return fail('confirm', 'These results have already been imported')
      if (isExpired(batch, now()))
        return fail(
          'confirm',
          `This preview is more than ${importPreviewHours} hours old. Upload the file again.`,
        )
      return db.transaction(async (tx): Promise<Outcome<{ imported: number }>> => {
        if (!(await records.markImported(tx, batchId, now())))
          return fail('confirm', 'These results have already been imported')
        const at = now()
        await records.insertResults(
          tx,
          batch.rows.map((row) => ({
            id: randomUUID(),
            learnerId: row.learnerId,
            enrolmentId: row.enrolmentId,
            universityId,
            code: row.code,
            title: row.title,
            kind: row.kind,
            credits: row.credits,
            level: row.level,
            result: row.result,
            completedOn: row.completedOn,
            recordedBy: actor.userId,
            recordedAt: at,
            importBatchId: batchId,
          })),
        )
        await audit(tx, actor, 'learning.results-imported', 'organisation', universityId, context, {
          batch: batchId,
          file: batch.fileName,
          results: batch.rows.length,
          learners: new Set(batch.rows.map((row) => row.learnerId)).size,
        })
        return { ok: true, value: { imported: batch.rows.length } }
      })
    },

    listClaimUniversities,

    async claimPriorLearning(learnerId, input, files, context) {
      const errors: FieldError[] = []
      const universities = await listClaimUniversities(learnerId)
      if (!universities.some((university) => university.id === input.universityId))
        errors.push({ field: 'university', message: 'Select a university where you are enrolled' })
      if (files.length === 0)
        errors.push({ field: 'evidence', message: 'Choose at least one file of evidence' })
      else if (files.length > maximumEvidenceFiles)
        errors.push({ field: 'evidence', message: `Choose at most ${maximumEvidenceFiles} files` })
      const accepted: NewEvidenceFile[] = []
      for (const file of files.slice(0, maximumEvidenceFiles)) {
        const check = checkEvidenceFile(file)
        if (!check.ok) {
          if (!errors.some((error) => error.field === 'evidence'))
            errors.push({ field: 'evidence', message: check.message })
          continue
        }
        accepted.push({
          id: randomUUID(),
          fileName: check.fileName,
          mediaType: check.mediaType satisfies EvidenceMediaType,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          content: Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength),
        })
      }
      if (errors.length > 0) return { ok: false, errors }
      const claim: PriorLearningClaim = {
        id: randomUUID(),
        learnerId,
        universityId: input.universityId,
        description: input.description,
        creditsSought: input.creditsSought,
        countsAs: input.countsAs,
        status: 'pending',
        creditsApproved: null,
        level: null,
        reason: null,
        decidedBy: null,
        decidedAt: null,
        createdAt: now(),
        evidence: accepted.map((file) => ({
          id: file.id,
          fileName: file.fileName,
          mediaType: file.mediaType,
          sizeBytes: file.content.byteLength,
          sha256: file.sha256,
        })),
      }
      await db.transaction(async (tx) => {
        await records.insertClaim(tx, claim, accepted)
        await audit(
          tx,
          { userId: learnerId },
          'learning.prior-learning-claimed',
          'learner',
          learnerId,
          context,
          {
            claim: claim.id,
            university: input.universityId,
            creditsSought: input.creditsSought,
            countsAs: input.countsAs,
            evidence: claim.evidence.map((file) => ({
              file: file.id,
              sha256: file.sha256,
              bytes: file.sizeBytes,
            })),
          },
        )
      })
      return { ok: true, value: claim }
    },

    async findClaimForDecision(universityId, claimId) {
      const claim = await records.findClaim(claimId)
      if (claim === null || claim.universityId !== universityId) return null
      const [university, learner, rplCap, theirClaims] = await Promise.all([
        findUniversity(universityId),
        people.findById(claim.learnerId),
        findRplCap(universityId),
        records.listClaimsOf([claim.learnerId]),
      ])
      if (university === null || learner === null) return null
      return {
        claim: { ...claim, university },
        learner,
        rplCap,
        alreadyRecognised: creditsRecognised(
          theirClaims.filter((other) => other.id !== claimId),
          universityId,
        ),
      }
    },

    async decideClaim(actor, universityId, claimId, decision, context) {
      const claim = await records.findClaim(claimId)
      if (claim === null || claim.universityId !== universityId) return null
      const university = orUnknown(universityId, await findUniversity(universityId))
      if (
        decision.outcome === 'partly-approve' &&
        (decision.credits < 1 || decision.credits >= claim.creditsSought)
      ) {
        return fail(
          'credits',
          `Credits approved must be a whole number from 1 to ${claim.creditsSought - 1}: to approve all ${claim.creditsSought}, select approve`,
        )
      }
      return db.transaction(async (tx): Promise<Outcome<PriorLearningClaim>> => {
        // Decisions about one learner at one university happen one at a time, so that two approvals made at
        // once cannot both fit under the cap that only one of them fits under.
        const claims = await records.lockClaimsOf(tx, claim.learnerId, universityId)
        const current = claims.find((c) => c.id === claimId)
        if (current === undefined || current.status !== 'pending')
          return fail('outcome', 'This claim has already been decided')
        const credits =
          decision.outcome === 'approve'
            ? claim.creditsSought
            : decision.outcome === 'partly-approve'
              ? decision.credits
              : 0
        const cap = await findRplCap(universityId, tx)
        const already = creditsRecognised(claims.filter((c) => c.id !== claimId))
        const check = checkRplCap(cap.capCredits, already, credits)
        if (!check.allowed) {
          return fail(
            decision.outcome === 'partly-approve' ? 'credits' : 'outcome',
            rplCapMessage(university.name, cap.capCredits, already, check.remaining),
          )
        }
        const status =
          decision.outcome === 'approve'
            ? 'approved'
            : decision.outcome === 'partly-approve'
              ? 'partly-approved'
              : 'rejected'
        const decided = {
          status,
          creditsApproved: credits,
          level: decision.outcome === 'reject' ? null : decision.level,
          reason: decision.reason,
          decidedBy: actor.userId,
          decidedAt: now(),
        } as const
        if (!(await records.decideClaim(tx, claimId, decided)))
          return fail('outcome', 'This claim has already been decided')
        await audit(tx, actor, 'learning.prior-learning-decided', 'learner', claim.learnerId, context, {
          claim: claimId,
          university: universityId,
          status,
          creditsSought: claim.creditsSought,
          creditsApproved: credits,
          cap: cap.capCredits,
        })
        return { ok: true, value: { ...current, ...decided } }
      })
    },

    findRplCap: (universityId) => findRplCap(universityId),

    async setRplCap(actor, universityId, capCredits, context) {
      if (!Number.isInteger(capCredits) || capCredits < 0 || capCredits > maximumCredits)
        throw new RangeError(`An RPL cap must be a whole number from 0 to ${maximumCredits}`)
      return db.transaction(async (tx) => {
        const before = await findRplCap(universityId, tx)
        const setAt = now()
        await records.setRplCap(tx, { universityId, capCredits, setBy: actor.userId, setAt })
        await audit(tx, actor, 'learning.rpl-cap-set', 'organisation', universityId, context, {
          from: before.capCredits,
          fromDefault: before.isDefault,
          to: capCredits,
        })
        return { capCredits, isDefault: false, setAt }
      })
    },

    async findOwnEvidence(learnerId, claimId, fileId) {
      const claim = await records.findClaim(claimId)
      if (claim === null || claim.learnerId !== learnerId) return null
      return records.findEvidence(claimId, fileId)
    },

    async findEvidenceAt(universityId, claimId, fileId) {
      const claim = await records.findClaim(claimId)
      if (claim === null || claim.universityId !== universityId) return null
      return records.findEvidence(claimId, fileId)
    },
  }
}

function isExpired(batch: ImportBatch, at: Date): boolean {
  return at.getTime() - batch.createdAt.getTime() > importPreviewHours * 3_600_000
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = groups.get(k)
    if (list === undefined) groups.set(k, [item])
    else list.push(item)
  }
  return groups
}

/** Whether a claim kind is one prior learning may count as. */
export function isPriorLearningKind(value: string): value is PriorLearningKind {
  return (priorLearningKinds as readonly string[]).includes(value)
}

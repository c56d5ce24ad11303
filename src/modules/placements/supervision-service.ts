import { createHash, randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { HttpError } from '../../platform/http/problem.ts'
import {
  checkEvidenceFile,
  checkResultFields,
  maximumEvidenceFiles,
  ukToday,
  type RecordPlacementResult,
  type UploadedFile,
} from '../learning/index.ts'
import {
  checkLogbookEntry,
  maximumCommentLength,
  maximumSignOffCommentLength,
  progressOf,
  reviewerRoles,
  signOffRefusal,
  type LogbookEntryInput,
  type PlacementProgress,
  type PlacementRelation,
  type ReviewerRole,
} from './placement-supervision.ts'
import type {
  LogbookEntry,
  LogbookEvidenceFile,
  NewLogbookEvidence,
  PlacementComment,
  PlacementSignOff,
  SupervisedPlacement,
  SupervisionRepository,
} from './supervision-repository.ts'

export type SupervisionOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** Someone related to a placement doing what their part in it does not allow: answered 403. */
export class SupervisionRefusedError extends HttpError {
  constructor(detail: string) {
    super(403, 'You do not have permission', detail)
    this.name = 'SupervisionRefusedError'
  }
}

/** An RPE module of the university's catalogue: its title, and its credits when the catalogue states them. */
export interface CatalogueRpeModule {
  readonly id: string
  readonly name: string
  /** Null: the catalogue does not state them, and they must be typed. */
  readonly credits: number | null
}

/** The supervision set-up form, as typed. */
export interface SupervisionInput {
  readonly academicSupervisorId: string
  readonly code: string
  readonly title: string
  readonly credits: string
}

/** What a person sees of a placement, and what they may do on it. */
export interface PlacementView {
  readonly placement: SupervisedPlacement
  readonly relations: readonly PlacementRelation[]
  /** The London date the placement was accepted: the earliest a logbook entry may be dated. */
  readonly acceptedOn: string
  readonly entries: readonly LogbookEntry[]
  readonly comments: readonly PlacementComment[]
  readonly signOffs: readonly PlacementSignOff[]
  readonly progress: PlacementProgress
  readonly may: {
    readonly setUpSupervision: boolean
    readonly addEntry: boolean
    /** The roles this person reviews as (comments are written as the first). */
    readonly review: readonly ReviewerRole[]
    /** The roles this person may sign off as now. */
    readonly signOff: readonly ReviewerRole[]
  }
  /** Why a reviewer of this person cannot sign off yet, by role. */
  readonly signOffBlocked: Partial<Record<ReviewerRole, string>>
}

export interface PlacementSummary {
  readonly placement: SupervisedPlacement
  readonly relations: readonly PlacementRelation[]
}

export interface SupervisionService {
  /** Today in the UK, `YYYY-MM-DD`. */
  today(): string
  listPlacements(principal: Principal): Promise<PlacementSummary[]>
  /** Null for a placement that does not exist or that the person has no part in: the same answer for both. */
  findPlacement(principal: Principal, placementId: string): Promise<PlacementView | null>
  /** For the programme lead's set-up form: who may supervise, and the university's RPE modules. */
  listSupervisionChoices(
    principal: Principal,
    placementId: string,
  ): Promise<{
    readonly supervisors: readonly { readonly id: string; readonly fullName: string }[]
    readonly modules: readonly CatalogueRpeModule[]
  } | null>
  setUpSupervision(
    principal: Principal,
    placementId: string,
    input: SupervisionInput,
    origin: AuditOrigin,
  ): Promise<SupervisionOutcome<null> | null>
  addLogbookEntry(
    principal: Principal,
    placementId: string,
    input: LogbookEntryInput,
    files: readonly UploadedFile[],
    origin: AuditOrigin,
  ): Promise<SupervisionOutcome<{ readonly entryId: string }> | null>
  addComment(
    principal: Principal,
    placementId: string,
    input: { readonly entryId: string | null; readonly body: string },
    origin: AuditOrigin,
  ): Promise<SupervisionOutcome<null> | null>
  signOff(
    principal: Principal,
    placementId: string,
    input: { readonly role: string; readonly comment: string },
    origin: AuditOrigin,
  ): Promise<SupervisionOutcome<{ readonly completed: boolean }> | null>
  /** A file of evidence of the placement's logbook, for the learner and its staff; null for anyone else. */
  findEvidence(principal: Principal, placementId: string, fileId: string): Promise<LogbookEvidenceFile | null>
}

/** Who the person is to the placement. */
export function relationsOf(principal: Principal, placement: SupervisedPlacement): PlacementRelation[] {
  const relations: PlacementRelation[] = []
  if (placement.learner.id === principal.userId) relations.push('learner')
  if (placement.mentor.id === principal.userId) relations.push('mentor')
  if (placement.academicSupervisor?.id === principal.userId) relations.push('academic-supervisor')
  if (holdsRole(principal, 'programme-lead', placement.university.id)) relations.push('programme-lead')
  return relations
}

const reviewerRolesIn = (relations: readonly PlacementRelation[]): ReviewerRole[] =>
  reviewerRoles.filter((role) => relations.includes(role))

export function createSupervisionService(deps: {
  readonly db: Database
  readonly supervision: SupervisionRepository
  /** The university's RPE modules in the catalogue. */
  readonly listRpeModules: (universityId: string) => Promise<readonly CatalogueRpeModule[]>
  /** The learning module's own way of putting a signed-off placement in the learner's record. */
  readonly recordPlacementResult: RecordPlacementResult
  readonly now?: () => Date
}): SupervisionService {
  const { db, supervision } = deps
  const now = deps.now ?? (() => new Date())
  const today = () => ukToday(now())
  const fail = <T>(field: string, message: string): SupervisionOutcome<T> => ({
    ok: false,
    errors: [{ field, message }],
  })

  const audit = (
    tx: Parameters<typeof recordAudit>[0],
    principal: Principal,
    action: string,
    placementId: string,
    origin: AuditOrigin,
    details: Record<string, unknown>,
  ) =>
    recordAudit(tx, {
      actor: { userId: principal.userId },
      action,
      subjectType: 'placement',
      subjectId: placementId,
      origin,
      details,
    })

  /** The placement and the person's part in it; null when they have none (or it does not exist). */
  const related = async (principal: Principal, placementId: string) => {
    const placement = await supervision.findPlacement(placementId)
    if (placement === null) return null
    const relations = relationsOf(principal, placement)
    return relations.length === 0 ? null : { placement, relations }
  }

  return {
    today,

    async listPlacements(principal) {
      const leadOf = principal.memberships
        .filter((membership) => membership.roles.includes('programme-lead'))
        .map((membership) => membership.organisationId)
      const placements = await supervision.listPlacementsFor(principal.userId, leadOf)
      return placements.map((placement) => ({ placement, relations: relationsOf(principal, placement) }))
    },

    async findPlacement(principal, placementId) {
      const found = await related(principal, placementId)
      if (found === null) return null
      const { placement, relations } = found
      const [entries, comments, signOffs] = await Promise.all([
        supervision.listEntries(placementId),
        supervision.listComments(placementId),
        supervision.listSignOffs(placementId),
      ])
      const progress = progressOf(placement.offer.activities, entries)
      const review = reviewerRolesIn(relations)
      const signOffBlocked: Partial<Record<ReviewerRole, string>> = {}
      for (const role of review) {
        const refusal = signOffRefusal({
          status: placement.status,
          supervisionSetUp: placement.module !== null && placement.academicSupervisor !== null,
          progress,
          signedBy: signOffs.map((signOff) => signOff.role),
          role,
        })
        if (refusal !== null) signOffBlocked[role] = refusal
      }
      const isActive = placement.status === 'active'
      return {
        placement,
        relations,
        acceptedOn: ukToday(placement.acceptedAt),
        entries,
        comments,
        signOffs,
        progress,
        may: {
          setUpSupervision: relations.includes('programme-lead') && isActive && signOffs.length === 0,
          addEntry: relations.includes('learner') && isActive,
          review,
          signOff: review.filter((role) => isActive && !signOffs.some((signOff) => signOff.role === role)),
        },
        signOffBlocked,
      }
    },

    async listSupervisionChoices(principal, placementId) {
      const found = await related(principal, placementId)
      if (found === null) return null
      if (!found.relations.includes('programme-lead'))
        throw new SupervisionRefusedError(
          "Only a programme lead of the learner's university may set up supervision.",
        )
      const universityId = found.placement.university.id
      const [supervisors, modules] = await Promise.all([
        supervision.listAcademicSupervisors(universityId),
        deps.listRpeModules(universityId),
      ])
      return { supervisors, modules }
    },

    async setUpSupervision(principal, placementId, input, origin) {
      return db.transaction(async (tx): Promise<SupervisionOutcome<null> | null> => {
        const placement = await supervision.findPlacement(placementId, { tx, lock: true })
        if (placement === null) return null
        const relations = relationsOf(principal, placement)
        if (relations.length === 0) return null
        if (!relations.includes('programme-lead'))
          throw new SupervisionRefusedError(
            "Only a programme lead of the learner's university may set up supervision.",
          )
        if (placement.status !== 'active')
          return fail('academicSupervisorId', 'This placement is not active: its supervision cannot change')
        if ((await supervision.listSignOffs(placementId, tx)).length > 0)
          return fail(
            'academicSupervisorId',
            'Sign-off has begun: the supervisor and module stay as they were signed off',
          )
        const errors: FieldError[] = []
        const supervisors = await supervision.listAcademicSupervisors(placement.university.id, tx)
        const supervisorId = input.academicSupervisorId.trim()
        if (!supervisors.some((person) => person.id === supervisorId))
          errors.push({ field: 'academicSupervisorId', message: 'Select the academic supervisor' })
        // The module's code, title and credits follow the rules of any module result (module-result-fields.ts).
        const checked = checkResultFields(
          {
            code: input.code,
            title: input.title,
            kind: 'rpe',
            credits: input.credits,
            level: '7',
            result: 'pass',
            completedOn: { kind: 'date', iso: today() },
          },
          today(),
        )
        const labels = { code: 'Module code', title: 'Module title', credits: 'Credits' } as const
        const missing = {
          code: 'Enter the module code',
          title: 'Enter the module title',
          credits: 'Enter the credits the module is worth',
        } as const
        if (!checked.ok) {
          for (const problem of checked.problems) {
            if (problem.field !== 'code' && problem.field !== 'title' && problem.field !== 'credits') continue
            errors.push({
              field: problem.field,
              message:
                problem.problem === 'missing'
                  ? missing[problem.field]
                  : `${labels[problem.field]} ${problem.reason}`,
            })
          }
        }
        if (errors.length > 0 || !checked.ok) return { ok: false, errors }
        const setting = {
          academicSupervisorId: supervisorId,
          code: checked.value.code,
          title: checked.value.title,
          credits: checked.value.credits,
        }
        await supervision.setSupervision(tx, placementId, setting)
        await audit(tx, principal, 'placement.supervision-set-up', placementId, origin, {
          ...setting,
          previousAcademicSupervisorId: placement.academicSupervisor?.id ?? null,
          previousModule: placement.module,
        })
        return { ok: true, value: null }
      })
    },

    async addLogbookEntry(principal, placementId, input, files, origin) {
      const found = await related(principal, placementId)
      if (found === null) return null
      if (!found.relations.includes('learner'))
        throw new SupervisionRefusedError('Only the learner on a placement keeps its logbook.')
      const errors: FieldError[] = []
      const checked = checkLogbookEntry(input, {
        today: today(),
        acceptedOn: ukToday(found.placement.acceptedAt),
        activities: found.placement.offer.activities,
      })
      if (!checked.ok) errors.push(...checked.errors)
      const evidence: NewLogbookEvidence[] = []
      if (files.length > maximumEvidenceFiles)
        errors.push({ field: 'evidence', message: `Choose ${maximumEvidenceFiles} files or fewer` })
      else {
        for (const file of files) {
          const check = checkEvidenceFile(file)
          if (!check.ok) {
            errors.push({ field: 'evidence', message: check.message })
            break
          }
          evidence.push({
            id: randomUUID(),
            fileName: check.fileName,
            mediaType: check.mediaType,
            sha256: createHash('sha256').update(file.content).digest('hex'),
            content: file.content,
          })
        }
      }
      if (errors.length > 0 || !checked.ok) return { ok: false, errors }
      const entryId = randomUUID()
      return db.transaction(async (tx): Promise<SupervisionOutcome<{ entryId: string }>> => {
        // Locked, so that an entry never lands on a placement signed off or withdrawn meanwhile.
        const placement = await supervision.findPlacement(placementId, { tx, lock: true })
        if (placement === null || placement.status !== 'active')
          return fail('entryDate', 'This placement is not active: its logbook is closed')
        await supervision.insertEntry(
          tx,
          { id: entryId, placementId, ...checked.value, createdAt: now() },
          evidence,
        )
        await audit(tx, principal, 'placement.logbook-entry-added', placementId, origin, {
          entryId,
          entryDate: checked.value.entryDate,
          hours: checked.value.hours,
          activity: checked.value.activity,
          evidence: evidence.map((file) => ({ id: file.id, sha256: file.sha256, mediaType: file.mediaType })),
        })
        return { ok: true, value: { entryId } }
      })
    },

    async addComment(principal, placementId, input, origin) {
      const found = await related(principal, placementId)
      if (found === null) return null
      const [role] = reviewerRolesIn(found.relations)
      if (role === undefined)
        throw new SupervisionRefusedError(
          "Only the placement's mentor and academic supervisor comment on it.",
        )
      const body = input.body.trim()
      if (body === '') return fail('body', 'Enter your comment')
      if (body.length > maximumCommentLength)
        return fail('body', `Comment must be ${maximumCommentLength} characters or fewer`)
      return db.transaction(async (tx): Promise<SupervisionOutcome<null>> => {
        if (input.entryId !== null) {
          const entries = await supervision.listEntries(placementId, tx)
          if (!entries.some((entry) => entry.id === input.entryId))
            return fail('entryId', 'Select an entry of this logbook, or the placement as a whole')
        }
        const id = randomUUID()
        await supervision.insertComment(tx, {
          id,
          placementId,
          entryId: input.entryId,
          authorId: principal.userId,
          authorRole: role,
          body,
          createdAt: now(),
        })
        await audit(tx, principal, 'placement.comment-added', placementId, origin, {
          commentId: id,
          entryId: input.entryId,
          authorRole: role,
        })
        return { ok: true, value: null }
      })
    },

    async signOff(principal, placementId, input, origin) {
      const comment = input.comment.trim()
      if (comment.length > maximumSignOffCommentLength)
        return fail('comment', `Comment must be ${maximumSignOffCommentLength} characters or fewer`)
      return db.transaction(async (tx): Promise<SupervisionOutcome<{ completed: boolean }> | null> => {
        // Locked: the two sign-offs happen one after the other, so that exactly one of them completes it.
        const placement = await supervision.findPlacement(placementId, { tx, lock: true })
        if (placement === null) return null
        const relations = relationsOf(principal, placement)
        if (relations.length === 0) return null
        const roles = reviewerRolesIn(relations)
        const role =
          roles.find((candidate) => candidate === input.role) ?? (roles.length === 1 ? roles[0] : undefined)
        if (role === undefined)
          throw new SupervisionRefusedError(
            "Only the placement's mentor and academic supervisor sign it off.",
          )
        const signOffs = await supervision.listSignOffs(placementId, tx)
        const entries = await supervision.listEntries(placementId, tx)
        const refusal = signOffRefusal({
          status: placement.status,
          supervisionSetUp: placement.module !== null && placement.academicSupervisor !== null,
          progress: progressOf(placement.offer.activities, entries),
          signedBy: signOffs.map((signOff) => signOff.role),
          role,
        })
        if (refusal !== null) return fail('signOff', refusal)
        const at = now()
        const completes = signOffs.length === reviewerRoles.length - 1
        let moduleResultId: string | null = null
        if (completes) {
          const module = placement.module!
          const recorded = await deps.recordPlacementResult(tx, {
            learnerId: placement.learner.id,
            universityId: placement.university.id,
            code: module.code,
            title: module.title,
            credits: module.credits,
            recordedBy: principal.userId,
            placementId,
            origin,
          })
          if (!recorded.ok)
            return fail(
              'signOff',
              recorded.reason === 'not-enrolled'
                ? `The learner is not enrolled at ${placement.university.fullName}, so the result has nowhere to go: ask the programme lead to enrol them first`
                : `The learner's enrolment at ${placement.university.fullName} starts after today: sign off once it has started`,
            )
          moduleResultId = recorded.moduleResultId
        }
        await supervision.insertSignOff(tx, {
          placementId,
          role,
          signedBy: principal.userId,
          signedAt: at,
          comment: comment === '' ? null : comment,
        })
        await audit(tx, principal, 'placement.signed-off', placementId, origin, {
          role,
          comment: comment !== '',
        })
        if (moduleResultId !== null) {
          await supervision.markSignedOff(tx, placementId, at, moduleResultId)
          await audit(tx, principal, 'placement.completed', placementId, origin, {
            moduleResultId,
            code: placement.module!.code,
            credits: placement.module!.credits,
          })
        }
        return { ok: true, value: { completed: moduleResultId !== null } }
      })
    },

    async findEvidence(principal, placementId, fileId) {
      const found = await related(principal, placementId)
      if (found === null) return null
      return supervision.findEvidence(placementId, fileId)
    },
  }
}

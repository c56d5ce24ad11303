import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { holdsRole, type Principal, type RoutePolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { uploadedFilesIn } from '../../platform/http/multipart.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { sendEvidence } from './evidence-http.ts'
import { progressForView } from './learner-progress.ts'
import {
  claimStatusLabels,
  cohortProgressLabels,
  enrolmentStatusLabels,
  maximumCredits,
  moduleKindLabels,
  moduleKinds,
  readDateParts,
  resultLabels,
  resultOutcomes,
} from './learner-record.ts'
import {
  batchParams,
  capForm,
  claimParams,
  decisionForm,
  endEnrolmentForm,
  enrolmentForm,
  enrolmentParams,
  evidenceParams,
  importForm,
  learnerParams,
  organisationParams,
  resultForm,
  type DecisionFormInput,
  type ResultFormInput,
} from './learning-schemas.ts'
import type {
  ClaimDecision,
  LearningService,
  RecordView,
  StaffRecordView,
  UniversitySummary,
} from './learning-service.ts'
import { checkResultFields, type ResultField, type ResultFields } from './module-result-fields.ts'
import { formatImportProblem, type ImportProblem } from './result-import.ts'

/** A university's staff for its learners: its programme leads and academic supervisors; framework admins anywhere. */
export const universityStaffPolicy: RoutePolicy = {
  access: 'role',
  roles: ['programme-lead', 'academic-supervisor', 'framework-admin'],
  organisationParam: 'organisationId',
}

/** Enrolling learners and ending enrolments: a university's programme leads; framework admins anywhere. */
export const universityLeadPolicy: RoutePolicy = {
  access: 'role',
  roles: ['programme-lead', 'framework-admin'],
  organisationParam: 'organisationId',
}

/**
 * Deciding prior learning and setting its cap: the university's programme leads only. Recognising learning is
 * the university's academic judgement (DOMAIN.md §3: "the share of an award that RPL may cover is set by each
 * university"), so framework admins, who run Trellis rather than a programme, do not make it.
 */
export const priorLearningDeciderPolicy: RoutePolicy = {
  access: 'role',
  roles: ['programme-lead'],
  organisationParam: 'organisationId',
}

const resultLabelsByField: Readonly<Record<ResultField, { label: string; missing: string }>> = {
  code: { label: 'Module code', missing: 'Enter the module code' },
  title: { label: 'Module title', missing: 'Enter the module title' },
  kind: { label: 'Kind of module', missing: 'Select the kind of module' },
  credits: { label: 'Credits', missing: 'Enter the credits' },
  level: { label: 'Level', missing: 'Select the level' },
  result: { label: 'Result', missing: 'Select the result' },
  completedOn: { label: 'Date completed', missing: 'Enter the date the module was completed' },
}

/** The kinds, results and levels as the forms offer them. */
const kindItems = (selected: unknown) =>
  moduleKinds.map((kind) => ({ value: kind, text: moduleKindLabels[kind], checked: selected === kind }))
const resultItems = (selected: unknown) =>
  resultOutcomes.map((result) => ({
    value: result,
    text: resultLabels[result],
    checked: selected === result,
  }))
const levelItems = (selected: unknown) =>
  [3, 4, 5, 6, 7, 8].map((level) => ({
    value: String(level),
    text: `Level ${level}${level === 7 ? " (Master's)" : ''}`,
    selected: String(selected ?? '7') === String(level),
  }))

/**
 * A record's results, claims, enrolments and progress, shaped for the shared partial; `evidenceHref` says where
 * files are, and `today` (`YYYY-MM-DD`) where the timeline starts.
 */
export function recordForView(
  view: RecordView,
  evidenceHref: (claimId: string, fileId: string) => string | null,
  today: string,
) {
  const universityNames = new Map(
    [...view.enrolments, ...view.results, ...view.claims].map((item) => [
      item.university.id,
      item.university.name,
    ]),
  )
  return {
    ...view,
    progress: progressForView(view.assessment, today, (id) => universityNames.get(id) ?? id),
    enrolments: view.enrolments.map((enrolment) => ({
      ...enrolment,
      statusLabel: enrolmentStatusLabels[enrolment.status],
    })),
    byUniversity: view.byUniversity.map((group) => ({
      ...group,
      results: group.results.map((result) => ({
        ...result,
        kindLabel: moduleKindLabels[result.kind],
        resultLabel: resultLabels[result.result],
      })),
    })),
    claims: view.claims.map((claim) => ({
      ...claim,
      statusLabel: claimStatusLabels[claim.status],
      countsAsLabel: moduleKindLabels[claim.countsAs],
      evidence: claim.evidence.map((file) => ({ ...file, href: evidenceHref(claim.id, file.id) })),
    })),
  }
}

/** Staff pages for a university's learners: the cohort, records, results (one at a time or from CSV), RPL. */
export function registerCohortPages(
  app: FastifyInstance,
  deps: { readonly learning: LearningService },
): void {
  const { learning } = deps
  const staffRoute = { config: { policy: universityStaffPolicy } }
  const leadRoute = { config: { policy: universityLeadPolicy } }
  const deciderRoute = { config: { policy: priorLearningDeciderPolicy } }

  const requireUniversity = async (organisationId: string): Promise<UniversitySummary> => {
    const university = await learning.findUniversity(organisationId)
    if (university === null) throw new NotFoundError(`There is no university "${organisationId}" in Trellis.`)
    return university
  }
  const mayEnrol = (principal: Principal, universityId: string) =>
    holdsRole(principal, 'programme-lead', universityId) || holdsRole(principal, 'framework-admin')
  const mayDecide = (principal: Principal, universityId: string) =>
    holdsRole(principal, 'programme-lead', universityId)

  // The cohort ----------------------------------------------------------------------------------------------

  app.get('/universities/:organisationId/learners', staffRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const cohort = await learning.listCohort(organisationId)
    if (cohort === null) throw new NotFoundError(`There is no university "${organisationId}" in Trellis.`)
    const query = request.query as Record<string, unknown>
    const imported =
      typeof query.imported === 'string' && /^\d{1,5}$/.test(query.imported) ? query.imported : null
    const notice =
      imported !== null
        ? `${imported} ${imported === '1' ? 'result' : 'results'} imported.`
        : query.cap === '1'
          ? 'Limit on prior learning saved.'
          : null
    const principal = request.principal!
    return reply.view('learning/views/cohort.njk', {
      pageTitle: `Learners at ${cohort.university.name}`,
      university: cohort.university,
      assessed: cohort.assessed,
      learners: cohort.learners.map((entry) => ({
        ...entry,
        progressLabel: cohortProgressLabels[entry.progress],
      })),
      pendingClaims: cohort.pendingClaims.map((claim) => ({
        ...claim,
        countsAsLabel: moduleKindLabels[claim.countsAs],
      })),
      rplCap: cohort.rplCap,
      mayEnrol: mayEnrol(principal, organisationId),
      mayDecide: mayDecide(principal, organisationId),
      notice,
    })
  })

  // Enrolling -----------------------------------------------------------------------------------------------

  const showEnrolForm = async (
    reply: FastifyReply,
    university: UniversitySummary,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const values = extra.values ?? {}
    const programmes = await learning.listProgrammes(university.id)
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/enrol.njk', {
      pageTitle: `Enrol a learner at ${university.name}`,
      university,
      values,
      programmeItems: [
        { value: '', text: 'None, or not listed' },
        ...programmes.map((programme) => ({
          value: programme.id,
          text: programme.name,
          selected: values.programme === programme.id,
        })),
      ],
      transferringItems: [
        {
          value: 'no',
          text: 'No, this is their first enrolment on a Credentials programme, or they have finished elsewhere',
          checked: values.transferring === 'no',
        },
        {
          value: 'yes',
          text: 'Yes, they are moving here from another university',
          hint: {
            text: 'Their enrolment there ends as a transfer. Every credit they earned there stays theirs.',
          },
          checked: values.transferring === 'yes',
        },
      ],
      ...formProblems(extra.errors ?? [], values, ['startedOn']),
    })
  }

  app.get('/universities/:organisationId/enrolments/new', leadRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    return showEnrolForm(reply, await requireUniversity(organisationId))
  })

  app.post('/universities/:organisationId/enrolments', leadRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const university = await requireUniversity(organisationId)
    const form = parseForm(enrolmentForm, request.body)
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>) as Record<string, string>
    const errors: FieldError[] = form.ok ? [] : [...form.errors]
    const startedOn = readDateField(values, 'startedOn', 'Start date', {
      required: 'Enter the date the learner started',
    })
    if ('error' in startedOn) errors.push({ field: 'startedOn', message: startedOn.error })
    if (!form.ok || 'error' in startedOn)
      return showEnrolForm(reply, university, { errors: orderEnrolErrors(errors), values })
    const result = await learning.enrol(
      request.principal!,
      organisationId,
      {
        email: form.data.email,
        programmeId: form.data.programme === '' ? null : form.data.programme,
        startedOn: startedOn.iso!,
        transferring: form.data.transferring === 'yes',
      },
      requestContextOf(request),
    )
    if (!result.ok) return showEnrolForm(reply, university, { errors: result.errors, values })
    const notice = result.value.transferredFrom === null ? 'enrolled' : 'transferred'
    return reply.redirect(
      `/universities/${organisationId}/learners/${result.value.learnerId}?${notice}=1`,
      303,
    )
  })

  app.post('/universities/:organisationId/enrolments/:enrolmentId/end', leadRoute, async (request, reply) => {
    const { organisationId, enrolmentId } = parseParameters(enrolmentParams, request.params, 'path')
    const enrolment = await learning.findEnrolmentAt(organisationId, enrolmentId)
    if (enrolment === null) throw new NotFoundError('There is no such enrolment at this university.')
    const form = parseForm(endEnrolmentForm, request.body)
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>) as Record<string, string>
    const errors: FieldError[] = form.ok ? [] : [...form.errors]
    const endedOn = readDateField(values, 'endedOn', 'End date', {
      required: 'Enter the date the enrolment ended',
    })
    if ('error' in endedOn) errors.push({ field: 'endedOn', message: endedOn.error })
    const result =
      form.ok && !('error' in endedOn)
        ? await learning.endEnrolment(
            request.principal!,
            organisationId,
            enrolmentId,
            { status: form.data.status, endedOn: endedOn.iso! },
            requestContextOf(request),
          )
        : ({ ok: false, errors } as const)
    if (result === null) throw new NotFoundError('There is no such enrolment at this university.')
    // Shown again on the learner's record, where the form is.
    if (!result.ok)
      return showStaffRecord(request, reply, organisationId, enrolment.learnerId, {
        errors: result.errors,
        values,
      })
    return reply.redirect(`/universities/${organisationId}/learners/${enrolment.learnerId}?ended=1`, 303)
  })

  // A learner's record ----------------------------------------------------------------------------------------

  const loadStaffRecord = async (organisationId: string, learnerId: string): Promise<StaffRecordView> => {
    const view = await learning.findRecordForStaff(organisationId, learnerId)
    if (view === null) throw new NotFoundError('There is no learner with this id at this university.')
    return view
  }

  async function showStaffRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    organisationId: string,
    learnerId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) {
    const view = await loadStaffRecord(organisationId, learnerId)
    const principal = request.principal!
    const decider = mayDecide(principal, organisationId)
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/staff-record.njk', {
      pageTitle: `${view.learner.fullName}: learning record`,
      university: view.university,
      record: recordForView(
        view,
        (claimId, fileId) => {
          const claim = view.claims.find((c) => c.id === claimId)
          return decider && claim?.universityId === organisationId
            ? `/universities/${organisationId}/prior-learning/${claimId}/evidence/${fileId}`
            : null
        },
        learning.today(),
      ),
      enrolmentHere: { ...view.enrolmentHere, statusLabel: enrolmentStatusLabels[view.enrolmentHere.status] },
      mayEnrol: mayEnrol(principal, organisationId),
      mayDecide: decider,
      decideHrefs: Object.fromEntries(
        view.claims
          .filter((claim) => decider && claim.status === 'pending' && claim.universityId === organisationId)
          .map((claim) => [claim.id, `/universities/${organisationId}/prior-learning/${claim.id}`]),
      ),
      endingItems: [
        { value: 'completed', text: 'Completed the programme', checked: values.status === 'completed' },
        { value: 'withdrawn', text: 'Withdrew', checked: values.status === 'withdrawn' },
      ],
      values,
      notice: extra.notice ?? null,
      ...formProblems(extra.errors ?? [], values, ['endedOn']),
    })
  }

  app.get('/universities/:organisationId/learners/:learnerId', staffRoute, async (request, reply) => {
    const { organisationId, learnerId } = parseParameters(learnerParams, request.params, 'path')
    const query = request.query as Record<string, unknown>
    const notices: Record<string, string> = {
      enrolled: 'Learner enrolled.',
      transferred: 'Learner enrolled as a transfer. Their enrolment at their previous university has ended.',
      recorded: 'Result recorded.',
      decided: 'Decision recorded.',
      ended: 'Enrolment ended.',
    }
    const notice = Object.keys(notices).find((key) => query[key] === '1')
    return showStaffRecord(request, reply, organisationId, learnerId, {
      notice: notice === undefined ? null : notices[notice],
    })
  })

  // Recording a result --------------------------------------------------------------------------------------

  const showResultForm = async (
    reply: FastifyReply,
    view: StaffRecordView,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/record-result.njk', {
      pageTitle: `Record a module result for ${view.learner.fullName}`,
      university: view.university,
      learner: view.learner,
      values,
      kindItems: kindItems(values.kind),
      resultItems: resultItems(values.result),
      levelItems: levelItems(values.level),
      ...formProblems(extra.errors ?? [], values, ['completedOn']),
    })
  }

  app.get(
    '/universities/:organisationId/learners/:learnerId/results/new',
    staffRoute,
    async (request, reply) => {
      const { organisationId, learnerId } = parseParameters(learnerParams, request.params, 'path')
      return showResultForm(reply, await loadStaffRecord(organisationId, learnerId))
    },
  )

  app.post(
    '/universities/:organisationId/learners/:learnerId/results',
    staffRoute,
    async (request, reply) => {
      const { organisationId, learnerId } = parseParameters(learnerParams, request.params, 'path')
      const view = await loadStaffRecord(organisationId, learnerId)
      const form = parseForm(resultForm, request.body)
      const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
      if (!form.ok) return showResultForm(reply, view, { errors: form.errors, values })
      const fields = checkResultForm(form.data, learning.today())
      if (!fields.ok) return showResultForm(reply, view, { errors: fields.errors, values })
      const result = await learning.recordResult(
        request.principal!,
        organisationId,
        learnerId,
        fields.value,
        requestContextOf(request),
      )
      if (!result.ok) return showResultForm(reply, view, { errors: result.errors, values })
      return reply.redirect(`/universities/${organisationId}/learners/${learnerId}?recorded=1`, 303)
    },
  )

  // Importing results -----------------------------------------------------------------------------------------

  const showImportForm = (
    reply: FastifyReply,
    university: UniversitySummary,
    extra: {
      problems?: readonly ImportProblem[]
      errors?: readonly FieldError[]
      values?: Record<string, unknown>
    } = {},
  ) => {
    const problems = extra.problems ?? []
    const errors: FieldError[] = [...(extra.errors ?? [])]
    if (problems.length > 0) {
      errors.push({
        field: 'problems',
        message: `The results have ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}. Nothing was imported: correct them and check the results again.`,
      })
    }
    return reply.code(errors.length > 0 ? 400 : 200).view('learning/views/import-results.njk', {
      pageTitle: `Import results at ${university.name}`,
      university,
      values: extra.values ?? {},
      problems: problems.map(formatImportProblem),
      ...formProblems(errors, extra.values ?? {}),
    })
  }

  app.get('/universities/:organisationId/results/import', staffRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    return showImportForm(reply, await requireUniversity(organisationId))
  })

  app.post('/universities/:organisationId/results/import', staffRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const university = await requireUniversity(organisationId)
    const form = parseForm(importForm, request.body)
    if (!form.ok) return showImportForm(reply, university, { errors: form.errors })
    const [file, ...more] = uploadedFilesIn(request.body, 'csvFile')
    let csv = form.data.csv
    let fileName: string | null = null
    if (more.length > 0)
      return showImportForm(reply, university, { errors: [fieldError('csvFile', 'Choose one file')] })
    if (file !== undefined) {
      const text = readCsvFileText(file.content, file.truncated)
      if ('error' in text)
        return showImportForm(reply, university, { errors: [fieldError('csvFile', text.error)] })
      csv = text.csv
      fileName = file.fileName.slice(0, 200)
    }
    if (csv.trim() === '') {
      return showImportForm(reply, university, {
        errors: [fieldError('csvFile', 'Choose a CSV file, or paste the results')],
      })
    }
    const preview = await learning.previewImport(request.principal!, organisationId, csv, fileName)
    if (!preview.ok)
      return showImportForm(reply, university, { problems: preview.problems, values: { csv: form.data.csv } })
    return reply.redirect(`/universities/${organisationId}/results/imports/${preview.batchId}`, 303)
  })

  const loadImport = async (principal: Principal, organisationId: string, batchId: string) => {
    const preview = await learning.findImport(principal, organisationId, batchId)
    if (preview === null) throw new NotFoundError('There is no such import of yours at this university.')
    return preview
  }

  const showImportPreview = async (
    reply: FastifyReply,
    preview: Awaited<ReturnType<typeof loadImport>>,
    errors: readonly FieldError[] = [],
  ) =>
    reply.code(errors.length > 0 ? 400 : 200).view('learning/views/import-preview.njk', {
      pageTitle: `Check the results before importing them at ${preview.university.name}`,
      university: preview.university,
      batch: preview.batch,
      expired: preview.expired,
      learnerCount: new Set(preview.rows.map((row) => row.learnerId)).size,
      rows: preview.rows.map((row) => ({
        ...row,
        kindLabel: moduleKindLabels[row.kind],
        resultLabel: resultLabels[row.result],
      })),
      ...formProblems(errors, {}),
    })

  app.get('/universities/:organisationId/results/imports/:batchId', staffRoute, async (request, reply) => {
    const { organisationId, batchId } = parseParameters(batchParams, request.params, 'path')
    return showImportPreview(reply, await loadImport(request.principal!, organisationId, batchId))
  })

  app.post(
    '/universities/:organisationId/results/imports/:batchId/confirm',
    staffRoute,
    async (request, reply) => {
      const { organisationId, batchId } = parseParameters(batchParams, request.params, 'path')
      const result = await learning.confirmImport(
        request.principal!,
        organisationId,
        batchId,
        requestContextOf(request),
      )
      if (result === null) throw new NotFoundError('There is no such import of yours at this university.')
      if (!result.ok)
        return showImportPreview(
          reply,
          await loadImport(request.principal!, organisationId, batchId),
          result.errors,
        )
      return reply.redirect(`/universities/${organisationId}/learners?imported=${result.value.imported}`, 303)
    },
  )

  // Prior learning --------------------------------------------------------------------------------------------

  const showDecision = async (
    reply: FastifyReply,
    organisationId: string,
    claimId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const view = await learning.findClaimForDecision(organisationId, claimId)
    if (view === null) throw new NotFoundError('There is no such claim of prior learning at this university.')
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/claim-decision.njk', {
      pageTitle: `Prior learning claimed by ${view.learner.fullName}`,
      university: view.claim.university,
      learner: view.learner,
      claim: {
        ...view.claim,
        statusLabel: claimStatusLabels[view.claim.status],
        countsAsLabel: moduleKindLabels[view.claim.countsAs],
        evidence: view.claim.evidence.map((file) => ({
          ...file,
          href: `/universities/${organisationId}/prior-learning/${claimId}/evidence/${file.id}`,
        })),
      },
      rplCap: view.rplCap,
      alreadyRecognised: view.alreadyRecognised,
      values,
      outcomeItems: [
        {
          value: 'approve',
          text: `Approve all ${view.claim.creditsSought} credits`,
          checked: values.outcome === 'approve',
        },
        {
          value: 'partly-approve',
          text: 'Approve some of the credits',
          checked: values.outcome === 'partly-approve',
        },
        { value: 'reject', text: 'Reject the claim', checked: values.outcome === 'reject' },
      ],
      levelItems: levelItems(values.level),
      maximumCredits,
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/universities/:organisationId/prior-learning/:claimId', deciderRoute, async (request, reply) => {
    const { organisationId, claimId } = parseParameters(claimParams, request.params, 'path')
    return showDecision(reply, organisationId, claimId)
  })

  app.post(
    '/universities/:organisationId/prior-learning/:claimId/decision',
    deciderRoute,
    async (request, reply) => {
      const { organisationId, claimId } = parseParameters(claimParams, request.params, 'path')
      const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
      const form = parseForm(decisionForm, request.body)
      const decision = form.ok ? readDecision(form.data) : form
      if (!decision.ok)
        return showDecision(reply, organisationId, claimId, { errors: decision.errors, values })
      const result = await learning.decideClaim(
        request.principal!,
        organisationId,
        claimId,
        decision.value,
        requestContextOf(request),
      )
      if (result === null)
        throw new NotFoundError('There is no such claim of prior learning at this university.')
      if (!result.ok) return showDecision(reply, organisationId, claimId, { errors: result.errors, values })
      return reply.redirect(
        `/universities/${organisationId}/learners/${result.value.learnerId}?decided=1`,
        303,
      )
    },
  )

  app.get(
    '/universities/:organisationId/prior-learning/:claimId/evidence/:fileId',
    deciderRoute,
    async (request, reply) => {
      const { organisationId, claimId, fileId } = parseParameters(evidenceParams, request.params, 'path')
      const file = await learning.findEvidenceAt(organisationId, claimId, fileId)
      if (file === null) throw new NotFoundError('There is no such file of evidence at this university.')
      return sendEvidence(reply, file)
    },
  )

  const showCapForm = async (
    reply: FastifyReply,
    university: UniversitySummary,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const rplCap = await learning.findRplCap(university.id)
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/rpl-cap.njk', {
      pageTitle: `Limit on prior learning at ${university.name}`,
      university,
      rplCap,
      values: extra.values ?? { cap: String(rplCap.capCredits) },
      maximumCredits,
      ...formProblems(extra.errors ?? [], extra.values ?? {}),
    })
  }

  app.get('/universities/:organisationId/prior-learning-cap', deciderRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    return showCapForm(reply, await requireUniversity(organisationId))
  })

  app.post('/universities/:organisationId/prior-learning-cap', deciderRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const university = await requireUniversity(organisationId)
    const form = parseForm(capForm, request.body)
    if (!form.ok) return showCapForm(reply, university, { errors: form.errors, values: form.values })
    await learning.setRplCap(request.principal!, organisationId, form.data.cap, requestContextOf(request))
    return reply.redirect(`/universities/${organisationId}/learners?cap=1`, 303)
  })
}

function fieldError(field: string, message: string): FieldError {
  return { field, message }
}

/** The enrolment form's problems in the order of its fields. */
function orderEnrolErrors(errors: readonly FieldError[]): FieldError[] {
  const order = ['email', 'programme', 'startedOn', 'transferring']
  return [...errors].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field))
}

/** The result form's fields against the rules, each problem phrased for its field as the NHS pattern has it. */
export function checkResultForm(
  form: ResultFormInput,
  today: string,
):
  | { readonly ok: true; readonly value: ResultFields }
  | { readonly ok: false; readonly errors: FieldError[] } {
  const check = checkResultFields(
    {
      code: form.code,
      title: form.title,
      kind: form.kind,
      credits: form.credits,
      level: form.level,
      result: form.result,
      completedOn: readDateParts({
        day: form['completedOn-day'],
        month: form['completedOn-month'],
        year: form['completedOn-year'],
      }),
    },
    today,
  )
  if (check.ok) return check
  return {
    ok: false,
    errors: check.problems.map((problem) => ({
      field: problem.field,
      message:
        problem.problem === 'missing'
          ? resultLabelsByField[problem.field].missing
          : `${resultLabelsByField[problem.field].label} ${problem.reason}`,
    })),
  }
}

/** A decision as the form gives it, with the fields its outcome needs. */
function readDecision(
  form: DecisionFormInput,
):
  | { readonly ok: true; readonly value: ClaimDecision }
  | { readonly ok: false; readonly errors: FieldError[] } {
  const errors: FieldError[] = []
  const reason = form.reason.trim()
  const level = /^[3-8]$/.test(form.level.trim()) ? Number(form.level.trim()) : null
  if (form.outcome === 'partly-approve') {
    const credits = form.credits.trim()
    if (credits === '') errors.push(fieldError('credits', 'Enter the credits you approve'))
    else if (!/^\d{1,4}$/.test(credits))
      errors.push(fieldError('credits', 'Credits approved must be a whole number'))
  }
  if (form.outcome !== 'reject' && level === null)
    errors.push(fieldError('level', 'Select the level the credits are recognised at'))
  if (form.outcome !== 'approve' && reason === '') {
    errors.push(
      fieldError(
        'reason',
        form.outcome === 'reject'
          ? 'Enter the reason for rejecting the claim'
          : 'Enter the reason for approving only some of the credits',
      ),
    )
  }
  if (errors.length > 0) return { ok: false, errors }
  switch (form.outcome) {
    case 'approve':
      return { ok: true, value: { outcome: 'approve', level: level!, reason: reason === '' ? null : reason } }
    case 'partly-approve':
      return {
        ok: true,
        value: { outcome: 'partly-approve', credits: Number(form.credits.trim()), level: level!, reason },
      }
    case 'reject':
      return { ok: true, value: { outcome: 'reject', reason } }
  }
}

/**
 * A CSV file's text: UTF-8 (what "CSV UTF-8" in a spreadsheet writes), or else Windows-1252 (what older student
 * records systems and spreadsheets write in the UK). Anything with NUL bytes is not a CSV file.
 */
function readCsvFileText(content: Buffer, truncated: boolean): { csv: string } | { error: string } {
  if (truncated) return { error: 'The file must be smaller than 5 MB: split it into smaller files' }
  if (content.includes(0))
    return { error: 'The file must be a CSV file (comma-separated values, saved as text)' }
  try {
    return { csv: new TextDecoder('utf-8', { fatal: true }).decode(content) }
  } catch {
    return { csv: new TextDecoder('windows-1252').decode(content) }
  }
}

// Forms ------------------------------------------------------------------------------------------------------

/**
 * What a form page needs to show its problems the NHS way: the error summary's links (to the first box of a
 * date input that is wrong) and each field's message, with the boxes of each date input to mark.
 */
export function formProblems(
  errors: readonly FieldError[],
  values: Readonly<Record<string, unknown>>,
  dateFields: readonly string[] = [],
) {
  const dateErrorParts = Object.fromEntries(
    dateFields.map((field) => [field, datePartsInError(values, field)]),
  )
  return {
    errors: errors.map((error) => ({
      text: error.message,
      href: dateFields.includes(error.field)
        ? `#${error.field}-${dateErrorParts[error.field]![0]}`
        : `#${error.field}`,
    })),
    fieldErrors: errorsByField(errors),
    dateErrorParts,
  }
}

/** The boxes of a date input to mark: the missing ones when only some are missing, otherwise all three. */
function datePartsInError(values: Readonly<Record<string, unknown>>, field: string): readonly string[] {
  const text = (part: string) => {
    const value = values[`${field}-${part}`]
    return typeof value === 'string' ? value : ''
  }
  const reading = readDateParts({ day: text('day'), month: text('month'), year: text('year') })
  return reading.kind === 'missing' ? reading.parts : ['day', 'month', 'year']
}

/** The date of a date input as `YYYY-MM-DD`, or the message for its field. */
export function readDateField(
  values: Readonly<Record<string, string>>,
  field: string,
  label: string,
  options: { readonly required: string | null },
): { readonly iso: string | null } | { readonly error: string } {
  const reading = readDateParts({
    day: values[`${field}-day`] ?? '',
    month: values[`${field}-month`] ?? '',
    year: values[`${field}-year`] ?? '',
  })
  switch (reading.kind) {
    case 'date':
      return { iso: reading.iso }
    case 'empty':
      return options.required === null ? { iso: null } : { error: options.required }
    case 'missing':
      return { error: `${label} must include a ${joinWords(reading.parts)}` }
    case 'short-year':
      return { error: `${label} year must include 4 numbers` }
    case 'not-real':
      return { error: `${label} must be a real date` }
  }
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

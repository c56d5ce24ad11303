import type { FastifyInstance, FastifyReply } from 'fastify'
import { signedInPolicy } from '../../platform/http/access-control.ts'
import { parseForm, withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { uploadedFilesIn } from '../../platform/http/multipart.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formProblems, recordForView } from './cohort-pages.ts'
import { maximumEvidenceFiles } from './evidence-file.ts'
import { sendEvidence } from './evidence-http.ts'
import { maximumCredits, moduleKindLabels, priorLearningKinds } from './learner-record.ts'
import { claimForm, ownEvidenceParams, type ClaimFormInput } from './learning-schemas.ts'
import { isPriorLearningKind, type ClaimInput, type LearningService } from './learning-service.ts'

/** A learner's own pages: their record, and claiming prior learning with evidence. Anyone signed in has a record. */
export function registerLearnerPages(
  app: FastifyInstance,
  deps: { readonly learning: LearningService },
): void {
  const { learning } = deps
  const signedIn = { config: { policy: signedInPolicy } }

  app.get('/learning', signedIn, async (request, reply) => {
    const principal = request.principal!
    const [view, universities] = await Promise.all([
      learning.findRecord(principal.userId),
      learning.listClaimUniversities(principal.userId),
    ])
    if (view === null) throw new NotFoundError('Your account is closed.')
    const query = request.query as Record<string, unknown>
    return reply.view('learning/views/my-record.njk', {
      pageTitle: 'Your learning record',
      record: recordForView(
        view,
        (claimId, fileId) => `/learning/prior-learning/${claimId}/evidence/${fileId}`,
        learning.today(),
      ),
      mayClaim: universities.length > 0,
      notice:
        query.claimed === '1' ? 'Claim sent. The programme lead at your university will decide it.' : null,
    })
  })

  const showClaimForm = async (
    reply: FastifyReply,
    userId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const universities = await learning.listClaimUniversities(userId)
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('learning/views/claim.njk', {
      pageTitle: 'Claim prior learning',
      universities,
      universityItems: universities.map((university) => ({
        value: university.id,
        text: university.name,
        checked: values.university === university.id || universities.length === 1,
      })),
      countsAsItems: priorLearningKinds.map((kind) => ({
        value: kind,
        text: moduleKindLabels[kind],
        checked: values.countsAs === kind,
      })),
      maximumEvidenceFiles,
      maximumCredits,
      values,
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/learning/prior-learning/new', signedIn, async (request, reply) =>
    showClaimForm(reply, request.principal!.userId),
  )

  // A multipart form (it carries files); its `_csrf` field is checked like any form's (platform/http/multipart.ts).
  app.post('/learning/prior-learning', signedIn, async (request, reply) => {
    const userId = request.principal!.userId
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const form = parseForm(claimForm, request.body)
    const claim = form.ok ? readClaim(form.data) : form
    const files = uploadedFilesIn(request.body, 'evidence').map((part) => ({
      fileName: part.fileName,
      content: part.content,
      truncated: part.truncated,
    }))
    if (!claim.ok) {
      // Files are not kept between attempts: say so beside the field, so that the person chooses them again.
      const errors = [...claim.errors]
      if (files.length > 0 && !errors.some((error) => error.field === 'evidence'))
        errors.push({ field: 'evidence', message: 'Choose your files of evidence again' })
      return showClaimForm(reply, userId, { errors, values })
    }
    const result = await learning.claimPriorLearning(userId, claim.value, files, requestContextOf(request))
    if (!result.ok) return showClaimForm(reply, userId, { errors: result.errors, values })
    return reply.redirect('/learning?claimed=1', 303)
  })

  app.get('/learning/prior-learning/:claimId/evidence/:fileId', signedIn, async (request, reply) => {
    const { claimId, fileId } = parseParameters(ownEvidenceParams, request.params, 'path')
    // Another person's file, or none: the same answer, so that it says nothing about other people's claims.
    const file = await learning.findOwnEvidence(request.principal!.userId, claimId, fileId)
    if (file === null) throw new NotFoundError('There is no such file among your claims.')
    return sendEvidence(reply, file)
  })
}

/** The claim form's fields, each problem phrased for its field; the university and files the service checks. */
function readClaim(
  form: ClaimFormInput,
): { readonly ok: true; readonly value: ClaimInput } | { readonly ok: false; readonly errors: FieldError[] } {
  const errors: FieldError[] = []
  const description = form.description.trim()
  const credits = form.creditsSought.trim()
  if (form.university.trim() === '') errors.push({ field: 'university', message: 'Select the university' })
  if (description === '')
    errors.push({ field: 'description', message: 'Describe the learning you are claiming' })
  if (credits === '') errors.push({ field: 'creditsSought', message: 'Enter the credits you are claiming' })
  else if (!/^\d{1,4}$/.test(credits) || Number(credits) < 1 || Number(credits) > maximumCredits)
    errors.push({
      field: 'creditsSought',
      message: `Credits claimed must be a whole number from 1 to ${maximumCredits}`,
    })
  if (!isPriorLearningKind(form.countsAs))
    errors.push({ field: 'countsAs', message: 'Select what the learning counts as' })
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      universityId: form.university.trim(),
      description,
      creditsSought: Number(credits),
      countsAs: form.countsAs as ClaimInput['countsAs'],
    },
  }
}

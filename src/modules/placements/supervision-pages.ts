import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { signedInPolicy, type Principal, type RoleName } from '../../platform/http/access-control.ts'
import { parseForm, withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { uploadedFilesIn } from '../../platform/http/multipart.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formatDate } from '../../platform/views/view-filters.ts'
import { formProblems, maximumEvidenceFiles, readDateField, sendEvidence } from '../learning/index.ts'
import { describeActivity, placementActivities } from './placement-activities.ts'
import {
  placementStatusLabels,
  reviewerRoleLabels,
  reviewerRoles,
  type PlacementRelation,
} from './placement-supervision.ts'
import type { SupervisedPlacement } from './supervision-repository.ts'
import {
  commentForm,
  evidenceParams,
  logbookEntryForm,
  placementParams,
  placementQuery,
  signOffForm,
  supervisionForm,
} from './supervision-schemas.ts'
import { SupervisionRefusedError, type SupervisionService } from './supervision-service.ts'

const notices: Readonly<Record<string, string>> = {
  supervision: 'Supervision set up.',
  entry: 'Logbook entry added.',
  comment: 'Comment added.',
  'signed-off':
    'Signed off. The placement is complete when both mentor and academic supervisor have signed off.',
  completed:
    "Signed off by both. The placement is complete and its module result is in the learner's record.",
}

const relationLabels: Readonly<Record<PlacementRelation, string>> = {
  learner: 'Learner',
  mentor: 'Mentor',
  'academic-supervisor': 'Academic supervisor',
  'programme-lead': 'Programme lead',
}

const notFound = () => new NotFoundError('There is no such placement, or it is not one of yours.')

/** Hours as people write them: "7.5", "1". */
const formatHours = (hours: number) => (Number.isInteger(hours) ? String(hours) : hours.toFixed(1))

function placementForView(placement: SupervisedPlacement) {
  const { offer } = placement
  return {
    ...placement,
    statusLabel: placementStatusLabels[placement.status],
    siteLabel: `${offer.facility}${offer.city === null ? '' : `, ${offer.city}`} (${offer.organisation.fullName})`,
    moduleLabel:
      placement.module === null
        ? null
        : `${placement.module.code}: ${placement.module.title} (${placement.module.credits} credits)`,
  }
}

/**
 * The supervision pages: a person's placements, a placement (who is who, progress against the checklist, the
 * logbook and its review), and the forms of each part: set-up by the programme lead, entries by the learner,
 * comments and sign-off by mentor and academic supervisor. Anyone signed in may ask; the service answers only
 * people with a part in the placement (404 for anyone else, so that ids say nothing).
 */
/** Where the person's parts in Research Practice Experience are done, by the roles they hold. */
export function placementLinks(principal: Principal): { readonly href: string; readonly text: string }[] {
  const links: { href: string; text: string }[] = []
  const holds = (role: RoleName) => principal.memberships.some((m) => m.roles.includes(role))
  if (holds('learner')) {
    links.push({ href: '/placement-choices', text: 'Your placement choices' })
  }
  const offering = principal.memberships.filter((m) =>
    m.roles.some((role) => role === 'mentor' || role === 'employer-research-lead'),
  )
  for (const { organisationId } of offering) {
    links.push({
      href: `/organisations/${encodeURIComponent(organisationId)}/placement-offers`,
      text:
        offering.length === 1
          ? 'Placement offers at your organisation'
          : `Placement offers at your organisation ${organisationId}`,
    })
  }
  if (offering.length > 0 || holds('framework-admin')) links.push({ href: '/studies', text: 'Studies' })
  if (holds('framework-admin') || holds('programme-lead'))
    links.push({ href: '/placement-rounds', text: 'Match rounds' })
  if (holds('learner') || holds('framework-admin') || holds('programme-lead'))
    links.push({ href: '/placement-clearing', text: 'Places in clearing' })
  return links
}

export function registerSupervisionPages(
  app: FastifyInstance,
  deps: { readonly supervision: SupervisionService },
): void {
  const { supervision } = deps
  const signedIn = { config: { policy: signedInPolicy } }
  const base = (placementId: string) => `/placements/${placementId}`

  app.get('/placements', signedIn, async (request, reply) => {
    const summaries = await supervision.listPlacements(request.principal!)
    return reply.view('placements/views/placements.njk', {
      pageTitle: 'Placements',
      links: placementLinks(request.principal!),
      placements: summaries.map(({ placement, relations }) => ({
        ...placementForView(placement),
        relationLabel: relations.map((relation) => relationLabels[relation]).join(', '),
      })),
    })
  })

  const showPlacement = async (
    request: FastifyRequest,
    reply: FastifyReply,
    placementId: string,
    extra: {
      errors?: readonly FieldError[]
      values?: Record<string, unknown>
      notice?: string | null
      module?: string
    } = {},
  ) => {
    const principal = request.principal!
    const view = await supervision.findPlacement(principal, placementId)
    if (view === null) throw notFound()
    const { placement } = view
    const choices = view.may.setUpSupervision
      ? await supervision.listSupervisionChoices(principal, placementId)
      : null
    // The set-up form starts from what is set, or from the catalogue module chosen to fill it.
    const chosen = choices?.modules.find((module) => module.id === extra.module) ?? null
    const values: Record<string, unknown> = extra.values ?? {
      academicSupervisorId: placement.academicSupervisor?.id ?? '',
      code: placement.module?.code ?? '',
      title: chosen?.name ?? placement.module?.title ?? '',
      credits: chosen === null ? String(placement.module?.credits ?? '') : String(chosen.credits ?? ''),
    }
    const entryLabel = (entry: { entryDate: string; activity: string }) =>
      `${formatDate(entry.entryDate)}: ${describeActivity(entry.activity)}`
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/placement.njk', {
      pageTitle: `Placement: ${placement.offer.studyTitle}`,
      placement: placementForView(placement),
      relationLabel: view.relations.map((relation) => relationLabels[relation]).join(', '),
      notice: extra.notice ?? null,
      may: view.may,
      progress: {
        ...view.progress,
        rows: view.progress.activities.map((row) => [
          { text: row.label },
          { text: String(row.entries), classes: 'nhsuk-table__cell--numeric' },
          { text: formatHours(row.hours), classes: 'nhsuk-table__cell--numeric' },
        ]),
        totalHoursText: formatHours(view.progress.totalHours),
      },
      entries: view.entries.map((entry) => ({
        ...entry,
        label: entryLabel(entry),
        activityLabel: describeActivity(entry.activity),
        hoursText: formatHours(entry.hours),
        evidence: entry.evidence.map((file) => ({
          ...file,
          href: `${base(placementId)}/evidence/${file.id}`,
        })),
        comments: view.comments
          .filter((comment) => comment.entryId === entry.id)
          .map((comment) => ({ ...comment, roleLabel: reviewerRoleLabels[comment.authorRole] })),
      })),
      placementComments: view.comments
        .filter((comment) => comment.entryId === null)
        .map((comment) => ({ ...comment, roleLabel: reviewerRoleLabels[comment.authorRole] })),
      signOffs: reviewerRoles.map((role) => {
        const signOff = view.signOffs.find((candidate) => candidate.role === role) ?? null
        return { role, label: reviewerRoleLabels[role], signOff }
      }),
      signOffForms: view.may.signOff.map((role) => ({
        role,
        label: reviewerRoleLabels[role],
        blocked: view.signOffBlocked[role] ?? null,
      })),
      // The set-up form.
      supervisorItems: [
        {
          value: '',
          text: 'Choose the academic supervisor',
          selected: (values.academicSupervisorId ?? '') === '',
        },
        ...(choices?.supervisors ?? []).map((person) => ({
          value: person.id,
          text: person.fullName,
          selected: values.academicSupervisorId === person.id,
        })),
      ],
      hasSupervisors: (choices?.supervisors.length ?? 0) > 0,
      moduleItems: [
        { value: '', text: 'Choose a module from the catalogue', selected: chosen === null },
        ...(choices?.modules ?? []).map((module) => ({
          value: module.id,
          text: module.credits === null ? module.name : `${module.name} (${module.credits} credits)`,
          selected: chosen?.id === module.id,
        })),
      ],
      hasCatalogueModules: (choices?.modules.length ?? 0) > 0,
      chosenModule: chosen,
      // The comment form.
      aboutItems: [
        { value: '', text: 'The placement as a whole', selected: (values.entryId ?? '') === '' },
        ...view.entries.map((entry) => ({
          value: entry.id,
          text: entryLabel(entry),
          selected: values.entryId === entry.id,
        })),
      ],
      values,
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/placements/:placementId', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    const query = parseParameters(placementQuery, request.query, 'query')
    return showPlacement(request, reply, placementId, {
      notice: query.done === undefined ? null : notices[query.done],
      ...(query.module === undefined ? {} : { module: query.module }),
    })
  })

  app.post('/placements/:placementId/supervision', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const form = parseForm(supervisionForm, request.body)
    if (!form.ok) return showPlacement(request, reply, placementId, { errors: form.errors, values })
    const result = await supervision.setUpSupervision(
      request.principal!,
      placementId,
      form.data,
      requestContextOf(request),
    )
    if (result === null) throw notFound()
    if (!result.ok) return showPlacement(request, reply, placementId, { errors: result.errors, values })
    return reply.redirect(`${base(placementId)}?done=supervision`, 303)
  })

  app.post('/placements/:placementId/comments', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const form = parseForm(commentForm, request.body)
    if (!form.ok) return showPlacement(request, reply, placementId, { errors: form.errors, values })
    const entryId = form.data.entryId.trim()
    const result = await supervision.addComment(
      request.principal!,
      placementId,
      { entryId: entryId === '' ? null : entryId, body: form.data.body },
      requestContextOf(request),
    )
    if (result === null) throw notFound()
    if (!result.ok) return showPlacement(request, reply, placementId, { errors: result.errors, values })
    return reply.redirect(`${base(placementId)}?done=comment#comments`, 303)
  })

  app.post('/placements/:placementId/sign-off', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const form = parseForm(signOffForm, request.body)
    if (!form.ok) return showPlacement(request, reply, placementId, { errors: form.errors, values })
    const result = await supervision.signOff(
      request.principal!,
      placementId,
      form.data,
      requestContextOf(request),
    )
    if (result === null) throw notFound()
    if (!result.ok) return showPlacement(request, reply, placementId, { errors: result.errors, values })
    return reply.redirect(
      `${base(placementId)}?done=${result.value.completed ? 'completed' : 'signed-off'}`,
      303,
    )
  })

  // The logbook ----------------------------------------------------------------------------------------------

  const showEntryForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    placementId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const view = await supervision.findPlacement(request.principal!, placementId)
    if (view === null) throw notFound()
    if (!view.relations.includes('learner'))
      throw new SupervisionRefusedError('Only the learner on a placement keeps its logbook.')
    // A placement signed off or withdrawn has a closed logbook: its page says where it stands.
    if (!view.may.addEntry) return reply.redirect(base(placementId), 303)
    const values = extra.values ?? {}
    return reply
      .code((extra.errors?.length ?? 0) > 0 ? 400 : 200)
      .view('placements/views/placement-entry-new.njk', {
        pageTitle: 'Add a logbook entry',
        placement: placementForView(view.placement),
        acceptedOn: view.acceptedOn,
        activityItems: placementActivities
          .filter((activity) => view.placement.offer.activities.includes(activity.id))
          .map((activity) => ({
            value: activity.id,
            text: activity.label,
            hint: { text: activity.description },
            checked: values.activity === activity.id,
          })),
        maximumEvidenceFiles,
        values,
        ...formProblems(extra.errors ?? [], values, ['entryDate']),
      })
  }

  app.get('/placements/:placementId/logbook/new', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    return showEntryForm(request, reply, placementId)
  })

  // A multipart form (it carries files); its `_csrf` field is checked like any form's (platform/http/multipart.ts).
  app.post('/placements/:placementId/logbook', signedIn, async (request, reply) => {
    const { placementId } = parseParameters(placementParams, request.params, 'path')
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const files = uploadedFilesIn(request.body, 'evidence').map((part) => ({
      fileName: part.fileName,
      content: part.content,
      truncated: part.truncated,
    }))
    const form = parseForm(logbookEntryForm, request.body)
    if (!form.ok) return showEntryForm(request, reply, placementId, { errors: form.errors, values })
    const textValues = Object.fromEntries(
      Object.entries(values).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
    )
    const date = readDateField(textValues, 'entryDate', 'Date', {
      required: 'Enter the date of the activity',
    })
    const result = await supervision.addLogbookEntry(
      request.principal!,
      placementId,
      { ...form.data, entryDate: 'iso' in date ? date.iso : null },
      files,
      requestContextOf(request),
    )
    if (result === null) throw notFound()
    if (!result.ok || 'error' in date) {
      // A date that could not be read is the only problem shown for its field.
      const dateErrors = 'error' in date ? [{ field: 'entryDate', message: date.error }] : []
      const errors = [
        ...dateErrors,
        ...(result.ok
          ? []
          : result.errors.filter((error) => !dateErrors.some((e) => e.field === error.field))),
      ]
      // Files are not kept between attempts: say so beside the field, so that the person chooses them again.
      if (files.length > 0 && !errors.some((error) => error.field === 'evidence'))
        errors.push({ field: 'evidence', message: 'Choose your files of evidence again' })
      return showEntryForm(request, reply, placementId, { errors: orderEntryErrors(errors), values })
    }
    return reply.redirect(`${base(placementId)}?done=entry#logbook`, 303)
  })

  app.get('/placements/:placementId/evidence/:fileId', signedIn, async (request, reply) => {
    const { placementId, fileId } = parseParameters(evidenceParams, request.params, 'path')
    // Someone with no part in the placement, or no such file: the same answer.
    const file = await supervision.findEvidence(request.principal!, placementId, fileId)
    if (file === null)
      throw new NotFoundError('There is no such file in the logbook of one of your placements.')
    return sendEvidence(reply, file)
  })
}

const entryFieldOrder = ['entryDate', 'hours', 'activity', 'reflection', 'evidence']

function orderEntryErrors(errors: readonly FieldError[]): FieldError[] {
  const position = (field: string) => {
    const index = entryFieldOrder.indexOf(field)
    return index === -1 ? entryFieldOrder.length : index
  }
  return [...errors].sort((a, b) => position(a.field) - position(b.field))
}

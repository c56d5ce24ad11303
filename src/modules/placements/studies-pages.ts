import type { FastifyInstance, FastifyReply } from 'fastify'
import { holdsRole, type Principal, type RoutePolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, type FieldError } from '../../platform/http/forms.ts'
import { uploadedFilesIn } from '../../platform/http/multipart.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import {
  siteMatchForm,
  siteParams,
  studiesQuery,
  studyEntryForm,
  studyParams,
  studyQuery,
} from './studies-schemas.ts'
import type { StudiesService } from './studies-service.ts'
import {
  describePhases,
  describeStatus,
  describeStudyDate,
  phaseLabels,
  studySourceLabels,
  type Study,
  type StudySite,
} from './study.ts'
import { statusChoices } from './study-entry.ts'
import { formatStudyFileProblem, type StudyFileProblem } from './study-registry-file.ts'

/**
 * Seeing the studies Trellis holds: the people who host and supervise Research Practice Experience on them —
 * NHS organisations' employer research leads and mentors — and framework admins.
 */
export const studyReaderPolicy: RoutePolicy = {
  access: 'role',
  roles: ['employer-research-lead', 'mentor', 'framework-admin'],
}

/**
 * Importing studies and matching their sites to NHS organisations: employer research leads, who host studies
 * (ARCHITECTURE.md, "Who uses it"), and framework admins. A study runs at many organisations, so this is not
 * tied to one.
 */
export const studyManagerPolicy: RoutePolicy = {
  access: 'role',
  roles: ['employer-research-lead', 'framework-admin'],
}

/** At most this many files an upload; within the app's multipart limit (app.ts: registerMultipartForms). */
export const maximumStudyFiles = 5

const mayManage = (principal: Principal) =>
  holdsRole(principal, 'employer-research-lead') || holdsRole(principal, 'framework-admin')

/** The studies pages: the list with the sites still to match, a study, uploading registry files, matching a site. */
export function registerStudiesPages(app: FastifyInstance, deps: { readonly studies: StudiesService }): void {
  const { studies } = deps
  const readerRoute = { config: { policy: studyReaderPolicy } }
  const managerRoute = { config: { policy: studyManagerPolicy } }

  app.get('/studies', readerRoute, async (request, reply) => {
    const query = parseParameters(studiesQuery, request.query, 'query')
    const [list, unmatched] = await Promise.all([studies.listStudies(), studies.listUnmatchedSites()])
    const imported = query.imported === undefined ? null : Number(query.imported)
    return reply.view('placements/views/studies.njk', {
      pageTitle: 'Studies',
      notice:
        imported === null
          ? null
          : `${imported} ${imported === 1 ? 'study' : 'studies'} imported.` +
            (unmatched.length > 0 ? ' Match the UK sites below that are not matched yet.' : ''),
      mayManage: mayManage(request.principal!),
      studies: list.map((study) => ({
        ...study,
        statusLabel: describeStatus(study.overallStatus),
        phaseLabel: describePhases(study.phases),
      })),
      unmatched,
    })
  })

  // Uploading ---------------------------------------------------------------------------------------------------

  const showUploadForm = (
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; problems?: readonly StudyFileProblem[] } = {},
  ) => {
    const problems = (extra.problems ?? []).map(formatStudyFileProblem)
    const errors: FieldError[] = [...(extra.errors ?? [])]
    if (problems.length > 0) {
      const shown = problems.slice(0, 10)
      errors.push(
        ...shown.map((problem) => ({ field: 'studyFiles', message: problem })),
        ...(problems.length > shown.length
          ? [
              {
                field: 'studyFiles',
                message: `And ${problems.length - shown.length} more problems, listed below`,
              },
            ]
          : []),
      )
    }
    const fieldMessage =
      problems.length > 0
        ? `The files have ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}. Nothing was imported: correct the files and upload them again`
        : errorsByField(errors).studyFiles
    return reply.code(errors.length > 0 ? 400 : 200).view('placements/views/studies-upload.njk', {
      pageTitle: 'Upload study records',
      maximumStudyFiles,
      problems,
      errors: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: { studyFiles: fieldMessage },
    })
  }

  app.get('/studies/upload', managerRoute, async (_request, reply) => showUploadForm(reply))

  app.post('/studies/upload', managerRoute, async (request, reply) => {
    const parts = uploadedFilesIn(request.body, 'studyFiles')
    if (parts.length === 0)
      return showUploadForm(reply, {
        errors: [{ field: 'studyFiles', message: 'Choose one or more ClinicalTrials.gov JSON files' }],
      })
    if (parts.length > maximumStudyFiles)
      return showUploadForm(reply, {
        errors: [{ field: 'studyFiles', message: `Choose at most ${maximumStudyFiles} files at a time` }],
      })
    const problems: StudyFileProblem[] = []
    const files = parts.flatMap((part) => {
      const fileName = cleanFileName(part.fileName)
      if (part.truncated) {
        problems.push({ file: fileName, path: '', reason: 'must be smaller than 5 MB' })
        return []
      }
      try {
        return [{ fileName, text: new TextDecoder('utf-8', { fatal: true }).decode(part.content) }]
      } catch {
        problems.push({ file: fileName, path: '', reason: 'is not a JSON file (it is not UTF-8 text)' })
        return []
      }
    })
    if (problems.length > 0) return showUploadForm(reply, { problems })
    const result = await studies.importFiles(
      files,
      { userId: request.principal!.userId },
      requestContextOf(request),
    )
    if (!result.ok) return showUploadForm(reply, { problems: result.problems })
    return reply.redirect(`/studies?imported=${result.studies.length}`, 303)
  })

  // Entering a study by hand -------------------------------------------------------------------------------------

  const showEntryForm = (
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; values?: Readonly<Record<string, unknown>> } = {},
  ) => {
    const values = extra.values ?? {}
    const errors = extra.errors ?? []
    const ticked = ([] as unknown[]).concat(values.phases ?? [])
    const dateHref = (field: string) => {
      const month = values[`${field}-month`]
      return typeof month === 'string' && month.trim() !== '' ? `#${field}-year` : `#${field}-month`
    }
    return reply.code(errors.length > 0 ? 400 : 200).view('placements/views/study-entry.njk', {
      pageTitle: 'Enter a study',
      values,
      statusItems: [
        { value: '', text: 'Choose the status', selected: !values.overallStatus },
        ...statusChoices().map((choice) => ({ ...choice, selected: values.overallStatus === choice.value })),
      ],
      phaseItems: Object.entries(phaseLabels).map(([value, text]) => ({
        value,
        text,
        checked: ticked.includes(value),
      })),
      errors: errors.map((error) => ({
        text: error.message,
        href:
          error.field === 'startDate' || error.field === 'completionDate'
            ? dateHref(error.field)
            : error.field === 'phases'
              ? '#phases'
              : `#${error.field}`,
      })),
      fieldErrors: errorsByField(errors),
    })
  }

  app.get('/studies/new', managerRoute, async (_request, reply) => showEntryForm(reply))

  app.post('/studies/new', managerRoute, async (request, reply) => {
    const form = parseForm(studyEntryForm, request.body)
    if (!form.ok) return showEntryForm(reply, { errors: form.errors, values: form.values })
    const result = await studies.enterStudy(
      { userId: request.principal!.userId },
      form.data,
      requestContextOf(request),
    )
    if (!result.ok) return showEntryForm(reply, { errors: result.errors, values: form.data })
    return reply.redirect(`/studies/${result.id}?entered=1`, 303)
  })

  // A study -----------------------------------------------------------------------------------------------------

  app.get('/studies/:studyId', readerRoute, async (request, reply) => {
    const { studyId } = parseParameters(studyParams, request.params, 'path')
    const query = parseParameters(studyQuery, request.query, 'query')
    const found = await studies.findStudy(studyId)
    if (found === null) throw new NotFoundError('There is no such study in Trellis.')
    const matched = query.matched === undefined ? null : Number(query.matched)
    const entered = query.entered === '1'
    return reply.view('placements/views/study.njk', {
      pageTitle: found.study.briefTitle,
      ...studyForView(found.study, found.sites),
      mayManage: mayManage(request.principal!),
      notice: entered
        ? 'Study entered.'
        : matched === null
          ? null
          : `Site matched. ${matched} ${matched === 1 ? 'site has' : 'sites have'} that name; later imports will match it too.`,
    })
  })

  // Matching a site by hand ---------------------------------------------------------------------------------------

  const loadSite = async (studyId: string, siteId: string) => {
    const found = await studies.findSite(studyId, siteId)
    if (found === null) throw new NotFoundError('There is no such site of this study.')
    return found
  }

  const showMatchForm = async (
    reply: FastifyReply,
    found: { study: Study; site: StudySite },
    errors: readonly FieldError[] = [],
    selected = found.site.organisation?.id ?? '',
  ) => {
    const choices = await studies.listOrganisationChoices()
    return reply.code(errors.length > 0 ? 400 : 200).view('placements/views/study-site-match.njk', {
      pageTitle: `Match ${found.site.facility} to an NHS organisation`,
      study: found.study,
      site: found.site,
      organisationItems: [
        { value: '', text: 'Choose an NHS organisation', selected: selected === '' },
        ...choices.map((choice) => ({
          value: choice.id,
          text: `${choice.name} (${choice.id})`,
          selected: choice.id === selected,
        })),
      ],
      errors: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: errorsByField(errors),
    })
  }

  app.get('/studies/:studyId/sites/:siteId/match', managerRoute, async (request, reply) => {
    const { studyId, siteId } = parseParameters(siteParams, request.params, 'path')
    return showMatchForm(reply, await loadSite(studyId, siteId))
  })

  app.post('/studies/:studyId/sites/:siteId/match', managerRoute, async (request, reply) => {
    const { studyId, siteId } = parseParameters(siteParams, request.params, 'path')
    const form = parseForm(siteMatchForm, request.body)
    const organisationId = form.ok ? form.data.organisationId : ''
    const result = await studies.matchSiteByHand(
      { userId: request.principal!.userId },
      studyId,
      siteId,
      organisationId,
      requestContextOf(request),
    )
    if (result === null) throw new NotFoundError('There is no such site of this study.')
    if (!result.ok)
      return showMatchForm(reply, await loadSite(studyId, siteId), result.errors, organisationId)
    return reply.redirect(`/studies/${studyId}?matched=${result.matchedSites}`, 303)
  })
}

/** A study and its sites, with labels, for the study page. */
function studyForView(study: Study, sites: readonly StudySite[]) {
  return {
    study: {
      ...study,
      statusLabel: describeStatus(study.overallStatus),
      phaseLabel: describePhases(study.phases),
      sourceLabel: studySourceLabels[study.source],
      startLabel: describeStudyDate(study.startDate),
      primaryCompletionLabel: describeStudyDate(study.primaryCompletionDate),
      completionLabel: describeStudyDate(study.completionDate),
    },
    sites: sites.map((site) => ({
      ...site,
      statusLabel: site.recruitmentStatus === null ? 'Not given' : describeStatus(site.recruitmentStatus),
    })),
    matchedCount: sites.filter((site) => site.organisation !== null).length,
  }
}

/** A file's name as shown back in messages: no folders or control characters, at most 200 characters. */
function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex -- the point is to remove control characters
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return (cleaned === '' ? 'file' : cleaned).slice(0, 200)
}

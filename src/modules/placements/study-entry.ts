import { overallStatusLabels, phaseLabels, ukCountry, type StudyDate, type StudyRecord } from './study.ts'

/**
 * A study entered by hand: one that is not on ClinicalTrials.gov (an ISRCTN-only UK study, say), or not yet.
 * The form's text is read into the same record an import gives, so that its sites are matched the same way.
 */

/** The form as posted: text, with the phases ticked. */
export interface StudyEntryFields {
  readonly briefTitle: string
  readonly officialTitle: string
  readonly nctId: string
  readonly isrctn: string
  readonly irasId: string
  readonly overallStatus: string
  readonly phases: readonly string[]
  readonly conditions: string
  readonly leadSponsor: string
  readonly 'startDate-month': string
  readonly 'startDate-year': string
  readonly 'completionDate-month': string
  readonly 'completionDate-year': string
  readonly sites: string
}

export interface EntryProblem {
  readonly field: string
  readonly message: string
}

export type StudyEntry =
  | { readonly ok: true; readonly record: StudyRecord }
  | { readonly ok: false; readonly errors: readonly EntryProblem[] }

/** The statuses a person can choose, in the order people think of them. */
export const enterableStatuses = [
  'NOT_YET_RECRUITING',
  'RECRUITING',
  'ENROLLING_BY_INVITATION',
  'ACTIVE_NOT_RECRUITING',
  'SUSPENDED',
  'COMPLETED',
  'TERMINATED',
  'WITHDRAWN',
] as const

const maximumSites = 200

/** Reads the form; every problem is one message at its field, in the form's order. */
export function readStudyEntry(fields: StudyEntryFields): StudyEntry {
  const errors: EntryProblem[] = []
  const problem = (field: string, message: string) => {
    errors.push({ field, message })
    return null
  }
  const optional = (field: keyof StudyEntryFields, max: number, label: string) => {
    const value = String(fields[field]).trim()
    if (value === '') return null
    return value.length > max ? problem(field, `${label} must be ${max} characters or fewer`) : value
  }

  const briefTitle = String(fields.briefTitle).trim()
  if (briefTitle === '') problem('briefTitle', 'Enter the title of the study')
  else if (briefTitle.length > 500) problem('briefTitle', 'The title must be 500 characters or fewer')
  const officialTitle = optional('officialTitle', 1000, 'The official title')

  const nctId = fields.nctId.trim().toUpperCase().replace(/\s+/g, '')
  if (nctId !== '' && !/^NCT\d{8}$/.test(nctId))
    problem('nctId', 'Enter the NCT number as NCT and 8 digits, like NCT02513394')
  const isrctn = fields.isrctn.trim().toUpperCase().replace(/\s+/g, '')
  const isrctnDigits = /^(?:ISRCTN)?(\d{8})$/.exec(isrctn)?.[1]
  if (isrctn !== '' && isrctnDigits === undefined)
    problem('isrctn', 'Enter the ISRCTN as ISRCTN and 8 digits, like ISRCTN17072692')
  const irasId = fields.irasId.trim()
  if (irasId !== '' && !/^\d{4,7}$/.test(irasId))
    problem('irasId', 'Enter the IRAS ID as its 4 to 7 digits, like 281904')

  const overallStatus = fields.overallStatus
  if (!(enterableStatuses as readonly string[]).includes(overallStatus))
    problem('overallStatus', 'Select the status of the study')
  const phases = fields.phases.filter((phase) => phase in phaseLabels)
  if (phases.length !== fields.phases.length) problem('phases', 'Select phases from the list')

  const conditions = fields.conditions
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  if (conditions.some((condition) => condition.length > 500))
    problem('conditions', 'Each condition must be 500 characters or fewer')
  const leadSponsor = optional('leadSponsor', 500, 'The sponsor')

  const startDate = readMonth(fields, 'startDate', 'start', problem)
  const completionDate = readMonth(fields, 'completionDate', 'completion', problem)
  if (startDate !== null && completionDate !== null && completionDate.date < startDate.date)
    problem('completionDate', 'The completion date must be the same as or after the start date')

  const siteLines = fields.sites
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  if (siteLines.length > maximumSites) problem('sites', `Enter at most ${maximumSites} sites`)
  const sites = siteLines.map((line) => {
    // "Facility, City": the last part after a comma is the city when there is more than one part.
    const parts = line.split(',').map((part) => part.trim())
    const city = parts.length > 1 ? parts.pop()! : null
    return { facility: parts.join(', '), city }
  })
  if (
    sites.some((site) => site.facility === '' || site.facility.length > 500 || (site.city?.length ?? 0) > 200)
  )
    problem('sites', 'Enter each site on a line of its own, as the site’s name, a comma and its town or city')

  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    record: {
      identifiers: {
        nctId: nctId === '' ? null : nctId,
        isrctn: isrctnDigits === undefined ? null : `ISRCTN${isrctnDigits}`,
        irasId: irasId === '' ? null : irasId,
        orgStudyId: null,
      },
      briefTitle,
      officialTitle,
      acronym: null,
      overallStatus,
      phases,
      conditions,
      leadSponsor,
      startDate,
      primaryCompletionDate: null,
      completionDate,
      locations: sites.map((site) => ({
        facility: site.facility,
        city: site.city,
        postcode: null,
        country: ukCountry,
        status: null,
      })),
    },
  }
}

/** A month and year (`YYYY-MM`), or null when both are empty. */
function readMonth(
  fields: StudyEntryFields,
  field: 'startDate' | 'completionDate',
  label: string,
  problem: (field: string, message: string) => null,
): StudyDate | null {
  const month = fields[`${field}-month`].trim()
  const year = fields[`${field}-year`].trim()
  if (month === '' && year === '') return null
  if (month === '' || year === '') return problem(field, `Enter the ${label} date's month and year`)
  const monthNumber = Number(month)
  if (!/^\d{1,2}$/.test(month) || monthNumber < 1 || monthNumber > 12)
    return problem(field, `The ${label} date's month must be a number from 1 to 12`)
  if (!/^\d{4}$/.test(year) || Number(year) < 1950 || Number(year) > 2100)
    return problem(field, `The ${label} date's year must be 4 digits, like 2026`)
  return { date: `${year}-${String(monthNumber).padStart(2, '0')}`, type: null }
}

/** Status choices for the form. */
export function statusChoices(): { value: string; text: string }[] {
  return enterableStatuses.map((status) => ({ value: status, text: overallStatusLabels[status]! }))
}

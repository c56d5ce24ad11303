import {
  dateTypes,
  overallStatusLabels,
  phaseLabels,
  type DateType,
  type StudyDate,
  type StudyIdentifiers,
  type StudyLocation,
  type StudyRecord,
} from './study.ts'

/**
 * Study records from ClinicalTrials.gov's API v2 JSON: one study (`{"protocolSection": …}`, what
 * `/api/v2/studies/NCT…` answers) or a page of a search (`{"studies": […]}`). Only the fields Trellis keeps are
 * read; each wrong one is a problem naming the file and the JSON path, and a file with any problem gives no study.
 */

export interface StudyFileProblem {
  readonly file: string
  /** The JSON path of the wrong value (`studies[3].protocolSection.identificationModule.nctId`); '' for the file. */
  readonly path: string
  readonly reason: string
}

/** `NCT123.json: studies[3].protocolSection.identificationModule.nctId: missing` */
export function formatStudyFileProblem(problem: StudyFileProblem): string {
  return problem.path === ''
    ? `${problem.file}: ${problem.reason}`
    : `${problem.file}: ${problem.path}: ${problem.reason}`
}

export interface ParsedStudy {
  readonly file: string
  /** Where the study is in its file: '' for a file of one study, `studies[2]` in a page of a search. */
  readonly path: string
  readonly record: StudyRecord
}

export interface StudyFileReading {
  readonly studies: readonly ParsedStudy[]
  readonly problems: readonly StudyFileProblem[]
}

const nctIdPattern = /^NCT\d{8}$/
const datePattern = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/
const statusPattern = /^[A-Z_]{2,40}$/

type Json = Record<string, unknown>

/** Reads one file's text. */
export function readClinicalTrialsJson(file: string, text: string): StudyFileReading {
  let document: unknown
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    return {
      studies: [],
      problems: [{ file, path: '', reason: `is not valid JSON (${(error as Error).message})` }],
    }
  }
  const problems: StudyFileProblem[] = []
  const studies: ParsedStudy[] = []
  const reader = new FieldReader(file, problems)
  if (isObject(document) && 'protocolSection' in document) {
    const record = reader.study(document, '')
    if (record !== null) studies.push({ file, path: '', record })
  } else if (isObject(document) && 'studies' in document) {
    const list = document.studies
    if (!Array.isArray(list)) {
      problems.push({ file, path: 'studies', reason: 'must be a list of studies' })
    } else if (list.length === 0) {
      problems.push({ file, path: 'studies', reason: 'holds no studies' })
    } else {
      list.forEach((entry, index) => {
        const path = `studies[${index}]`
        if (!isObject(entry)) {
          problems.push({ file, path, reason: 'must be a study (an object with a protocolSection)' })
          return
        }
        const record = reader.study(entry, path)
        if (record !== null) studies.push({ file, path, record })
      })
    }
  } else {
    problems.push({
      file,
      path: '',
      reason:
        'is not a ClinicalTrials.gov API v2 study ({"protocolSection": …}) or page of studies ({"studies": […]})',
    })
  }
  return problems.length > 0 ? { studies: [], problems } : { studies, problems }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Reads values at paths, noting a problem for each that is there but wrong, or missing but required. */
class FieldReader {
  constructor(
    private readonly file: string,
    private readonly problems: StudyFileProblem[],
  ) {}

  private problem(path: string, reason: string): null {
    this.problems.push({ file: this.file, path, reason })
    return null
  }

  /** An object at `key`, or null (a problem when it is there but not an object, or required and missing). */
  object(parent: Json | null, path: string, key: string, required = false): Json | null {
    if (parent === null) return null
    const value = parent[key]
    if (value === undefined || value === null)
      return required ? this.problem(join(path, key), 'missing') : null
    if (!isObject(value)) return this.problem(join(path, key), 'must be an object')
    return value
  }

  /** Text at `key`, trimmed; null when absent (a problem when required), and a problem when it is not text. */
  text(parent: Json | null, path: string, key: string, options: { required?: boolean; max?: number } = {}) {
    if (parent === null) return null
    const value = parent[key]
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
      return options.required === true ? this.problem(join(path, key), 'missing') : null
    if (typeof value !== 'string') return this.problem(join(path, key), 'must be text')
    const trimmed = value.trim()
    const max = options.max ?? 500
    if (trimmed.length > max)
      return this.problem(join(path, key), `is ${trimmed.length} characters long; at most ${max} are kept`)
    return trimmed
  }

  /** A list of text at `key`; empty when absent. */
  textList(parent: Json | null, path: string, key: string, max = 500): string[] {
    if (parent === null) return []
    const value = parent[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      this.problem(join(path, key), 'must be a list')
      return []
    }
    const items: string[] = []
    value.forEach((item, index) => {
      const itemPath = `${join(path, key)}[${index}]`
      if (typeof item !== 'string' || item.trim() === '') {
        this.problem(itemPath, 'must be text')
        return
      }
      if (item.trim().length > max) {
        this.problem(itemPath, `is ${item.trim().length} characters long; at most ${max} are kept`)
        return
      }
      items.push(item.trim())
    })
    return items
  }

  /** `{ "date": "2015-08", "type": "ACTUAL" }` at `key`. */
  date(parent: Json | null, path: string, key: string): StudyDate | null {
    const struct = this.object(parent, path, key)
    if (struct === null) return null
    const structPath = join(path, key)
    const date = this.text(struct, structPath, 'date', { required: true })
    if (date !== null && !datePattern.test(date)) {
      return this.problem(join(structPath, 'date'), `"${date}" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)`)
    }
    const type = this.text(struct, structPath, 'type')
    if (type !== null && !dateTypes.includes(type as DateType)) {
      return this.problem(join(structPath, 'type'), `"${type}" must be ACTUAL or ESTIMATED`)
    }
    return date === null ? null : { date, type: type as DateType | null }
  }

  study(study: Json, path: string): StudyRecord | null {
    const before = this.problems.length
    const protocolPath = join(path, 'protocolSection')
    const protocol = this.object(study, path, 'protocolSection', true)
    const identificationPath = join(protocolPath, 'identificationModule')
    const identification = this.object(protocol, protocolPath, 'identificationModule', true)
    const nctId = this.text(identification, identificationPath, 'nctId', { required: true })
    if (nctId !== null && !nctIdPattern.test(nctId))
      this.problem(join(identificationPath, 'nctId'), `"${nctId}" is not an NCT number (NCT and 8 digits)`)
    const briefTitle = this.text(identification, identificationPath, 'briefTitle', { required: true })
    const officialTitle = this.text(identification, identificationPath, 'officialTitle', { max: 1000 })
    const acronym = this.text(identification, identificationPath, 'acronym', { max: 100 })
    const otherIds = this.otherIds(identification, identificationPath)

    const statusPath = join(protocolPath, 'statusModule')
    const status = this.object(protocol, protocolPath, 'statusModule', true)
    const overallStatus = this.text(status, statusPath, 'overallStatus', { required: true })
    if (
      overallStatus !== null &&
      !(overallStatus in overallStatusLabels) &&
      !statusPattern.test(overallStatus)
    )
      this.problem(join(statusPath, 'overallStatus'), `"${overallStatus}" is not a status`)
    const startDate = this.date(status, statusPath, 'startDateStruct')
    const primaryCompletionDate = this.date(status, statusPath, 'primaryCompletionDateStruct')
    const completionDate = this.date(status, statusPath, 'completionDateStruct')

    const designPath = join(protocolPath, 'designModule')
    const phases = this.textList(this.object(protocol, protocolPath, 'designModule'), designPath, 'phases')
    phases.forEach((phase, index) => {
      if (!(phase in phaseLabels))
        this.problem(
          `${join(designPath, 'phases')}[${index}]`,
          `"${phase}" is not a phase (${Object.keys(phaseLabels).join(', ')})`,
        )
    })
    const conditionsPath = join(protocolPath, 'conditionsModule')
    const conditions = this.textList(
      this.object(protocol, protocolPath, 'conditionsModule'),
      conditionsPath,
      'conditions',
    )
    const sponsorsPath = join(protocolPath, 'sponsorCollaboratorsModule')
    const sponsors = this.object(protocol, protocolPath, 'sponsorCollaboratorsModule')
    const leadSponsor = this.text(
      this.object(sponsors, sponsorsPath, 'leadSponsor'),
      join(sponsorsPath, 'leadSponsor'),
      'name',
    )
    const locations = this.locations(protocol, protocolPath)

    if (this.problems.length > before || nctId === null || briefTitle === null || overallStatus === null)
      return null
    const identifiers: StudyIdentifiers = { nctId, ...otherIds }
    return {
      identifiers,
      briefTitle,
      officialTitle,
      acronym,
      overallStatus,
      phases,
      conditions,
      leadSponsor,
      startDate,
      primaryCompletionDate,
      completionDate,
      locations,
    }
  }

  /**
   * The ISRCTN and the IRAS number, from the secondary identifiers (`{ id, type, domain }`) and the sponsor's own
   * identifier: UK studies give them as `ISRCTN12345678` (domain ISRCTN, type REGISTRY or OTHER) and as
   * `IRAS 123456`, or a number in the domain "IRAS" / "IRAS ID".
   */
  private otherIds(
    identification: Json | null,
    path: string,
  ): { orgStudyId: string | null; isrctn: string | null; irasId: string | null } {
    let isrctn: string | null = null
    let irasId: string | null = null
    const orgPath = join(path, 'orgStudyIdInfo')
    const orgStudyId = this.text(this.object(identification, path, 'orgStudyIdInfo'), orgPath, 'id', {
      max: 200,
    })
    const entries: { id: string | null; domain: string | null }[] = [{ id: orgStudyId, domain: null }]
    const list = identification?.secondaryIdInfos
    const listPath = join(path, 'secondaryIdInfos')
    if (list !== undefined && list !== null) {
      if (!Array.isArray(list)) {
        this.problem(listPath, 'must be a list')
      } else {
        list.forEach((entry, index) => {
          const entryPath = `${listPath}[${index}]`
          if (!isObject(entry)) {
            this.problem(entryPath, 'must be an object')
            return
          }
          entries.push({
            id: this.text(entry, entryPath, 'id', { required: true }),
            domain: this.text(entry, entryPath, 'domain'),
          })
        })
      }
    }
    for (const { id, domain } of entries) {
      if (id === null) continue
      const isrctnMatch = /\bISRCTN\s*:?\s*(\d{8})\b/i.exec(id)
      if (isrctn === null && isrctnMatch !== null) isrctn = `ISRCTN${isrctnMatch[1]}`
      else if (isrctn === null && domain !== null && /isrctn/i.test(domain) && /^\d{8}$/.test(id))
        isrctn = `ISRCTN${id}`
      const irasMatch = /\bIRAS\b(?:\s*(?:ID|number|no\.?|project ID))?\s*[:#]?\s*(\d{4,7})\b/i.exec(id)
      if (irasId === null && irasMatch !== null) irasId = irasMatch[1]!
      else if (irasId === null && domain !== null && /\bIRAS\b/i.test(domain) && /^\d{4,7}$/.test(id))
        irasId = id
    }
    return { orgStudyId, isrctn, irasId }
  }

  private locations(protocol: Json | null, protocolPath: string): StudyLocation[] {
    const modulePath = join(protocolPath, 'contactsLocationsModule')
    const module = this.object(protocol, protocolPath, 'contactsLocationsModule')
    const list = module?.locations
    const listPath = join(modulePath, 'locations')
    if (list === undefined || list === null) return []
    if (!Array.isArray(list)) {
      this.problem(listPath, 'must be a list')
      return []
    }
    const locations: StudyLocation[] = []
    list.forEach((entry, index) => {
      const entryPath = `${listPath}[${index}]`
      if (!isObject(entry)) {
        this.problem(entryPath, 'must be an object')
        return
      }
      const status = this.text(entry, entryPath, 'status')
      if (status !== null && !statusPattern.test(status)) {
        this.problem(join(entryPath, 'status'), `"${status}" is not a recruitment status`)
        return
      }
      locations.push({
        facility: this.text(entry, entryPath, 'facility'),
        city: this.text(entry, entryPath, 'city', { max: 200 }),
        postcode: this.text(entry, entryPath, 'zip', { max: 40 }),
        country: this.text(entry, entryPath, 'country', { max: 200 }),
        status,
      })
    })
    return locations
  }
}

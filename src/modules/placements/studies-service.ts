import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditActor, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import type { StudiesRepository, UnmatchedSite } from './studies-repository.ts'
import {
  ukSitesOf,
  type Study,
  type StudyRecord,
  type StudySite,
  type StudySource,
  type StudySummary,
} from './study.ts'
import { readStudyEntry, type StudyEntryFields } from './study-entry.ts'
import {
  indexOrganisations,
  matchSite,
  normaliseSiteName,
  type NamedOrganisation,
  type OrganisationIndex,
} from './study-site-names.ts'
import { readClinicalTrialsJson, type ParsedStudy, type StudyFileProblem } from './study-registry-file.ts'

/** A file to import: its name (for messages) and its text. */
export interface StudyFile {
  readonly fileName: string
  readonly text: string
}

export interface ImportedStudy {
  readonly id: string
  readonly nctId: string | null
  readonly briefTitle: string
  readonly outcome: 'created' | 'updated'
  readonly matchedSites: number
  readonly unmatchedSites: readonly { readonly facility: string; readonly city: string | null }[]
}

export type StudyImportResult =
  | { readonly ok: true; readonly studies: readonly ImportedStudy[] }
  | { readonly ok: false; readonly problems: readonly StudyFileProblem[] }

/** What the studies need to know of NHS organisations: the organisations module's service answers. */
export interface NhsOrganisationDirectory {
  listNhsTrusts(): Promise<readonly (NamedOrganisation & { readonly closedOn: string | null })[]>
  getOrganisation(id: string): Promise<{ readonly id: string; readonly name: string } | null>
}

export interface StudiesService {
  /** Records a study entered by hand, its UK sites matched as an import's are; refused if its NCT id or ISRCTN is known. */
  enterStudy(
    actor: { readonly userId: string },
    fields: StudyEntryFields,
    origin: AuditOrigin,
  ): Promise<{ ok: true; id: string } | { ok: false; errors: FieldError[] }>
  /**
   * Imports registry files in one transaction: every study in them is created or updated (by its NCT id), its
   * UK sites matched to NHS organisations; nothing at all is written when any file has a problem.
   */
  importFiles(files: readonly StudyFile[], actor: AuditActor, origin: AuditOrigin): Promise<StudyImportResult>
  listStudies(): Promise<StudySummary[]>
  findStudy(id: string): Promise<{ study: Study; sites: StudySite[] } | null>
  findSite(studyId: string, siteId: string): Promise<{ study: Study; site: StudySite } | null>
  /** UK sites not matched to an NHS organisation yet, across studies. */
  listUnmatchedSites(): Promise<UnmatchedSite[]>
  /** The NHS organisations a site may be matched to: open ones, by name. */
  listOrganisationChoices(): Promise<{ id: string; name: string }[]>
  /**
   * Matches a site to an NHS organisation by hand, and remembers the match for its name: every other site of
   * that name, now and in later imports, is matched to it too.
   */
  matchSiteByHand(
    actor: { readonly userId: string },
    studyId: string,
    siteId: string,
    organisationId: string,
    origin: AuditOrigin,
  ): Promise<{ ok: true; matchedSites: number } | { ok: false; errors: FieldError[] } | null>
}

export function createStudiesService(deps: {
  readonly db: Database
  readonly studies: StudiesRepository
  readonly organisations: NhsOrganisationDirectory
  readonly now?: () => Date
}): StudiesService {
  const { db, studies, organisations } = deps
  const now = deps.now ?? (() => new Date())
  const today = () => now().toISOString().slice(0, 10)

  /** Every study of every file, or every problem; a study twice in one import is a problem too. */
  function readFiles(files: readonly StudyFile[]): StudyImportResult | readonly ParsedStudy[] {
    const problems: StudyFileProblem[] = []
    const parsed: ParsedStudy[] = []
    const seen = new Map<string, ParsedStudy>()
    for (const file of files) {
      const reading = readClinicalTrialsJson(file.fileName, file.text)
      problems.push(...reading.problems)
      for (const study of reading.studies) {
        // A registry record always has its NCT id (readClinicalTrialsJson requires it).
        const nctId = study.record.identifiers.nctId!
        const earlier = seen.get(nctId)
        if (earlier !== undefined) {
          const where = (entry: ParsedStudy) =>
            entry.path === '' ? entry.file : `${entry.file}: ${entry.path}`
          problems.push({
            file: study.file,
            path: `${study.path === '' ? '' : `${study.path}.`}protocolSection.identificationModule.nctId`,
            reason: `${nctId} is in this import already (${where(earlier)}); give each study once`,
          })
          continue
        }
        seen.set(nctId, study)
        parsed.push(study)
      }
    }
    if (files.length === 0) problems.push({ file: 'import', path: '', reason: 'no files were given' })
    return problems.length > 0 ? { ok: false, problems } : parsed
  }

  /** Writes one record (created, or updated by its NCT id) with its UK sites, each matched if it can be. */
  async function saveRecord(
    tx: Sql,
    record: StudyRecord,
    meta: {
      readonly source: StudySource
      readonly recordedBy: string | null
      readonly at: Date
      readonly index: OrganisationIndex
      readonly aliases: ReadonlyMap<string, string>
    },
  ): Promise<ImportedStudy> {
    const { id, created } = await studies.upsertStudy(tx, record, {
      id: randomUUID(),
      locationCount: record.locations.length,
      source: meta.source,
      importedBy: meta.recordedBy,
      at: meta.at,
    })
    // A site the study had already (the same name and city) keeps its id: offers on it stay with it.
    const earlier = created ? [] : await studies.listSiteKeys(tx, id)
    const siteKey = (name: string, city: string | null) => `${name}|${(city ?? '').toLowerCase()}`
    const unused = new Map<string, string[]>()
    for (const site of earlier) {
      const key = siteKey(site.normalisedName, site.city)
      unused.set(key, [...(unused.get(key) ?? []), site.id])
    }
    const sites = ukSitesOf(record).map((location, position) => {
      const match = matchSite(location.facility, meta.index, meta.aliases)
      const normalisedName = normaliseSiteName(location.facility) || location.facility.toLowerCase()
      return {
        id: unused.get(siteKey(normalisedName, location.city))?.shift() ?? randomUUID(),
        position,
        facility: location.facility,
        normalisedName,
        city: location.city,
        postcode: location.postcode,
        recruitmentStatus: location.status,
        organisationId: match.organisationId,
        matchedBy: match.by,
      }
    })
    await studies.replaceSites(tx, id, sites)
    return {
      id,
      nctId: record.identifiers.nctId,
      briefTitle: record.briefTitle,
      outcome: created ? 'created' : 'updated',
      matchedSites: sites.filter((site) => site.organisationId !== null).length,
      unmatchedSites: sites
        .filter((site) => site.organisationId === null)
        .map((site) => ({ facility: site.facility, city: site.city })),
    }
  }

  return {
    async enterStudy(actor, fields, origin) {
      const entry = readStudyEntry(fields)
      if (!entry.ok) return { ok: false, errors: [...entry.errors] }
      const { nctId, isrctn } = entry.record.identifiers
      const index = indexOrganisations(await organisations.listNhsTrusts())
      return db.transaction(async (tx) => {
        if (nctId !== null || isrctn !== null) {
          const [existing] = await studies.findStudiesByIdentifiers({ nctId, isrctn }, tx)
          if (existing !== undefined) {
            const field = nctId !== null && existing.nctId === nctId ? 'nctId' : 'isrctn'
            return {
              ok: false,
              errors: [
                {
                  field,
                  message: `${field === 'nctId' ? nctId : isrctn} is in Trellis already, as "${existing.briefTitle}"`,
                },
              ],
            } as const
          }
        }
        const saved = await saveRecord(tx, entry.record, {
          source: 'entered',
          recordedBy: actor.userId,
          at: now(),
          index,
          aliases: await studies.loadAliases(tx),
        })
        await recordAudit(tx, {
          actor,
          action: 'placements.study-entered',
          subjectType: 'study',
          subjectId: saved.id,
          origin,
          details: { nctId, isrctn, sites: saved.matchedSites + saved.unmatchedSites.length },
        })
        return { ok: true, id: saved.id } as const
      })
    },

    async importFiles(files, actor, origin) {
      const read = readFiles(files)
      if ('ok' in read) return read
      const index = indexOrganisations(await organisations.listNhsTrusts())
      const at = now()
      const recordedBy = 'userId' in actor ? actor.userId : null
      const imported = await db.transaction(async (tx) => {
        const aliases = await studies.loadAliases(tx)
        const results: ImportedStudy[] = []
        for (const { record } of read) {
          results.push(
            await saveRecord(tx, record, { source: 'clinicaltrials.gov', recordedBy, at, index, aliases }),
          )
        }
        await recordAudit(tx, {
          actor,
          action: 'placements.studies-imported',
          subjectType: 'studies',
          subjectId: null,
          origin,
          details: {
            files: files.map((file) => file.fileName),
            created: results.filter((study) => study.outcome === 'created').map((study) => study.nctId),
            updated: results.filter((study) => study.outcome === 'updated').map((study) => study.nctId),
          },
        })
        return results
      })
      return { ok: true, studies: imported }
    },

    listStudies: () => studies.listStudies(),

    async findStudy(id) {
      const study = await studies.findStudy(id)
      if (study === null) return null
      return { study, sites: await studies.listSites(id) }
    },

    async findSite(studyId, siteId) {
      const study = await studies.findStudy(studyId)
      if (study === null) return null
      const site = await studies.findSite(studyId, siteId)
      return site === null ? null : { study, site }
    },

    listUnmatchedSites: () => studies.listUnmatchedSites(),

    async listOrganisationChoices() {
      const all = await organisations.listNhsTrusts()
      return all
        .filter((organisation) => organisation.closedOn === null || organisation.closedOn > today())
        .map((organisation) => ({ id: organisation.id, name: organisation.name }))
    },

    async matchSiteByHand(actor, studyId, siteId, organisationId, origin) {
      const site = await studies.findSite(studyId, siteId)
      if (site === null) return null
      const organisation = organisationId === '' ? null : await organisations.getOrganisation(organisationId)
      if (organisation === null)
        return { ok: false, errors: [{ field: 'organisationId', message: 'Select the NHS organisation' }] }
      const outcome = await db.transaction(async (tx) => {
        // Offers belong to the organisation of their site: a site with live offers keeps its organisation
        // until they are withdrawn, or they would be offers at one organisation on a site of another.
        const blocking = await studies.liveOffersElsewhere(tx, site.normalisedName, organisation.id)
        if (blocking.length > 0) {
          const where = blocking.map((entry) => `${entry.offers} at ${entry.organisationName}`).join(', ')
          return {
            ok: false as const,
            errors: [
              {
                field: 'organisationId',
                message:
                  `Sites of this name have placement offers (${where}): the mentors withdraw them, or the ` +
                  'research lead rejects them, before the sites can be matched to another organisation',
              },
            ],
          }
        }
        await studies.saveAlias(tx, {
          normalisedName: site.normalisedName,
          siteName: site.facility,
          organisationId: organisation.id,
          matchedBy: actor.userId,
          matchedAt: now(),
        })
        const count = await studies.applyAlias(tx, site.normalisedName, organisation.id)
        await recordAudit(tx, {
          actor,
          action: 'placements.study-site-matched',
          subjectType: 'study-site',
          subjectId: site.id,
          origin,
          details: { studyId, siteName: site.facility, organisationId: organisation.id, matchedSites: count },
        })
        return { ok: true as const, matchedSites: count }
      })
      return outcome
    },
  }
}

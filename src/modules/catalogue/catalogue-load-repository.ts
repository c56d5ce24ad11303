import type { Sql } from '../../platform/database/database.ts'
import { deleteRowsNotIn, writeRows } from '../../platform/database/bulk-write.ts'
import type { CatalogueContent } from './catalogue-content-schemas.ts'
import { expandProfessionScope, type CatalogueVersion } from './catalogue.ts'
import type { SearchDocument } from './search-documents.ts'

/**
 * SQL that loads reviewed content into the catalogue tables, inside the load's one transaction, and records
 * each load as a version.
 */
export interface CatalogueLoadRepository {
  /** Writes every entry; returns how many entries content/ holds. */
  saveContent(tx: Sql, content: CatalogueContent): Promise<number>
  replaceSearchDocuments(tx: Sql, documents: readonly SearchDocument[]): Promise<void>
  recordVersion(tx: Sql, version: Omit<CatalogueVersion, 'id' | 'loadedAt'>): Promise<CatalogueVersion>
  /** The latest load, read through the load's transaction when given one. */
  findCurrentVersion(tx?: Sql): Promise<CatalogueVersion | null>
  /** Holds every other load back until this transaction ends (on PGlite, with one connection, it never waits). */
  lockForLoad(tx: Sql): Promise<void>
}

/** Any fixed number: it names the lock that serialises catalogue loads across app instances. */
const catalogueLoadLockKey = 7_294_114

const provenanceColumns = { status: 'text', source_ids: 'text[]', position: 'integer' } as const

/** The status, sources and place in its file of an entry, as the tables store them. */
const provenanceOf = (item: { status: string; sources: readonly string[] }, position: number) => ({
  status: item.status,
  source_ids: item.sources,
  position,
})

export function createCatalogueLoadRepository(db: Sql): CatalogueLoadRepository {
  return {
    async saveContent(tx, content) {
      const professionIds = content.professions.map((p) => p.id)
      const withPosition = <T>(items: readonly T[]) => items.map((item, position) => ({ item, position }))

      // Relations are rebuilt whole; entries are updated in place so that rows elsewhere can refer to them.
      for (const table of [
        'programme_modules',
        'scheme_professions',
        'scheme_stages',
        'scheme_funders',
        'pathway_professions',
        'pathway_steps',
        'profession_regulators',
      ]) {
        await tx.query(`DELETE FROM ${table}`)
      }

      await writeRows(
        tx,
        'catalogue_sources',
        {
          id: 'text',
          title: 'text',
          publisher: 'text',
          url: 'text',
          seed_file: 'text',
          note: 'text',
          position: 'integer',
        },
        content.sources.map((s, position) => ({
          id: s.id,
          title: s.title,
          publisher: s.publisher ?? null,
          url: s.url ?? null,
          seed_file: s.seed ?? null,
          note: s.note ?? null,
          position,
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'regulators',
        {
          id: 'text',
          name: 'text',
          abbreviation: 'text',
          kind: 'text',
          url: 'text',
          description: 'text',
          ...provenanceColumns,
        },
        withPosition(content.regulators).map(({ item: r, position }) => ({
          id: r.id,
          name: r.name,
          abbreviation: r.abbreviation,
          kind: r.kind,
          url: r.url ?? null,
          description: r.description,
          ...provenanceOf(r, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'profession_groups',
        { id: 'text', name: 'text', description: 'text', position: 'integer' },
        content.professionGroups.map((g, position) => ({
          id: g.id,
          name: g.name,
          description: g.description,
          position,
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'professions',
        {
          id: 'text',
          name: 'text',
          plural: 'text',
          group_id: 'text',
          description: 'text',
          is_medical_or_dental: 'boolean',
          registrations: 'jsonb',
          ...provenanceColumns,
        },
        withPosition(content.professions).map(({ item: p, position }) => ({
          id: p.id,
          name: p.name,
          plural: p.plural,
          group_id: p.group,
          description: p.description,
          is_medical_or_dental: p.isMedicalOrDental,
          registrations: p.registrations,
          ...provenanceOf(p, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'profession_regulators',
        { profession_id: 'text', regulator_id: 'text' },
        uniqueRows(
          content.professions.flatMap((p) =>
            p.registrations.map((r) => ({ profession_id: p.id, regulator_id: r.regulator })),
          ),
        ),
      )
      await writeRows(
        tx,
        'stages',
        { id: 'text', name: 'text', description: 'text', ...provenanceColumns },
        withPosition(content.stages).map(({ item: s, position }) => ({
          id: s.id,
          name: s.name,
          description: s.description,
          ...provenanceOf(s, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'pathways',
        { id: 'text', name: 'text', description: 'text', notes: 'jsonb', ...provenanceColumns },
        withPosition(content.pathways).map(({ item: p, position }) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          notes: p.notes,
          ...provenanceOf(p, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'pathway_steps',
        {
          pathway_id: 'text',
          id: 'text',
          name: 'text',
          stage_id: 'text',
          description: 'text',
          ...provenanceColumns,
        },
        content.pathways.flatMap((p) =>
          p.steps.map((step, position) => ({
            pathway_id: p.id,
            id: step.id,
            name: step.name,
            stage_id: step.stage,
            description: step.description,
            ...provenanceOf(step, position),
          })),
        ),
      )
      await writeRows(
        tx,
        'pathway_professions',
        { pathway_id: 'text', profession_id: 'text' },
        uniqueRows(
          content.pathways.flatMap((p) =>
            p.professions.map((id) => ({ pathway_id: p.id, profession_id: id })),
          ),
        ),
      )
      await writeRows(
        tx,
        'funders',
        {
          id: 'text',
          name: 'text',
          abbreviation: 'text',
          url: 'text',
          description: 'text',
          ...provenanceColumns,
        },
        withPosition(content.funders).map(({ item: f, position }) => ({
          id: f.id,
          name: f.name,
          abbreviation: f.abbreviation ?? null,
          url: f.url ?? null,
          description: f.description,
          ...provenanceOf(f, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'schemes',
        {
          id: 'text',
          name: 'text',
          abbreviation: 'text',
          former_names: 'jsonb',
          profession_scope: 'jsonb',
          is_current: 'boolean',
          replaced_by: 'text',
          summary: 'text',
          eligibility: 'jsonb',
          duration: 'jsonb',
          funds: 'jsonb',
          url: 'text',
          ...provenanceColumns,
        },
        withPosition(content.schemes).map(({ item: s, position }) => ({
          id: s.id,
          name: s.name,
          abbreviation: s.abbreviation ?? null,
          former_names: s.formerNames,
          profession_scope: s.professions,
          is_current: s.isCurrent,
          replaced_by: s.replacedBy ?? null,
          summary: s.summary,
          eligibility: s.eligibility,
          duration: s.duration,
          funds: s.funds,
          url: s.url ?? null,
          ...provenanceOf(s, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'scheme_funders',
        { scheme_id: 'text', funder_id: 'text', position: 'integer' },
        content.schemes.flatMap((s) =>
          s.funders.map((id, position) => ({ scheme_id: s.id, funder_id: id, position })),
        ),
      )
      await writeRows(
        tx,
        'scheme_stages',
        { scheme_id: 'text', stage_id: 'text' },
        uniqueRows(content.schemes.flatMap((s) => s.stages.map((id) => ({ scheme_id: s.id, stage_id: id })))),
      )
      await writeRows(
        tx,
        'scheme_professions',
        { scheme_id: 'text', profession_id: 'text' },
        content.schemes.flatMap((s) =>
          expandProfessionScope(s.professions, professionIds).map((id) => ({
            scheme_id: s.id,
            profession_id: id,
          })),
        ),
      )

      const f = content.framework
      await writeRows(
        tx,
        'frameworks',
        {
          id: 'text',
          name: 'text',
          summary: 'text',
          hours_per_credit: 'integer',
          part_time_months_per_level: 'integer',
          full_masters_part_time_years: 'integer',
          facts: 'jsonb',
          status: 'text',
          source_ids: 'text[]',
        },
        [
          {
            id: f.id,
            name: f.name,
            summary: f.summary,
            hours_per_credit: f.hoursPerCredit.value,
            part_time_months_per_level: f.partTimeMonthsPerLevel.value,
            full_masters_part_time_years: f.fullMastersPartTimeYears.value,
            facts: {
              audience: f.audience,
              hoursPerCredit: f.hoursPerCredit,
              partTimeMonthsPerLevel: f.partTimeMonthsPerLevel,
              fullMastersPartTimeYears: f.fullMastersPartTimeYears,
              fees: f.fees,
              bursaries: f.bursaries,
              entryRequirements: f.entryRequirements,
              priorLearning: f.priorLearning,
              evaluation: f.evaluation,
              enquiries: f.enquiries,
            },
            status: f.status,
            source_ids: f.sources,
          },
        ],
        ['id'],
      )
      await writeRows(
        tx,
        'framework_roles',
        { id: 'text', framework_id: 'text', name: 'text', description: 'text', ...provenanceColumns },
        withPosition(f.roles).map(({ item: r, position }) => ({
          id: r.id,
          framework_id: f.id,
          name: r.name,
          description: r.description,
          ...provenanceOf(r, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'module_kinds',
        {
          id: 'text',
          framework_id: 'text',
          name: 'text',
          description: 'text',
          credit_options: 'integer[]',
          ...provenanceColumns,
        },
        withPosition(f.moduleKinds).map(({ item: k, position }) => ({
          id: k.id,
          framework_id: f.id,
          name: k.name,
          description: k.description,
          credit_options: k.creditOptions,
          ...provenanceOf(k, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'framework_levels',
        {
          id: 'text',
          framework_id: 'text',
          name: 'text',
          abbreviation: 'text',
          credits: 'integer',
          cumulative_credits: 'integer',
          minimum_level7_credits: 'integer',
          entry_requires: 'text',
          compositions: 'jsonb',
          prepares: 'text[]',
          facts: 'jsonb',
          ...provenanceColumns,
        },
        withPosition(f.levels).map(({ item: l, position }) => ({
          id: l.id,
          framework_id: f.id,
          name: l.name,
          abbreviation: l.abbreviation,
          credits: l.credits,
          cumulative_credits: l.cumulativeCredits,
          minimum_level7_credits: l.minimumLevel7Credits.value,
          entry_requires: l.entryRequires,
          compositions: l.compositions,
          prepares: l.prepares,
          facts: {
            minimumLevel7Credits: l.minimumLevel7Credits,
            entry: l.entry,
            aim: l.aim,
            firstCohort: l.firstCohort,
          },
          ...provenanceOf(l, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'providers',
        { id: 'text', name: 'text', description: 'text', prior_learning: 'jsonb', ...provenanceColumns },
        withPosition(content.providers).map(({ item: p, position }) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          prior_learning: p.priorLearning,
          ...provenanceOf(p, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'modules',
        {
          id: 'text',
          provider_id: 'text',
          name: 'text',
          kind: 'text',
          credits: 'integer',
          description: 'text',
          ...provenanceColumns,
        },
        content.providers.flatMap((p) =>
          p.modules.map((m, position) => ({
            id: m.id,
            provider_id: p.id,
            name: m.name,
            kind: m.kind,
            credits: m.credits,
            description: m.description ?? null,
            ...provenanceOf(m, position),
          })),
        ),
        ['id'],
      )
      await writeRows(
        tx,
        'programmes',
        {
          id: 'text',
          provider_id: 'text',
          name: 'text',
          award_level_id: 'text',
          description: 'text',
          launched: 'jsonb',
          options: 'jsonb',
          notes: 'jsonb',
          ...provenanceColumns,
        },
        content.providers.flatMap((p) =>
          p.programmes.map((g, position) => ({
            id: g.id,
            provider_id: p.id,
            name: g.name,
            award_level_id: g.award,
            description: g.description,
            launched: g.launched,
            options: g.options,
            notes: g.notes,
            ...provenanceOf(g, position),
          })),
        ),
        ['id'],
      )
      await writeRows(
        tx,
        'programme_modules',
        { programme_id: 'text', module_id: 'text', compulsory: 'boolean', position: 'integer' },
        content.providers.flatMap((p) =>
          p.programmes.flatMap((g) =>
            g.modules.map((m, position) => ({
              programme_id: g.id,
              module_id: m.module,
              compulsory: m.compulsory,
              position,
            })),
          ),
        ),
      )

      const hcs = content.healthcareScience
      await writeRows(
        tx,
        'healthcare_science_divisions',
        { id: 'text', name: 'text', description: 'text', ...provenanceColumns },
        withPosition(hcs.divisions).map(({ item: d, position }) => ({
          id: d.id,
          name: d.name,
          description: d.description,
          ...provenanceOf(d, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'healthcare_science_levels',
        { id: 'text', name: 'text', description: 'text', stage_id: 'text', ...provenanceColumns },
        withPosition(hcs.levels).map(({ item: l, position }) => ({
          id: l.id,
          name: l.name,
          description: l.description,
          stage_id: l.stage,
          ...provenanceOf(l, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'healthcare_science_specialism_groups',
        {
          id: 'text',
          name: 'text',
          division: 'jsonb',
          division_id: 'text',
          specialisms: 'jsonb',
          ...provenanceColumns,
        },
        withPosition(hcs.specialismGroups).map(({ item: g, position }) => ({
          id: g.id,
          name: g.name,
          division: g.division,
          division_id: g.division?.id ?? null,
          specialisms: g.specialisms,
          ...provenanceOf(g, position),
        })),
        ['id'],
      )
      await writeRows(
        tx,
        'catalogue_documents',
        { id: 'text', body: 'jsonb' },
        [
          { id: 'healthcare-science-summary', body: hcs.summary },
          { id: 'research-culture', body: content.researchCulture },
        ],
        ['id'],
      )

      // Entries no longer in content/ go, children before parents. A row elsewhere that still refers to one
      // (a learner's module result, say) makes the load fail and roll back, rather than lose that link.
      await deleteRowsNotIn(
        tx,
        'programmes',
        content.providers.flatMap((p) => p.programmes.map((g) => g.id)),
      )
      await deleteRowsNotIn(
        tx,
        'modules',
        content.providers.flatMap((p) => p.modules.map((m) => m.id)),
      )
      await deleteRowsNotIn(
        tx,
        'providers',
        content.providers.map((p) => p.id),
      )
      await deleteRowsNotIn(
        tx,
        'framework_levels',
        f.levels.map((l) => l.id),
      )
      await deleteRowsNotIn(
        tx,
        'module_kinds',
        f.moduleKinds.map((k) => k.id),
      )
      await deleteRowsNotIn(
        tx,
        'framework_roles',
        f.roles.map((r) => r.id),
      )
      await deleteRowsNotIn(tx, 'frameworks', [f.id])
      await deleteRowsNotIn(
        tx,
        'healthcare_science_specialism_groups',
        hcs.specialismGroups.map((g) => g.id),
      )
      await deleteRowsNotIn(
        tx,
        'healthcare_science_levels',
        hcs.levels.map((l) => l.id),
      )
      await deleteRowsNotIn(
        tx,
        'healthcare_science_divisions',
        hcs.divisions.map((d) => d.id),
      )
      await deleteRowsNotIn(
        tx,
        'schemes',
        content.schemes.map((s) => s.id),
      )
      await deleteRowsNotIn(
        tx,
        'funders',
        content.funders.map((x) => x.id),
      )
      await deleteRowsNotIn(
        tx,
        'pathways',
        content.pathways.map((p) => p.id),
      )
      await deleteRowsNotIn(
        tx,
        'stages',
        content.stages.map((s) => s.id),
      )
      await deleteRowsNotIn(tx, 'professions', professionIds)
      await deleteRowsNotIn(
        tx,
        'profession_groups',
        content.professionGroups.map((g) => g.id),
      )
      await deleteRowsNotIn(
        tx,
        'regulators',
        content.regulators.map((r) => r.id),
      )
      await deleteRowsNotIn(
        tx,
        'catalogue_sources',
        content.sources.map((s) => s.id),
      )

      return countEntries(content)
    },

    async replaceSearchDocuments(tx, documents) {
      await tx.query('DELETE FROM search_documents')
      if (documents.length === 0) return
      await tx.query(
        `INSERT INTO search_documents (kind, id, title, summary, body, path, status, document)
         SELECT kind, id, title, summary, body, path, status,
                setweight(to_tsvector('english', title), 'A') ||
                setweight(to_tsvector('english', summary), 'B') ||
                setweight(to_tsvector('english', body), 'C')
         FROM jsonb_to_recordset($1::jsonb)
           AS r(kind text, id text, title text, summary text, body text, path text, status text)`,
        [JSON.stringify(documents)],
      )
    },

    async recordVersion(tx, version) {
      const [row] = await tx.query<VersionRow>(
        `INSERT INTO catalogue_versions (content_hash, entry_count, organisation_count)
         VALUES ($1, $2, $3)
         RETURNING id, content_hash, entry_count, organisation_count, loaded_at`,
        [version.contentHash, version.entryCount, version.organisationCount],
      )
      return toVersion(row!)
    },

    async lockForLoad(tx) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [catalogueLoadLockKey])
    },

    async findCurrentVersion(tx = db) {
      const [row] = await tx.query<VersionRow>(
        `SELECT id, content_hash, entry_count, organisation_count, loaded_at
         FROM catalogue_versions ORDER BY id DESC LIMIT 1`,
      )
      return row === undefined ? null : toVersion(row)
    },
  }
}

interface VersionRow {
  id: number
  content_hash: string
  entry_count: number
  organisation_count: number
  loaded_at: Date
}

function toVersion(row: VersionRow): CatalogueVersion {
  return {
    id: row.id,
    contentHash: row.content_hash,
    entryCount: row.entry_count,
    organisationCount: row.organisation_count,
    loadedAt: row.loaded_at,
  }
}

function uniqueRows<T extends Record<string, unknown>>(rows: readonly T[]): T[] {
  const seen = new Set<string>()
  return rows.filter((row) => {
    const key = JSON.stringify(row)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Entries a person reviewed: every listed thing in content/, not counting NHS organisations. */
export function countEntries(content: CatalogueContent): number {
  return (
    content.sources.length +
    content.regulators.length +
    content.professionGroups.length +
    content.professions.length +
    content.stages.length +
    content.pathways.reduce((n, p) => n + 1 + p.steps.length, 0) +
    content.funders.length +
    content.schemes.length +
    1 +
    content.framework.levels.length +
    content.framework.roles.length +
    content.framework.moduleKinds.length +
    content.providers.reduce((n, p) => n + 1 + p.modules.length + p.programmes.length, 0) +
    content.healthcareScience.divisions.length +
    content.healthcareScience.levels.length +
    content.healthcareScience.specialismGroups.length +
    1
  )
}

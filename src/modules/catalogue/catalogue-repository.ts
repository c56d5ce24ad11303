import type { Sql } from '../../platform/database/database.ts'
import { deleteRowsNotIn, writeRows } from '../../platform/database/bulk-write.ts'
import { highlightStart, highlightStop } from '../../platform/views/search-highlight.ts'
import type { CatalogueContent } from './catalogue-content-schemas.ts'
import {
  expandProfessionScope,
  type CatalogueVersion,
  type Fact,
  type Framework,
  type FrameworkLevel,
  type Funder,
  type HealthcareScience,
  type Module,
  type ModuleKind,
  type Pathway,
  type Profession,
  type ProfessionGroup,
  type Programme,
  type Provider,
  type Regulator,
  type ResearchCulture,
  type Role,
  type Scheme,
  type Source,
  type Stage,
} from './catalogue.ts'
import type { SearchDocument } from './search-documents.ts'

/** SQL for the catalogue tables. Writes take the load's transaction; every list is ordered. */
export interface CatalogueRepository {
  saveContent(tx: Sql, content: CatalogueContent): Promise<number>
  replaceSearchDocuments(tx: Sql, documents: readonly SearchDocument[]): Promise<void>
  recordVersion(tx: Sql, version: Omit<CatalogueVersion, 'id' | 'loadedAt'>): Promise<CatalogueVersion>
  findCurrentVersion(): Promise<CatalogueVersion | null>

  listSources(): Promise<Source[]>
  listRegulators(): Promise<Regulator[]>
  listProfessionGroups(): Promise<ProfessionGroup[]>
  listProfessions(): Promise<Profession[]>
  listStages(): Promise<Stage[]>
  listPathways(filter?: { professionId?: string }): Promise<Pathway[]>
  listFunders(): Promise<Funder[]>
  listSchemes(filter?: { professionId?: string; stageId?: string; funderId?: string }): Promise<Scheme[]>
  findFramework(): Promise<Framework | null>
  listProviders(): Promise<Provider[]>
  listProgrammes(filter?: { providerId?: string; moduleId?: string }): Promise<Programme[]>
  listModules(filter?: { providerId?: string }): Promise<Module[]>
  findHealthcareScience(): Promise<HealthcareScience | null>
  findResearchCulture(): Promise<ResearchCulture | null>
  search(query: string, limit: number, offset: number): Promise<{ total: number; results: SearchResultRow[] }>
}

export interface SearchResultRow {
  readonly kind: string
  readonly id: string
  readonly title: string
  readonly path: string
  readonly status: 'verified' | 'unverified'
  /** Title and text with matched words between highlight marks (escaped, then marked, by the view). */
  readonly highlightedTitle: string
  readonly highlighted: string
  readonly rank: number
}

const provenanceColumns = { status: 'text', source_ids: 'text[]', position: 'integer' } as const

export function createCatalogueRepository(db: Sql): CatalogueRepository {
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
          status: r.status,
          source_ids: r.sources,
          position,
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
          status: p.status,
          source_ids: p.sources,
          position,
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
          status: s.status,
          source_ids: s.sources,
          position,
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
          status: p.status,
          source_ids: p.sources,
          position,
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
            status: step.status,
            source_ids: step.sources,
            position,
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
          status: f.status,
          source_ids: f.sources,
          position,
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
          status: s.status,
          source_ids: s.sources,
          position,
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
          status: r.status,
          source_ids: r.sources,
          position,
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
          status: k.status,
          source_ids: k.sources,
          position,
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
          status: l.status,
          source_ids: l.sources,
          position,
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
          status: p.status,
          source_ids: p.sources,
          position,
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
            status: m.status,
            source_ids: m.sources,
            position,
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
            status: g.status,
            source_ids: g.sources,
            position,
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
          status: d.status,
          source_ids: d.sources,
          position,
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
          status: l.status,
          source_ids: l.sources,
          position,
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
          status: g.status,
          source_ids: g.sources,
          position,
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

    async findCurrentVersion() {
      const [row] = await db.query<VersionRow>(
        `SELECT id, content_hash, entry_count, organisation_count, loaded_at
         FROM catalogue_versions ORDER BY id DESC LIMIT 1`,
      )
      return row === undefined ? null : toVersion(row)
    },

    async listSources() {
      const rows = await db.query<{
        id: string
        title: string
        publisher: string | null
        url: string | null
        seed_file: string | null
        note: string | null
      }>('SELECT id, title, publisher, url, seed_file, note FROM catalogue_sources ORDER BY position, id')
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        publisher: r.publisher,
        url: r.url,
        seedFile: r.seed_file,
        note: r.note,
      }))
    },

    async listRegulators() {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          abbreviation: string
          kind: Regulator['kind']
          url: string | null
          description: string
        }
      >(
        `SELECT id, name, abbreviation, kind, url, description, status, source_ids
         FROM regulators ORDER BY position, id`,
      )
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        abbreviation: r.abbreviation,
        kind: r.kind,
        url: r.url,
        description: r.description,
        ...provenance(r),
      }))
    },

    async listProfessionGroups() {
      return db.query<{ id: string; name: string; description: string }>(
        'SELECT id, name, description FROM profession_groups ORDER BY position, id',
      )
    },

    async listProfessions() {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          plural: string
          group_id: string
          description: string
          is_medical_or_dental: boolean
          registrations: Profession['registrations']
        }
      >(
        `SELECT id, name, plural, group_id, description, is_medical_or_dental, registrations, status, source_ids
         FROM professions ORDER BY position, id`,
      )
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        plural: r.plural,
        groupId: r.group_id,
        description: r.description,
        isMedicalOrDental: r.is_medical_or_dental,
        registrations: r.registrations,
        ...provenance(r),
      }))
    },

    async listStages() {
      const rows = await db.query<
        ProvenanceRow & { id: string; name: string; description: string; position: number }
      >('SELECT id, name, description, position, status, source_ids FROM stages ORDER BY position, id')
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        position: r.position,
        ...provenance(r),
      }))
    },

    async listPathways(filter = {}) {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          description: string
          notes: Fact[]
          profession_ids: string[]
          steps: (ProvenanceRow & { id: string; name: string; stage_id: string; description: string })[]
        }
      >(
        `SELECT p.id, p.name, p.description, p.notes, p.status, p.source_ids,
           ARRAY(SELECT pp.profession_id FROM pathway_professions pp
                 JOIN professions pr ON pr.id = pp.profession_id
                 WHERE pp.pathway_id = p.id ORDER BY pr.position) AS profession_ids,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name, 'stage_id', s.stage_id,
                        'description', s.description, 'status', s.status, 'source_ids', s.source_ids)
                      ORDER BY s.position)
                     FROM pathway_steps s WHERE s.pathway_id = p.id), '[]'::jsonb) AS steps
         FROM pathways p
         WHERE $1::text IS NULL
            OR EXISTS (SELECT 1 FROM pathway_professions pp WHERE pp.pathway_id = p.id AND pp.profession_id = $1)
         ORDER BY p.position, p.id`,
        [filter.professionId ?? null],
      )
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        notes: r.notes,
        professionIds: r.profession_ids,
        steps: r.steps.map((s) => ({
          id: s.id,
          name: s.name,
          stageId: s.stage_id,
          description: s.description,
          ...provenance(s),
        })),
        ...provenance(r),
      }))
    },

    async listFunders() {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          abbreviation: string | null
          url: string | null
          description: string
        }
      >(
        'SELECT id, name, abbreviation, url, description, status, source_ids FROM funders ORDER BY position, id',
      )
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        abbreviation: r.abbreviation,
        url: r.url,
        description: r.description,
        ...provenance(r),
      }))
    },

    async listSchemes(filter = {}) {
      const rows = await db.query<SchemeRow>(
        `SELECT s.id, s.name, s.abbreviation, s.former_names, s.profession_scope, s.is_current, s.replaced_by,
           s.summary, s.eligibility, s.duration, s.funds, s.url, s.status, s.source_ids,
           ARRAY(SELECT sf.funder_id FROM scheme_funders sf WHERE sf.scheme_id = s.id ORDER BY sf.position) AS funder_ids,
           ARRAY(SELECT ss.stage_id FROM scheme_stages ss JOIN stages st ON st.id = ss.stage_id
                 WHERE ss.scheme_id = s.id ORDER BY st.position) AS stage_ids,
           ARRAY(SELECT sp.profession_id FROM scheme_professions sp JOIN professions p ON p.id = sp.profession_id
                 WHERE sp.scheme_id = s.id ORDER BY p.position) AS profession_ids
         FROM schemes s
         WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM scheme_professions sp WHERE sp.scheme_id = s.id AND sp.profession_id = $1))
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM scheme_stages ss WHERE ss.scheme_id = s.id AND ss.stage_id = $2))
           AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM scheme_funders sf WHERE sf.scheme_id = s.id AND sf.funder_id = $3))
         ORDER BY s.is_current DESC, s.position, s.id`,
        [filter.professionId ?? null, filter.stageId ?? null, filter.funderId ?? null],
      )
      return rows.map(toScheme)
    },

    async findFramework() {
      const [framework] = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          summary: string
          facts: Omit<
            Framework,
            'id' | 'name' | 'summary' | 'status' | 'sources' | 'moduleKinds' | 'roles' | 'levels'
          >
        }
      >('SELECT id, name, summary, facts, status, source_ids FROM frameworks ORDER BY id LIMIT 1')
      if (framework === undefined) return null
      const [kinds, roles, levels] = await Promise.all([
        db.query<
          ProvenanceRow & {
            id: ModuleKind['id']
            name: string
            description: string
            credit_options: number[]
          }
        >(
          `SELECT id, name, description, credit_options, status, source_ids FROM module_kinds
           WHERE framework_id = $1 ORDER BY position, id`,
          [framework.id],
        ),
        db.query<ProvenanceRow & { id: string; name: string; description: string }>(
          `SELECT id, name, description, status, source_ids FROM framework_roles
           WHERE framework_id = $1 ORDER BY position, id`,
          [framework.id],
        ),
        db.query<
          ProvenanceRow & {
            id: string
            name: string
            abbreviation: string
            credits: number
            cumulative_credits: number
            entry_requires: string | null
            compositions: FrameworkLevel['compositions']
            prepares: string[]
            facts: Pick<FrameworkLevel, 'minimumLevel7Credits' | 'entry' | 'aim' | 'firstCohort'>
          }
        >(
          `SELECT id, name, abbreviation, credits, cumulative_credits, entry_requires, compositions, prepares, facts,
             status, source_ids
           FROM framework_levels WHERE framework_id = $1 ORDER BY position, id`,
          [framework.id],
        ),
      ])
      return {
        id: framework.id,
        name: framework.name,
        summary: framework.summary,
        ...framework.facts,
        ...provenance(framework),
        moduleKinds: kinds.map((k) => ({
          id: k.id,
          name: k.name,
          description: k.description,
          creditOptions: k.credit_options,
          ...provenance(k),
        })),
        roles: roles.map((r): Role => ({
          id: r.id,
          name: r.name,
          description: r.description,
          ...provenance(r),
        })),
        levels: levels.map((l) => ({
          id: l.id,
          name: l.name,
          abbreviation: l.abbreviation,
          credits: l.credits,
          cumulativeCredits: l.cumulative_credits,
          entryRequires: l.entry_requires,
          compositions: l.compositions,
          prepares: l.prepares,
          ...l.facts,
          ...provenance(l),
        })),
      }
    },

    async listProviders() {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          name: string
          description: string
          prior_learning: Fact | null
        }
      >(
        'SELECT id, name, description, prior_learning, status, source_ids FROM providers ORDER BY position, id',
      )
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        priorLearning: r.prior_learning,
        ...provenance(r),
      }))
    },

    async listProgrammes(filter = {}) {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          provider_id: string
          name: string
          award_level_id: string
          description: string
          launched: Fact | null
          options: Programme['options']
          notes: Fact[]
          modules: { moduleId: string; compulsory: boolean }[]
        }
      >(
        `SELECT g.id, g.provider_id, g.name, g.award_level_id, g.description, g.launched, g.options, g.notes,
           g.status, g.source_ids,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('moduleId', pm.module_id, 'compulsory', pm.compulsory)
                      ORDER BY pm.position)
                     FROM programme_modules pm WHERE pm.programme_id = g.id), '[]'::jsonb) AS modules
         FROM programmes g
         JOIN providers p ON p.id = g.provider_id
         JOIN framework_levels l ON l.id = g.award_level_id
         WHERE ($1::text IS NULL OR g.provider_id = $1)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM programme_modules pm WHERE pm.programme_id = g.id AND pm.module_id = $2))
         ORDER BY p.position, l.position, g.position, g.id`,
        [filter.providerId ?? null, filter.moduleId ?? null],
      )
      return rows.map((r) => ({
        id: r.id,
        providerId: r.provider_id,
        name: r.name,
        awardLevelId: r.award_level_id,
        description: r.description,
        launched: r.launched,
        modules: r.modules,
        options: r.options,
        notes: r.notes,
        ...provenance(r),
      }))
    },

    async listModules(filter = {}) {
      const rows = await db.query<
        ProvenanceRow & {
          id: string
          provider_id: string
          name: string
          kind: Module['kind']
          credits: number | null
          description: string | null
        }
      >(
        `SELECT m.id, m.provider_id, m.name, m.kind, m.credits, m.description, m.status, m.source_ids
         FROM modules m JOIN providers p ON p.id = m.provider_id
         WHERE $1::text IS NULL OR m.provider_id = $1
         ORDER BY p.position, m.position, m.id`,
        [filter.providerId ?? null],
      )
      return rows.map((r) => ({
        id: r.id,
        providerId: r.provider_id,
        name: r.name,
        kind: r.kind,
        credits: r.credits,
        description: r.description,
        ...provenance(r),
      }))
    },

    async findHealthcareScience() {
      const [summary] = await db.query<{ body: Fact }>(
        `SELECT body FROM catalogue_documents WHERE id = 'healthcare-science-summary'`,
      )
      if (summary === undefined) return null
      const [divisions, levels, groups] = await Promise.all([
        db.query<ProvenanceRow & { id: string; name: string; description: string }>(
          'SELECT id, name, description, status, source_ids FROM healthcare_science_divisions ORDER BY position, id',
        ),
        db.query<ProvenanceRow & { id: string; name: string; description: string; stage_id: string }>(
          'SELECT id, name, description, stage_id, status, source_ids FROM healthcare_science_levels ORDER BY position, id',
        ),
        db.query<
          ProvenanceRow & {
            id: string
            name: string
            division: HealthcareScience['specialismGroups'][number]['division']
            specialisms: { id: string; name: string }[]
          }
        >(
          `SELECT id, name, division, specialisms, status, source_ids
           FROM healthcare_science_specialism_groups ORDER BY position, id`,
        ),
      ])
      return {
        summary: summary.body,
        divisions: divisions.map((d) => ({
          id: d.id,
          name: d.name,
          description: d.description,
          ...provenance(d),
        })),
        levels: levels.map((l) => ({
          id: l.id,
          name: l.name,
          description: l.description,
          stageId: l.stage_id,
          ...provenance(l),
        })),
        specialismGroups: groups.map((g) => ({
          id: g.id,
          name: g.name,
          division: g.division,
          specialisms: g.specialisms,
          ...provenance(g),
        })),
      }
    },

    async findResearchCulture() {
      const [row] = await db.query<{ body: ResearchCulture }>(
        `SELECT body FROM catalogue_documents WHERE id = 'research-culture'`,
      )
      return row?.body ?? null
    },

    async search(query, limit, offset) {
      const rows = await db.query<{
        kind: string
        id: string
        title: string
        path: string
        status: 'verified' | 'unverified'
        highlighted_title: string
        highlighted: string
        rank: number
        total: number
      }>(
        `WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query),
         matches AS (
           SELECT d.kind, d.id, d.title, d.path, d.status, d.summary, d.body,
                  ts_rank_cd(d.document, q.query) AS rank, q.query
           FROM search_documents d, q
           WHERE d.document @@ q.query
         )
         SELECT kind, id, title, path, status, rank::float8 AS rank,
                ts_headline('english', title, query,
                  'StartSel=${highlightStart}, StopSel=${highlightStop}, HighlightAll=true') AS highlighted_title,
                ts_headline('english', summary || ' ' || body, query,
                  'StartSel=${highlightStart}, StopSel=${highlightStop}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "') AS highlighted,
                count(*) OVER () AS total
         FROM matches
         ORDER BY rank DESC, title, kind, id
         LIMIT $2 OFFSET $3`,
        [query, limit, offset],
      )
      const total = rows[0]?.total ?? (offset > 0 ? await countMatches(db, query) : 0)
      return {
        total,
        results: rows.map((r) => ({
          kind: r.kind,
          id: r.id,
          title: r.title,
          path: r.path,
          status: r.status,
          highlightedTitle: r.highlighted_title,
          highlighted: r.highlighted,
          rank: r.rank,
        })),
      }
    },
  }
}

async function countMatches(db: Sql, query: string): Promise<number> {
  const [row] = await db.query<{ total: number }>(
    `SELECT count(*) AS total FROM search_documents WHERE document @@ websearch_to_tsquery('english', $1)`,
    [query],
  )
  return row?.total ?? 0
}

interface ProvenanceRow {
  status: 'verified' | 'unverified'
  source_ids: string[]
}

function provenance(row: ProvenanceRow) {
  return { status: row.status, sources: row.source_ids }
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

interface SchemeRow extends ProvenanceRow {
  id: string
  name: string
  abbreviation: string | null
  former_names: Scheme['formerNames']
  profession_scope: Scheme['professionScope']
  is_current: boolean
  replaced_by: string | null
  summary: string
  eligibility: Fact | null
  duration: Fact | null
  funds: Fact | null
  url: string | null
  funder_ids: string[]
  stage_ids: string[]
  profession_ids: string[]
}

function toScheme(r: SchemeRow): Scheme {
  return {
    id: r.id,
    name: r.name,
    abbreviation: r.abbreviation,
    formerNames: r.former_names,
    professionScope: r.profession_scope,
    isCurrent: r.is_current,
    replacedBy: r.replaced_by,
    summary: r.summary,
    eligibility: r.eligibility,
    duration: r.duration,
    funds: r.funds,
    url: r.url,
    funderIds: r.funder_ids,
    stageIds: r.stage_ids,
    professionIds: r.profession_ids,
    ...provenance(r),
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

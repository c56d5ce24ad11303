import type { Sql } from '../../platform/database/database.ts'
import { highlightStart, highlightStop } from '../../platform/views/search-highlight.ts'
import {
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

/** SQL that reads the catalogue for pages and the API. Every list is ordered. */
export interface CatalogueRepository {
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

export function createCatalogueRepository(db: Sql): CatalogueRepository {
  return {
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

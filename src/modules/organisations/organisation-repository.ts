import type { Sql } from '../../platform/database/database.ts'
import { deleteRowsNotIn, writeRows } from '../../platform/database/bulk-write.ts'
import type { NhsTrustRecord } from './ods-trust-file.ts'
import type { Organisation, Region } from './organisation.ts'

export interface OrganisationFilter {
  /** Words of the name, an ODS code or a postcode. */
  readonly query?: string
  readonly regionCode?: string
}

export interface OrganisationRepository {
  replaceNhsTrusts(tx: Sql, trusts: readonly NhsTrustRecord[], sourceIds: readonly string[]): Promise<void>
  /** The universities of the Credentials Framework, as organisations people can belong to. */
  replaceUniversities(
    tx: Sql,
    universities: readonly { id: string; name: string; sourceIds: readonly string[] }[],
  ): Promise<void>
  list(
    filter: OrganisationFilter,
    limit: number,
    offset: number,
  ): Promise<{ total: number; organisations: Organisation[] }>
  findById(id: string): Promise<Organisation | null>
  /** Every NHS organisation, open or closed, by name. */
  listNhsTrusts(): Promise<Organisation[]>
  listRegions(): Promise<Region[]>
}

interface OrganisationRow {
  id: string
  kind: Organisation['kind']
  name: string
  official_name: string
  region_code: string | null
  region_name: string | null
  icb_code: string | null
  address_lines: string[]
  postcode: string | null
  opened_on: string | null
  closed_on: string | null
  source_ids: string[]
}

const columns = `id, kind, name, official_name, region_code, region_name, icb_code, address_lines, postcode,
  opened_on, closed_on, source_ids`

export function createOrganisationRepository(db: Sql): OrganisationRepository {
  return {
    async replaceNhsTrusts(tx, trusts, sourceIds) {
      await writeRows(
        tx,
        'organisations',
        {
          id: 'text',
          kind: 'text',
          name: 'text',
          official_name: 'text',
          region_code: 'text',
          region_name: 'text',
          icb_code: 'text',
          address_lines: 'text[]',
          postcode: 'text',
          opened_on: 'date',
          closed_on: 'date',
          source_ids: 'text[]',
          position: 'integer',
        },
        trusts.map((t, position) => ({
          id: t.odsCode,
          kind: 'nhs-trust',
          name: t.name,
          official_name: t.officialName,
          region_code: t.regionCode,
          region_name: t.regionName,
          icb_code: t.icbCode,
          address_lines: t.addressLines,
          postcode: t.postcode,
          opened_on: t.openedOn,
          closed_on: t.closedOn,
          source_ids: sourceIds,
          position,
        })),
        ['id'],
      )
      await deleteRowsNotIn(
        tx,
        'organisations',
        trusts.map((t) => t.odsCode),
        `kind = 'nhs-trust'`,
      )
    },

    async replaceUniversities(tx, universities) {
      await writeRows(
        tx,
        'organisations',
        {
          id: 'text',
          kind: 'text',
          name: 'text',
          official_name: 'text',
          address_lines: 'text[]',
          source_ids: 'text[]',
          position: 'integer',
        },
        universities.map((u, position) => ({
          id: u.id,
          kind: 'university',
          name: u.name,
          official_name: u.name,
          address_lines: [],
          source_ids: u.sourceIds,
          position,
        })),
        ['id'],
      )
      await deleteRowsNotIn(
        tx,
        'organisations',
        universities.map((u) => u.id),
        `kind = 'university'`,
      )
    },

    async list(filter, limit, offset) {
      const query = filter.query?.trim() ?? ''
      const rows = await db.query<OrganisationRow & { total: number }>(
        `SELECT ${columns}, count(*) OVER () AS total
         FROM organisations
         WHERE kind = 'nhs-trust'
           AND ($1 = '' OR name ILIKE '%' || $2 || '%' OR official_name ILIKE '%' || $2 || '%'
                OR upper(id) = upper($1) OR replace(upper(postcode), ' ', '') = replace(upper($1), ' ', ''))
           AND ($3::text IS NULL OR region_code = $3)
         ORDER BY (closed_on IS NOT NULL), CASE WHEN upper(id) = upper($1) THEN 0 ELSE 1 END, name, id
         LIMIT $4 OFFSET $5`,
        [query, escapeLike(query), filter.regionCode ?? null, limit, offset],
      )
      let total = rows[0]?.total ?? 0
      if (rows.length === 0 && offset > 0) {
        const [count] = await db.query<{ total: number }>(
          `SELECT count(*) AS total FROM organisations
           WHERE kind = 'nhs-trust'
             AND ($1 = '' OR name ILIKE '%' || $2 || '%' OR official_name ILIKE '%' || $2 || '%'
                  OR upper(id) = upper($1) OR replace(upper(postcode), ' ', '') = replace(upper($1), ' ', ''))
             AND ($3::text IS NULL OR region_code = $3)`,
          [query, escapeLike(query), filter.regionCode ?? null],
        )
        total = count?.total ?? 0
      }
      return { total, organisations: rows.map(toOrganisation) }
    },

    async findById(id) {
      const [row] = await db.query<OrganisationRow>(
        `SELECT ${columns} FROM organisations WHERE kind = 'nhs-trust' AND id = $1`,
        [id.toUpperCase()],
      )
      return row === undefined ? null : toOrganisation(row)
    },

    async listNhsTrusts() {
      const rows = await db.query<OrganisationRow>(
        `SELECT ${columns} FROM organisations WHERE kind = 'nhs-trust' ORDER BY name, id`,
      )
      return rows.map(toOrganisation)
    },

    async listRegions() {
      return db.query<Region>(
        `SELECT region_code AS code, min(region_name) AS name, count(*)::int AS "organisationCount"
         FROM organisations WHERE kind = 'nhs-trust' AND region_code IS NOT NULL
         GROUP BY region_code ORDER BY min(region_name), region_code`,
      )
    },
  }
}

/** Text typed into a search box is matched literally: % and _ are not wildcards here. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`)
}

function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    officialName: row.official_name,
    regionCode: row.region_code,
    regionName: row.region_name,
    icbCode: row.icb_code,
    addressLines: row.address_lines,
    postcode: row.postcode,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
    sources: row.source_ids,
  }
}

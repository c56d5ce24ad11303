import type { Sql } from '../../platform/database/database.ts'
import type { NhsTrustRecord } from './ods-trust-file.ts'
import type { Organisation, Region } from './organisation.ts'
import type { OrganisationFilter, OrganisationRepository } from './organisation-repository.ts'

export interface OrganisationPage {
  readonly organisations: readonly Organisation[]
  readonly total: number
  readonly page: number
  readonly pageSize: number
  readonly pageCount: number
}

export interface OrganisationService {
  /** Replaces the NHS trusts with the ODS file's, inside the catalogue load's transaction. */
  replaceNhsTrusts(tx: Sql, trusts: readonly NhsTrustRecord[], sourceIds: readonly string[]): Promise<void>
  replaceUniversities(
    tx: Sql,
    universities: readonly { id: string; name: string; sourceIds: readonly string[] }[],
  ): Promise<void>
  findOrganisations(filter: OrganisationFilter, page: number, pageSize: number): Promise<OrganisationPage>
  getOrganisation(id: string): Promise<Organisation | null>
  /** Every NHS organisation, open or closed, by name: for matching study sites to them. */
  listNhsTrusts(): Promise<Organisation[]>
  listRegions(): Promise<Region[]>
}

export function createOrganisationService(repository: OrganisationRepository): OrganisationService {
  return {
    replaceNhsTrusts: (tx, trusts, sourceIds) => repository.replaceNhsTrusts(tx, trusts, sourceIds),
    replaceUniversities: (tx, universities) => repository.replaceUniversities(tx, universities),

    async findOrganisations(filter, page, pageSize) {
      const { total, organisations } = await repository.list(filter, pageSize, (page - 1) * pageSize)
      return { organisations, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) }
    },

    getOrganisation: (id) => repository.findById(id),
    listNhsTrusts: () => repository.listNhsTrusts(),
    listRegions: () => repository.listRegions(),
  }
}

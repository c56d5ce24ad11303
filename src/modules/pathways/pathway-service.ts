import type { CatalogueService, Profession, ProfessionGroup } from '../catalogue/index.ts'
import { buildProfessionPathway, type ProfessionPathway } from './pathway.ts'

export interface ProfessionsByGroup {
  readonly group: ProfessionGroup
  readonly professions: readonly Profession[]
}

export interface PathwayService {
  listProfessionsByGroup(): Promise<ProfessionsByGroup[]>
  /** null when there is no such profession. */
  findProfessionPathway(professionId: string): Promise<ProfessionPathway | null>
}

export function createPathwayService(catalogue: CatalogueService): PathwayService {
  return {
    async listProfessionsByGroup() {
      const [groups, professions] = await Promise.all([
        catalogue.listProfessionGroups(),
        catalogue.listProfessions(),
      ])
      return groups
        .map((group) => ({ group, professions: professions.filter((p) => p.groupId === group.id) }))
        .filter((entry) => entry.professions.length > 0)
    },

    async findProfessionPathway(professionId) {
      const profession = await catalogue.findProfession(professionId)
      if (profession === null) return null
      const [pathways, stages, schemes, healthcareScience, framework, programmes, providers] =
        await Promise.all([
          catalogue.listPathways(profession.id),
          catalogue.listStages(),
          catalogue.listSchemes({ professionId: profession.id }),
          catalogue.findHealthcareScience(),
          catalogue.findFramework(),
          catalogue.listProgrammes(),
          catalogue.listProviders(),
        ])
      return buildProfessionPathway({
        profession,
        pathways,
        stages,
        schemes,
        healthcareScienceLevels: healthcareScience?.levels ?? [],
        framework,
        programmes,
        providers,
      })
    },
  }
}

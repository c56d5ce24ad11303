import { healthcareScienceGroupId } from '../catalogue/index.ts'
import type {
  Framework,
  FrameworkLevel,
  HealthcareScienceLevel,
  Pathway,
  PathwayStep,
  Profession,
  Programme,
  Provider,
  Scheme,
  Stage,
} from '../catalogue/index.ts'

/** The stage at which the Clinician Researcher Credentials sit: research delivery, open to every profession. */
export const researchDeliveryStageId = 'research-delivery'

export interface PathwayStepAtStage {
  readonly pathway: Pick<Pathway, 'id' | 'name'>
  readonly step: PathwayStep
}

export interface StageOfPathway {
  readonly stage: Stage
  /** What this profession's own pathways call this stage. */
  readonly steps: readonly PathwayStepAtStage[]
  readonly healthcareScienceLevels: readonly HealthcareScienceLevel[]
  /** Schemes open to this profession at this stage, current ones first. */
  readonly schemes: readonly Scheme[]
  /** The framework's levels, at the research-delivery stage only. */
  readonly frameworkLevels: readonly FrameworkLevel[]
  /** Framework-aligned programmes, at the research-delivery stage only. */
  readonly programmes: readonly ProgrammeWithProvider[]
}

export interface ProgrammeWithProvider {
  readonly programme: Programme
  readonly provider: Provider
  readonly level: FrameworkLevel | undefined
}

export interface ProfessionPathway {
  readonly profession: Profession
  readonly pathways: readonly Pathway[]
  readonly stages: readonly StageOfPathway[]
}

export interface ProfessionPathwayInput {
  readonly profession: Profession
  readonly pathways: readonly Pathway[]
  readonly stages: readonly Stage[]
  /** Schemes open to this profession (at any stage). */
  readonly schemes: readonly Scheme[]
  readonly healthcareScienceLevels: readonly HealthcareScienceLevel[]
  readonly framework: Framework | null
  readonly programmes: readonly Programme[]
  readonly providers: readonly Provider[]
}

/**
 * A profession's route into clinical research, stage by stage on the shared vocabulary: the names its own
 * pathways give each stage, the schemes open to it there, and — at research delivery — the credentials.
 * Stages with nothing for this profession are left out.
 */
export function buildProfessionPathway(input: ProfessionPathwayInput): ProfessionPathway {
  const { profession } = input
  const pathways = input.pathways.filter((pathway) => pathway.professionIds.includes(profession.id))
  const followsHealthcareScience = profession.groupId === healthcareScienceGroupId
  const providers = new Map(input.providers.map((provider) => [provider.id, provider]))
  const levels = new Map((input.framework?.levels ?? []).map((level) => [level.id, level]))

  const stages = input.stages
    .map((stage): StageOfPathway => {
      const isResearchDelivery = stage.id === researchDeliveryStageId
      return {
        stage,
        steps: pathways.flatMap((pathway) =>
          pathway.steps
            .filter((step) => step.stageId === stage.id)
            .map((step) => ({ pathway: { id: pathway.id, name: pathway.name }, step })),
        ),
        healthcareScienceLevels: followsHealthcareScience
          ? input.healthcareScienceLevels.filter((level) => level.stageId === stage.id)
          : [],
        schemes: orderSchemes(input.schemes.filter((scheme) => scheme.stageIds.includes(stage.id))),
        frameworkLevels: isResearchDelivery ? (input.framework?.levels ?? []) : [],
        programmes: isResearchDelivery
          ? input.programmes.flatMap((programme) => {
              const provider = providers.get(programme.providerId)
              return provider === undefined
                ? []
                : [{ programme, provider, level: levels.get(programme.awardLevelId) }]
            })
          : [],
      }
    })
    .filter(
      (stage) =>
        stage.steps.length > 0 ||
        stage.healthcareScienceLevels.length > 0 ||
        stage.schemes.length > 0 ||
        stage.frameworkLevels.length > 0,
    )
  return { profession, pathways, stages }
}

/** Current schemes before closed ones; otherwise the catalogue's own order. */
export function orderSchemes(schemes: readonly Scheme[]): Scheme[] {
  return [...schemes].sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent))
}

import { describe, expect, it } from 'vitest'
import { buildContent } from '../../../test/builders/catalogue-content.ts'
import type { Pathway, Profession, Scheme, Stage } from '../catalogue/index.ts'
import { buildProfessionPathway, orderSchemes } from './pathway.ts'

const content = buildContent()
const provenance = { status: 'verified' as const, sources: ['seed-002'] }
const stages: Stage[] = content.stages.map((s, position) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  position,
  ...provenance,
}))
const profession = (id: string): Profession => {
  const p = content.professions.find((x) => x.id === id)!
  return {
    id: p.id,
    name: p.name,
    plural: p.plural,
    groupId: p.group,
    description: p.description,
    isMedicalOrDental: p.isMedicalOrDental,
    registrations: p.registrations,
    ...provenance,
  }
}
const pathways: Pathway[] = content.pathways.map((p) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  notes: [],
  professionIds: p.professions,
  steps: p.steps.map((s) => ({
    id: s.id,
    name: s.name,
    stageId: s.stage,
    description: s.description,
    ...provenance,
  })),
  ...provenance,
}))
const scheme = (id: string, stageIds: string[], isCurrent = true): Scheme => ({
  id,
  name: id,
  abbreviation: null,
  formerNames: [],
  professionScope: { all: true },
  isCurrent,
  replacedBy: null,
  summary: '',
  eligibility: null,
  duration: null,
  funds: null,
  url: null,
  funderIds: ['nihr'],
  stageIds,
  professionIds: ['nurse'],
  ...provenance,
})

const build = (id: string, schemes: Scheme[] = []) =>
  buildProfessionPathway({
    profession: profession(id),
    pathways,
    stages,
    schemes,
    healthcareScienceLevels: [
      {
        id: 'stp',
        name: 'Scientist Training Programme',
        description: '',
        stageId: 'doctoral',
        ...provenance,
      },
    ],
    framework: null,
    programmes: [],
    providers: [],
  })

describe('buildProfessionPathway', () => {
  it('names each stage as the profession’s own pathway does, in the shared order', () => {
    const pathway = build('nurse')
    expect(pathway.pathways.map((p) => p.id)).toEqual(['non-medical'])
    expect(pathway.stages.map((s) => [s.stage.id, s.steps.map((x) => x.step.name)])).toEqual([
      ['early-research', ['Internships']],
      ['doctoral', ['Clinical Doctoral Research Fellowships']],
    ])
  })

  it('leaves out stages where the profession has nothing', () => {
    expect(build('doctor').stages).toEqual([])
  })

  it('adds the healthcare-science career levels for healthcare scientists only', () => {
    expect(
      build('clinical-scientist')
        .stages.find((s) => s.stage.id === 'doctoral')
        ?.healthcareScienceLevels.map((l) => l.id),
    ).toEqual(['stp'])
    expect(build('nurse').stages.find((s) => s.stage.id === 'doctoral')?.healthcareScienceLevels).toEqual([])
  })

  it('puts the schemes at their stages, current before closed, and shows a stage that has only schemes', () => {
    const pathway = build('doctor', [
      scheme('closed', ['doctoral'], false),
      scheme('open', ['doctoral']),
      scheme('delivery', ['research-delivery']),
    ])
    expect(pathway.stages.map((s) => [s.stage.id, s.schemes.map((x) => x.id)])).toEqual([
      ['doctoral', ['open', 'closed']],
      ['research-delivery', ['delivery']],
    ])
  })
})

describe('orderSchemes', () => {
  it('keeps the catalogue order within current and within closed schemes', () => {
    const ordered = orderSchemes([
      scheme('a', [], false),
      scheme('b', []),
      scheme('c', [], false),
      scheme('d', []),
    ])
    expect(ordered.map((s) => s.id)).toEqual(['b', 'd', 'a', 'c'])
  })
})

import type { CatalogueContent } from './catalogue-content-schemas.ts'
import type { FactStatus } from './catalogue.ts'
import type { NhsTrustRecord } from '../organisations/index.ts'

/** One thing search can find: its words, and the page that shows it. */
export interface SearchDocument {
  readonly kind: SearchKind
  readonly id: string
  readonly title: string
  readonly summary: string
  readonly body: string
  readonly path: string
  readonly status: FactStatus
}

export const searchKinds = {
  profession: 'Profession',
  scheme: 'Funded scheme',
  funder: 'Funder',
  framework: 'Credentials Framework',
  university: 'University',
  programme: 'Programme',
  module: 'Module',
  'healthcare-science': 'Healthcare science',
  'research-culture': 'Research culture',
  organisation: 'NHS organisation',
  regulator: 'Regulator',
} as const
export type SearchKind = keyof typeof searchKinds

const words = (...parts: (string | null | undefined | false)[]) =>
  parts.filter((part): part is string => typeof part === 'string' && part !== '').join(' ')

/** Builds every search document from the catalogue, with the path of the page that shows each. */
export function buildSearchDocuments(
  content: CatalogueContent,
  trusts: readonly NhsTrustRecord[],
): SearchDocument[] {
  const documents: SearchDocument[] = []
  const add = (document: SearchDocument) => documents.push(document)
  const regulatorNames = new Map(content.regulators.map((r) => [r.id, `${r.name} ${r.abbreviation}`]))
  const stageNames = new Map(content.stages.map((s) => [s.id, s.name]))
  const funderNames = new Map(content.funders.map((f) => [f.id, words(f.name, f.abbreviation)]))
  const groupNames = new Map(content.professionGroups.map((g) => [g.id, g.name]))

  for (const profession of content.professions) {
    add({
      kind: 'profession',
      id: profession.id,
      title: profession.name,
      summary: profession.description,
      body: words(
        profession.plural,
        groupNames.get(profession.group),
        ...profession.registrations.map((r) => words(regulatorNames.get(r.regulator), r.register, r.format)),
      ),
      path: `/professions/${profession.id}`,
      status: profession.status,
    })
  }
  for (const regulator of content.regulators) {
    add({
      kind: 'regulator',
      id: regulator.id,
      title: `${regulator.name} (${regulator.abbreviation})`,
      summary: regulator.description,
      body: '',
      path: `/regulators#${regulator.id}`,
      status: regulator.status,
    })
  }
  for (const scheme of content.schemes) {
    add({
      kind: 'scheme',
      id: scheme.id,
      title: scheme.abbreviation === undefined ? scheme.name : `${scheme.name} (${scheme.abbreviation})`,
      summary: scheme.summary,
      body: words(
        ...scheme.formerNames.map((former) => former.name),
        ...scheme.funders.map((id) => funderNames.get(id)),
        ...scheme.stages.map((id) => stageNames.get(id)),
        scheme.eligibility?.text,
        scheme.duration?.text,
        scheme.funds?.text,
      ),
      path: `/schemes/${scheme.id}`,
      status: scheme.status,
    })
  }
  for (const funder of content.funders) {
    add({
      kind: 'funder',
      id: funder.id,
      title: funder.abbreviation === undefined ? funder.name : `${funder.name} (${funder.abbreviation})`,
      summary: funder.description,
      body: '',
      path: `/funders/${funder.id}`,
      status: funder.status,
    })
  }

  const framework = content.framework
  add({
    kind: 'framework',
    id: framework.id,
    title: framework.name,
    summary: framework.summary,
    body: words(
      framework.audience.text,
      ...framework.levels.map((level) => words(level.name, level.abbreviation, level.aim.text)),
      ...framework.roles.map((role) => words(role.name, role.description)),
      ...framework.moduleKinds.map((kind) => words(kind.name, kind.description)),
      framework.bursaries.text,
      framework.priorLearning.text,
    ),
    path: '/framework',
    status: framework.status,
  })

  for (const provider of content.providers) {
    add({
      kind: 'university',
      id: provider.id,
      title: provider.name,
      summary: provider.description,
      body: words(...provider.programmes.map((p) => p.name), provider.priorLearning?.text),
      path: `/framework/universities/${provider.id}`,
      status: provider.status,
    })
    for (const programme of provider.programmes) {
      add({
        kind: 'programme',
        id: programme.id,
        title: programme.name,
        summary: programme.description,
        body: words(
          provider.name,
          ...programme.options.map((option) => words(option.description, ...option.topics)),
          ...programme.notes.map((note) => note.text),
        ),
        path: `/framework/programmes/${programme.id}`,
        status: programme.status,
      })
    }
    for (const module of provider.modules) {
      add({
        kind: 'module',
        id: module.id,
        title: module.name,
        summary: module.description ?? `A module at ${provider.name}.`,
        body: words(provider.name, framework.moduleKinds.find((kind) => kind.id === module.kind)?.name),
        path: `/framework/modules/${module.id}`,
        status: module.status,
      })
    }
  }

  const hcs = content.healthcareScience
  for (const division of hcs.divisions) {
    add({
      kind: 'healthcare-science',
      id: division.id,
      title: division.name,
      summary: division.description,
      body: 'healthcare science division',
      path: `/healthcare-science#${division.id}`,
      status: division.status,
    })
  }
  for (const level of hcs.levels) {
    add({
      kind: 'healthcare-science',
      id: level.id,
      title: level.name,
      summary: level.description,
      body: 'healthcare science career level',
      path: `/healthcare-science#${level.id}`,
      status: level.status,
    })
  }
  for (const group of hcs.specialismGroups) {
    add({
      kind: 'healthcare-science',
      id: group.id,
      title: group.name,
      summary: group.specialisms.map((s) => s.name).join(', ') || group.name,
      body: 'healthcare science specialism',
      path: `/healthcare-science#${group.id}`,
      status: group.status,
    })
  }

  const culture = content.researchCulture
  add({
    kind: 'research-culture',
    id: culture.strategy.id,
    title: culture.strategy.title,
    summary: culture.strategy.summary,
    body: words(
      ...culture.strategy.themes.map((t) => t.name),
      ...culture.strategy.actions.map((a) => a.name),
    ),
    path: `/research-culture#${culture.strategy.id}`,
    status: culture.strategy.status,
  })
  add({
    kind: 'research-culture',
    id: culture.jointStatement.id,
    title: culture.jointStatement.title,
    summary: culture.jointStatement.summary,
    body: words(culture.localPriorities.summary, ...culture.localPriorities.items.map((item) => item.name)),
    path: `/research-culture#${culture.jointStatement.id}`,
    status: culture.jointStatement.status,
  })
  for (const theme of culture.caseStudyThemes) {
    add({
      kind: 'research-culture',
      id: theme.id,
      title: theme.name,
      summary: theme.description,
      body: words(
        ...theme.examples.map((example) => words(example.title, example.organisation, example.summary)),
      ),
      path: `/research-culture#${theme.id}`,
      status: theme.status,
    })
  }

  for (const trust of trusts) {
    add({
      kind: 'organisation',
      id: trust.odsCode,
      title: trust.name,
      summary: `${trust.regionName}. ODS code ${trust.odsCode}.${trust.closedOn === null ? '' : ` Closed ${trust.closedOn}.`}`,
      body: words(trust.odsCode, ...trust.addressLines, trust.postcode),
      path: `/organisations/${trust.odsCode}`,
      status: content.nhsTrusts.status,
    })
  }
  return documents
}

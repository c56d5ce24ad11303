/** An NHS organisation or a university, as Trellis knows it. */
export interface Organisation {
  /** The ODS code for an NHS organisation. */
  readonly id: string
  readonly kind: 'nhs-trust' | 'university' | 'framework'
  readonly name: string
  readonly officialName: string
  readonly regionCode: string | null
  readonly regionName: string | null
  readonly icbCode: string | null
  readonly addressLines: readonly string[]
  readonly postcode: string | null
  readonly openedOn: string | null
  readonly closedOn: string | null
  readonly sources: readonly string[]
}

export interface Region {
  readonly code: string
  readonly name: string
  readonly organisationCount: number
}

export function isOpen(organisation: Pick<Organisation, 'closedOn'>, today: string): boolean {
  return organisation.closedOn === null || organisation.closedOn > today
}

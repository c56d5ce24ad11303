/**
 * NHS trusts from the Organisation Data Service "etr" file: headerless CSV, 27 columns. Columns 1–12 are the
 * organisation code, name, national grouping (NHS England region), high-level health geography (ICB), five
 * address lines, postcode, open date and close date (YYYYMMDD).
 */
export interface NhsTrustRecord {
  readonly odsCode: string
  /** The name in title case, as people write it. */
  readonly name: string
  /** The name exactly as ODS publishes it (upper case). */
  readonly officialName: string
  readonly regionCode: string
  readonly regionName: string
  readonly icbCode: string | null
  readonly addressLines: readonly string[]
  readonly postcode: string | null
  readonly openedOn: string | null
  readonly closedOn: string | null
}

export interface TrustRowProblem {
  readonly line: number
  readonly field?: string
  readonly reason: string
}

const odsCodePattern = /^[A-Z0-9]{3,5}$/
const odsDatePattern = /^(\d{4})(\d{2})(\d{2})$/

export function parseTrustRows(
  rows: readonly (readonly string[])[],
  regions: readonly { code: string; name: string }[],
): { trusts: NhsTrustRecord[]; problems: TrustRowProblem[] } {
  const regionNames = new Map(regions.map((region) => [region.code, region.name]))
  const trusts: NhsTrustRecord[] = []
  const problems: TrustRowProblem[] = []
  const seen = new Set<string>()

  rows.forEach((row, index) => {
    const line = index + 1
    const cell = (column: number) => (row[column - 1] ?? '').trim()
    if (row.length < 12) {
      problems.push({ line, reason: `has ${row.length} columns; an ODS etr row has 27` })
      return
    }
    const odsCode = cell(1)
    if (!odsCodePattern.test(odsCode)) {
      problems.push({
        line,
        field: 'organisation code',
        reason: `"${odsCode}" is not an ODS code (3 to 5 capital letters or digits)`,
      })
      return
    }
    if (seen.has(odsCode)) {
      problems.push({ line, field: 'organisation code', reason: `${odsCode} appears more than once` })
      return
    }
    seen.add(odsCode)
    const officialName = cell(2)
    if (officialName === '') {
      problems.push({ line, field: 'name', reason: 'is empty' })
      return
    }
    const regionCode = cell(3)
    const regionName = regionNames.get(regionCode)
    if (regionName === undefined) {
      problems.push({
        line,
        field: 'national grouping',
        reason: `region code "${regionCode}" is not listed in nhs-trusts.yaml regions`,
      })
      return
    }
    const openedOn = parseOdsDate(cell(11))
    const closedOn = parseOdsDate(cell(12))
    if (openedOn === undefined || closedOn === undefined) {
      problems.push({
        line,
        field: openedOn === undefined ? 'open date' : 'close date',
        reason: 'must be a date written YYYYMMDD',
      })
      return
    }
    trusts.push({
      odsCode,
      name: toTitleCase(officialName),
      officialName,
      regionCode,
      regionName,
      icbCode: cell(4) === '' ? null : cell(4),
      addressLines: [5, 6, 7, 8, 9]
        .map(cell)
        .filter((part) => part !== '')
        .map(toTitleCase),
      postcode: cell(10) === '' ? null : cell(10),
      openedOn,
      closedOn,
    })
  })
  return { trusts, problems }
}

/** `20241101` → `2024-11-01`; blank → null; anything else → undefined (an error). */
export function parseOdsDate(value: string): string | null | undefined {
  if (value === '') return null
  const match = odsDatePattern.exec(value)
  if (match === null) return undefined
  const [, year, month, day] = match
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)) return undefined
  return `${year}-${month}-${day}`
}

const keptUpper = new Set(['NHS', 'UK', 'ICB', 'LHB'])
const keptLower = new Set(['and', 'of', 'upon', 'for', 'the', 'in', 'on', 'at'])

/**
 * ODS publishes names in capitals; people read "King's College Hospital NHS Foundation Trust". Small joining
 * words are lower case except at the start; NHS stays in capitals.
 */
export function toTitleCase(value: string): string {
  return value
    .toLowerCase()
    .split(/(\s+)/)
    .map((word, index) => {
      if (/^\s+$/.test(word) || word === '') return word
      const core = word.replace(/[,.;:]+$/, '')
      if (keptUpper.has(core.toUpperCase())) return word.toUpperCase()
      if (index > 0 && keptLower.has(word)) return word
      return word.replace(
        /^([^a-z]*)([a-z])/,
        (_, prefix: string, letter: string) => prefix + letter.toUpperCase(),
      )
    })
    .join('')
}

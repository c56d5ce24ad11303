/**
 * Matching a registry's site names to NHS organisations by name. Registries spell a trust's name as each study
 * team typed it ("Guy's & St Thomas' NHS Foundation Trust", "GUYS AND ST THOMAS NHS FOUNDATION TRUST",
 * "Nottingham University Hospitals NHS TRUST UK"), so names are compared normalised; what still does not match
 * is listed for a person to match by hand, and their match is remembered under the normalised name.
 */

/**
 * A name as matching compares it: lower case, without accents, "&" read as "and", apostrophes dropped
 * ("guy's" = "guys"), other punctuation as spaces, whitespace collapsed, and without a leading "the".
 */
export function normaliseSiteName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’‘`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
  return words.replace(/^the /, '')
}

// Trailing words that say where or what kind of NHS body, not which one: "… NHS Foundation Trust", "… NHS
// Trust", "…, UK". ODS names every trust with the first two; registries often leave them out.
const suffixes = [/ united kingdom$/, / uk$/, / nhs foundation trust$/, / nhs trust$/, / foundation trust$/]

/** The part of a normalised name that tells organisations apart: without the suffixes every trust shares. */
export function organisationKey(name: string): string {
  let key = normaliseSiteName(name)
  for (let changed = true; changed;) {
    changed = false
    for (const suffix of suffixes) {
      const shorter = key.replace(suffix, '')
      if (shorter !== key && shorter !== '') {
        key = shorter
        changed = true
      }
    }
  }
  return key.replace(/^the /, '')
}

export interface NamedOrganisation {
  readonly id: string
  readonly name: string
  readonly officialName: string
}

/** NHS organisations by key; a key two organisations share matches neither. */
export type OrganisationIndex = ReadonlyMap<string, readonly string[]>

export function indexOrganisations(organisations: readonly NamedOrganisation[]): OrganisationIndex {
  const index = new Map<string, string[]>()
  for (const organisation of organisations) {
    for (const key of new Set([
      organisationKey(organisation.name),
      organisationKey(organisation.officialName),
    ])) {
      const ids = index.get(key) ?? []
      if (!ids.includes(organisation.id)) ids.push(organisation.id)
      index.set(key, ids)
    }
  }
  return index
}

export type SiteMatch =
  | { readonly organisationId: string; readonly by: 'name' | 'alias' }
  | { readonly organisationId: null; readonly by: null }

/**
 * The organisation a site is part of: the one a person matched its name to before (by normalised name); else
 * the one whose name is the site's; else the one named by exactly one of the parts of the site's name between
 * commas ("Weston Park Hospital, Sheffield Teaching Hospitals"). Anything less certain is left to a person.
 */
export function matchSite(
  facility: string,
  organisations: OrganisationIndex,
  aliases: ReadonlyMap<string, string>,
): SiteMatch {
  const alias = aliases.get(normaliseSiteName(facility))
  if (alias !== undefined) return { organisationId: alias, by: 'alias' }
  const whole = organisations.get(organisationKey(facility))
  if (whole !== undefined) {
    return whole.length === 1 ? { organisationId: whole[0]!, by: 'name' } : { organisationId: null, by: null }
  }
  const parts = facility.split(',').filter((part) => normaliseSiteName(part) !== '')
  if (parts.length > 1) {
    const found = new Set(parts.flatMap((part) => organisations.get(organisationKey(part)) ?? []))
    if (found.size === 1) return { organisationId: [...found][0]!, by: 'name' }
  }
  return { organisationId: null, by: null }
}

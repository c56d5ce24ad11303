import { describe, expect, it } from 'vitest'
import {
  indexOrganisations,
  matchSite,
  normaliseSiteName,
  organisationKey,
  type NamedOrganisation,
} from './study-site-names.ts'

// Matching sites to NHS organisations by name, with the ODS names (title case and official upper case) of
// trusts the real PALLAS record's UK sites belong to.

const trusts: NamedOrganisation[] = [
  {
    id: 'RJ1',
    name: "Guy's and St Thomas' NHS Foundation Trust",
    officialName: "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST",
  },
  { id: 'RBV', name: 'The Christie NHS Foundation Trust', officialName: 'THE CHRISTIE NHS FOUNDATION TRUST' },
  {
    id: 'RX1',
    name: 'Nottingham University Hospitals NHS Trust',
    officialName: 'NOTTINGHAM UNIVERSITY HOSPITALS NHS TRUST',
  },
  {
    id: 'RWE',
    name: 'University Hospitals of Leicester NHS Trust',
    officialName: 'UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST',
  },
  {
    id: 'RHQ',
    name: 'Sheffield Teaching Hospitals NHS Foundation Trust',
    officialName: 'SHEFFIELD TEACHING HOSPITALS NHS FOUNDATION TRUST',
  },
  {
    id: 'REF',
    name: 'Royal Cornwall Hospitals NHS Trust',
    officialName: 'ROYAL CORNWALL HOSPITALS NHS TRUST',
  },
  {
    id: 'RA7',
    name: 'University Hospitals Bristol and Weston NHS Foundation Trust',
    officialName: 'UNIVERSITY HOSPITALS BRISTOL AND WESTON NHS FOUNDATION TRUST',
  },
]

describe('site names', () => {
  it('normalises case, accents, "&", apostrophes, punctuation, whitespace and a leading "the"', () => {
    expect(normaliseSiteName("  The GUY'S & St. Thomas’  NHS Foundation-Trust ")).toBe(
      'guys and st thomas nhs foundation trust',
    )
    expect(normaliseSiteName('Hôpital Européen, Paris')).toBe('hopital europeen paris')
    expect(normaliseSiteName('Theatre Royal')).toBe('theatre royal')
  })

  it('keys an organisation without "NHS Foundation Trust", "NHS Trust" or a trailing "UK"', () => {
    expect(organisationKey("Guy's and St Thomas' NHS Foundation Trust")).toBe('guys and st thomas')
    expect(organisationKey("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST")).toBe('guys and st thomas')
    expect(organisationKey('Nottingham University Hospitals NHS TRUST UK')).toBe(
      'nottingham university hospitals',
    )
    expect(organisationKey('The Christie NHS Foundation Trust')).toBe('christie')
    expect(organisationKey('NHS Trust')).toBe('nhs trust')
  })

  it('matches the real PALLAS sites it can tell, and leaves the others to a person', () => {
    const index = indexOrganisations(trusts)
    const match = (facility: string) => matchSite(facility, index, new Map()).organisationId
    expect(match("Guy's and St Thomas' NHS Foundation Trust")).toBe('RJ1')
    expect(match('The Christie NHS Foundation Trust')).toBe('RBV')
    expect(match('Nottingham University Hospitals NHS TRUST UK')).toBe('RX1')
    expect(match('University Hospitals of Leicester')).toBe('RWE')
    // A part between commas names the trust.
    expect(match('Weston Park Hospital, Sheffield Teaching Hospitals')).toBe('RHQ')
    expect(match('Royal Cornwall Hospitals NHS Trust, Oncology Trials, Sunrise Centre')).toBe('REF')
    // A hospital's name, or a trust's old name, is not guessed at.
    expect(match('University Hospitals Bristol NHS Foundation Trust')).toBeNull()
    expect(match('Royal Marsden Hospital Chelsea')).toBeNull()
    expect(match('Velindre Cancer Centre')).toBeNull()
  })

  it('uses a remembered match first, and matches no organisation when a name fits two', () => {
    const index = indexOrganisations([
      ...trusts,
      { id: 'XX1', name: 'The Christie NHS Trust', officialName: 'THE CHRISTIE NHS TRUST' },
    ])
    expect(matchSite('The Christie NHS Foundation Trust', index, new Map())).toEqual({
      organisationId: null,
      by: null,
    })
    const aliases = new Map([[normaliseSiteName('University Hospitals Bristol NHS Foundation Trust'), 'RA7']])
    expect(matchSite('UNIVERSITY HOSPITALS BRISTOL NHS FOUNDATION TRUST', index, aliases)).toEqual({
      organisationId: 'RA7',
      by: 'alias',
    })
    expect(matchSite("Guy's & St Thomas' NHS Foundation Trust", index, aliases)).toEqual({
      organisationId: 'RJ1',
      by: 'name',
    })
  })
})

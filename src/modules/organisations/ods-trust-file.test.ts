import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../../platform/views/view-engine.ts'
import { parseOdsDate, parseTrustRows, toTitleCase } from './ods-trust-file.ts'

const regions = [
  { code: 'Y56', name: 'London' },
  { code: 'Y63', name: 'North East and Yorkshire' },
]
const row = (overrides: Record<number, string> = {}) => {
  const cells = Array.from({ length: 27 }, () => '')
  Object.assign(cells, {
    0: 'RTD',
    1: 'THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST',
    2: 'Y63',
    3: 'QHM',
    4: 'FREEMAN HOSPITAL',
    5: 'FREEMAN ROAD',
    7: 'NEWCASTLE UPON TYNE',
    9: 'NE7 7DN',
    10: '20060601',
  })
  for (const [index, value] of Object.entries(overrides)) cells[Number(index)] = value
  return cells
}

describe('parseTrustRows', () => {
  it('reads the columns of an ODS etr row', () => {
    const { trusts, problems } = parseTrustRows([row()], regions)
    expect(problems).toEqual([])
    expect(trusts).toEqual([
      {
        odsCode: 'RTD',
        name: 'The Newcastle upon Tyne Hospitals NHS Foundation Trust',
        officialName: 'THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST',
        regionCode: 'Y63',
        regionName: 'North East and Yorkshire',
        icbCode: 'QHM',
        addressLines: ['Freeman Hospital', 'Freeman Road', 'Newcastle upon Tyne'],
        postcode: 'NE7 7DN',
        openedOn: '2006-06-01',
        closedOn: null,
      },
    ])
  })

  it('names the line, the column and the reason for each bad row, and keeps the good ones', () => {
    const { trusts, problems } = parseTrustRows(
      [
        row(),
        ['RX1', 'SHORT ROW'],
        row({ 0: 'not a code' }),
        row({ 0: 'RTD' }),
        row({ 0: 'RAA', 2: 'Y99' }),
        row({ 0: 'RAB', 10: '2024-01-01' }),
        row({ 0: 'RAC', 11: '20240231' }),
      ],
      regions,
    )
    expect(trusts.map((t) => t.odsCode)).toEqual(['RTD'])
    expect(problems).toEqual([
      { line: 2, reason: 'has 2 columns; an ODS etr row has 27' },
      {
        line: 3,
        field: 'organisation code',
        reason: '"not a code" is not an ODS code (3 to 5 capital letters or digits)',
      },
      { line: 4, field: 'organisation code', reason: 'RTD appears more than once' },
      {
        line: 5,
        field: 'national grouping',
        reason: 'region code "Y99" is not listed in nhs-trusts.yaml regions',
      },
      { line: 6, field: 'open date', reason: 'must be a date written YYYYMMDD' },
      { line: 7, field: 'close date', reason: 'must be a date written YYYYMMDD' },
    ])
  })

  it('reads every trust of the real Q1 2025 file, including the 5-character code and the closed trusts', () => {
    const text = readFileSync(join(projectRoot, 'content', 'organisations', 'etr.csv'), 'utf8')
    const rows = parse(text, { relax_column_count: true }) as string[][]
    const all = [
      ...regions,
      { code: 'Y58', name: 'South West' },
      { code: 'Y59', name: 'South East' },
      { code: 'Y60', name: 'Midlands' },
      { code: 'Y61', name: 'East of England' },
      { code: 'Y62', name: 'North West' },
      { code: 'W00', name: 'Wales' },
    ]
    const { trusts, problems } = parseTrustRows(rows, all)
    expect(problems).toEqual([])
    expect(trusts).toHaveLength(210)
    expect(trusts.filter((t) => t.closedOn !== null)).toHaveLength(5)
    expect(trusts.find((t) => t.odsCode === 'G6V2S')?.name).toBe('North London NHS Foundation Trust')
    expect(trusts.find((t) => t.odsCode === 'RJ1')?.name).toBe("Guy's and St Thomas' NHS Foundation Trust")
  })
})

describe('parseOdsDate', () => {
  it.each([
    ['20241101', '2024-11-01'],
    ['', null],
    ['2024111', undefined],
    ['20240230', undefined],
    ['20241301', undefined],
  ])('%s → %s', (input, expected) => {
    expect(parseOdsDate(input)).toBe(expected)
  })
})

describe('toTitleCase', () => {
  it.each([
    ["KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST", "King's College Hospital NHS Foundation Trust"],
    [
      'BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST',
      'Barking, Havering and Redbridge University Hospitals NHS Trust',
    ],
    ['THE ROYAL MARSDEN NHS FOUNDATION TRUST', 'The Royal Marsden NHS Foundation Trust'],
    ['ISLE OF WIGHT NHS TRUST', 'Isle of Wight NHS Trust'],
    ['ST. PANCRAS HOSPITAL', 'St. Pancras Hospital'],
  ])('%s', (input, expected) => {
    expect(toTitleCase(input)).toBe(expected)
  })
})

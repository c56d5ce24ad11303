import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from './audit.ts'
import { auditCsvHeader, auditCsvRecords, csvField, csvRecord, startAuditCsv } from './audit-csv.ts'

describe('csvField', () => {
  it('leaves plain text, numbers and empty values as they are', () => {
    expect(csvField('account.created')).toBe('account.created')
    expect(csvField(42)).toBe('42')
    expect(csvField(null)).toBe('')
    expect(csvField('')).toBe('')
  })

  it('quotes fields with a comma, a quote or a line break, doubling the quotes (RFC 4180)', () => {
    expect(csvField('Taylor, Sam')).toBe('"Taylor, Sam"')
    expect(csvField('She said "no"')).toBe('"She said ""no"""')
    expect(csvField('one\ntwo')).toBe('"one\ntwo"')
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"')
  })

  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
  ])('neutralises a cell a spreadsheet would run as a formula: %j', (value, expected) => {
    expect(csvField(value)).toBe(expected)
  })

  it('neutralises and then quotes when both are needed', () => {
    expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    )
    expect(csvField('\r=1')).toBe('"\'\r=1"')
  })

  it('leaves formula characters alone when they are not at the start', () => {
    expect(csvField('a=b')).toBe('a=b')
    expect(csvField('sam@example.com')).toBe('sam@example.com')
  })
})

describe('csvRecord', () => {
  it('joins fields with commas and ends with CRLF', () => {
    expect(csvRecord(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n')
  })
})

const events: AuditEvent[] = [
  {
    id: 7,
    occurredAt: '2025-03-15T09:30:12.123456Z',
    actor: {
      kind: 'person',
      userId: 'u-1',
      fullName: "Siân O'Neill, RN",
      email: 'sian@nhs.net',
      closed: false,
    },
    action: 'invitation.created',
    subjectType: 'organisation',
    subjectId: "=cmd|' /C calc'!A0",
    requestId: 'req-1',
    ip: '10.0.0.1',
    details: { email: '@evil', roles: ['mentor'] },
  },
  {
    id: 6,
    occurredAt: '2025-03-15T09:30:12.000001Z',
    actor: { kind: 'person', userId: 'u-2', fullName: 'Closed account', email: null, closed: true },
    action: 'account.closed',
    subjectType: 'account',
    subjectId: 'u-2',
    requestId: null,
    ip: null,
    details: {},
  },
  {
    id: 5,
    occurredAt: '2025-03-14T00:00:00.000000Z',
    actor: { kind: 'label', label: 'command line' },
    action: 'framework-admin.granted',
    subjectType: 'account',
    subjectId: null,
    requestId: null,
    ip: null,
    details: { note: 'line one\nline two' },
  },
]

describe('the audit CSV', () => {
  const file = startAuditCsv() + auditCsvRecords(events)
  const records = parse(file, { bom: true }) as string[][]

  it('starts with a byte order mark and a header record', () => {
    expect(file.startsWith('\uFEFFEntry,When (UTC),')).toBe(true)
    expect(records[0]).toEqual(auditCsvHeader)
  })

  it('has one record per entry that a CSV reader reads back exactly, formulas neutralised', () => {
    expect(records).toHaveLength(4)
    expect(records[1]).toEqual([
      '7',
      '2025-03-15T09:30:12.123456Z',
      "Siân O'Neill, RN",
      'sian@nhs.net',
      'u-1',
      'invitation.created',
      'organisation',
      "'=cmd|' /C calc'!A0",
      'req-1',
      '10.0.0.1',
      '{"email":"@evil","roles":["mentor"]}',
    ])
    expect(records[2]?.slice(2, 5)).toEqual(['Closed account', '', 'u-2'])
    expect(records[3]?.slice(2, 5)).toEqual(['Command line', '', ''])
    expect(JSON.parse(records[3]?.[10] ?? '')).toEqual({ note: 'line one\nline two' })
  })

  it('ends every record with CRLF', () => {
    expect(file.endsWith('\r\n')).toBe(true)
    expect(file.split('\r\n')).toHaveLength(5)
  })
})

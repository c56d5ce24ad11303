import { describe, expect, it } from 'vitest'
import { actorName, dateProblem, formatWhen, listDetails, readDateParts, ukDate } from './audit.ts'
import { auditFilterForm } from './audit-schemas.ts'

describe('readDateParts', () => {
  const read = (day: string, month: string, year: string) => readDateParts({ day, month, year })

  it('reads a real date, with or without leading zeros', () => {
    expect(read('1', '3', '2025')).toEqual({ kind: 'date', iso: '2025-03-01' })
    expect(read(' 09 ', '11', '2024')).toEqual({ kind: 'date', iso: '2024-11-09' })
    expect(read('29', '2', '2024')).toEqual({ kind: 'date', iso: '2024-02-29' })
  })

  it('treats three empty parts as no date', () => {
    expect(read('', ' ', '')).toEqual({ kind: 'empty' })
  })

  it('names the parts that are missing', () => {
    expect(read('1', '', '')).toEqual({ kind: 'missing', parts: ['month', 'year'] })
    expect(dateProblem('From date', read('', '3', ''))).toBe('From date must include a day and year')
    expect(dateProblem('To date', read('1', '3', ''))).toBe('To date must include a year')
  })

  it('refuses dates that do not exist and years without 4 numbers', () => {
    for (const [day, month, year] of [
      ['31', '2', '2025'],
      ['29', '2', '2025'],
      ['0', '1', '2025'],
      ['1', '13', '2025'],
      ['a', '1', '2025'],
      ['1', '1', '20x5'],
      ['1.5', '1', '2025'],
    ] as const) {
      expect(dateProblem('From date', read(day, month, year))).toBe('From date must be a real date')
    }
    expect(dateProblem('From date', read('1', '1', '25'))).toBe('From date year must include 4 numbers')
  })
})

describe('auditFilterForm', () => {
  it('gives the filters, leaving out what is empty', () => {
    const result = auditFilterForm.safeParse({
      action: 'account.created',
      actor: '  sam ',
      subjectType: '',
      'from-day': '1',
      'from-month': '3',
      'from-year': '2025',
    })
    expect(result.success && result.data).toEqual({
      action: 'account.created',
      actor: 'sam',
      from: '2025-03-01',
    })
  })

  it('refuses a from date after the to date, at the to date', () => {
    const result = auditFilterForm.safeParse({
      'from-day': '2',
      'from-month': '3',
      'from-year': '2025',
      'to-day': '1',
      'to-month': '3',
      'to-year': '2025',
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['to', 'To date must be the same as or after the from date'],
    ])
  })

  it('accepts the same day as from and to', () => {
    const day = { day: '15', month: '3', year: '2025' }
    const result = auditFilterForm.safeParse({
      'from-day': day.day,
      'from-month': day.month,
      'from-year': day.year,
      'to-day': day.day,
      'to-month': day.month,
      'to-year': day.year,
    })
    expect(result.success && result.data).toEqual({ from: '2025-03-15', to: '2025-03-15' })
  })
})

describe('listDetails', () => {
  it('lists details as key and value, nested keys dotted, lists joined', () => {
    expect(
      listDetails({
        method: 'password',
        sessions: 3,
        roles: ['mentor', 'programme-lead'],
        filters: { action: 'account.created', from: '2025-03-01' },
        previous: null,
        empty: {},
        mixed: [{ a: 1 }],
      }),
    ).toEqual([
      { key: 'method', value: 'password' },
      { key: 'sessions', value: '3' },
      { key: 'roles', value: 'mentor, programme-lead' },
      { key: 'filters.action', value: 'account.created' },
      { key: 'filters.from', value: '2025-03-01' },
      { key: 'previous', value: 'none' },
      { key: 'empty', value: '{}' },
      { key: 'mixed', value: '[{"a":1}]' },
    ])
  })
})

describe('showing who and when', () => {
  it('names a person, a closed account or a label', () => {
    expect(
      actorName({ kind: 'person', userId: 'u', fullName: 'Sam Taylor', email: 's@x', closed: false }),
    ).toBe('Sam Taylor')
    expect(
      actorName({ kind: 'person', userId: 'u', fullName: 'Closed account', email: null, closed: true }),
    ).toBe('Closed account')
    expect(actorName({ kind: 'label', label: 'command line' })).toBe('Command line')
  })

  it('shows times in UK time, with the zone in force', () => {
    expect(formatWhen('2025-01-15T09:30:12.123456Z')).toBe('15 January 2025 at 09:30:12 GMT')
    expect(formatWhen('2025-07-15T09:30:12.000000Z')).toBe('15 July 2025 at 10:30:12 BST')
  })

  it('dates the export by the UK calendar', () => {
    expect(ukDate(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01')
    expect(ukDate(new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31')
  })
})

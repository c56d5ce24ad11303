import { describe, expect, it } from 'vitest'
import { checkLogbookEntry, progressOf, signOffRefusal } from './placement-supervision.ts'

// The supervision rules without a database: what an entry must be, how the checklist fills, and what sign-off
// needs, in the order a reviewer meets the reasons.

const context = { today: '2027-03-10', acceptedOn: '2027-03-01', activities: ['consent', 'data-collection'] }
const entry = { entryDate: '2027-03-05', hours: '2.5', activity: 'consent', reflection: ' Watched consent. ' }

describe('a logbook entry', () => {
  it('is taken trimmed, with hours as a number', () => {
    expect(checkLogbookEntry(entry, context)).toEqual({
      ok: true,
      value: { entryDate: '2027-03-05', hours: 2.5, activity: 'consent', reflection: 'Watched consent.' },
    })
  })

  it('may be dated the day of acceptance and today, and not outside them', () => {
    for (const entryDate of ['2027-03-01', '2027-03-10'])
      expect(checkLogbookEntry({ ...entry, entryDate }, context).ok).toBe(true)
    for (const entryDate of ['2027-02-28', '2027-03-11', null])
      expect(checkLogbookEntry({ ...entry, entryDate }, context)).toMatchObject({
        ok: false,
        errors: [{ field: 'entryDate' }],
      })
  })

  it('takes hours from 0.1 to 24 with at most one decimal place', () => {
    for (const hours of ['0.1', '1', '7.5', '24', ' 3 '])
      expect(checkLogbookEntry({ ...entry, hours }, context).ok).toBe(true)
    for (const hours of ['0', '0.0', '24.1', '1.25', '-1', 'two', '1e1', ''])
      expect(checkLogbookEntry({ ...entry, hours }, context)).toMatchObject({
        ok: false,
        errors: [{ field: 'hours' }],
      })
  })

  it('takes only an activity the offer lists, and a reflection of at most 5000 characters', () => {
    expect(checkLogbookEntry({ ...entry, activity: 'feasibility' }, context)).toMatchObject({
      errors: [{ field: 'activity' }],
    })
    expect(checkLogbookEntry({ ...entry, activity: 'not-an-activity' }, context)).toMatchObject({
      errors: [{ field: 'activity' }],
    })
    expect(checkLogbookEntry({ ...entry, reflection: 'x'.repeat(5000) }, context).ok).toBe(true)
    expect(checkLogbookEntry({ ...entry, reflection: 'x'.repeat(5001) }, context)).toMatchObject({
      errors: [{ field: 'reflection', message: 'Reflection must be 5000 characters or fewer' }],
    })
  })
})

describe('progress against the checklist', () => {
  it('counts entries and adds hours in tenths for each listed activity', () => {
    const progress = progressOf(
      ['consent', 'data-collection', 'site-file'],
      [
        { activity: 'consent', hours: 0.1 },
        { activity: 'consent', hours: 0.2 },
        { activity: 'data-collection', hours: 7.5 },
      ],
    )
    expect(progress).toEqual({
      activities: [
        { activity: 'consent', label: 'Informed consent', entries: 2, hours: 0.3 },
        { activity: 'data-collection', label: 'Data collection', entries: 1, hours: 7.5 },
        { activity: 'site-file', label: 'Investigator site file', entries: 0, hours: 0 },
      ],
      totalHours: 7.8,
      totalEntries: 3,
      missing: ['Investigator site file'],
    })
  })
})

describe('sign-off', () => {
  const ready = {
    status: 'active' as const,
    supervisionSetUp: true,
    progress: progressOf(['consent'], [{ activity: 'consent', hours: 1 }]),
    signedBy: [],
    role: 'mentor' as const,
  }

  it('is allowed once supervision is set up and every activity has an entry', () => {
    expect(signOffRefusal(ready)).toBeNull()
  })

  it('is refused, saying why, otherwise', () => {
    expect(signOffRefusal({ ...ready, status: 'withdrawn' })).toBe(
      'This placement is withdrawn: it cannot be signed off',
    )
    expect(signOffRefusal({ ...ready, signedBy: ['mentor'] })).toBe(
      'The mentor has signed this placement off already',
    )
    expect(signOffRefusal({ ...ready, supervisionSetUp: false })).toMatch(/^Supervision is not set up yet/)
    expect(
      signOffRefusal({ ...ready, progress: progressOf(['consent', 'site-file', 'feasibility'], []) }),
    ).toBe('The logbook has no entry yet for: Informed consent, Investigator site file, Feasibility')
  })
})

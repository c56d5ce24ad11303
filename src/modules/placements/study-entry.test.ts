import { describe, expect, it } from 'vitest'
import { readStudyEntry, type StudyEntryFields } from './study-entry.ts'

// A study entered by hand: the form's text read into the record an import gives, or a message at each field.

const blank: StudyEntryFields = {
  briefTitle: '',
  officialTitle: '',
  nctId: '',
  isrctn: '',
  irasId: '',
  overallStatus: '',
  phases: [],
  conditions: '',
  leadSponsor: '',
  'startDate-month': '',
  'startDate-year': '',
  'completionDate-month': '',
  'completionDate-year': '',
  sites: '',
}

describe('entering a study by hand', () => {
  it('reads the form into a study record, with its sites in the UK', () => {
    const entry = readStudyEntry({
      ...blank,
      briefTitle: '  Physiotherapy after knee replacement ',
      isrctn: '17072692',
      irasId: '281904',
      overallStatus: 'RECRUITING',
      phases: ['NA'],
      conditions: 'Osteoarthritis\r\n\r\n Knee replacement \n',
      leadSponsor: 'University of Leeds',
      'startDate-month': '3',
      'startDate-year': '2026',
      'completionDate-month': '12',
      'completionDate-year': '2028',
      sites:
        "Guy's and St Thomas' NHS Foundation Trust, London\nWeston Park Hospital, Sheffield Teaching Hospitals, Sheffield\n\nA clinic",
    })
    expect(entry).toEqual({
      ok: true,
      record: {
        identifiers: { nctId: null, isrctn: 'ISRCTN17072692', irasId: '281904', orgStudyId: null },
        briefTitle: 'Physiotherapy after knee replacement',
        officialTitle: null,
        acronym: null,
        overallStatus: 'RECRUITING',
        phases: ['NA'],
        conditions: ['Osteoarthritis', 'Knee replacement'],
        leadSponsor: 'University of Leeds',
        startDate: { date: '2026-03', type: null },
        primaryCompletionDate: null,
        completionDate: { date: '2028-12', type: null },
        locations: [
          {
            facility: "Guy's and St Thomas' NHS Foundation Trust",
            city: 'London',
            postcode: null,
            country: 'United Kingdom',
            status: null,
          },
          {
            facility: 'Weston Park Hospital, Sheffield Teaching Hospitals',
            city: 'Sheffield',
            postcode: null,
            country: 'United Kingdom',
            status: null,
          },
          { facility: 'A clinic', city: null, postcode: null, country: 'United Kingdom', status: null },
        ],
      },
    })
  })

  it('gives a message at each wrong field, in the form’s order', () => {
    const entry = readStudyEntry({
      ...blank,
      nctId: 'NCT123',
      isrctn: 'ISRCTN1',
      irasId: 'IRAS',
      phases: ['PHASE9'],
      'startDate-month': '13',
      'startDate-year': '2026',
      'completionDate-year': '2027',
      sites: ', London',
    })
    expect(entry.ok ? [] : entry.errors).toEqual([
      { field: 'briefTitle', message: 'Enter the title of the study' },
      { field: 'nctId', message: 'Enter the NCT number as NCT and 8 digits, like NCT02513394' },
      { field: 'isrctn', message: 'Enter the ISRCTN as ISRCTN and 8 digits, like ISRCTN17072692' },
      { field: 'irasId', message: 'Enter the IRAS ID as its 4 to 7 digits, like 281904' },
      { field: 'overallStatus', message: 'Select the status of the study' },
      { field: 'phases', message: 'Select phases from the list' },
      { field: 'startDate', message: "The start date's month must be a number from 1 to 12" },
      { field: 'completionDate', message: "Enter the completion date's month and year" },
      {
        field: 'sites',
        message: 'Enter each site on a line of its own, as the site’s name, a comma and its town or city',
      },
    ])
    const backwards = readStudyEntry({
      ...blank,
      briefTitle: 'A study',
      overallStatus: 'COMPLETED',
      'startDate-month': '5',
      'startDate-year': '2026',
      'completionDate-month': '4',
      'completionDate-year': '2026',
    })
    expect(backwards.ok ? [] : backwards.errors).toEqual([
      { field: 'completionDate', message: 'The completion date must be the same as or after the start date' },
    ])
  })
})

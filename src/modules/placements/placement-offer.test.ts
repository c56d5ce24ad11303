import { describe, expect, it } from 'vitest'
import { describeActivity, placementActivities, placementActivityIds } from './placement-activities.ts'
import {
  checkOfferDraft,
  mayBeDecided,
  mayBeWithdrawn,
  offerStatuses,
  type OfferDraft,
} from './placement-offer.ts'

// The rules of a placement offer, without a database: what a mentor may offer, phrased per field.

const today = '2026-12-02'

const draft = (overrides: Partial<OfferDraft> = {}): OfferDraft => ({
  siteId: 'a-site',
  places: '2',
  specialty: 'Oncology',
  complexity: 'less-complex',
  activities: ['data-collection'],
  hoursPerWeek: '7.5',
  startFrom: '2027-01-04',
  startBy: '2027-02-01',
  prerequisites: '',
  ...overrides,
})

const problemsOf = (overrides: Partial<OfferDraft>) => {
  const result = checkOfferDraft(draft(overrides), today)
  return result.ok ? [] : result.problems.map((problem) => `${problem.field}: ${problem.message}`)
}

describe('the activity checklist', () => {
  it('has eight activities, each with a unique id, a label and a one-line description', () => {
    expect(placementActivityIds).toEqual([
      'feasibility',
      'study-set-up',
      'screening-and-recruitment',
      'consent',
      'data-collection',
      'safety-reporting',
      'protocol-deviations',
      'site-file',
    ])
    for (const activity of placementActivities) {
      expect(activity.label).not.toBe('')
      expect(activity.description).toMatch(/^[A-Z].*\.$/)
      expect(activity.description).not.toContain('\n')
    }
    expect(describeActivity('consent')).toBe('Informed consent')
    expect(describeActivity('retired')).toBe('retired')
  })
})

describe('checking an offer', () => {
  it('accepts the limits, trims text and puts activities in the checklist’s order without repeats', () => {
    const result = checkOfferDraft(
      draft({
        places: '50',
        specialty: '  Respiratory  ',
        hoursPerWeek: '37.5',
        activities: ['site-file', 'consent', 'site-file'],
        startFrom: today,
        startBy: today,
        prerequisites: ' GCP training ',
      }),
      today,
    )
    expect(result).toEqual({
      ok: true,
      value: {
        siteId: 'a-site',
        places: 50,
        specialty: 'Respiratory',
        complexity: 'less-complex',
        activities: ['consent', 'site-file'],
        hoursPerWeek: 37.5,
        startFrom: today,
        startBy: today,
        prerequisites: 'GCP training',
      },
    })
    expect(problemsOf({ places: '1', hoursPerWeek: '1' })).toEqual([])
  })

  it('refuses places and hours outside their limits, or not numbers', () => {
    expect(problemsOf({ places: '0' })).toEqual(['places: Number of places must be between 1 and 50'])
    expect(problemsOf({ places: '51' })).toEqual(['places: Number of places must be between 1 and 50'])
    expect(problemsOf({ places: '2.5' })).toEqual(['places: Number of places must be a whole number'])
    expect(problemsOf({ hoursPerWeek: '0.5' })).toEqual([
      'hoursPerWeek: Hours a week must be between 1 and 37.5',
    ])
    expect(problemsOf({ hoursPerWeek: '37.6' })).toEqual([
      'hoursPerWeek: Hours a week must be between 1 and 37.5',
    ])
    expect(problemsOf({ hoursPerWeek: '7.25' })).toEqual([
      'hoursPerWeek: Hours a week must be a number, like 7 or 7.5',
    ])
  })

  it('refuses a start window that opens in the past or closes before it opens', () => {
    expect(problemsOf({ startFrom: '2026-12-01' })).toEqual([
      'startFrom: Earliest start date must be today or in the future',
    ])
    expect(problemsOf({ startBy: '2027-01-03' })).toEqual([
      'startBy: Latest start date must be the same as or after the earliest start date',
    ])
  })

  it('refuses activities not on the checklist, an unknown complexity and over-long text', () => {
    expect(problemsOf({ activities: ['consent', 'juggling'] })).toEqual([
      'activities: Select activities from the list',
    ])
    expect(problemsOf({ complexity: 'simple' })).toEqual(['complexity: Select how complex the study is'])
    expect(problemsOf({ specialty: 'x'.repeat(101) })).toEqual([
      'specialty: Specialty must be 100 characters or fewer',
    ])
    expect(problemsOf({ prerequisites: 'x'.repeat(2001) })).toEqual([
      'prerequisites: What the learner needs first must be 2000 characters or fewer',
    ])
  })
})

describe('what may happen next', () => {
  it('decides only pending offers, and withdraws pending or approved ones', () => {
    expect(offerStatuses.filter(mayBeDecided)).toEqual(['pending'])
    expect(offerStatuses.filter(mayBeWithdrawn)).toEqual(['pending', 'approved'])
  })
})

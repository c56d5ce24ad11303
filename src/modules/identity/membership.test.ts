import { describe, expect, it } from 'vitest'
import { findUngrantableRoles, grantableRoles, mergeRoles } from './membership.ts'

describe('who may give which roles', () => {
  it('lets an organisation’s leads give the roles its kind has, and nobody else any', () => {
    expect(grantableRoles(['employer-research-lead'], false, 'nhs-trust')).toEqual([
      'learner',
      'mentor',
      'employer-research-lead',
    ])
    expect(grantableRoles(['programme-lead'], false, 'university')).toEqual([
      'learner',
      'academic-supervisor',
      'programme-lead',
    ])
    expect(grantableRoles(['mentor', 'learner'], false, 'nhs-trust')).toEqual([])
    expect(grantableRoles(['academic-supervisor'], false, 'university')).toEqual([])
  })

  it('lets a framework admin give any organisation’s roles', () => {
    expect(grantableRoles([], true, 'university')).toEqual([
      'learner',
      'academic-supervisor',
      'programme-lead',
    ])
    expect(grantableRoles([], true, 'framework')).toEqual(['framework-admin'])
  })

  it('names a role the organisation does not have', () => {
    const grantable = grantableRoles(['employer-research-lead'], false, 'nhs-trust')
    expect(findUngrantableRoles(['learner', 'programme-lead', 'framework-admin'], grantable)).toEqual([
      'programme-lead',
      'framework-admin',
    ])
  })

  it('merges roles without duplicates, in the organisation’s order, dropping roles it does not have', () => {
    expect(mergeRoles(['mentor'], ['learner', 'mentor'], 'nhs-trust')).toEqual(['learner', 'mentor'])
    expect(mergeRoles([], ['programme-lead'], 'nhs-trust')).toEqual([])
  })
})

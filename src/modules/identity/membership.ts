/** What a person may be in an organisation. Framework admins act across every organisation. */
export const roleNames = [
  'learner',
  'mentor',
  'academic-supervisor',
  'programme-lead',
  'employer-research-lead',
  'framework-admin',
] as const
export type RoleName = (typeof roleNames)[number]

export type OrganisationKind = 'nhs-trust' | 'university' | 'framework'

export interface Membership {
  readonly userId: string
  readonly organisationId: string
  readonly roles: readonly RoleName[]
}

/** The roles a person can hold in each kind of organisation. */
export const rolesByOrganisationKind: Readonly<Record<OrganisationKind, readonly RoleName[]>> = {
  'nhs-trust': ['learner', 'mentor', 'employer-research-lead'],
  university: ['learner', 'academic-supervisor', 'programme-lead'],
  framework: ['framework-admin'],
}

export const roleLabels: Readonly<Record<RoleName, string>> = {
  learner: 'Learner',
  mentor: 'Mentor',
  'academic-supervisor': 'Academic supervisor',
  'programme-lead': 'Programme lead',
  'employer-research-lead': 'Employer research lead',
  'framework-admin': 'Framework admin',
}

/** The roles that lead an organisation: they manage its memberships. */
export const leadRoles: readonly RoleName[] = ['programme-lead', 'employer-research-lead', 'framework-admin']

/**
 * Which roles `actor` may give in an organisation of this kind: an organisation's leads may give any of its
 * roles, framework admins any role anywhere; nobody else any.
 */
export function grantableRoles(
  actorRolesHere: readonly RoleName[],
  isFrameworkAdmin: boolean,
  kind: OrganisationKind,
): readonly RoleName[] {
  if (isFrameworkAdmin || actorRolesHere.some((role) => leadRoles.includes(role)))
    return rolesByOrganisationKind[kind]
  return []
}

/** Roles asked for that this organisation does not have, or that the actor may not give. */
export function findUngrantableRoles(
  requested: readonly RoleName[],
  grantable: readonly RoleName[],
): RoleName[] {
  return requested.filter((role) => !grantable.includes(role))
}

/** A membership's roles after adding new ones: no duplicates, in the organisation's own order. */
export function mergeRoles(
  current: readonly RoleName[],
  added: readonly RoleName[],
  kind: OrganisationKind,
): RoleName[] {
  const all = new Set([...current, ...added])
  return rolesByOrganisationKind[kind].filter((role) => all.has(role))
}

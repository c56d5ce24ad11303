import type { RoleName } from '../../src/modules/identity/membership.ts'
import { createMembershipRepository } from '../../src/modules/identity/membership-repository.ts'
import type { RequestContext } from '../../src/platform/http/request-context.ts'
import type { TestApp } from '../support/test-app.ts'
import type { Mailbox } from './mailbox.ts'

/** A person who exists before the journey starts, as the journey's other people know them. */
export interface SeededPerson {
  readonly userId: string
  readonly fullName: string
  readonly email: string
  readonly password: string
}

let seeded = 0

/**
 * Creates a confirmed account through the services, as signing up and following the emailed link would, and
 * gives it roles in an organisation: the people a journey needs but does not walk through signing up.
 */
export async function seedMember(
  testApp: TestApp,
  mailbox: Mailbox,
  person: {
    readonly fullName: string
    readonly email: string
    readonly organisationId: string
    readonly roles: readonly RoleName[]
  },
): Promise<SeededPerson> {
  seeded += 1
  // A documentation address (RFC 5737) of its own, so that seeding never uses up the browser's sign-up limit.
  const context: RequestContext = { requestId: `seed-${seeded}`, ip: `192.0.2.${seeded}`, userAgent: null }
  const password = `seeded lantern meadow ${seeded}`
  const signedUp = await testApp.services.accounts.signUp(
    {
      fullName: person.fullName,
      email: person.email,
      profession: 'nurse',
      registrationNumber: `9${seeded % 10}A1234B`,
      password,
      confirmPassword: password,
    },
    context,
  )
  if (!signedUp.ok) throw new Error(`Could not seed ${person.email}: ${JSON.stringify(signedUp.errors)}`)
  const link = new URL(await mailbox.linkIn(person.email, 'Confirm your email address for Trellis'))
  const session = await testApp.services.accounts.useEmailLink(
    link.searchParams.get('token') ?? '',
    ['verify-email'],
    context,
  )
  if ('state' in session) throw new Error(`Could not confirm ${person.email}: the link is ${session.state}`)
  const database = testApp.db.database
  await createMembershipRepository(database).setRoles(
    database,
    session.userId,
    person.organisationId,
    person.roles,
    new Date(),
  )
  return { userId: session.userId, fullName: person.fullName, email: person.email, password }
}

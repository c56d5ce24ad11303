import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decideSignIn,
  fullNameFromClaims,
  isVerifiedClaim,
  readAssertedIdentity,
  type AssertedIdentity,
  type SignInFacts,
} from './oidc-linking.ts'

const asserted: AssertedIdentity = {
  issuer: 'https://login.example.nhs.uk',
  subject: 'abc-123',
  email: 'sam.jones@nhs.net',
  emailVerified: true,
  fullName: 'Sam Jones',
}

const signIn = (overrides: Partial<SignInFacts> = {}): SignInFacts => ({
  purpose: 'sign-in',
  asserted,
  linkedUserId: null,
  linkingUserId: null,
  currentUserId: null,
  userIdWithEmail: null,
  hasOtherIdentityAtIssuer: false,
  ...overrides,
})

const link = (overrides: Partial<SignInFacts> = {}): SignInFacts =>
  signIn({ purpose: 'link', linkingUserId: 'user-1', currentUserId: 'user-1', ...overrides })

describe('deciding what a sign-in with a provider does', () => {
  it('signs a known provider account in to its Trellis account, whatever the claims say now', () => {
    expect(
      decideSignIn(
        signIn({
          linkedUserId: 'user-1',
          asserted: { ...asserted, email: null, emailVerified: false },
          userIdWithEmail: 'user-2',
        }),
      ),
    ).toEqual({ action: 'sign-in', userId: 'user-1' })
  })

  it('creates an account for an unknown provider account with a verified address nobody has', () => {
    expect(decideSignIn(signIn())).toEqual({ action: 'create' })
  })

  it('never takes over an open account that has the same address', () => {
    expect(decideSignIn(signIn({ userIdWithEmail: 'user-2' }))).toEqual({
      action: 'refuse',
      reason: 'email-in-use',
    })
  })

  it('refuses an address the provider has not verified, and a missing one', () => {
    expect(decideSignIn(signIn({ asserted: { ...asserted, emailVerified: false } }))).toEqual({
      action: 'refuse',
      reason: 'email-unverified',
    })
    expect(decideSignIn(signIn({ asserted: { ...asserted, email: null, emailVerified: false } }))).toEqual({
      action: 'refuse',
      reason: 'email-missing',
    })
  })

  it('does not link on a sign-in, even when someone is signed in', () => {
    expect(decideSignIn(signIn({ currentUserId: 'user-1' }))).toEqual({ action: 'create' })
  })

  it('links to the person who asked, while they are still the one signed in', () => {
    expect(decideSignIn(link())).toEqual({ action: 'link', userId: 'user-1' })
    expect(decideSignIn(link({ currentUserId: null }))).toEqual({
      action: 'refuse',
      reason: 'link-session-changed',
    })
    expect(decideSignIn(link({ currentUserId: 'user-2' }))).toEqual({
      action: 'refuse',
      reason: 'link-session-changed',
    })
  })

  it('links whatever the address, verified or not: the person proved both accounts are theirs', () => {
    expect(
      decideSignIn(
        link({ asserted: { ...asserted, email: null, emailVerified: false }, userIdWithEmail: 'x' }),
      ),
    ).toEqual({ action: 'link', userId: 'user-1' })
  })

  it('refuses to move a provider account that signs in to someone else, or to add a second one', () => {
    expect(decideSignIn(link({ linkedUserId: 'user-2' }))).toEqual({
      action: 'refuse',
      reason: 'linked-to-another-account',
    })
    expect(decideSignIn(link({ hasOtherIdentityAtIssuer: true }))).toEqual({
      action: 'refuse',
      reason: 'provider-already-linked',
    })
    expect(decideSignIn(link({ linkedUserId: 'user-1' }))).toEqual({
      action: 'already-linked',
      userId: 'user-1',
    })
  })

  it('never creates or links an account for anyone but the asker when the address belongs to someone', () => {
    const ids = fc.constantFrom(null, 'user-1', 'user-2', 'user-3')
    fc.assert(
      fc.property(
        fc.record({
          purpose: fc.constantFrom('sign-in' as const, 'link' as const),
          linkedUserId: ids,
          linkingUserId: ids,
          currentUserId: ids,
          userIdWithEmail: ids,
          hasOtherIdentityAtIssuer: fc.boolean(),
          email: fc.constantFrom(null, 'a@nhs.net'),
          emailVerified: fc.boolean(),
        }),
        (facts) => {
          const decision = decideSignIn({
            ...facts,
            asserted: { ...asserted, email: facts.email, emailVerified: facts.emailVerified },
          })
          if (decision.action === 'create') {
            expect(facts.userIdWithEmail).toBeNull()
            expect(facts.emailVerified && facts.email !== null).toBe(true)
            expect(facts.linkedUserId).toBeNull()
          }
          if (decision.action === 'link') {
            expect(decision.userId).toBe(facts.linkingUserId)
            expect(facts.currentUserId).toBe(facts.linkingUserId)
            expect(facts.linkedUserId).toBeNull()
          }
          if (decision.action === 'sign-in') expect(decision.userId).toBe(facts.linkedUserId)
        },
      ),
    )
  })
})

describe('reading what the provider asserts', () => {
  it('takes the ID token first and fills gaps from userinfo', () => {
    expect(
      readAssertedIdentity(
        { iss: asserted.issuer, sub: 'abc', email: ' Sam.Jones@NHS.net ' },
        { email: 'other@example.org', email_verified: true, given_name: 'Sam', family_name: 'Jones' },
      ),
    ).toEqual({
      issuer: asserted.issuer,
      subject: 'abc',
      email: 'sam.jones@nhs.net',
      emailVerified: true,
      fullName: 'Sam Jones',
    })
  })

  it('treats an address that is not one as missing, and then as not verified', () => {
    expect(
      readAssertedIdentity({ iss: 'i', sub: 's', email: 'not an address', email_verified: true }),
    ).toMatchObject({ email: null, emailVerified: false })
  })

  it('needs an issuer and a subject', () => {
    expect(() => readAssertedIdentity({ sub: 's' })).toThrow()
    expect(() => readAssertedIdentity({ iss: 'i', sub: '' })).toThrow()
  })

  it('counts only true (or the string "true") as a verification', () => {
    expect([true, 'true', false, 'false', 1, undefined, null, 'yes'].map(isVerifiedClaim)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('builds a full name from name, or from given and family names', () => {
    expect(fullNameFromClaims({ name: '  Priya   Shah ', given_name: 'P' })).toBe('Priya Shah')
    expect(fullNameFromClaims({ given_name: 'Priya', family_name: 'Shah' })).toBe('Priya Shah')
    expect(fullNameFromClaims({ family_name: 'Shah' })).toBe('Shah')
    expect(fullNameFromClaims({ name: 42 })).toBeNull()
    expect(fullNameFromClaims({ name: 'x'.repeat(300) })).toHaveLength(200)
  })
})

import { normaliseEmail } from './account.ts'

/**
 * Who an OpenID Connect provider says signed in, read from the validated ID token (and the userinfo response
 * when the ID token leaves facts out). The provider's account is (issuer, subject); the email address is only
 * a fact about it, trusted when the provider says it verified it.
 */
export interface AssertedIdentity {
  readonly issuer: string
  readonly subject: string
  /** Normalised; null when the provider gave none (or something that is not an address). */
  readonly email: string | null
  readonly emailVerified: boolean
  /** From `name`, or `given_name` and `family_name`; null when the provider gave neither. */
  readonly fullName: string | null
}

/** Why a sign-in or a link is refused. */
export type RefusalReason =
  /** The provider gave no email address, so no account can be made. */
  | 'email-missing'
  /** The provider does not vouch for the address. */
  | 'email-unverified'
  /** An open account has the address: its owner signs in with it and links from their account. */
  | 'email-in-use'
  /** This provider account already signs in to someone else's Trellis account. */
  | 'linked-to-another-account'
  /** The person already linked a different account at this provider. */
  | 'provider-already-linked'
  /** The person who started linking is not the one signed in now (signed out, or someone else signed in). */
  | 'link-session-changed'

export type SignInDecision =
  | { readonly action: 'sign-in'; readonly userId: string }
  | { readonly action: 'create' }
  | { readonly action: 'link'; readonly userId: string }
  | { readonly action: 'already-linked'; readonly userId: string }
  | { readonly action: 'refuse'; readonly reason: RefusalReason }

export interface SignInFacts {
  readonly purpose: 'sign-in' | 'link'
  readonly asserted: AssertedIdentity
  /** The Trellis account this provider account signs in to, if any (open accounts only). */
  readonly linkedUserId: string | null
  /** For a link: who started it. */
  readonly linkingUserId: string | null
  /** Who is signed in on the browser that came back. */
  readonly currentUserId: string | null
  /** The open account with the asserted address, if any. */
  readonly userIdWithEmail: string | null
  /** For a link: whether the person already has a different account at this issuer linked. */
  readonly hasOtherIdentityAtIssuer: boolean
}

/**
 * The linking rules, security first. A known provider account signs in to its Trellis account. An unknown one
 * is linked only when the signed-in person asked for it (a form they posted) and is still the one signed in;
 * otherwise it makes a new account — but only for an address the provider verified and that no open account
 * has. An existing account is never taken over by a matching address: its owner must sign in and link.
 */
export function decideSignIn(facts: SignInFacts): SignInDecision {
  if (facts.purpose === 'link') {
    if (facts.linkingUserId === null || facts.currentUserId !== facts.linkingUserId)
      return { action: 'refuse', reason: 'link-session-changed' }
    if (facts.linkedUserId === facts.linkingUserId)
      return { action: 'already-linked', userId: facts.linkingUserId }
    if (facts.linkedUserId !== null) return { action: 'refuse', reason: 'linked-to-another-account' }
    if (facts.hasOtherIdentityAtIssuer) return { action: 'refuse', reason: 'provider-already-linked' }
    return { action: 'link', userId: facts.linkingUserId }
  }
  if (facts.linkedUserId !== null) return { action: 'sign-in', userId: facts.linkedUserId }
  if (facts.asserted.email === null) return { action: 'refuse', reason: 'email-missing' }
  if (!facts.asserted.emailVerified) return { action: 'refuse', reason: 'email-unverified' }
  if (facts.userIdWithEmail !== null) return { action: 'refuse', reason: 'email-in-use' }
  return { action: 'create' }
}

/**
 * Reads the claims of a validated ID token, filling what it leaves out from userinfo (whose subject the
 * library has checked is the same). The ID token wins where both say something.
 */
export function readAssertedIdentity(
  idToken: Readonly<Record<string, unknown>>,
  userInfo: Readonly<Record<string, unknown>> = {},
): AssertedIdentity {
  const claim = (name: string): unknown => idToken[name] ?? userInfo[name]
  const issuer = idToken.iss
  const subject = idToken.sub
  if (typeof issuer !== 'string' || issuer === '' || typeof subject !== 'string' || subject === '')
    throw new Error('An ID token always has an issuer and a subject')
  const rawEmail = claim('email')
  const email = typeof rawEmail === 'string' && isPlausibleEmail(rawEmail) ? normaliseEmail(rawEmail) : null
  return {
    issuer,
    subject,
    email,
    emailVerified: email !== null && isVerifiedClaim(claim('email_verified')),
    fullName: fullNameFromClaims({
      name: claim('name'),
      given_name: claim('given_name'),
      family_name: claim('family_name'),
    }),
  }
}

/**
 * `email_verified` is a boolean in the standard; a few providers send the string "true". Anything else —
 * missing, false, "false", 1 — is not a verification.
 */
export function isVerifiedClaim(value: unknown): boolean {
  return value === true || value === 'true'
}

/** `name` when the provider gives it, otherwise given and family names joined; at most 200 characters. */
export function fullNameFromClaims(claims: {
  readonly name?: unknown
  readonly given_name?: unknown
  readonly family_name?: unknown
}): string | null {
  const text = (value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '')
  const name =
    text(claims.name) || [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ')
  return name === '' ? null : name.slice(0, 200)
}

function isPlausibleEmail(value: string): boolean {
  const email = value.trim()
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
}

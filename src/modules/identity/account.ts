import type { RegistrationFormat } from '../catalogue/index.ts'

/** A person with a Trellis account. */
export interface User {
  readonly id: string
  readonly fullName: string
  /** null once the account is closed. */
  readonly email: string | null
  readonly emailVerifiedAt: Date | null
  /** A verified address on an NHS or NIHR domain. */
  readonly isNhsEmail: boolean
  readonly professionId: string | null
  readonly registrationNumber: string | null
  readonly hasPassword: boolean
  readonly createdAt: Date
  readonly closedAt: Date | null
}

/** Addresses are compared without case or surrounding space. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** nhs.net, any nhs.uk subdomain, and nihr.ac.uk (with its subdomains). */
export function isNhsEmailDomain(email: string): boolean {
  const domain = normaliseEmail(email).split('@')[1] ?? ''
  return (
    domain === 'nhs.net' ||
    domain.endsWith('.nhs.uk') ||
    domain === 'nihr.ac.uk' ||
    domain.endsWith('.nihr.ac.uk')
  )
}

export type RegistrationCheck =
  { readonly ok: true; readonly normalised: string } | { readonly ok: false; readonly message: string }

/**
 * Checks a registration number against the formats the profession's regulators use. Where no format is known
 * the number is accepted as typed. Spaces are dropped and letters put in capitals before checking.
 */
export function checkRegistrationNumber(
  formats: readonly RegistrationFormat[],
  value: string,
): RegistrationCheck {
  const normalised = value.replace(/\s+/g, '').toUpperCase()
  if (normalised === '') return { ok: false, message: 'Enter your professional registration number' }
  if (normalised.length > 30)
    return { ok: false, message: 'Registration number must be 30 characters or fewer' }
  const known = formats.filter((format) => format.pattern !== null)
  if (known.length === 0 || formats.some((format) => format.pattern === null)) return { ok: true, normalised }
  if (known.some((format) => new RegExp(format.pattern!).test(normalised))) return { ok: true, normalised }
  const described = known.map((format) => format.format).join(', or ')
  return { ok: false, message: `Enter a registration number in the right format: ${described}` }
}

const commonPasswords = new Set([
  'password1234',
  'password12345',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'iloveyou1234',
  'welcome12345',
  'letmein12345',
  'nhspassword1',
  'changeme1234',
])

/**
 * NCSC and OWASP ASVS level 2: long passwords, no composition rules, refuse common ones and ones made of the
 * person's own details. Returns what is wrong, or null.
 */
export function findPasswordProblem(
  password: string,
  person: { email: string; fullName: string },
): string | null {
  if (password.length < 12) return 'Password must be 12 characters or more'
  if (password.length > 128) return 'Password must be 128 characters or fewer'
  const lower = password.toLowerCase()
  if (commonPasswords.has(lower) || /^(.)\1+$/.test(password))
    return 'Choose a password that is harder to guess'
  const emailName = normaliseEmail(person.email).split('@')[0] ?? ''
  if (emailName.length >= 4 && lower.includes(emailName))
    return 'Password must not contain your email address'
  return null
}

/** Everything Trellis holds about a person, for "download your data". */
export interface PersonalData {
  readonly account: Omit<User, 'hasPassword'> & { readonly signInMethods: readonly string[] }
  readonly memberships: readonly {
    organisationId: string
    organisationName: string
    roles: readonly string[]
  }[]
  readonly sessions: readonly {
    createdAt: Date
    lastSeenAt: Date
    method: string
    userAgent: string | null
  }[]
  readonly auditEvents: readonly {
    occurredAt: Date
    action: string
    subjectType: string
    subjectId: string | null
  }[]
  /** Other modules' parts, each under its contributor's section name (the learner record: `learningRecord`). */
  readonly [section: string]: unknown
}

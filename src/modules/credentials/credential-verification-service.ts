// Verification as a service: the verifier behind a rate limit, so that anyone may verify credentials (the public page
// and POST /api/v1/credentials/verify) without anyone being able to keep a core busy canonicalising JSON-LD for them.
import type { RateLimiter, RateLimitRule } from '../../platform/http/rate-limit.ts'
import type { RequestContext } from '../../platform/http/request-context.ts'
import {
  createCredentialVerifier,
  type CredentialVerdict,
  type KnownIssuerKeys,
  type StatusChecker,
} from './credential-verification.ts'
import { readAchievementCredentialSchema } from './credential-schema-files.ts'

// A person checks a handful of credentials; an integrator checking a batch stays well inside this. Each
// verification costs a few milliseconds of canonicalisation, so the limit bounds the work one address can ask for.
export const verificationRateLimit: RateLimitRule = {
  name: 'credential verifications',
  limit: 300,
  windowSeconds: 600,
}

export interface CredentialVerificationService {
  /** Counts the attempt against the rate limit (TooManyRequestsError past it), then verifies. Never throws otherwise. */
  verify(input: unknown, context: Pick<RequestContext, 'ip'>): Promise<CredentialVerdict>
}

export interface CredentialVerificationServiceDependencies {
  readonly rateLimiter: RateLimiter
  readonly now: () => Date
  /** Trellis's own did:web issuers' keys, when the issuers are built. */
  readonly knownIssuerKeys?: KnownIssuerKeys
  /** Trellis's own Bitstring status lists, when they are built. */
  readonly statusChecker?: StatusChecker
}

export function createCredentialVerificationService(
  deps: CredentialVerificationServiceDependencies,
): CredentialVerificationService {
  const verifier = createCredentialVerifier({
    schema: readAchievementCredentialSchema(),
    now: deps.now,
    ...(deps.knownIssuerKeys === undefined ? {} : { knownIssuerKeys: deps.knownIssuerKeys }),
    ...(deps.statusChecker === undefined ? {} : { statusChecker: deps.statusChecker }),
  })
  return {
    async verify(input, context) {
      await deps.rateLimiter.hit(verificationRateLimit, [context.ip])
      return verifier.verify(input)
    },
  }
}

import { publicPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, type ApiRoute } from '../../platform/http/api-routes.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import type { CredentialVerificationService } from './credential-verification-service.ts'
import { credentialToVerify, credentialVerdictResponse } from './credential-verification-schemas.ts'

/**
 * Verification for anyone: it changes nothing and reads no session, so integrators call it without cookies or a
 * CSRF token. An invalid credential is an answer (200, verified false, with the reasons), not an error; only a
 * body that is not a JSON object is a 400 problem.
 */
export function credentialsApiRoutes({
  credentialVerification,
}: {
  readonly credentialVerification: CredentialVerificationService
}): ApiRoute[] {
  return [
    defineApiRoute({
      method: 'POST',
      url: '/api/v1/credentials/verify',
      operationId: 'verifyCredential',
      summary: 'Verify an Open Badges 3.0 credential',
      description:
        'Checks the eddsa-rdfc-2022 signature, the Open Badges 3.0 JSON Schema, the status (revocation), the ' +
        'dates and that the signing key belongs to the issuer, and explains each. did:key issuers are checked ' +
        'offline; did:web issuers only when Trellis knows them, otherwise the signature is reported as not ' +
        'checked, not as forged. Nothing is stored. Needs no cookie or CSRF token.',
      tag: 'Credentials',
      body: credentialToVerify,
      response: credentialVerdictResponse,
      policy: publicPolicy,
      csrf: 'not-needed',
      handler: async ({ body, request, reply }) => {
        reply.header('cache-control', 'no-store')
        return credentialVerification.verify(body, requestContextOf(request))
      },
    }),
  ] as ApiRoute[]
}

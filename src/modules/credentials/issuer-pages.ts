// The issuers' public documents: each issuer's did:web DID document and its signed status lists. Public, as
// verifiers anywhere must read them; a browser-based verifier on another site may too (CORS).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import type { IssuerService } from './issuer-service.ts'
import type { StatusListService } from './status-list-service.ts'

const issuerParams = z.object({ issuerId: z.string().min(1).max(100) })
const statusListParams = issuerParams.extend({ listId: z.string().min(1).max(100) })

const publicJson = { config: { policy: publicPolicy } }

export function registerIssuerPages(
  app: FastifyInstance,
  { issuers, statusLists }: { issuers: IssuerService; statusLists: StatusListService },
): void {
  app.get('/issuers/:issuerId/did.json', publicJson, async (request, reply) => {
    const { issuerId } = parseParameters(issuerParams, request.params, 'path')
    const document = await issuers.findDidDocument(issuerId)
    if (document === null) throw new NotFoundError(`There is no credential issuer "${issuerId}".`)
    return reply
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .type('application/did+json')
      .send(JSON.stringify(document))
  })

  app.get('/issuers/:issuerId/status/:listId', publicJson, async (request, reply) => {
    const { issuerId, listId } = parseParameters(statusListParams, request.params, 'path')
    const credential = await statusLists.findStatusListCredential(issuerId, listId)
    if (credential === null) {
      throw new NotFoundError(`Credential issuer "${issuerId}" has no status list "${listId}".`)
    }
    // Revocations take effect at once, so the list is checked again on every use.
    return reply
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .type('application/vc')
      .send(JSON.stringify(credential))
  })
}

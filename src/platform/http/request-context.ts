import type { FastifyRequest } from 'fastify'
import type { AuditOrigin } from '../audit/audit-log.ts'

/** What services need to know about the request that asked: for the audit log, sessions and rate limits. */
export interface RequestContext extends AuditOrigin {
  readonly requestId: string
  readonly ip: string
  readonly userAgent: string | null
}

export function requestContextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent']
  return {
    requestId: request.id,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
  }
}

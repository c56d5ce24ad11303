import type { FastifyInstance } from 'fastify'
import type { Database } from '../database/database.ts'
import { publicPolicy } from './access-control.ts'

/**
 * `GET /health`: 200 `{"status":"ok","database":"pglite"|"postgresql"}` when the database answers, 503 with
 * `"status":"unavailable"` when it does not, so a load balancer takes the instance out of service.
 */
export function registerHealth(app: FastifyInstance, database: Database): void {
  app.get('/health', { config: { policy: publicPolicy } }, async (request, reply) => {
    try {
      await database.query('SELECT 1')
      return reply.header('cache-control', 'no-store').send({ status: 'ok', database: database.engine })
    } catch (error) {
      request.log.error({ err: error }, 'health check: database did not answer')
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .send({ status: 'unavailable', database: database.engine })
    }
  })
}

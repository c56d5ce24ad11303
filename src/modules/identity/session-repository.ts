import type { Sql } from '../../platform/database/database.ts'
import type { RoleName } from './membership.ts'
import type { Session, SessionMembership, SignInMethod } from './session.ts'

export interface SessionRepository {
  insert(tx: Sql, session: Session): Promise<void>
  /** The session with its person's memberships, if the person's account is open. */
  findWithMemberships(
    id: string,
  ): Promise<{ session: Session; displayName: string; memberships: SessionMembership[] } | null>
  touch(id: string, at: Date): Promise<void>
  /** Deletes the session; returns how it was signed in to, or null when there was none. */
  delete(tx: Sql, id: string): Promise<SignInMethod | null>
  deleteAllForUser(tx: Sql, userId: string): Promise<number>
  listForUser(userId: string): Promise<Session[]>
}

interface SessionRow {
  id: string
  user_id: string
  auth_method: SignInMethod
  created_at: Date
  last_seen_at: Date
  expires_at: Date
  user_agent: string | null
  ip: string | null
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    method: row.auth_method,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
    ip: row.ip,
  }
}

export function createSessionRepository(db: Sql): SessionRepository {
  return {
    async insert(tx, session) {
      await tx.query(
        `INSERT INTO sessions (id, user_id, auth_method, created_at, last_seen_at, expires_at, user_agent, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          session.id,
          session.userId,
          session.method,
          session.createdAt,
          session.lastSeenAt,
          session.expiresAt,
          session.userAgent,
          session.ip,
        ],
      )
    },

    async findWithMemberships(id) {
      const [row] = await db.query<
        SessionRow & { full_name: string; memberships: { organisationId: string; roles: RoleName[] }[] }
      >(
        `SELECT s.id, s.user_id, s.auth_method, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip, u.full_name,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('organisationId', m.organisation_id, 'roles', m.roles)
                      ORDER BY m.organisation_id)
                     FROM memberships m WHERE m.user_id = s.user_id), '[]'::jsonb) AS memberships
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = $1 AND u.closed_at IS NULL`,
        [id],
      )
      return row === undefined
        ? null
        : { session: toSession(row), displayName: row.full_name, memberships: row.memberships }
    },

    async touch(id, at) {
      await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1', [id, at])
    },

    async delete(tx, id) {
      const rows = await tx.query<{ auth_method: SignInMethod }>(
        'DELETE FROM sessions WHERE id = $1 RETURNING auth_method',
        [id],
      )
      return rows[0]?.auth_method ?? null
    },

    async deleteAllForUser(tx, userId) {
      return (await tx.query('DELETE FROM sessions WHERE user_id = $1 RETURNING id', [userId])).length
    },

    async listForUser(userId) {
      const rows = await db.query<SessionRow>(
        `SELECT id, user_id, auth_method, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions
         WHERE user_id = $1 ORDER BY last_seen_at DESC, id`,
        [userId],
      )
      return rows.map(toSession)
    },
  }
}

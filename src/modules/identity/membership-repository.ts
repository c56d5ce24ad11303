import type { Sql } from '../../platform/database/database.ts'
import type { OrganisationKind, RoleName } from './membership.ts'

export interface OrganisationSummary {
  readonly id: string
  readonly name: string
  readonly kind: OrganisationKind
}

export interface MemberListing {
  readonly userId: string
  readonly fullName: string
  readonly email: string | null
  readonly roles: readonly RoleName[]
  readonly since: Date
}

export interface MembershipListing {
  readonly organisation: OrganisationSummary
  readonly roles: readonly RoleName[]
}

export interface Invitation {
  readonly id: string
  readonly organisationId: string
  readonly email: string
  readonly roles: readonly RoleName[]
  readonly invitedBy: string | null
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly acceptedAt: Date | null
  readonly acceptedBy: string | null
  readonly revokedAt: Date | null
}

/** SQL for memberships of organisations and invitations to them. */
export interface MembershipRepository {
  findOrganisation(id: string, tx?: Sql): Promise<OrganisationSummary | null>
  listForUser(userId: string): Promise<MembershipListing[]>
  listForOrganisation(organisationId: string): Promise<MemberListing[]>
  findRoles(userId: string, organisationId: string, tx?: Sql): Promise<RoleName[] | null>
  /** A person's roles in an organisation, their membership locked until the transaction ends; null if none. */
  lockRoles(tx: Sql, userId: string, organisationId: string): Promise<RoleName[] | null>
  setRoles(
    tx: Sql,
    userId: string,
    organisationId: string,
    roles: readonly RoleName[],
    at: Date,
  ): Promise<void>
  remove(tx: Sql, userId: string, organisationId: string): Promise<boolean>
  removeAllForUser(tx: Sql, userId: string): Promise<void>
  insertInvitation(
    tx: Sql,
    invitation: Omit<Invitation, 'createdAt' | 'acceptedAt' | 'acceptedBy' | 'revokedAt'> & {
      tokenHash: string
    },
  ): Promise<void>
  findInvitationByTokenHash(tokenHash: string, tx?: Sql): Promise<Invitation | null>
  findInvitation(id: string): Promise<Invitation | null>
  listPendingInvitations(organisationId: string, at: Date): Promise<Invitation[]>
  /** Marks accepted if still open; false when someone else got there first. */
  acceptInvitation(tx: Sql, id: string, userId: string, at: Date): Promise<boolean>
  revokeInvitation(tx: Sql, id: string, at: Date): Promise<boolean>
}

interface InvitationRow {
  id: string
  organisation_id: string
  email: string
  roles: RoleName[]
  invited_by: string | null
  created_at: Date
  expires_at: Date
  accepted_at: Date | null
  accepted_by: string | null
  revoked_at: Date | null
}

const invitationColumns =
  'id, organisation_id, email, roles, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at'

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    roles: row.roles,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
    revokedAt: row.revoked_at,
  }
}

export function createMembershipRepository(db: Sql): MembershipRepository {
  return {
    async findOrganisation(id, tx = db) {
      const [row] = await tx.query<OrganisationSummary>(
        'SELECT id, name, kind FROM organisations WHERE id = $1',
        [id],
      )
      return row ?? null
    },

    async listForUser(userId) {
      const rows = await db.query<{ id: string; name: string; kind: OrganisationKind; roles: RoleName[] }>(
        `SELECT o.id, o.name, o.kind, m.roles FROM memberships m JOIN organisations o ON o.id = m.organisation_id
         WHERE m.user_id = $1 ORDER BY o.name, o.id`,
        [userId],
      )
      return rows.map((row) => ({
        organisation: { id: row.id, name: row.name, kind: row.kind },
        roles: row.roles,
      }))
    },

    async listForOrganisation(organisationId) {
      const rows = await db.query<{
        user_id: string
        full_name: string
        email: string | null
        roles: RoleName[]
        created_at: Date
      }>(
        `SELECT m.user_id, u.full_name, u.email, m.roles, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organisation_id = $1 ORDER BY u.full_name, u.id`,
        [organisationId],
      )
      return rows.map((row) => ({
        userId: row.user_id,
        fullName: row.full_name,
        email: row.email,
        roles: row.roles,
        since: row.created_at,
      }))
    },

    async findRoles(userId, organisationId, tx = db) {
      const [row] = await tx.query<{ roles: RoleName[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2',
        [userId, organisationId],
      )
      return row?.roles ?? null
    },

    async lockRoles(tx, userId, organisationId) {
      const [row] = await tx.query<{ roles: RoleName[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2 FOR UPDATE',
        [userId, organisationId],
      )
      return row?.roles ?? null
    },

    async setRoles(tx, userId, organisationId, roles, at) {
      await tx.query(
        `INSERT INTO memberships (user_id, organisation_id, roles, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (user_id, organisation_id) DO UPDATE SET roles = excluded.roles, updated_at = excluded.updated_at`,
        [userId, organisationId, roles, at],
      )
    },

    async remove(tx, userId, organisationId) {
      const rows = await tx.query(
        'DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 RETURNING user_id',
        [userId, organisationId],
      )
      return rows.length === 1
    },

    async removeAllForUser(tx, userId) {
      await tx.query('DELETE FROM memberships WHERE user_id = $1', [userId])
    },

    async insertInvitation(tx, invitation) {
      await tx.query(
        `INSERT INTO invitations (id, organisation_id, email, roles, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          invitation.id,
          invitation.organisationId,
          invitation.email,
          invitation.roles,
          invitation.tokenHash,
          invitation.invitedBy,
          invitation.expiresAt,
        ],
      )
    },

    async findInvitationByTokenHash(tokenHash, tx = db) {
      const [row] = await tx.query<InvitationRow>(
        `SELECT ${invitationColumns} FROM invitations WHERE token_hash = $1`,
        [tokenHash],
      )
      return row === undefined ? null : toInvitation(row)
    },

    async findInvitation(id) {
      const [row] = await db.query<InvitationRow>(
        `SELECT ${invitationColumns} FROM invitations WHERE id = $1`,
        [id],
      )
      return row === undefined ? null : toInvitation(row)
    },

    async listPendingInvitations(organisationId, at) {
      const rows = await db.query<InvitationRow>(
        `SELECT ${invitationColumns} FROM invitations
         WHERE organisation_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         ORDER BY created_at DESC, id`,
        [organisationId, at],
      )
      return rows.map(toInvitation)
    },

    async acceptInvitation(tx, id, userId, at) {
      const rows = await tx.query(
        `UPDATE invitations SET accepted_at = $3, accepted_by = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3 RETURNING id`,
        [id, userId, at],
      )
      return rows.length === 1
    },

    async revokeInvitation(tx, id, at) {
      const rows = await tx.query(
        'UPDATE invitations SET revoked_at = $2 WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id',
        [id, at],
      )
      return rows.length === 1
    },
  }
}

import type { Sql } from '../../platform/database/database.ts'
import type { User } from './account.ts'

export type TokenPurpose = 'verify-email' | 'sign-in' | 'reset-password' | 'change-email'

export interface OneTimeToken {
  readonly id: string
  readonly purpose: TokenPurpose
  readonly userId: string
  readonly email: string
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly usedAt: Date | null
}

export interface LinkedIdentity {
  readonly issuer: string
  readonly subject: string
  readonly userId: string
  readonly providerId: string
  readonly linkedAt: Date
}

export interface NewUser {
  readonly id: string
  readonly fullName: string
  readonly email: string
  readonly emailVerifiedAt: Date | null
  readonly isNhsEmail: boolean
  readonly professionId: string | null
  readonly registrationNumber: string | null
  readonly passwordHash: string | null
}

/** SQL for accounts, their single-use links and their linked OpenID Connect identities. */
export interface AccountRepository {
  insertUser(tx: Sql, user: NewUser): Promise<void>
  findUserById(id: string, tx?: Sql): Promise<User | null>
  /** The accounts of these ids (open or closed), in one query, ordered by id; unknown ids are left out. */
  findUsers(ids: readonly string[], tx?: Sql): Promise<User[]>
  /** An open account with this (normalised) address. */
  findUserByEmail(email: string, tx?: Sql): Promise<User | null>
  findPasswordHash(userId: string): Promise<string | null>
  setEmail(
    tx: Sql,
    userId: string,
    email: string,
    verifiedAt: Date | null,
    isNhsEmail: boolean,
  ): Promise<void>
  setPasswordHash(tx: Sql, userId: string, hash: string): Promise<void>
  setDetails(
    tx: Sql,
    userId: string,
    details: { fullName: string; professionId: string | null; registrationNumber: string | null },
  ): Promise<void>
  /** Erases what identifies the person; the row stays so that audit entries and others' records keep a referent. */
  anonymise(tx: Sql, userId: string, at: Date): Promise<void>

  insertToken(tx: Sql, token: Omit<OneTimeToken, 'createdAt' | 'usedAt'>): Promise<void>
  findToken(id: string, tx?: Sql): Promise<OneTimeToken | null>
  /** Marks the token used if it was not; false when another request used it first. */
  useToken(tx: Sql, id: string, at: Date): Promise<boolean>
  /** Makes every unused token of this purpose for this person unusable (a newer one replaces them). */
  expireTokens(tx: Sql, userId: string, purpose: TokenPurpose, at: Date): Promise<void>

  findIdentity(issuer: string, subject: string): Promise<LinkedIdentity | null>
  linkIdentity(tx: Sql, identity: Omit<LinkedIdentity, 'linkedAt'>): Promise<void>
  listIdentities(userId: string): Promise<LinkedIdentity[]>
}

interface UserRow {
  id: string
  full_name: string
  email: string | null
  email_verified_at: Date | null
  is_nhs_email: boolean
  profession_id: string | null
  registration_number: string | null
  has_password: boolean
  created_at: Date
  closed_at: Date | null
}

const userColumns = `id, full_name, email, email_verified_at, is_nhs_email, profession_id, registration_number,
  password_hash IS NOT NULL AS has_password, created_at, closed_at`

function toUser(row: UserRow): User {
  return {
    id: row.id,
    fullName: row.full_name,
    email: row.email,
    emailVerifiedAt: row.email_verified_at,
    isNhsEmail: row.is_nhs_email,
    professionId: row.profession_id,
    registrationNumber: row.registration_number,
    hasPassword: row.has_password,
    createdAt: row.created_at,
    closedAt: row.closed_at,
  }
}

interface TokenRow {
  id: string
  purpose: TokenPurpose
  user_id: string
  email: string
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

function toToken(row: TokenRow): OneTimeToken {
  return {
    id: row.id,
    purpose: row.purpose,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  }
}

export function createAccountRepository(db: Sql): AccountRepository {
  return {
    async insertUser(tx, user) {
      await tx.query(
        `INSERT INTO users (id, full_name, email, email_verified_at, is_nhs_email, profession_id, registration_number, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          user.id,
          user.fullName,
          user.email,
          user.emailVerifiedAt,
          user.isNhsEmail,
          user.professionId,
          user.registrationNumber,
          user.passwordHash,
        ],
      )
    },

    async findUserById(id, tx = db) {
      const [row] = await tx.query<UserRow>(`SELECT ${userColumns} FROM users WHERE id = $1`, [id])
      return row === undefined ? null : toUser(row)
    },

    async findUsers(ids, tx = db) {
      if (ids.length === 0) return []
      const rows = await tx.query<UserRow>(
        `SELECT ${userColumns} FROM users WHERE id = ANY($1::uuid[]) ORDER BY id`,
        [ids],
      )
      return rows.map(toUser)
    },

    async findUserByEmail(email, tx = db) {
      const [row] = await tx.query<UserRow>(
        `SELECT ${userColumns} FROM users WHERE email = $1 AND closed_at IS NULL`,
        [email],
      )
      return row === undefined ? null : toUser(row)
    },

    async findPasswordHash(userId) {
      const [row] = await db.query<{ password_hash: string | null }>(
        'SELECT password_hash FROM users WHERE id = $1 AND closed_at IS NULL',
        [userId],
      )
      return row?.password_hash ?? null
    },

    async setEmail(tx, userId, email, verifiedAt, isNhsEmail) {
      await tx.query('UPDATE users SET email = $2, email_verified_at = $3, is_nhs_email = $4 WHERE id = $1', [
        userId,
        email,
        verifiedAt,
        isNhsEmail,
      ])
    },

    async setPasswordHash(tx, userId, hash) {
      await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash])
    },

    async setDetails(tx, userId, details) {
      await tx.query(
        'UPDATE users SET full_name = $2, profession_id = $3, registration_number = $4 WHERE id = $1',
        [userId, details.fullName, details.professionId, details.registrationNumber],
      )
    },

    async anonymise(tx, userId, at) {
      await tx.query(
        `UPDATE users SET full_name = 'Closed account', email = NULL, email_verified_at = NULL, is_nhs_email = false,
           profession_id = NULL, registration_number = NULL, password_hash = NULL, closed_at = $2
         WHERE id = $1`,
        [userId, at],
      )
      await tx.query('DELETE FROM user_identities WHERE user_id = $1', [userId])
      await tx.query('DELETE FROM one_time_tokens WHERE user_id = $1', [userId])
    },

    async insertToken(tx, token) {
      await tx.query(
        `INSERT INTO one_time_tokens (id, purpose, user_id, email, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [token.id, token.purpose, token.userId, token.email, token.expiresAt],
      )
    },

    async findToken(id, tx = db) {
      const [row] = await tx.query<TokenRow>(
        'SELECT id, purpose, user_id, email, created_at, expires_at, used_at FROM one_time_tokens WHERE id = $1',
        [id],
      )
      return row === undefined ? null : toToken(row)
    },

    async useToken(tx, id, at) {
      const rows = await tx.query(
        'UPDATE one_time_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id',
        [id, at],
      )
      return rows.length === 1
    },

    async expireTokens(tx, userId, purpose, at) {
      await tx.query(
        `UPDATE one_time_tokens SET expires_at = LEAST(expires_at, $3)
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
        [userId, purpose, at],
      )
    },

    async findIdentity(issuer, subject) {
      const [row] = await db.query<{
        issuer: string
        subject: string
        user_id: string
        provider_id: string
        linked_at: Date
      }>(
        `SELECT i.issuer, i.subject, i.user_id, i.provider_id, i.linked_at
         FROM user_identities i JOIN users u ON u.id = i.user_id
         WHERE i.issuer = $1 AND i.subject = $2 AND u.closed_at IS NULL`,
        [issuer, subject],
      )
      return row === undefined
        ? null
        : {
            issuer: row.issuer,
            subject: row.subject,
            userId: row.user_id,
            providerId: row.provider_id,
            linkedAt: row.linked_at,
          }
    },

    async linkIdentity(tx, identity) {
      await tx.query(
        'INSERT INTO user_identities (issuer, subject, user_id, provider_id) VALUES ($1, $2, $3, $4)',
        [identity.issuer, identity.subject, identity.userId, identity.providerId],
      )
    },

    async listIdentities(userId) {
      const rows = await db.query<{
        issuer: string
        subject: string
        user_id: string
        provider_id: string
        linked_at: Date
      }>(
        `SELECT issuer, subject, user_id, provider_id, linked_at FROM user_identities WHERE user_id = $1
         ORDER BY linked_at, issuer, subject`,
        [userId],
      )
      return rows.map((row) => ({
        issuer: row.issuer,
        subject: row.subject,
        userId: row.user_id,
        providerId: row.provider_id,
        linkedAt: row.linked_at,
      }))
    },
  }
}

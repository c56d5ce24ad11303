import type { Sql } from '../../platform/database/database.ts'

/** A sign-in through an OpenID Connect provider that has started and not yet come back. */
export interface SignInAttempt {
  /** SHA-256 of the state. */
  readonly id: string
  readonly providerId: string
  readonly purpose: 'sign-in' | 'link'
  /** Who started a link; null for a sign-in. */
  readonly userId: string | null
  /** The PKCE code verifier, encrypted with a key from the state. */
  readonly codeVerifierSealed: string
  readonly nonce: string
  readonly browserDigest: string
  readonly next: string | null
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly usedAt: Date | null
}

/** SQL for sign-ins in flight; the linked identities themselves are the account repository's. */
export interface OidcRepository {
  insertAttempt(attempt: Omit<SignInAttempt, 'createdAt' | 'usedAt'>): Promise<void>
  findAttempt(id: string): Promise<SignInAttempt | null>
  /** Marks the attempt used if it was not; false when another request used it first. */
  useAttempt(id: string, at: Date): Promise<boolean>
  /** Forgets attempts that ended before `before`; returns how many. */
  deleteExpiredAttempts(before: Date): Promise<number>
}

interface AttemptRow {
  id: string
  provider_id: string
  purpose: 'sign-in' | 'link'
  user_id: string | null
  code_verifier_sealed: string
  nonce: string
  browser_digest: string
  next: string | null
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

export function createOidcRepository(db: Sql): OidcRepository {
  return {
    async insertAttempt(attempt) {
      await db.query(
        `INSERT INTO oidc_sign_in_attempts
           (id, provider_id, purpose, user_id, code_verifier_sealed, nonce, browser_digest, next, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          attempt.id,
          attempt.providerId,
          attempt.purpose,
          attempt.userId,
          attempt.codeVerifierSealed,
          attempt.nonce,
          attempt.browserDigest,
          attempt.next,
          attempt.expiresAt,
        ],
      )
    },

    async findAttempt(id) {
      const [row] = await db.query<AttemptRow>(
        `SELECT id, provider_id, purpose, user_id, code_verifier_sealed, nonce, browser_digest, next, created_at,
           expires_at, used_at
         FROM oidc_sign_in_attempts WHERE id = $1`,
        [id],
      )
      return row === undefined
        ? null
        : {
            id: row.id,
            providerId: row.provider_id,
            purpose: row.purpose,
            userId: row.user_id,
            codeVerifierSealed: row.code_verifier_sealed,
            nonce: row.nonce,
            browserDigest: row.browser_digest,
            next: row.next,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            usedAt: row.used_at,
          }
    },

    async useAttempt(id, at) {
      const rows = await db.query(
        'UPDATE oidc_sign_in_attempts SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id',
        [id, at],
      )
      return rows.length === 1
    },

    async deleteExpiredAttempts(before) {
      const rows = await db.query('DELETE FROM oidc_sign_in_attempts WHERE expires_at < $1 RETURNING id', [
        before,
      ])
      return rows.length
    },
  }
}

// The issuers' keys in the database (table credential_issuer_keys); private keys only in their encrypted form.
import type { Sql } from '../../platform/database/database.ts'
import type { IssuerPublicKey } from './issuer-did.ts'

/** An awarding organisation that issues credentials: a university, or the framework team. */
export interface IssuerOrganisation {
  readonly id: string
  readonly kind: 'university' | 'framework'
  readonly name: string
}

export interface StoredIssuerKey extends IssuerPublicKey {
  readonly issuerId: string
  readonly encryptedPrivateKey: string
}

export interface KeyStoreRepository {
  /** The organisation when it may issue credentials (a university or the framework team), else null. */
  findIssuer(id: string, tx?: Sql): Promise<IssuerOrganisation | null>
  /** Locks the issuer's organisation row, so that changes to its keys happen one at a time. */
  lockIssuer(tx: Sql, id: string): Promise<void>
  findActiveKey(issuerId: string, tx?: Sql): Promise<StoredIssuerKey | null>
  findKey(issuerId: string, keyId: string, tx?: Sql): Promise<StoredIssuerKey | null>
  /** Every key of the issuer, oldest first. */
  listKeys(issuerId: string, tx?: Sql): Promise<StoredIssuerKey[]>
  /** Inserts a key; false when the issuer already has an active key (and a new one was meant to be active). */
  insertKey(tx: Sql, key: StoredIssuerKey): Promise<boolean>
  /** Retires the active key; the retired key, or null when there was none. */
  retireActiveKey(tx: Sql, issuerId: string, at: Date): Promise<StoredIssuerKey | null>
}

interface KeyRow {
  issuer_id: string
  key_id: string
  public_key_multibase: string
  encrypted_private_key: string
  created_at: Date | string
  retired_at: Date | string | null
}

const keyColumns = 'issuer_id, key_id, public_key_multibase, encrypted_private_key, created_at, retired_at'

function toKey(row: KeyRow): StoredIssuerKey {
  return {
    issuerId: row.issuer_id,
    keyId: row.key_id,
    publicKeyMultibase: row.public_key_multibase,
    encryptedPrivateKey: row.encrypted_private_key,
    createdAt: new Date(row.created_at),
    retiredAt: row.retired_at === null ? null : new Date(row.retired_at),
  }
}

export function createKeyStoreRepository(db: Sql): KeyStoreRepository {
  return {
    async findIssuer(id, tx = db) {
      const [row] = await tx.query<{ id: string; kind: 'university' | 'framework'; name: string }>(
        `SELECT id, kind, name FROM organisations WHERE id = $1 AND kind IN ('university', 'framework')`,
        [id],
      )
      return row ?? null
    },
    async lockIssuer(tx, id) {
      await tx.query('SELECT id FROM organisations WHERE id = $1 FOR UPDATE', [id])
    },
    async findActiveKey(issuerId, tx = db) {
      const [row] = await tx.query<KeyRow>(
        `SELECT ${keyColumns} FROM credential_issuer_keys WHERE issuer_id = $1 AND retired_at IS NULL`,
        [issuerId],
      )
      return row === undefined ? null : toKey(row)
    },
    async findKey(issuerId, keyId, tx = db) {
      const [row] = await tx.query<KeyRow>(
        `SELECT ${keyColumns} FROM credential_issuer_keys WHERE issuer_id = $1 AND key_id = $2`,
        [issuerId, keyId],
      )
      return row === undefined ? null : toKey(row)
    },
    async listKeys(issuerId, tx = db) {
      const rows = await tx.query<KeyRow>(
        `SELECT ${keyColumns} FROM credential_issuer_keys WHERE issuer_id = $1 ORDER BY created_at, key_id`,
        [issuerId],
      )
      return rows.map(toKey)
    },
    async insertKey(tx, key) {
      const rows = await tx.query(
        `INSERT INTO credential_issuer_keys (${keyColumns}) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (issuer_id) WHERE retired_at IS NULL DO NOTHING
         RETURNING key_id`,
        [
          key.issuerId,
          key.keyId,
          key.publicKeyMultibase,
          key.encryptedPrivateKey,
          key.createdAt,
          key.retiredAt,
        ],
      )
      return rows.length === 1
    },
    async retireActiveKey(tx, issuerId, at) {
      const [row] = await tx.query<KeyRow>(
        `UPDATE credential_issuer_keys SET retired_at = $2 WHERE issuer_id = $1 AND retired_at IS NULL
         RETURNING ${keyColumns}`,
        [issuerId, at],
      )
      return row === undefined ? null : toKey(row)
    },
  }
}

// Issuers' Bitstring Status Lists in the database: lists, the indexes allocated in them, and revocations.
import { randomUUID } from 'node:crypto'
import type { Sql } from '../../platform/database/database.ts'
import type { StatusPurpose } from './status-list.ts'

export interface StatusList {
  readonly id: string
  readonly issuerId: string
  readonly purpose: StatusPurpose
  readonly bitLength: number
}

export interface StatusEntry {
  readonly list: StatusList
  readonly index: number
  readonly credentialId: string
  readonly revokedAt: Date | null
  readonly revocationReason: string | null
}

export interface StatusListRepository {
  /**
   * Gives the credential the next index of its issuer's open list, starting a list of `bitLength` bits when
   * there is none or it is full. Safe under concurrency: the open list's row is updated in place (a row lock), and
   * only one open list per issuer can exist (a unique partial index).
   */
  allocateEntry(
    tx: Sql,
    entry: { issuerId: string; purpose: StatusPurpose; credentialId: string; bitLength: number; at: Date },
  ): Promise<{ list: StatusList; index: number }>
  findList(issuerId: string, listId: string, tx?: Sql): Promise<StatusList | null>
  /** The indexes set to 1 (revoked) in a list, in order. */
  listRevokedIndexes(listId: string, tx?: Sql): Promise<number[]>
  findEntryAt(listId: string, index: number, tx?: Sql): Promise<StatusEntry | null>
  /** The credential's entry, locked for the rest of the transaction. */
  lockEntryOf(tx: Sql, credentialId: string): Promise<StatusEntry | null>
  markRevoked(
    tx: Sql,
    entry: { listId: string; index: number; by: string; reason: string; at: Date },
  ): Promise<void>
}

interface ListRow {
  id: string
  issuer_id: string
  status_purpose: StatusPurpose
  bit_length: number
}

interface EntryRow extends ListRow {
  status_index: number
  credential_id: string
  revoked_at: Date | string | null
  revocation_reason: string | null
}

const toList = (row: ListRow): StatusList => ({
  id: row.id,
  issuerId: row.issuer_id,
  purpose: row.status_purpose,
  bitLength: Number(row.bit_length),
})

const toEntry = (row: EntryRow): StatusEntry => ({
  list: toList(row),
  index: Number(row.status_index),
  credentialId: row.credential_id,
  revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  revocationReason: row.revocation_reason,
})

const entrySelect = `SELECT l.id, l.issuer_id, l.status_purpose, l.bit_length, e.status_index, e.credential_id,
    e.revoked_at, e.revocation_reason
  FROM credential_status_entries e JOIN credential_status_lists l ON l.id = e.list_id`

export function createStatusListRepository(db: Sql): StatusListRepository {
  return {
    async allocateEntry(tx, { issuerId, purpose, credentialId, bitLength, at }) {
      // Two rounds at most: a list is started only when none is open, and one then is.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const [taken] = await tx.query<ListRow & { status_index: number }>(
          `UPDATE credential_status_lists SET next_index = next_index + 1
           WHERE issuer_id = $1 AND status_purpose = $2 AND next_index < bit_length
           RETURNING id, issuer_id, status_purpose, bit_length, next_index - 1 AS status_index`,
          [issuerId, purpose],
        )
        if (taken !== undefined) {
          const index = Number(taken.status_index)
          await tx.query(
            `INSERT INTO credential_status_entries (list_id, status_index, credential_id, allocated_at)
             VALUES ($1, $2, $3, $4)`,
            [taken.id, index, credentialId, at],
          )
          return { list: toList(taken), index }
        }
        await tx.query(
          `INSERT INTO credential_status_lists (id, issuer_id, status_purpose, bit_length, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (issuer_id, status_purpose) WHERE next_index < bit_length DO NOTHING`,
          [randomUUID(), issuerId, purpose, bitLength, at],
        )
      }
      throw new Error(`no open status list could be found or started for issuer ${issuerId}`)
    },
    async findList(issuerId, listId, tx = db) {
      const [row] = await tx.query<ListRow>(
        `SELECT id, issuer_id, status_purpose, bit_length FROM credential_status_lists
         WHERE issuer_id = $1 AND id = $2`,
        [issuerId, listId],
      )
      return row === undefined ? null : toList(row)
    },
    async listRevokedIndexes(listId, tx = db) {
      const rows = await tx.query<{ status_index: number }>(
        `SELECT status_index FROM credential_status_entries
         WHERE list_id = $1 AND revoked_at IS NOT NULL ORDER BY status_index`,
        [listId],
      )
      return rows.map((row) => Number(row.status_index))
    },
    async findEntryAt(listId, index, tx = db) {
      const [row] = await tx.query<EntryRow>(`${entrySelect} WHERE e.list_id = $1 AND e.status_index = $2`, [
        listId,
        index,
      ])
      return row === undefined ? null : toEntry(row)
    },
    async lockEntryOf(tx, credentialId) {
      const [row] = await tx.query<EntryRow>(`${entrySelect} WHERE e.credential_id = $1 FOR UPDATE OF e`, [
        credentialId,
      ])
      return row === undefined ? null : toEntry(row)
    },
    async markRevoked(tx, { listId, index, by, reason, at }) {
      await tx.query(
        `UPDATE credential_status_entries SET revoked_at = $3, revoked_by = $4, revocation_reason = $5
         WHERE list_id = $1 AND status_index = $2`,
        [listId, index, at, by, reason],
      )
    },
  }
}

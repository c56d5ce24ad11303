import { PGlite, type Transaction } from '@electric-sql/pglite'
import type { Database, Row, Sql } from './database.ts'
import { parseDate, parseInt8, typeOids } from './database.ts'

/**
 * Embedded PostgreSQL (PGlite): one connection, so statements and transactions are serialised. Used by
 * default on a developer's machine (data under ./data) and in tests (`memory://`).
 */
export async function openPgliteDatabase(dataDirectory: string): Promise<Database> {
  const pglite = await PGlite.create(dataDirectory, {
    parsers: { [typeOids.date]: parseDate, [typeOids.int8]: parseInt8 },
  })
  return new PgliteDatabase(pglite)
}

class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const

  constructor(private readonly pglite: PGlite) {}

  async query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pglite.query<R>(text, [...params])
    return result.rows
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.pglite.transaction((transaction) => work(wrapTransaction(transaction)))
  }

  async execute(script: string, tx?: Sql): Promise<void> {
    const target = tx !== undefined && isWrapped(tx) ? tx.transaction : this.pglite
    await target.exec(script)
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close()
  }
}

interface WrappedTransaction extends Sql {
  readonly transaction: Transaction
}

function wrapTransaction(transaction: Transaction): WrappedTransaction {
  return {
    transaction,
    async query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await transaction.query<R>(text, [...params])
      return result.rows
    },
  }
}

function isWrapped(tx: Sql): tx is WrappedTransaction {
  return 'transaction' in tx
}

import pg from 'pg'
import type { Database, Row, Sql } from './database.ts'
import { parseDate, parseInt8, typeOids } from './database.ts'

export interface PostgresOptions {
  readonly connectionString: string
  readonly maxConnections?: number
  /** Sets search_path for every connection; tests use a schema of their own. */
  readonly schema?: string
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === typeOids.date) return parseDate
    if (oid === typeOids.int8) return parseInt8
    return pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig

/** A PostgreSQL server through a connection pool: what production and several app instances use. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  })
  // Fail at start-up, not at the first request, when the server cannot be reached.
  const client = await pool.connect()
  client.release()
  return new PostgresDatabase(pool)
}

class PostgresDatabase implements Database {
  readonly engine = 'postgresql' as const

  constructor(private readonly pool: pg.Pool) {}

  async query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pool.query<R>(text, [...params])
    return result.rows
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await work(wrapClient(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    } finally {
      client.release()
    }
  }

  async execute(script: string, tx?: Sql): Promise<void> {
    // Without parameters, pg sends the simple query protocol, which accepts several statements.
    if (tx !== undefined && isWrapped(tx)) await tx.client.query(script)
    else await this.pool.query(script)
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

interface WrappedClient extends Sql {
  readonly client: pg.PoolClient
}

function wrapClient(client: pg.PoolClient): WrappedClient {
  return {
    client,
    async query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await client.query<R>(text, [...params])
      return result.rows
    },
  }
}

function isWrapped(tx: Sql): tx is WrappedClient {
  return 'client' in tx
}

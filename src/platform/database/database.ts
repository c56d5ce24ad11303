/**
 * The one shape every repository talks to, whichever engine is underneath: embedded PGlite or a PostgreSQL
 * server. Queries are PostgreSQL SQL with `$1` placeholders; lists always carry an ORDER BY.
 */
export type Row = Record<string, unknown>

export interface Sql {
  /** Runs one statement with parameters and returns its rows. */
  query<R extends object = Row>(text: string, params?: readonly unknown[]): Promise<R[]>
}

export type Engine = 'pglite' | 'postgresql'

export interface Database extends Sql {
  readonly engine: Engine
  /** Runs `work` in one transaction: all of it is committed, or none of it when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>
  /** Runs a script of several statements without parameters (migrations). */
  execute(script: string, tx?: Sql): Promise<void>
  close(): Promise<void>
}

/** PostgreSQL type OIDs whose default parsing differs between the engines. */
export const typeOids = { int8: 20, date: 1082 } as const

/** Dates stay as ISO `YYYY-MM-DD` text so that no time zone can shift them. */
export function parseDate(value: string): string {
  return value
}

/** Counts and sums arrive as int8; they are well inside Number's safe range for this service. */
export function parseInt8(value: string): number {
  return Number(value)
}

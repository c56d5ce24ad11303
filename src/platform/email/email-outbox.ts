import type { Sql } from '../database/database.ts'
import type { EmailMessage, Mailer } from './mailer.ts'

/** A message kept in the outbox instead of being sent. */
export interface OutboxMessage {
  readonly id: number
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string | null
  readonly sentAt: Date
}

/** Reads what the outbox mailer kept: for the development outbox pages and for tests. */
export interface EmailOutbox {
  /** Newest first; `recipient` is matched without regard to case. */
  list(filter: { readonly recipient?: string; readonly limit: number }): Promise<OutboxMessage[]>
  findById(id: number): Promise<OutboxMessage | null>
}

/** The embedded default: with no SMTP server configured, each message is stored in `email_outbox`. */
export function createOutboxMailer(db: Sql): Mailer {
  return {
    kind: 'outbox',
    async send(message: EmailMessage): Promise<void> {
      await db.query(
        'INSERT INTO email_outbox (recipient, subject, text_body, html_body) VALUES ($1, $2, $3, $4)',
        [message.to, message.subject, message.text, message.html ?? null],
      )
    },
    async close(): Promise<void> {
      // The database belongs to the composition, which closes it.
    },
  }
}

interface OutboxRow {
  id: number
  recipient: string
  subject: string
  text_body: string
  html_body: string | null
  sent_at: Date
}

const columns = 'id, recipient, subject, text_body, html_body, sent_at'

export function createEmailOutbox(db: Sql): EmailOutbox {
  return {
    async list({ recipient, limit }) {
      const rows = await db.query<OutboxRow>(
        `SELECT ${columns} FROM email_outbox
         WHERE ($1::text IS NULL OR lower(recipient) = lower($1))
         ORDER BY sent_at DESC, id DESC
         LIMIT $2`,
        [recipient ?? null, limit],
      )
      return rows.map(toOutboxMessage)
    },

    async findById(id) {
      const [row] = await db.query<OutboxRow>(`SELECT ${columns} FROM email_outbox WHERE id = $1`, [id])
      return row === undefined ? null : toOutboxMessage(row)
    },
  }
}

function toOutboxMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    to: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    sentAt: row.sent_at,
  }
}

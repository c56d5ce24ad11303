import type { Config } from '../../config.ts'
import type { Sql } from '../database/database.ts'
import { createOutboxMailer } from './email-outbox.ts'
import type { Mailer } from './mailer.ts'
import { createSmtpMailer } from './smtp-mailer.ts'

/** SMTP when SMTP_URL is set (always, in production); otherwise the database outbox. */
export function createMailer(
  { smtpUrl, from }: { readonly smtpUrl: Config['smtpUrl']; readonly from: Config['emailFrom'] },
  db: Sql,
): Mailer {
  return smtpUrl === undefined ? createOutboxMailer(db) : createSmtpMailer({ smtpUrl, from })
}

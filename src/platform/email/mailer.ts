/** A message Trellis sends: plain text always, HTML optionally. Links in it are absolute. */
export interface EmailMessage {
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html?: string
}

/**
 * Sends email. Two implementations: SMTP through nodemailer when SMTP_URL is set, or the database outbox (the
 * embedded default), which keeps each message for developers to read at /dev/outbox.
 */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox'
  send(message: EmailMessage): Promise<void>
  close(): Promise<void>
}

import nodemailer from 'nodemailer'
import type { EmailMessage, Mailer } from './mailer.ts'

export interface SmtpMailerOptions {
  /** `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start), with any credentials. */
  readonly smtpUrl: string
  /** The From header, such as `Trellis <no-reply@trellis.example.nhs.uk>`. */
  readonly from: string
}

/**
 * A message the SMTP server did not take. Its message names the server without credentials and never quotes
 * the message body (sign-in links are in it); `code` and `responseCode` are nodemailer's, for callers that
 * retry on a transient failure.
 */
export class EmailNotSentError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
  ) {
    super(message)
    this.name = 'EmailNotSentError'
  }
}

/**
 * Sends through an SMTP server with nodemailer, one connection per message. Nothing is logged: nodemailer's
 * logger stays off, because its debug output carries whole messages with their sign-in links.
 */
export function createSmtpMailer({ smtpUrl, from }: SmtpMailerOptions): Mailer {
  const server = describeServer(smtpUrl)
  const secrets = secretsIn(smtpUrl)
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    logger: false,
    debug: false,
    // A person is waiting on the page that sends a sign-in link: fail in seconds, not nodemailer's minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Messages are built from our own text; never let a message read local files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  })

  return {
    kind: 'smtp',

    async send(message: EmailMessage): Promise<void> {
      try {
        await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
        })
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown }
        // The original error is not kept as a cause: its fields may hold the server's whole reply.
        throw new EmailNotSentError(
          redact(`The email "${message.subject}" was not sent through ${server}: ${reason}`, secrets),
          typeof code === 'string' ? code : undefined,
          typeof responseCode === 'number' ? responseCode : undefined,
        )
      }
    },

    async close(): Promise<void> {
      transport.close()
    },
  }
}

/** `smtps://user:secret@smtp.example.nhs.uk:465` → `smtps://smtp.example.nhs.uk:465`. */
function describeServer(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl)
    return `${url.protocol}//${url.host}`
  } catch {
    return 'the SMTP server'
  }
}

/** The password as written in the URL and as decoded, so that neither form reaches an error message. */
function secretsIn(smtpUrl: string): string[] {
  try {
    const { password } = new URL(smtpUrl)
    if (password === '') return []
    return [...new Set([password, decodeURIComponent(password)])]
  } catch {
    return []
  }
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.replaceAll(secret, '[redacted]'), text)
}

import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerAddress } from 'smtp-server'

/** One message as the SMTP server received it, decoded enough for a test to read. */
export interface ReceivedMessage {
  /** Decoded headers, as written (display names included): `Trellis <no-reply@trellis.localhost>`. */
  readonly from: string
  readonly to: string
  readonly subject: string
  /** The text/plain part, decoded, with `\n` line ends. */
  readonly text: string
  readonly html: string | undefined
  /** The SMTP envelope: what MAIL FROM and RCPT TO said. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] }
  readonly raw: string
}

export interface SmtpTestServerOptions {
  /** With credentials, the server requires AUTH (allowed without TLS: it is a test) and checks them. */
  readonly credentials?: { readonly user: string; readonly pass: string }
  /** The reply to a failed AUTH; a careless server may echo what it was sent. */
  readonly authFailureMessage?: string
  /** Recipients the server refuses with 550, as a real server refuses an unknown mailbox. */
  readonly rejectRecipient?: (address: string) => boolean
}

export interface SmtpTestServer {
  /** `smtp://127.0.0.1:PORT`, or with the credentials in it when the server has some. */
  readonly url: string
  readonly port: number
  /** Every message received so far, oldest first. */
  readonly messages: readonly ReceivedMessage[]
  /** The first message, received already or within `timeoutMs`, for which `predicate` holds. */
  waitForMessage(
    predicate?: (message: ReceivedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMessage>
  close(): Promise<void>
}

/**
 * A real SMTP server on 127.0.0.1 and a free port, for tests that send email through Trellis's SMTP mailer and
 * read what arrived (a sign-up link, a password reset link). Plain SMTP only: STARTTLS is not offered.
 */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMessage[] = []
  const waiters = new Set<(message: ReceivedMessage) => void>()
  const { credentials } = options

  const server = new SMTPServer({
    secure: false,
    logger: false,
    disableReverseLookup: true,
    disabledCommands: credentials === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (
        credentials !== undefined &&
        auth.username === credentials.user &&
        auth.password === credentials.pass
      ) {
        callback(null, { user: auth.username })
        return
      }
      callback(replyError(options.authFailureMessage ?? 'Authentication failed', 535))
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (options.rejectRecipient?.(address.address) === true) {
        callback(replyError(`<${address.address}>: Recipient address rejected: no such mailbox`, 550))
        return
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const envelopeFrom = session.envelope.mailFrom
        const message: ReceivedMessage = {
          ...parseRawMessage(raw),
          envelope: {
            from: envelopeFrom === false ? '' : envelopeFrom.address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          raw,
        }
        messages.push(message)
        for (const waiter of waiters) waiter(message)
        callback()
      })
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.server.address() as AddressInfo
  const userinfo =
    credentials === undefined
      ? ''
      : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`

  return {
    url: `smtp://${userinfo}127.0.0.1:${port}`,
    port,
    messages,
    waitForMessage(predicate = () => true, timeoutMs = 5_000) {
      const already = messages.find(predicate)
      if (already !== undefined) return Promise.resolve(already)
      return new Promise((resolve, reject) => {
        const waiter = (message: ReceivedMessage) => {
          if (!predicate(message)) return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(message)
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          const subjects = messages.map((m) => `"${m.subject}" to ${m.to}`).join(', ') || 'none'
          reject(new Error(`No matching email arrived within ${timeoutMs} ms; received: ${subjects}`))
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Every http(s) URL in a text, without the sentence punctuation that may follow it. */
export function extractLinks(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => match[0].replace(/[.,;:!?'")\]]+$/, ''))
}

function replyError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode })
}

// A small reader of RFC 5322 / MIME messages: enough for what nodemailer writes (headers with encoded words,
// multipart/alternative, quoted-printable or base64 bodies in UTF-8). Not a general mail parser.

interface MimeEntity {
  readonly headers: ReadonlyMap<string, string>
  readonly body: string
}

function parseRawMessage(raw: string): Pick<ReceivedMessage, 'from' | 'to' | 'subject' | 'text' | 'html'> {
  const entity = splitEntity(raw)
  const header = (name: string) => decodeEncodedWords(entity.headers.get(name) ?? '')
  return {
    from: header('from'),
    to: header('to'),
    subject: header('subject'),
    text: findPart(entity, 'text/plain') ?? '',
    html: findPart(entity, 'text/html'),
  }
}

function splitEntity(raw: string): MimeEntity {
  const text = raw.replace(/\r\n/g, '\n')
  const end = text.indexOf('\n\n')
  const head = end === -1 ? text : text.slice(0, end)
  const body = end === -1 ? '' : text.slice(end + 2)
  const headers = new Map<string, string>()
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim())
  }
  return { headers, body }
}

/** The decoded body of the first part of this media type, searching nested multiparts depth first. */
function findPart(entity: MimeEntity, mediaType: string): string | undefined {
  const contentType = entity.headers.get('content-type') ?? 'text/plain'
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1]
    if (boundary === undefined) return undefined
    const sections = entity.body.split(`--${boundary}`).slice(1)
    for (const section of sections) {
      if (section.startsWith('--')) break
      const found = findPart(splitEntity(section.replace(/^\n/, '')), mediaType)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (type !== mediaType) return undefined
  return decodeBody(entity.body, entity.headers.get('content-transfer-encoding') ?? '7bit').replace(/\n$/, '')
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.trim().toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body)
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    default:
      return body
  }
}

/** Soft line breaks (`=` at a line end) join lines; `=XX` is a byte, and the bytes are UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const input = Buffer.from(body.replace(/[ \t]+$/gm, '').replace(/=\n/g, ''), 'utf8')
  const output = Buffer.alloc(input.length)
  let length = 0
  for (let index = 0; index < input.length; index++) {
    const hex = input.toString('latin1', index + 1, index + 3)
    if (input[index] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      output[length++] = Number.parseInt(hex, 16)
      index += 2
    } else {
      output[length++] = input[index]!
    }
  }
  return output.toString('utf8', 0, length)
}

/** RFC 2047 encoded words (`=?UTF-8?Q?Caf=C3=A9?=`), with the space between two of them dropped. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_word, _charset: string, encoding: string, text: string) =>
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    )
}

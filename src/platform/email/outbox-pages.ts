import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import type { RoutePolicy } from '../http/access-control.ts'
import { NotFoundError } from '../http/problem.ts'
import { parseParameters } from '../http/query-parameters.ts'
import type { EmailOutbox } from './email-outbox.ts'

/** How many of the newest messages the list shows. */
const listLimit = 50

const developmentOnly: RoutePolicy = { access: 'development-only' }

const outboxQuery = z.strictObject({
  to: z
    .string()
    .trim()
    .max(320, 'must be 320 characters or fewer')
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
})

const messageParams = z.strictObject({
  id: z.coerce
    .number({ error: 'must be a message number' })
    .int('must be a message number')
    .min(1, 'must be a message number')
    .max(Number.MAX_SAFE_INTEGER, 'must be a message number'),
})

/**
 * The development outbox: the messages Trellis would have sent, when no SMTP server is configured, with the
 * links in them clickable so that sign-up and sign-in can be followed through by hand. The routes are not
 * registered at all in production: there they answer 404 like any unknown address.
 */
export function registerOutboxPages(
  app: FastifyInstance,
  { outbox, environment }: { readonly outbox: EmailOutbox; readonly environment: Config['environment'] },
): void {
  if (environment === 'production') return

  app.get('/dev/outbox', { config: { policy: developmentOnly } }, async (request, reply) => {
    const query = parseParameters(outboxQuery, request.query, 'query')
    const messages = await outbox.list({
      ...(query.to === undefined ? {} : { recipient: query.to }),
      limit: listLimit,
    })
    // The messages hold sign-in links: no cache may keep them.
    reply.header('cache-control', 'no-store')
    return reply.view('email/outbox.njk', {
      pageTitle: 'Email outbox',
      query,
      listLimit,
      messages: messages.map((message) => ({ ...message, sentAtText: formatTime(message.sentAt) })),
    })
  })

  app.get('/dev/outbox/:id', { config: { policy: developmentOnly } }, async (request, reply) => {
    const { id } = parseParameters(messageParams, request.params, 'path')
    const message = await outbox.findById(id)
    if (message === null) throw new NotFoundError(`There is no message ${id} in the outbox.`)
    reply.header('cache-control', 'no-store')
    return reply.view('email/message.njk', {
      pageTitle: message.subject,
      message,
      sentAtText: formatTime(message.sentAt),
      paragraphs: splitIntoParagraphs(message.text),
    })
  })
}

/** A run of message text: plain, or a link whose `href` is an absolute http(s) URL. */
export interface TextPart {
  readonly text: string
  readonly href?: string
}

/**
 * Plain text → paragraphs (split at blank lines) → lines → parts, with each http(s) URL made a link. Nothing
 * here is HTML: the template escapes every part, so a message can only ever add text and http(s) links.
 */
export function splitIntoParagraphs(text: string): TextPart[][][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => paragraph.split('\n').map(findLinks))
}

const urlCandidate = /\bhttps?:\/\/[^\s<>"]+/gi

/** Splits one line into text and links; trailing sentence punctuation stays outside the link. */
export function findLinks(line: string): TextPart[] {
  const parts: TextPart[] = []
  let position = 0
  for (const match of line.matchAll(urlCandidate)) {
    const candidate = trimTrailingPunctuation(match[0])
    const href = toHttpUrl(candidate)
    if (href === undefined) continue
    if (match.index > position) parts.push({ text: line.slice(position, match.index) })
    parts.push({ text: candidate, href })
    position = match.index + candidate.length
  }
  if (position < line.length) parts.push({ text: line.slice(position) })
  return parts
}

function trimTrailingPunctuation(candidate: string): string {
  let url = candidate.replace(/[.,;:!?'*]+$/, '')
  // A closing bracket belongs to the URL only when the URL opened one: "(see https://x.org/a_(b))".
  while (url.endsWith(')') && count(url, '(') < count(url, ')')) {
    url = url.slice(0, -1).replace(/[.,;:!?'*]+$/, '')
  }
  return url
}

function count(text: string, character: string): number {
  return text.split(character).length - 1
}

function toHttpUrl(candidate: string): string | undefined {
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'medium',
  timeZone: 'Europe/London',
})

/** `22 November 2026 at 14:03:05`, UK time. */
function formatTime(date: Date): string {
  return timeFormat.format(date)
}

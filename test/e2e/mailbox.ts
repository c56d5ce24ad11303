import { expect } from 'vitest'
import type { EmailOutbox, OutboxMessage } from '../../src/platform/email/email-outbox.ts'
import { extractLinks } from '../support/smtp-test-server.ts'

/**
 * The inboxes of the people in a journey. With no SMTP server configured, Trellis keeps every message it would
 * have sent in its outbox (the same messages /dev/outbox shows), and the journeys read them there: a page that
 * says "Check your email" has already sent the message, so it is there to read.
 */
export class Mailbox {
  constructor(
    private readonly outbox: EmailOutbox,
    /** Where the app under test listens: every link in a message must lead there. */
    private readonly baseUrl: string,
  ) {}

  /** The newest message to `to` whose subject is `subject`, failing if there is none. */
  async latestMessage(to: string, subject: string): Promise<OutboxMessage> {
    const messages = await this.outbox.list({ recipient: to, limit: 50 })
    const message = messages.find((candidate) => candidate.subject === subject)
    if (message === undefined) {
      const received = messages.map((candidate) => `"${candidate.subject}"`).join(', ') || 'none'
      throw new Error(`No email "${subject}" to ${to}; received: ${received}`)
    }
    return message
  }

  /** The one link in the newest message to `to` with this subject: the link a person would follow. */
  async linkIn(to: string, subject: string): Promise<string> {
    const links = extractLinks((await this.latestMessage(to, subject)).text)
    expect(links, `links in "${subject}" to ${to}`).toHaveLength(1)
    const link = links[0]!
    expect(link.startsWith(`${this.baseUrl}/`), `${link} leads to the app under test`).toBe(true)
    return link
  }
}

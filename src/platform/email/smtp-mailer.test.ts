import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  extractLinks,
  startSmtpTestServer,
  type SmtpTestServer,
} from '../../../test/support/smtp-test-server.ts'
import { EmailNotSentError, createSmtpMailer } from './smtp-mailer.ts'

const from = 'Trellis <no-reply@trellis.localhost>'

// Long enough that quoted-printable must break it across lines, with characters it has to escape (=).
const signInLink = `http://localhost:3000/sign-in/verify?token=${'a1B2-c3_D4'.repeat(12)}&next=%2Fplan%3Fstage%3Dpgcert`

describe('the SMTP mailer', () => {
  let server: SmtpTestServer

  beforeAll(async () => {
    server = await startSmtpTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('sends a plain-text message that arrives with its sender, recipient, subject and whole link', async () => {
    const mailer = createSmtpMailer({ smtpUrl: server.url, from })
    expect(mailer.kind).toBe('smtp')
    await mailer.send({
      to: 'asha.patel@nhs.example',
      subject: 'Sign in to Trellis',
      text: `Hello,\n\nUse this link to sign in. It works once, for 15 minutes:\n\n${signInLink}\n\nTrellis`,
    })
    await mailer.close()

    const received = await server.waitForMessage((message) => message.to === 'asha.patel@nhs.example')
    expect(received).toMatchObject({
      from,
      to: 'asha.patel@nhs.example',
      subject: 'Sign in to Trellis',
      envelope: { from: 'no-reply@trellis.localhost', to: ['asha.patel@nhs.example'] },
      html: undefined,
    })
    expect(extractLinks(received.text)).toEqual([signInLink])
    expect(received.text).toContain('Use this link to sign in. It works once, for 15 minutes:')
  })

  it('sends the HTML version beside the text, and keeps non-ASCII subjects and text', async () => {
    const mailer = createSmtpMailer({ smtpUrl: server.url, from })
    await mailer.send({
      to: 'siân.o’neill@nhs.example',
      subject: 'Your bursary application – Zoë’s round',
      text: `Read it here: ${signInLink}.`,
      html: `<p>Read it <a href="${signInLink}">here</a>.</p>`,
    })
    await mailer.close()

    const received = await server.waitForMessage((message) => message.subject.includes('bursary'))
    expect(received.subject).toBe('Your bursary application – Zoë’s round')
    expect(received.text).toBe(`Read it here: ${signInLink}.`)
    expect(extractLinks(received.text)).toEqual([signInLink])
    expect(received.html).toContain(`href="${signInLink}"`)
  })

  it('waits for a message that has not arrived yet, and says what did arrive when none matches', async () => {
    const mailer = createSmtpMailer({ smtpUrl: server.url, from })
    const waiting = server.waitForMessage((message) => message.subject === 'Late news', 5_000)
    await mailer.send({ to: 'late@nhs.example', subject: 'Late news', text: 'Arrives after the wait began.' })
    expect((await waiting).to).toBe('late@nhs.example')
    await expect(server.waitForMessage((message) => message.subject === 'Never sent', 50)).rejects.toThrow(
      /No matching email arrived within 50 ms; received: "Sign in to Trellis"/,
    )
    await mailer.close()
  })
})

describe('the SMTP mailer when the server refuses', () => {
  const password = 's3cret-P@ss:w/rd'

  it('rejects a refused recipient with the server’s reason, naming the server without its password', async () => {
    const server = await startSmtpTestServer({
      credentials: { user: 'trellis', pass: password },
      rejectRecipient: (address) => address.endsWith('@nowhere.example'),
    })
    try {
      expect(server.url).toContain(encodeURIComponent(password))
      const mailer = createSmtpMailer({ smtpUrl: server.url, from })
      const sending = mailer.send({ to: 'ghost@nowhere.example', subject: 'Sign in', text: signInLink })
      await expect(sending).rejects.toBeInstanceOf(EmailNotSentError)
      const error = (await sending.catch((caught: unknown) => caught)) as EmailNotSentError
      expect(error.message).toContain(`through smtp://127.0.0.1:${server.port}`)
      expect(error.message).toContain('Recipient address rejected')
      expect(error.responseCode).toBe(550)
      expectNoSecrets(error, password)
      expect(JSON.stringify(error)).not.toContain('token=')
      expect(server.messages).toHaveLength(0)

      // The same server takes a message to a mailbox it knows, with the same credentials.
      await mailer.send({ to: 'known@nhs.example', subject: 'Sign in', text: 'Hello' })
      expect(server.messages).toHaveLength(1)
      await mailer.close()
    } finally {
      await server.close()
    }
  })

  it('rejects a failed sign-in to the server without repeating the password, even when the server does', async () => {
    const server = await startSmtpTestServer({
      credentials: { user: 'trellis', pass: 'the-right-one' },
      authFailureMessage: `Authentication failed for password ${password}`,
    })
    try {
      const url = new URL(server.url)
      url.password = encodeURIComponent(password)
      const mailer = createSmtpMailer({ smtpUrl: url.href, from })
      const error = (await mailer
        .send({ to: 'asha.patel@nhs.example', subject: 'Sign in', text: signInLink })
        .catch((caught: unknown) => caught)) as EmailNotSentError
      expect(error).toBeInstanceOf(EmailNotSentError)
      expect(error.code).toBe('EAUTH')
      expect(error.message).toContain('[redacted]')
      expectNoSecrets(error, password)
      await mailer.close()
    } finally {
      await server.close()
    }
  })

  it('rejects when no server is listening, without the password', async () => {
    const server = await startSmtpTestServer()
    await server.close()
    const mailer = createSmtpMailer({
      smtpUrl: `smtp://trellis:${encodeURIComponent(password)}@127.0.0.1:${server.port}`,
      from,
    })
    const error = (await mailer
      .send({ to: 'asha.patel@nhs.example', subject: 'Sign in', text: 'Hello' })
      .catch((caught: unknown) => caught)) as EmailNotSentError
    expect(error).toBeInstanceOf(EmailNotSentError)
    expect(error.code).toBe('ESOCKET')
    expectNoSecrets(error, password)
    await mailer.close()
  })
})

function expectNoSecrets(error: Error, password: string): void {
  const everything = `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`
  for (const form of [password, encodeURIComponent(password)]) expect(everything).not.toContain(form)
  expect(error.cause).toBeUndefined()
}

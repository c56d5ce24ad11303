import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts'
import type { Config } from '../../config.ts'
import { registerAccessControl, type RegisteredRoute } from '../http/access-control.ts'
import { registerErrorHandling } from '../http/error-handling.ts'
import { registerSecurityHeaders } from '../http/security-headers.ts'
import { registerViews } from '../views/view-engine.ts'
import { createEmailOutbox, createOutboxMailer } from './email-outbox.ts'
import { findLinks, registerOutboxPages, splitIntoParagraphs } from './outbox-pages.ts'

/**
 * The outbox pages on their own, in the same pipeline as src/app.ts builds around them: security headers,
 * views, the nonce for the layout's script, error pages and access control.
 */
async function buildOutboxApp(
  db: TestDatabase,
  environment: Config['environment'],
): Promise<{ app: FastifyInstance; routes: RegisteredRoute[] }> {
  const app = Fastify({ logger: false })
  registerSecurityHeaders(app, { isProduction: environment === 'production' })
  await registerViews(app, { cacheTemplates: true })
  app.addHook('preHandler', (request, reply, done) => {
    reply.locals = { ...reply.locals, cspNonce: request.cspNonce }
    done()
  })
  registerErrorHandling(app)
  const routes = registerAccessControl(app)
  registerOutboxPages(app, { outbox: createEmailOutbox(db.database), environment })
  await app.ready()
  return { app, routes }
}

const hostileText = [
  'Hello <b>Sam</b> & team,',
  '',
  'Confirm your address: http://localhost:3000/sign-up/confirm?token=abc123&next=%2Fplan.',
  'Not a link: javascript:alert(1) or <script>alert("x")</script>',
  'Sneaky: https://evil.example/"><img src=x onerror=alert(1)>',
  '',
  '',
  '(See https://www.nihr.ac.uk/career-development/clinical-research-courses-and-support)',
].join('\n')

describe('the development outbox pages', () => {
  let db: TestDatabase
  let app: FastifyInstance
  let routes: RegisteredRoute[]
  const get = (url: string) => app.inject({ method: 'GET', url })

  beforeAll(async () => {
    db = await openTestDatabase('pglite')
    const mailer = createOutboxMailer(db.database)
    await mailer.send({
      to: 'asha.patel@nhs.example',
      subject: 'Sign in to Trellis',
      text: 'Sign in: http://localhost:3000/sign-in/verify?token=first',
    })
    await mailer.send({ to: 'sam.jones@nhs.example', subject: 'Confirm <your> email', text: hostileText })
    ;({ app, routes } = await buildOutboxApp(db, 'development'))
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('lists the messages newest first, with recipient, time and a link to each, under a warning', async () => {
    const response = await get('/dev/outbox')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const page = parsePage(response.body)
    expect(page.title).toBe('Email outbox – Trellis – NHS')
    expect(page.mainText).toContain(
      'Development only Messages are kept here because no SMTP server is configured.',
    )
    expect(page.mainText).toContain('2 messages.')
    const rows = page.root.querySelectorAll('main tbody tr').map((row) => row.text.replace(/\s+/g, ' '))
    expect(rows[0]).toContain('Confirm <your> email')
    expect(rows[0]).toContain('sam.jones@nhs.example')
    expect(rows[1]).toContain('asha.patel@nhs.example')
    expect(rows[1]).toMatch(/\d{1,2} \w+ \d{4} at \d{2}:\d{2}:\d{2}/)
    expect(response.body).not.toContain('Confirm <your> email')
    const [newest, oldest] = await createEmailOutbox(db.database).list({ limit: 2 })
    expect(page.links().filter((link) => link.href.startsWith('/dev/outbox/'))).toEqual([
      { text: 'Confirm <your> email', href: `/dev/outbox/${newest!.id}` },
      { text: 'Sign in to Trellis', href: `/dev/outbox/${oldest!.id}` },
    ])
    expect(page.root.querySelector('main time')?.getAttribute('datetime')).toBe(newest!.sentAt.toISOString())
  })

  it('lists one recipient’s messages when asked, and says when there are none', async () => {
    const page = parsePage((await get('/dev/outbox?to=ASHA.PATEL%40nhs.example')).body)
    expect(page.mainText).toContain('1 message to ASHA.PATEL@nhs.example.')
    expect(page.links().map((link) => link.text)).toEqual(['Show every message', 'Sign in to Trellis'])
    const none = parsePage((await get('/dev/outbox?to=nobody%40nhs.example')).body)
    expect(none.mainText).toContain('0 messages to nobody@nhs.example.')
    expect(none.root.querySelector('main table')).toBeNull()
  })

  it('shows a message’s text with its http(s) links clickable and everything else escaped', async () => {
    const [newest] = await createEmailOutbox(db.database).list({ limit: 1 })
    const response = await get(`/dev/outbox/${newest!.id}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const page = parsePage(response.body)
    expect(page.h1).toBe('Confirm <your> email')
    expect(page.title).toBe('Confirm <your> email – Trellis – NHS')
    expect(page.mainText).toContain('sam.jones@nhs.example')
    expect(page.mainText).toContain('Not a link: javascript:alert(1) or <script>alert("x")</script>')
    expect(page.links().filter((link) => link.text !== 'Email outbox')).toEqual([
      {
        text: 'http://localhost:3000/sign-up/confirm?token=abc123&next=%2Fplan',
        href: 'http://localhost:3000/sign-up/confirm?token=abc123&next=%2Fplan',
      },
      { text: 'https://evil.example/', href: 'https://evil.example/' },
      {
        text: 'https://www.nihr.ac.uk/career-development/clinical-research-courses-and-support',
        href: 'https://www.nihr.ac.uk/career-development/clinical-research-courses-and-support',
      },
    ])
    expect(response.body).not.toContain('<script>alert')
    expect(response.body).not.toContain('<img src=x')
    expect(response.body).not.toContain('<b>Sam</b>')
    expect(page.root.querySelectorAll('main .trellis-url p')).toHaveLength(3)
  })

  it('answers 404 for a message it does not hold and 400 for an address that is not a message number', async () => {
    const missing = await get('/dev/outbox/999999')
    expect(missing.statusCode).toBe(404)
    expect(parsePage(missing.body).mainText).toContain('There is no message 999999 in the outbox.')
    expect((await get('/dev/outbox/abc')).statusCode).toBe(400)
    expect((await get('/dev/outbox?recipient=x')).statusCode).toBe(400)
  })

  it('declares both routes development-only for access control', () => {
    expect(routes.filter((route) => route.url.startsWith('/dev/'))).toEqual([
      { method: 'GET', url: '/dev/outbox', policy: { access: 'development-only' } },
      { method: 'GET', url: '/dev/outbox/:id', policy: { access: 'development-only' } },
    ])
  })

  it('does not exist in production', async () => {
    const production = await buildOutboxApp(db, 'production')
    try {
      const [newest] = await createEmailOutbox(db.database).list({ limit: 1 })
      for (const url of ['/dev/outbox', `/dev/outbox/${newest!.id}`]) {
        const response = await production.app.inject({ method: 'GET', url })
        expect(response.statusCode).toBe(404)
        expect(response.body).not.toContain('sam.jones@nhs.example')
      }
      expect(production.routes.filter((route) => route.url.startsWith('/dev/'))).toEqual([])
    } finally {
      await production.app.close()
    }
  })
})

describe('a message’s text as paragraphs, lines and links', () => {
  it('splits paragraphs at blank lines and keeps line breaks within them', () => {
    expect(splitIntoParagraphs('One\r\ntwo\n\n\n  \nThree\n')).toEqual([
      [[{ text: 'One' }], [{ text: 'two' }]],
      [[{ text: 'Three' }]],
    ])
    expect(splitIntoParagraphs('')).toEqual([])
  })

  it('links http and https URLs only, leaving sentence punctuation and unopened brackets outside', () => {
    expect(findLinks('Go to https://a.example/x?y=1, then (http://b.example/wiki/C_(d)).')).toEqual([
      { text: 'Go to ' },
      { text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { text: ', then (' },
      { text: 'http://b.example/wiki/C_(d)', href: 'http://b.example/wiki/C_(d)' },
      { text: ').' },
    ])
    expect(findLinks('ftp://a.example javascript:alert(1) data:text/html,x')).toEqual([
      { text: 'ftp://a.example javascript:alert(1) data:text/html,x' },
    ])
    expect(findLinks('http://[bad and HTTPS://NHS.example')).toEqual([
      { text: 'http://[bad and ' },
      { text: 'HTTPS://NHS.example', href: 'https://nhs.example/' },
    ])
  })
})

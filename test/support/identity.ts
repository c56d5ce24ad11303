import { randomUUID } from 'node:crypto'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe } from 'vitest'
import type { ServiceSettings } from '../../src/composition.ts'
import {
  createAccountRepository,
  createMembershipRepository,
  isNhsEmailDomain,
  normaliseEmail,
} from '../../src/modules/identity/index.ts'
import type { Database } from '../../src/platform/database/database.ts'
import { parsePage, type PageView } from './html.ts'
import { startSmtpTestServer, type ReceivedMessage, type SmtpTestServer } from './smtp-test-server.ts'
import { createTestApp, testServiceSettings, type TestApp, type TestAppOptions } from './test-app.ts'
import { testEngines, type EngineName } from './test-database.ts'

/** The session cookie's name outside production. */
export const sessionCookieName = 'trellis_session'

/** The password every person made by `createPerson` has unless a test gives another. */
export const testPassword = 'correct horse battery staple'

// A clock tests can move ------------------------------------------------------------------------------------

/** Real time plus an offset a test can move forward, given to the services as `settings.now`. */
export interface MovableClock {
  readonly now: () => Date
  advance(milliseconds: number): void
  advanceMinutes(minutes: number): void
}

export function createMovableClock(): MovableClock {
  let offset = 0
  return {
    now: () => new Date(Date.now() + offset),
    advance(milliseconds) {
      offset += milliseconds
    },
    advanceMinutes(minutes) {
      offset += minutes * 60_000
    },
  }
}

// A browser: a cookie jar and an address over app.inject -------------------------------------------------

let addressCounter = 0

/** A different client address each time, so that one test's attempts never count towards another's limits. */
export function nextClientAddress(): string {
  addressCounter += 1
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`
}

export type FormFields = Readonly<Record<string, string | readonly string[]>>

/**
 * What a person's browser does to Trellis: keeps the cookies it is given (and forgets cleared ones), sends them
 * back, comes from one address, and posts forms with the CSRF token the last form it loaded carried.
 */
export class TestBrowser {
  readonly cookies: Map<string, string>
  readonly remoteAddress: string
  #csrf: { readonly binding: string; readonly token: string } | undefined

  constructor(
    private readonly app: FastifyInstance,
    options: { readonly remoteAddress?: string; readonly cookies?: Map<string, string> } = {},
  ) {
    this.remoteAddress = options.remoteAddress ?? nextClientAddress()
    this.cookies = options.cookies ?? new Map()
  }

  /** This same browser (its cookies, its address) when a load balancer sends it to another instance. */
  via(app: FastifyInstance): TestBrowser {
    return new TestBrowser(app, { remoteAddress: this.remoteAddress, cookies: this.cookies })
  }

  /** The session cookie's value, if the browser holds one. */
  get sessionToken(): string | undefined {
    return this.cookies.get(sessionCookieName)
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      remoteAddress: this.remoteAddress,
      ...options,
      cookies: { ...Object.fromEntries(this.cookies), ...(options.cookies as Record<string, string>) },
    })
    for (const cookie of response.cookies as { name: string; value: string; expires?: Date }[]) {
      const cleared = cookie.value === '' || (cookie.expires !== undefined && cookie.expires <= new Date(0))
      if (cleared) this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    const token = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(response.body)?.[1]
    if (token !== undefined) this.#csrf = { binding: this.#binding(), token }
    return response
  }

  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url, headers })
  }

  /** GETs a page and parses it. */
  async page(url: string): Promise<PageView & { readonly status: number }> {
    const response = await this.get(url)
    return { ...parsePage(response.body), status: response.statusCode }
  }

  /**
   * Posts a form as the browser would from a page it loaded: with the `_csrf` of the last form it saw for its
   * current cookies (loading the sign-up form first when it has seen none). `csrf: null` leaves it out.
   */
  async post(
    url: string,
    fields: FormFields = {},
    options: { readonly csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = options.csrf === undefined ? await this.csrfToken() : options.csrf
    return this.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: encodeForm(csrf === null ? fields : { ...fields, _csrf: csrf }),
    })
  }

  /**
   * A JSON request to the API, with the CSRF header a signed-in client takes from GET /api/v1/me (or, not
   * signed in, the token of this browser's forms).
   */
  async api(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    options: { readonly csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf =
      method === 'GET'
        ? null
        : options.csrf !== undefined
          ? options.csrf
          : this.sessionToken === undefined
            ? await this.csrfToken()
            : await this.apiCsrfToken()
    return this.request({
      method,
      url,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    })
  }

  /** The token of the last form loaded with the current cookies; loads a form when there is none. */
  async csrfToken(): Promise<string> {
    if (this.#csrf?.binding !== this.#binding()) await this.get('/sign-up')
    if (this.#csrf === undefined) throw new Error('The sign-up form carried no CSRF token')
    return this.#csrf.token
  }

  /** The token GET /api/v1/me gives a signed-in API client. */
  async apiCsrfToken(): Promise<string> {
    const response = await this.get('/api/v1/me')
    if (response.statusCode !== 200) throw new Error(`GET /api/v1/me answered ${response.statusCode}`)
    return (response.json() as { csrfToken: string }).csrfToken
  }

  #binding(): string {
    return `${this.cookies.get(sessionCookieName) ?? ''}|${this.cookies.get('trellis_csrf') ?? ''}`
  }
}

export function encodeForm(fields: FormFields): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    for (const item of typeof value === 'string' ? [value] : value) params.append(name, item)
  }
  return params.toString()
}

/** The value of a Set-Cookie header for one cookie, with its attributes. */
export function setCookieHeader(response: LightMyRequestResponse, name: string): string | undefined {
  const header = response.headers['set-cookie']
  const all = header === undefined ? [] : Array.isArray(header) ? header : [String(header)]
  return all.find((value) => value.startsWith(`${name}=`))
}

// People ----------------------------------------------------------------------------------------------------

export interface PersonOptions {
  readonly email?: string
  readonly fullName?: string
  readonly password?: string | null
  readonly professionId?: string | null
  readonly registrationNumber?: string | null
  /** False for an account whose address is not confirmed yet. */
  readonly verified?: boolean
  readonly memberships?: readonly { readonly organisationId: string; readonly roles: readonly string[] }[]
}

export interface Person {
  readonly id: string
  readonly email: string
  readonly fullName: string
  readonly password: string | null
}

/** A unique address on a domain: `nhs.net` gives an NHS address, `example.com` does not. */
export function uniqueEmail(name = 'person', domain = 'example.com'): string {
  return `${name}.${randomUUID().slice(0, 8)}@${domain}`
}

/**
 * An account made directly through the repositories (quicker than the emailed-link journey, which tests of
 * sign-up walk through instead), with a password hashed the way the app hashes it, and memberships.
 */
export async function createPerson(database: Database, options: PersonOptions = {}): Promise<Person> {
  const email = normaliseEmail(options.email ?? uniqueEmail())
  const password = options.password === undefined ? testPassword : options.password
  const fullName = options.fullName ?? 'Sam Taylor'
  const verified = options.verified ?? true
  const id = randomUUID()
  const hashing = testServiceSettings().passwordHashing!
  const passwordHash = password === null ? null : await hashing.hash(password)
  const accounts = createAccountRepository(database)
  const memberships = createMembershipRepository(database)
  await database.transaction(async (tx) => {
    await accounts.insertUser(tx, {
      id,
      fullName,
      email,
      emailVerifiedAt: verified ? new Date() : null,
      isNhsEmail: verified && isNhsEmailDomain(email),
      professionId: options.professionId === undefined ? 'nurse' : options.professionId,
      registrationNumber: options.registrationNumber === undefined ? '71A2998E' : options.registrationNumber,
      passwordHash,
    })
    for (const membership of options.memberships ?? []) {
      await memberships.setRoles(
        tx,
        id,
        membership.organisationId,
        membership.roles as Parameters<typeof memberships.setRoles>[3],
        new Date(),
      )
    }
  })
  return { id, email, fullName, password }
}

/**
 * A browser signed in as `person` through a session the account service starts (what every way of signing in
 * ends with). Tests of signing in itself use the pages instead.
 */
export async function signedInBrowser(
  testApp: Pick<TestApp, 'app' | 'services' | 'db'>,
  person: Person,
  options: { readonly remoteAddress?: string } = {},
): Promise<TestBrowser> {
  const browser = new TestBrowser(testApp.app, options)
  const session = await testApp.db.database.transaction((tx) =>
    testApp.services.accounts.startSession(tx, person.id, 'password', {
      requestId: randomUUID(),
      ip: browser.remoteAddress,
      userAgent: 'vitest',
    }),
  )
  browser.cookies.set(sessionCookieName, session.token)
  return browser
}

// Email ------------------------------------------------------------------------------------------------------

/**
 * The messages a real SMTP server received, read once each: `next` waits for the first one not yet read that
 * was sent to this address (and has this subject, when given).
 */
export class Mailbox {
  readonly #read = new Set<ReceivedMessage>()

  constructor(readonly server: SmtpTestServer) {}

  async next(to: string, subject?: string | RegExp): Promise<ReceivedMessage> {
    const message = await this.server.waitForMessage(
      (m) =>
        !this.#read.has(m) &&
        m.envelope.to.includes(normaliseEmail(to)) &&
        (subject === undefined ||
          (typeof subject === 'string' ? m.subject === subject : subject.test(m.subject))),
    )
    this.#read.add(message)
    return message
  }

  /** Every message sent to this address so far, read or not. */
  allTo(to: string): ReceivedMessage[] {
    return this.server.messages.filter((m) => m.envelope.to.includes(normaliseEmail(to)))
  }

  /** The path and query of the one link in a message that goes to Trellis. */
  static linkIn(message: ReceivedMessage, path: string): string {
    const link = [...message.text.matchAll(/https?:\/\/[^\s<>"]+/g)]
      .map((match) => new URL(match[0]))
      .find((url) => url.pathname === path)
    if (link === undefined) throw new Error(`No link to ${path} in "${message.subject}":\n${message.text}`)
    return `${link.pathname}${link.search}`
  }
}

/**
 * A second instance of the same deployment as `first`: the same session secret and clock, on the same
 * database — through a pool of its own on the PostgreSQL server, or over the same PGlite database (which has
 * one connection).
 */
export async function startAnotherInstance(first: IdentityTestApp): Promise<TestApp> {
  const ownPool = first.engine === 'postgresql' ? await first.db.openAnotherInstance!() : undefined
  const second = await createTestApp(first.engine, {
    database: ownPool ?? first.db.database,
    sessionSecret: first.sessionSecret,
    settings: { now: first.clock.now },
  })
  return {
    ...second,
    async close() {
      await second.close()
      await ownPool?.close()
    },
  }
}

/** Where a link in an email leads, as a path for `app.inject`, and the token it carries. */
export function tokenOfLink(link: string): string {
  const token = new URL(link, 'http://localhost').searchParams.get('token')
  if (token === null) throw new Error(`No token in ${link}`)
  return token
}

/** A password that passes every rule, for sign-up forms. */
export const strongSignUpPassword = 'plum tractor velvet ocean'

/** Sign-up form fields that pass every check, for `email`. */
export function signUpFields(
  email: string,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    fullName: 'Asha Patel',
    email,
    profession: 'nurse',
    registrationNumber: '71A2998E',
    password: strongSignUpPassword,
    confirmPassword: strongSignUpPassword,
    ...overrides,
  }
}

/**
 * An account made the way a person makes one: the sign-up form, the link in the email that arrives through
 * SMTP, the confirmation page and its button. Returns the browser, now signed in, and the email.
 */
export async function signUpThroughEmail(
  app: IdentityTestApp,
  email: string,
  overrides: Readonly<Record<string, string>> = {},
): Promise<{ readonly browser: TestBrowser; readonly message: ReceivedMessage }> {
  const browser = app.browser()
  await browser.get('/sign-up')
  const posted = await browser.post('/sign-up', signUpFields(email, overrides))
  if (posted.statusCode !== 303) throw new Error(`Sign-up answered ${posted.statusCode}:\n${posted.body}`)
  const message = await app.mail.next(email, 'Confirm your email address for Trellis')
  const link = Mailbox.linkIn(message, '/verify-email')
  const confirmation = await browser.get(link)
  if (confirmation.statusCode !== 200) throw new Error(`The link answered ${confirmation.statusCode}`)
  const confirmed = await browser.post('/verify-email', { token: tokenOfLink(link) })
  if (confirmed.statusCode !== 303) throw new Error(`Confirming answered ${confirmed.statusCode}`)
  return { browser, message }
}

// One app per engine, with a real SMTP server and a clock --------------------------------------------------

export interface IdentityTestApp extends TestApp {
  readonly engine: EngineName
  readonly clock: MovableClock
  readonly mail: Mailbox
  /** A new browser, from an address of its own. */
  browser(options?: { readonly remoteAddress?: string }): TestBrowser
  /** A new person, made through the repositories. */
  person(options?: PersonOptions): Promise<Person>
  /** A browser signed in as `person`. */
  signIn(person: Person, options?: { readonly remoteAddress?: string }): Promise<TestBrowser>
  /** One number from SQL. */
  count(sql: string, params?: readonly unknown[]): Promise<number>
}

/**
 * Declares an HTTP suite once and runs it on every engine against the real app, built once per engine, with a
 * real SMTP server for its email and a clock the suite can move forward.
 */
export function describeEachIdentityApp(
  name: string,
  suite: (context: { readonly engine: EngineName; app: () => IdentityTestApp }) => void,
  options: { readonly settings?: Partial<ServiceSettings>; readonly app?: TestAppOptions } = {},
): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine}]`, () => {
      let context: IdentityTestApp | undefined
      beforeAll(async () => {
        const smtp = await startSmtpTestServer()
        const clock = createMovableClock()
        const testApp = await createTestApp(engine, {
          ...options.app,
          settings: { smtpUrl: smtp.url, now: clock.now, ...options.settings },
        })
        const database = testApp.db.database
        context = {
          ...testApp,
          engine,
          clock,
          mail: new Mailbox(smtp),
          browser: (browserOptions) => new TestBrowser(testApp.app, browserOptions),
          person: (personOptions) => createPerson(database, personOptions),
          signIn: (person, browserOptions) => signedInBrowser(testApp, person, browserOptions),
          count: async (sql, params) => {
            const [row] = await database.query<{ count: number | string }>(sql, params)
            return Number(row?.count ?? 0)
          },
          close: async () => {
            await testApp.close()
            await smtp.close()
          },
        }
      })
      afterAll(async () => {
        await context?.close()
      })
      suite({
        engine,
        app: () => {
          if (context === undefined) throw new Error('the test app is not running yet')
          return context
        },
      })
    })
  }
}

// Routes ----------------------------------------------------------------------------------------------------

/**
 * A route's address with its path parameters filled in from `values` (a parameter without a value keeps its
 * name, so that the address still reaches the route) and a wildcard filled with `wildcard`.
 */
export function fillPath(
  url: string,
  values: Readonly<Record<string, string>>,
  wildcard = 'trellis.css',
): { readonly url: string; readonly params: Record<string, string> } {
  const params: Record<string, string> = {}
  const filled = url
    .replace(/:(\w+)/g, (_match, name: string) => {
      params[name] = values[name] ?? name
      return encodeURIComponent(params[name])
    })
    .replace(/\*$/, () => {
      params['*'] = wildcard
      return wildcard
    })
  return { url: filled, params }
}

/** Whether to write docs/authorisation.md from the authorisation matrix test (WRITE_AUTHORISATION_DOC=1). */
export function isAuthorisationDocWanted(): boolean {
  return process.env.WRITE_AUTHORISATION_DOC === '1'
}

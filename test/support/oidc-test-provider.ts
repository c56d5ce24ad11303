import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import Provider, { type JWK } from 'oidc-provider'

/**
 * A real OpenID provider (the certified `oidc-provider`) on 127.0.0.1, for end-to-end sign-in tests: one
 * confidential client (client_secret_basic, PKCE required), accounts the test adds, and interactions a test
 * drives like a person would — a login form to post an account id to (or cancel), then consent, given at once.
 */

/** Claims of an account at the provider; `sub` names it. */
export interface TestProviderAccount {
  readonly sub: string
  readonly email?: string
  readonly email_verified?: boolean
  readonly name?: string
  readonly given_name?: string
  readonly family_name?: string
}

export interface OidcTestProvider {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** Every authorization request the provider received, in order. */
  readonly authorizationRequests: readonly URL[]
  addAccount(account: TestProviderAccount): void
  close(): Promise<void>
}

export interface OidcTestProviderOptions {
  /** Where the client may be sent back to: the app's callback address, exactly. */
  readonly redirectUris: readonly string[]
  readonly accounts?: readonly TestProviderAccount[]
  /** A port chosen beforehand (reserveLocalPort); any free one otherwise. */
  readonly port?: number
  /** Random unless given. */
  readonly clientSecret?: string
}

/** A free port on 127.0.0.1, for a server that must know its own address before it starts (its public URL). */
export async function reserveLocalPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  const accounts = new Map<string, TestProviderAccount>()
  for (const account of options.accounts ?? []) accounts.set(account.sub, account)
  const authorizationRequests: URL[] = []
  const clientId = 'trellis-test'
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url')

  // Listening first: the issuer is the address, and the provider needs its issuer to be made.
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_context, interaction) => `/interaction/${interaction.uid}` },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Seconds, given so that the provider does not warn that it is using its defaults.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    jwks: { keys: [signingKey as JWK] },
    async findAccount(_context, sub) {
      const account = accounts.get(sub)
      if (account === undefined) return undefined
      return { accountId: sub, claims: async () => ({ ...account }) }
    },
  })

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', issuer)
    if (url.pathname === '/auth') authorizationRequests.push(url)
    if (url.pathname.startsWith('/interaction/')) {
      handleInteraction(provider, accounts, request, response, url).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
      })
      return
    }
    void provider.callback()(request, response)
  })

  return {
    issuer,
    clientId,
    clientSecret,
    authorizationRequests,
    addAccount(account) {
      accounts.set(account.sub, account)
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * The provider's pages a person sees: GET shows the login form (or, at the consent prompt, grants what the
 * client asked for and goes on); POST …/login signs in as the account posted; POST …/abort cancels.
 */
async function handleInteraction(
  provider: Provider,
  accounts: ReadonlyMap<string, TestProviderAccount>,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const [, , uid, action] = url.pathname.split('/')
  const details = await provider.interactionDetails(request, response)
  if (request.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(
      request,
      response,
      { error: 'access_denied', error_description: 'The person cancelled signing in' },
      { mergeWithLastSubmission: false },
    )
  }
  if (request.method === 'POST' && action === 'login') {
    const account = new URLSearchParams(await readBody(request)).get('account') ?? ''
    if (!accounts.has(account)) {
      response.writeHead(200, { 'content-type': 'text/html' }).end(loginPage(uid!, 'No such account'))
      return
    }
    return provider.interactionFinished(
      request,
      response,
      { login: { accountId: account } },
      { mergeWithLastSubmission: false },
    )
  }
  if (details.prompt.name === 'login') {
    response.writeHead(200, { 'content-type': 'text/html' }).end(loginPage(uid!))
    return
  }
  // Consent: grant the scopes and claims the client asked for.
  const accountId = details.session?.accountId
  const grant =
    details.grantId === undefined
      ? new provider.Grant({ accountId, clientId: details.params.client_id as string })
      : await provider.Grant.find(details.grantId)
  if (grant === undefined) throw new Error('The grant has gone')
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
  const grantId = await grant.save()
  return provider.interactionFinished(
    request,
    response,
    { consent: details.grantId === undefined ? { grantId } : {} },
    { mergeWithLastSubmission: true },
  )
}

function loginPage(uid: string, problem = ''): string {
  return `<!doctype html><title>Sign in</title><p>${problem}</p>
<form method="post" action="/interaction/${uid}/login"><input name="account"><button>Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button>Cancel</button></form>`
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

interface StoredCookie {
  readonly host: string
  readonly name: string
  readonly value: string
  readonly path: string
}

/**
 * A browser over real HTTP for journeys that leave Trellis: it keeps cookies per host (as browsers do, not per
 * port) and path, sends them back, and follows redirects one at a time so that a test can stop before any.
 */
export class HttpBrowser {
  #cookies: StoredCookie[] = []

  cookie(host: string, name: string): string | undefined {
    return this.#cookies.find((cookie) => cookie.host === host && cookie.name === name)?.value
  }

  async request(
    url: string | URL,
    init: { readonly method?: 'GET' | 'POST'; readonly form?: Readonly<Record<string, string>> } = {},
  ): Promise<Response> {
    const target = new URL(url)
    const headers: Record<string, string> = {}
    const cookies = this.#cookies.filter(
      (cookie) =>
        cookie.host === target.hostname &&
        (target.pathname === cookie.path ||
          target.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)),
    )
    if (cookies.length > 0)
      headers.cookie = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ')
    let body: string | undefined
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const response = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
    for (const header of response.headers.getSetCookie()) this.#store(target, header)
    return response
  }

  /**
   * Requests `url`, then follows redirects until a page that is not one — or until the next address would be
   * one `stopBefore` names, which is returned unrequested.
   */
  async navigate(
    url: string | URL,
    options: {
      readonly form?: Readonly<Record<string, string>>
      readonly stopBefore?: (next: URL) => boolean
    } = {},
  ): Promise<{ readonly response: Response | null; readonly url: URL }> {
    let current = new URL(url)
    let response = await this.request(current, options.form ? { method: 'POST', form: options.form } : {})
    for (let hops = 0; response.status >= 300 && response.status < 400; hops += 1) {
      if (hops > 20) throw new Error('Too many redirects')
      const location = response.headers.get('location')
      if (location === null) break
      await response.body?.cancel()
      current = new URL(location, current)
      if (options.stopBefore?.(current) === true) return { response: null, url: current }
      response = await this.request(current)
    }
    return { response, url: current }
  }

  #store(url: URL, header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
    const at = pair.indexOf('=')
    const name = pair.slice(0, at)
    const value = pair.slice(at + 1)
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/'
    let expired = value === ''
    for (const attribute of attributes) {
      const [key = '', setting = ''] = attribute.split('=')
      if (key.toLowerCase() === 'path') path = setting || '/'
      if (key.toLowerCase() === 'max-age' && Number(setting) <= 0) expired = true
      if (key.toLowerCase() === 'expires' && Date.parse(setting) < Date.now()) expired = true
    }
    this.#cookies = this.#cookies.filter(
      (cookie) => !(cookie.host === url.hostname && cookie.name === name && cookie.path === path),
    )
    if (!expired) this.#cookies.push({ host: url.hostname, name, value, path })
  }
}

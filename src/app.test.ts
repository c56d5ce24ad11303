import { expect, it } from 'vitest'
import { describeEachApp } from '../test/support/each-engine.ts'
import { parsePage } from '../test/support/html.ts'

describeEachApp('the app', ({ engine, app }) => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    app().app.inject({ method: 'GET', url, headers })

  it('reports its health and which database engine it runs on', async () => {
    const response = await get('/health')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok', database: engine })
  })

  it('sends security headers, with a script nonce that matches the page and changes every time', async () => {
    const first = await get('/')
    const second = await get('/')
    const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1]
    const firstNonce = nonceOf(String(first.headers['content-security-policy']))
    const secondNonce = nonceOf(String(second.headers['content-security-policy']))
    expect(firstNonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(secondNonce).not.toBe(firstNonce)
    // The second response came from the cache, but carries its own request's nonce and nobody else's.
    expect(second.headers['x-cache']).toBe('hit')
    expect(second.body).toContain(`nonce="${secondNonce}"`)
    expect(second.body).not.toContain(firstNonce)
    expect(second.body.replaceAll(secondNonce!, firstNonce!)).toBe(first.body)
    const policy = String(first.headers['content-security-policy'])
    expect(policy).not.toContain('unsafe-inline')
    expect(policy).toContain("frame-ancestors 'none'")
    expect(first.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
    })
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id'])
  })

  it('gives a cached error-free page with no script the same bytes to everyone', async () => {
    const first = await get('/api/v1/stages')
    const second = await get('/api/v1/stages')
    expect(second.headers['x-cache']).toBe('hit')
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true)
  })

  it('answers an unknown page with the NHS "Page not found" page', async () => {
    const response = await get('/no-such-page')
    expect(response.statusCode).toBe(404)
    const page = parsePage(response.body)
    expect(page.h1).toBe('Page not found')
    expect(page.title).toBe('Page not found – Trellis – NHS')
  })

  it('answers an unknown API address with problem+json', async () => {
    const response = await get('/api/v1/no-such-thing')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()).toMatchObject({
      status: 404,
      title: 'Page not found',
      instance: '/api/v1/no-such-thing',
    })
  })

  it('refuses a parameter the address does not take, naming it', async () => {
    const response = await get('/api/v1/schemes?profesion=nurse')
    expect(response.statusCode).toBe(400)
    expect(response.json()['invalid-params']).toEqual([
      { name: 'profesion', reason: 'is not a query parameter of this address' },
    ])
  })

  it('escapes what people type wherever it is shown', async () => {
    const response = await get('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('serves the NHS.UK frontend assets and its own', async () => {
    for (const url of [
      '/assets/nhsuk-frontend.min.css',
      '/assets/nhsuk-frontend.min.js',
      '/assets/trellis.css',
      '/assets/trellis.js',
      '/assets/images/favicon.svg',
    ]) {
      expect((await get(url)).statusCode, url).toBe(200)
    }
  })

  it('describes every API route in OpenAPI 3.1, including the ones integrators rely on', async () => {
    const response = await get('/api/openapi.json')
    expect(response.statusCode).toBe(200)
    const document = response.json()
    expect(document.openapi).toBe('3.1.0')
    for (const path of [
      '/health',
      '/api/v1/professions',
      '/api/v1/stages',
      '/api/v1/schemes',
      '/api/v1/framework',
      '/api/v1/providers',
      '/api/v1/organisations',
      '/api/v1/search',
    ]) {
      expect(document.paths[path]?.get, path).toBeDefined()
    }
    const schemesParameters = document.paths['/api/v1/schemes'].get.parameters.map(
      (p: { name: string }) => p.name,
    )
    expect(schemesParameters).toEqual(['profession', 'stage', 'funder', 'page', 'pageSize'])
    expect(document.paths['/api/v1/search'].get.parameters[0]).toMatchObject({
      name: 'q',
      in: 'query',
      required: true,
    })
  })

  it('answers every route OpenAPI describes (no route described that does not exist)', async () => {
    const document = (await get('/api/openapi.json')).json()
    const examples: Record<string, string> = {
      professionId: 'nurse',
      schemeId: 'nihr-dcaf',
      providerId: 'university-of-exeter',
      programmeId: 'exeter-pgcert-leading-clinical-research-delivery',
      moduleId: 'exeter-doing-clinical-research',
      odsCode: 'RTD',
      organisationId: 'RTD',
    }
    type Operation = {
      parameters?: { name: string; required: boolean; in: string }[]
      security?: unknown[]
      requestBody?: unknown
    }
    for (const [path, operations] of Object.entries(
      document.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => examples[name] ?? name)
        const query = (operation.parameters ?? [])
          .filter((p) => p.in === 'query' && p.required)
          .map((p) => `${p.name}=nurse`)
        const response = await app().app.inject({
          method: method.toUpperCase() as 'GET' | 'POST',
          url: query.length > 0 ? `${url}?${query.join('&')}` : url,
        })
        // Routes for signed-in people exist and say so to a stranger (a POST first meets the CSRF check); a
        // public POST exists and asks for the body it was not sent.
        const expected =
          operation.security !== undefined
            ? method === 'get'
              ? 401
              : 403
            : operation.requestBody === undefined
              ? 200
              : 400
        expect(response.statusCode, `${method} ${url}`).toBe(expected)
      }
    }
  })
})
